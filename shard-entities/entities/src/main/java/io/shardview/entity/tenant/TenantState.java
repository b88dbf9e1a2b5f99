package io.shardview.entity.tenant;

import io.shardview.circuit.Circuit;
import io.shardview.circuit.DdlResult;
import io.shardview.circuit.batch.BatchOutcome;
import io.shardview.circuit.budget.Budgets;
import io.shardview.circuit.catalog.Column;
import io.shardview.circuit.error.RejectionKind;
import io.shardview.circuit.view.ViewDelta;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A tenant circuit's state: the engine, the ids of recent batches, and each view's change history.
 * Mutable and owned by one entity.
 *
 * <p>Writes are applied in the command handler, before their events are persisted: DDL because the
 * engine has no dry run for it, batches because a group of batches persisted in one journal write
 * must each be validated against the state the previous ones left. This is safe because Pekko
 * stashes every other command until the write completes (nothing unpersisted is ever read or
 * acknowledged) and a failed write restarts the entity from the journal. The event handler applies
 * an event only when the circuit has not reached its version yet, i.e. during recovery; both paths
 * run the same code.
 */
final class TenantState {
    final String tenant;
    final TenantSettings settings;
    Circuit circuit;
    final RecentResults<TenantProtocol.Ingested> batches;
    /** SQL requests applied under an Idempotency-Key, with their results. */
    final RecentResults<TenantProtocol.SqlApplied> sqlRequests;

    final Map<String, ChangeHistory> histories = new HashMap<>();
    final Map<String, List<String>> viewColumns = new HashMap<>();

    /** Ops applied since the last snapshot: large batches call for a snapshot before N events. */
    long opsSinceSnapshot;

    /** Events applied (replayed or persisted) since the latest snapshot was taken or restored. */
    long eventsSinceSnapshot;

    /** What the latest snapshot taken or restored holds, in rows ({@link #snapshotRows}); 0 before any. */
    long rowsAtSnapshot;

    /** The sequence number of the latest snapshot taken or restored; 0 before any. */
    long seqNrAtSnapshot;

    /**
     * What a snapshot of this state holds, in rows: the circuit's rows and operator state, the retained changes of
     * every view, and the remembered batch ids and SQL requests. Summed from counters, never by walking the state.
     */
    long snapshotRows() {
        long rows = circuit.stateRows() + batches.size() + sqlRequests.size();
        for (ChangeHistory history : histories.values()) rows += history.rows();
        return rows;
    }

    /** Snapshots taken and still being written (the entity waits for them before stopping). */
    int snapshotsInFlight;

    /** For the recovery report: the version the snapshot restored, and the events replayed after it. */
    long snapshotVersion;

    long eventsReplayed;

    /** The budgets the admin set for this tenant, by name; the node's defaults hold for the others. */
    Map<String, Long> budgetOverrides = Map.of();

    /** The clock's time at each version, for reads as of a clock time. */
    final ClockTicks ticks = new ClockTicks();

    /** The clock's resolution the tenant set, in microseconds; 0: the node's default. */
    long clockResolutionMicros;

    /** How the tenant's writes are replicated to the other regions (async until the admin sets another). */
    Replication replication = Replication.ASYNC;

    /**
     * The tenant's home region (docs/regions.md): set by a {@link TenantEvent.HomeSet} or by the events replicated
     * from it; null for a tenant created in a cluster of one region, whose home is wherever its events are written.
     */
    String home;

    /** The tenant's homes so far, each with its epoch and where its events start ({@link HomeTerms}). */
    HomeTerms terms = HomeTerms.NONE;

    /** Whether this replay has passed an event an operator skipped: batches after it are rederived. */
    private boolean afterSkip;

    /** Whether recovery is over: only then does the circuit enforce the budgets (a replay accepts what was). */
    private boolean enforcing;

    TenantState(String tenant, TenantSettings settings, Circuit circuit) {
        this.tenant = tenant;
        this.settings = settings;
        this.circuit = circuit;
        this.batches = new RecentResults<>(settings.rememberedBatchIds());
        this.sqlRequests = new RecentResults<>(settings.rememberedBatchIds());
    }

