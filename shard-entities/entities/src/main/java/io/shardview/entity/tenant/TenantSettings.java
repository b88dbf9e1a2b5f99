package io.shardview.entity.tenant;

import com.typesafe.config.Config;
import io.shardview.circuit.budget.Budgets;
import io.shardview.circuit.sql.PlanCache;
import java.time.Duration;

/** Per-tenant limits and retention, from {@code shardview.tenant} (config/tenant.conf documents each key). */
public record TenantSettings(
        Budgets budgets,
        int historyMaxChanges,
        long historyMaxRows,
        int rememberedBatchIds,
        int snapshotEveryEvents,
        long snapshotEveryOps,
        int snapshotEventRows,
        int keepSnapshots,
        boolean deleteEventsOnSnapshot,
        Duration passivateIdleAfter,
        int sqlMaxWaiting,
        int snapshotOnStopAfterEvents) {

    /** The node's SQL planner, from {@code shardview.tenant.sql}; sizes the JVM's plan cache too. */
    public static SqlPlanning planning(Config config) {
        Config c = config.getConfig("shardview.tenant.sql");
        PlanCache.setCapacity(c.getInt("plan-cache"));
        return new SqlPlanning(
                c.getInt("planner-threads"),
                c.getInt("planner-queue"),
                c.getDuration("plan-budget"),
                c.getInt("max-depth"));
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
                c.getInt("keep-snapshots"),
                c.getBoolean("delete-events-on-snapshot"),
                c.getDuration("passivate-idle-after"),
                c.getInt("sql.max-waiting-per-tenant"),
                c.getInt("snapshot-on-stop-after-events"));
    }
}
