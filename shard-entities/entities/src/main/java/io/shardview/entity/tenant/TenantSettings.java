package io.shardview.entity.tenant;

import com.typesafe.config.Config;
import io.shardview.circuit.budget.Budgets;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * Per-tenant limits and retention, from {@code shardview.tenant} (config/tenant.conf documents each key). Built from
 * the node's configuration ({@link #from}), or from the shipped defaults with a few changed:
 * {@code TenantSettings.defaults().withKeepSnapshots(1)}.
 */
public record TenantSettings(
        Budgets budgets,
        int historyMaxChanges,
        long historyMaxRows,
        int rememberedBatchIds,
        int snapshotEveryEvents,
        long snapshotEveryOps,
        int snapshotEventRows,
        double snapshotOpsPerStateRow,
        int keepSnapshots,
        boolean deleteEventsOnSnapshot,
        Duration passivateIdleAfter,
        int sqlMaxWaiting,
        int snapshotOnStopAfterEvents,
        int maxRecoveryFailures) {

    /** The values config/tenant.conf ships (a test of the node checks that they are the same). */
    public static TenantSettings defaults() {
        return new TenantSettings(
                new Budgets(10_000_000, 2L << 30, 2_000_000, 1000, 100_000),
                1000,
                20_000,
                10_000,
                10_000,
                200_000,
                10,
                1.0,
                2,
                false,
                Duration.ofMinutes(2),
                64,
                1,
                3);
    }

    /** Reads the settings from the node's configuration. */
    public static TenantSettings from(Config config) {
        Config c = config.getConfig("shardview.tenant");
        return new TenantSettings(
                budgets(c.getConfig("budgets")),
                c.getInt("change-history.max-changes"),
                c.getLong("change-history.max-rows"),
                c.getInt("remembered-batch-ids"),
                c.getInt("snapshot-every-events"),
                c.getLong("snapshot-every-ops"),
                c.getInt("snapshot-event-rows"),
                c.getDouble("snapshot-ops-per-state-row"),
                c.getInt("keep-snapshots"),
                c.getBoolean("delete-events-on-snapshot"),
                c.getDuration("passivate-idle-after"),
                c.getInt("sql.max-waiting-per-tenant"),
                c.getInt("snapshot-on-stop-after-events"),
                c.getInt("max-recovery-failures"));
    }

    /** The budgets every tenant has unless the admin set others for it, from {@code shardview.tenant.budgets}. */
    static Budgets budgets(Config c) {
        return new Budgets(
                c.getLong("max-state-rows"),
                c.getBytes("max-state-bytes"),
                c.getLong("max-rows-per-request"),
                c.getInt("max-views"),
                c.getInt("max-batch-ops"));
    }

    /** {@code budgets}: what a tenant may use, unless the admin set others for it. */
    public TenantSettings withBudgets(Budgets budgets) {
        return edit(e -> e.budgets = budgets);
    }

    /** {@code change-history.max-changes} and {@code max-rows}: what each view's change history retains. */
    public TenantSettings withHistory(int maxChanges, long maxRows) {
        return edit(e -> {
            e.historyMaxChanges = maxChanges;
            e.historyMaxRows = maxRows;
        });
    }

    /** {@code remembered-batch-ids}: how many batch ids (and SQL request keys) a tenant answers retries of. */
    public TenantSettings withRememberedBatchIds(int ids) {
        return edit(e -> e.rememberedBatchIds = ids);
    }

    /**
     * When a tenant snapshots: every {@code everyEvents} events, after {@code everyOps} ops, or once its events would
     * cost more to replay than its snapshot to read, each weighing {@code eventRows} rows (0: never for that reason).
     */
    public TenantSettings withSnapshotsEvery(int everyEvents, long everyOps, int eventRows) {
        return edit(e -> {
            e.snapshotEveryEvents = everyEvents;
            e.snapshotEveryOps = everyOps;
            e.snapshotEventRows = eventRows;
        });
    }

    /**
     * {@code snapshot-ops-per-state-row}: the ops rule waits for at least this many ops a row of the state (0: the
     * ops rule alone).
     */
    public TenantSettings withSnapshotOpsPerStateRow(double opsPerRow) {
        return edit(e -> e.snapshotOpsPerStateRow = opsPerRow);
    }

    /** {@code keep-snapshots} and {@code delete-events-on-snapshot}: what a snapshot lets go of. */
    public TenantSettings withRetention(int keepSnapshots, boolean deleteEventsOnSnapshot) {
        return edit(e -> {
            e.keepSnapshots = keepSnapshots;
            e.deleteEventsOnSnapshot = deleteEventsOnSnapshot;
        });
    }

    /** {@code passivate-idle-after}: how long an idle tenant stays in memory (zero: for ever). */
    public TenantSettings withPassivateIdleAfter(Duration idle) {
        return edit(e -> e.passivateIdleAfter = idle);
    }

    /** {@code sql.max-waiting-per-tenant}: SQL requests that may wait for the one being planned. */
    public TenantSettings withSqlMaxWaiting(int waiting) {
        return edit(e -> e.sqlMaxWaiting = waiting);
    }

    /** {@code snapshot-on-stop-after-events}: a stopping tenant snapshots after this many events (0: never). */
    public TenantSettings withSnapshotOnStopAfterEvents(int events) {
        return edit(e -> e.snapshotOnStopAfterEvents = events);
    }

    /** {@code max-recovery-failures}: failed recoveries at one event after which a tenant answers entity_failed. */
    public TenantSettings withMaxRecoveryFailures(int failures) {
        return edit(e -> e.maxRecoveryFailures = failures);
    }

    private TenantSettings edit(Consumer<Edit> change) {
        Edit edit = new Edit(this);
        change.accept(edit);
        return edit.settings();
    }

    /** The settings' values while a {@code withX} changes some of them. */
    private static final class Edit {
        Budgets budgets;
        int historyMaxChanges;
        long historyMaxRows;
        int rememberedBatchIds;
        int snapshotEveryEvents;
        long snapshotEveryOps;
        int snapshotEventRows;
        double snapshotOpsPerStateRow;
        int keepSnapshots;
        boolean deleteEventsOnSnapshot;
        Duration passivateIdleAfter;
        int sqlMaxWaiting;
        int snapshotOnStopAfterEvents;
        int maxRecoveryFailures;

        Edit(TenantSettings s) {
            budgets = s.budgets;
            historyMaxChanges = s.historyMaxChanges;
            historyMaxRows = s.historyMaxRows;
            rememberedBatchIds = s.rememberedBatchIds;
            snapshotEveryEvents = s.snapshotEveryEvents;
            snapshotEveryOps = s.snapshotEveryOps;
            snapshotEventRows = s.snapshotEventRows;
            snapshotOpsPerStateRow = s.snapshotOpsPerStateRow;
            keepSnapshots = s.keepSnapshots;
            deleteEventsOnSnapshot = s.deleteEventsOnSnapshot;
            passivateIdleAfter = s.passivateIdleAfter;
            sqlMaxWaiting = s.sqlMaxWaiting;
            snapshotOnStopAfterEvents = s.snapshotOnStopAfterEvents;
            maxRecoveryFailures = s.maxRecoveryFailures;
        }

        TenantSettings settings() {
            return new TenantSettings(
                    budgets,
                    historyMaxChanges,
                    historyMaxRows,
                    rememberedBatchIds,
                    snapshotEveryEvents,
                    snapshotEveryOps,
                    snapshotEventRows,
                    snapshotOpsPerStateRow,
                    keepSnapshots,
                    deleteEventsOnSnapshot,
                    passivateIdleAfter,
                    sqlMaxWaiting,
                    snapshotOnStopAfterEvents,
                    maxRecoveryFailures);
        }
    }
}