    TenantState apply(TenantEvent event) {
        eventsSinceSnapshot++;
        if (event instanceof TenantEvent.Replicated replicated) {
            home = replicated.home();
            event = replicated.event();
        }
        if (event instanceof TenantEvent.HomeSet homeSet) {
            home = homeSet.region();
            terms = terms.with(homeSet);
        } else if (event instanceof TenantEvent.SqlApplied sql) {
            applySql(sql);
        } else if (event instanceof TenantEvent.BatchApplied batch) {
            applyBatch(batch);
        } else if (event instanceof TenantEvent.BudgetsSet budgetsSet) {
            budgetOverrides = Map.copyOf(budgetsSet.budgets());
            if (enforcing) circuit.setBudgets(budgets());
        } else if (event instanceof TenantEvent.ReplicationSet replicationSet) {
            replication = replicationSet.replication();
        } else if (event instanceof TenantEvent.ClockSet clockSet) {
            clockResolutionMicros = clockSet.resolutionMicros();
        } else if (event instanceof TenantEvent.Skipped skipped) {
            applySkipped(skipped);
        }
        return this;
    }

    /**
     * An event an operator skipped: the version moves on with no change, and the batches replayed after it are made
     * to the tables as they are without it (their journaled deltas were computed with it applied).
     */
    private void applySkipped(TenantEvent.Skipped skipped) {
        while (circuit.version() < skipped.version()) {
            eventsReplayed++;
            applyBatch(circuit.emptyBatch(), null);
        }
        afterSkip = true;
    }

    /**
     * Applies an event of the home's log to this replica's circuit before it is persisted here, as the home applied
     * it before persisting, and returns the view changes to publish; the event handler then finds its version
     * reached. What the home accepted is accepted here whatever this region's budgets are: a replica never enforces
     * them (its circuit is unlimited until it becomes home).
     */
    List<ViewChange> applyFromHome(TenantEvent event) {
        if (event instanceof TenantEvent.BatchApplied batch && circuit.version() < batch.version()) {
            AppliedBatch applied = applyBatch(replayed(batch), batch.batchId());
            if (applied.result() instanceof TenantProtocol.Refused refused) {
                throw new IllegalStateException(
                        "replicated batch event " + batch.version() + " failed: " + refused.message());
            }
            return applied.changes();
        }
        if (event instanceof TenantEvent.SqlApplied sql && circuit.version() < sql.version()) {
            DdlResult result = circuit.replaySql(sql.sql(), sql.sqlRevision());
            if (!(result instanceof DdlResult.Applied applied) || applied.version() != sql.version()) {
                throw new IllegalStateException("replicated SQL event " + sql.version() + " gave " + result);
            }
        }
        return List.of();
    }

    /** The tenant's budgets: the node's defaults with the admin's overrides. */
    Budgets budgets() {
        return settings.budgets().with(budgetOverrides);
    }

    /** This replica is no longer home: it applies what the home accepted, whatever the budgets. */
    void stopEnforcingBudgets() {
        enforcing = false;
        circuit.setBudgets(Budgets.UNLIMITED);
    }

    /** Recovery is over: from now on the circuit holds requests to the budgets. */
    void enforceBudgets() {
        enforcing = true;
        circuit.setBudgets(budgets());
    }

    private void applySql(TenantEvent.SqlApplied event) {
        if (circuit.version() < event.version()) { // recovery: replay the statements
            eventsReplayed++;
            DdlResult result = circuit.replaySql(event.sql(), event.sqlRevision());
            if (!(result instanceof DdlResult.Applied applied) || applied.version() != event.version()) {
                throw new IllegalStateException("replaying SQL event " + event.version() + " gave " + result);
            }
        }
        if (event.requestKey() != null) {
            sqlRequests.remember(
                    event.requestKey(), new TenantProtocol.SqlApplied(event.version(), event.objects(), false));
        }
        // The objects in statement order; a view created and dropped by the same request (or dropped and created
        // again) ends as the circuit holds it after the whole request.
        for (DdlResult.ChangedObject object : event.objects()) {
            if (!object.kind().equals("view")) continue;
            histories.remove(object.name());
            viewColumns.remove(object.name());
            List<String> columns = columnsOf(object.name());
            if (object.action().equals("created") && columns != null) {
                histories.put(
                        object.name(),
                        new ChangeHistory(event.version(), settings.historyMaxChanges(), settings.historyMaxRows()));
                viewColumns.put(object.name(), columns);
            }
        }
    }

