package io.shardview.entity.tenant;

import io.shardview.circuit.Circuit;
import io.shardview.entity.CborSerializable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.persistence.typed.SnapshotAdapter;

/**
 * The snapshot of a tenant: the circuit in the engine's binary form (tables, view contents,
 * operator state and indexes, so recovery recomputes nothing), the remembered batch ids, and the
 * views' change histories. Taken in the entity as immutable copies and images, so the mutable state
 * never leaves it; the circuit is encoded later by the snapshot store ({@link SnapshotCircuit}).
 */
public record TenantSnapshot(
        SnapshotCircuit circuit,
        List<RememberedBatch> batches,
        List<History> histories,
        List<RememberedSql> sqlRequests,
        Map<String, Long> budgets,
        String home,
        Replication replication,
        HomeTerms terms,
        Long clockResolutionMicros)
        implements CborSerializable {

    /** A remembered batch id with its original result. */
    public record RememberedBatch(String batchId, TenantProtocol.Ingested result) {}

    /** A remembered SQL request key with its original result (absent from snapshots taken before keys were kept). */
    public record RememberedSql(String key, TenantProtocol.SqlApplied result) {}

    /** One view's change history. */
    public record History(
            String view, long horizon, long lastVersion, List<String> columns, List<ViewChange> retained) {}

    static SnapshotAdapter<TenantState> adapter(String tenant, TenantSettings settings) {
        return new SnapshotAdapter<>() {
            @Override
            public Object toJournal(TenantState state) {
                return of(state);
            }

            @Override
            public TenantState fromJournal(Object from) {
                return ((TenantSnapshot) from).restore(tenant, settings);
            }
        };
    }

    static TenantSnapshot of(TenantState state) {
        return of(state, CompletableFuture.completedFuture(null));
    }

    /** As {@link #of(TenantState)}, encoded only once {@code durable} completes (the events it covers are durable). */
    static TenantSnapshot of(TenantState state, CompletableFuture<Void> durable) {
        List<RememberedBatch> batches = state.batches.entries().stream()
                .map(e -> new RememberedBatch(e.getKey(), e.getValue()))
                .toList();
        List<History> histories = state.histories.entrySet().stream()
                .map(e -> new History(
                        e.getKey(),
                        e.getValue().horizon(),
                        e.getValue().lastVersion(),
                        state.viewColumns.get(e.getKey()),
                        e.getValue().retained()))
                .toList();
        List<RememberedSql> sqlRequests = state.sqlRequests.entries().stream()
                .map(e -> new RememberedSql(e.getKey(), e.getValue()))
                .toList();
        state.snapshotsInFlight++;
        state.eventsSinceSnapshot = 0;
        state.opsSinceSnapshot = 0;
        state.rowsAtSnapshot = state.snapshotRows();
        return new TenantSnapshot(
                SnapshotCircuit.of(state.circuit.image(), durable),
                batches,
                histories,
                sqlRequests,
                state.budgetOverrides,
                state.home,
                state.replication,
                state.terms,
                state.clockResolutionMicros);
    }

    TenantState restore(String tenant, TenantSettings settings) {
        Circuit restored = circuit.restore();
        TenantState state = new TenantState(tenant, settings, restored);
        state.snapshotVersion = restored.version();
        state.ticks.add(restored.version(), restored.clock()); // the clock's time then: reads as of it on are answered
        if (budgets != null) state.budgetOverrides = Map.copyOf(budgets); // absent from snapshots taken before
        state.home = home; // null in snapshots taken before regions
        if (replication != null) state.replication = replication; // absent from snapshots taken before modes
        if (terms != null) state.terms = terms; // absent from snapshots taken before epochs
        if (clockResolutionMicros != null) state.clockResolutionMicros = clockResolutionMicros; // or before clocks
        for (RememberedBatch batch : batches) state.batches.remember(batch.batchId(), batch.result());
        if (sqlRequests != null)
            for (RememberedSql sql : sqlRequests) state.sqlRequests.remember(sql.key(), sql.result());
        for (History h : histories) {
            state.histories.put(
                    h.view(),
                    ChangeHistory.restore(
                            h.horizon(),
                            h.lastVersion(),
                            h.retained(),
                            settings.historyMaxChanges(),
                            settings.historyMaxRows()));
            state.viewColumns.put(h.view(), h.columns());
        }
        state.rowsAtSnapshot = state.snapshotRows();
        return state;
    }
}