    /** The columns of the view the circuit holds under that name, or null when it holds none. */
    private List<String> columnsOf(String view) {
        return circuit.describe().views().stream()
                .filter(v -> v.name().equals(view))
                .findFirst()
                .map(v -> v.columns().stream().map(Column::name).toList())
                .orElse(null);
    }

    private void applyBatch(TenantEvent.BatchApplied event) {
        if (circuit.version() < event.version()) { // recovery: the batch was accepted before, so it evaluates again
            eventsReplayed++;
            AppliedBatch applied = applyBatch(replayed(event), event.batchId());
            if (applied.result() instanceof TenantProtocol.Refused refused) {
                throw new IllegalStateException(
                        "replaying batch event " + event.version() + " failed: " + refused.message());
            }
        }
    }

    /** A journaled batch to apply again: as journaled, or made to the tables as they are after a skipped event. */
    private io.shardview.circuit.batch.ValidatedBatch replayed(TenantEvent.BatchApplied event) {
        return afterSkip
                ? circuit.rederive(event.toValidatedBatch().tableDeltas(), event.ops())
                : event.toValidatedBatch();
    }

    /**
     * What applying one batch produced: its reply ({@link TenantProtocol.Ingested}, or
     * {@link TenantProtocol.Refused} when a view fails on the batch's data and nothing changed) and the
     * view changes to publish.
     */
    record AppliedBatch(TenantProtocol.IngestReply result, List<ViewChange> changes) {}

    /** Applies a validated batch and records its result, view changes and batch id. */
    AppliedBatch applyBatch(io.shardview.circuit.batch.ValidatedBatch batch, String batchId) {
        BatchOutcome outcome = circuit.apply(batch);
        if (outcome instanceof BatchOutcome.OverBudget over) {
            return new AppliedBatch(
                    new TenantProtocol.Refused(
                            RejectionKind.LIMIT_EXCEEDED, over.message() + "; nothing was applied", over.details()),
                    List.of());
        }
        if (outcome instanceof BatchOutcome.Failed failed) {
            return new AppliedBatch(
                    new TenantProtocol.Refused(
                            RejectionKind.EVALUATION_ERROR,
                            failed.message(),
                            Map.of("view", failed.view(), "problem", failed.problem())),
                    List.of());
        }
        BatchOutcome.Accepted accepted = (BatchOutcome.Accepted) outcome;
        opsSinceSnapshot += accepted.ops();
        if (batch.tableDeltas().containsKey(io.shardview.circuit.catalog.Clock.TABLE)) {
            ticks.add(accepted.version(), circuit.clock());
        }
        Map<String, TenantProtocol.ViewCount> counts = new LinkedHashMap<>();
        List<ViewChange> changes = new ArrayList<>(accepted.views().size());
        accepted.views().forEach((view, delta) -> {
            counts.put(view, new TenantProtocol.ViewCount(delta.insertedCount(), delta.deletedCount()));
            ChangeHistory history = histories.get(view);
            ViewChange change = new ViewChange(
                    tenant,
                    view,
                    accepted.version(),
                    history.lastVersion(),
                    viewColumns.get(view),
                    expand(delta.inserted()),
                    expand(delta.deleted()),
                    delta.hashAfter());
            history.append(change);
            changes.add(change);
        });
        TenantProtocol.Ingested result = new TenantProtocol.Ingested(accepted.version(), accepted.ops(), counts, false);
        if (batchId != null) batches.remember(batchId, result);
        return new AppliedBatch(result, changes);
    }

    private static List<List<Object>> expand(List<ViewDelta.WeightedRow> rows) {
        List<List<Object>> out = new ArrayList<>();
        for (ViewDelta.WeightedRow row : rows) RowJson.addCopies(out, row.row(), row.copies());
        return out;
    }
}
