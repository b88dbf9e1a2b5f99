package io.shardview.entity.tenant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.shardview.circuit.Circuit;
import io.shardview.circuit.DdlResult;
import io.shardview.circuit.budget.Budgets;
import io.shardview.circuit.catalog.Column;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Recovery replays the journal's SQL events through the engine of today. */
class TenantStateReplayTest {
    /** A tenant's settings for a replay outside any entity: no budgets, small histories. */
    static final TenantSettings SETTINGS = TenantSettings.defaults()
            .withBudgets(Budgets.UNLIMITED)
            .withHistory(100, 1000)
            .withRememberedBatchIds(100)
            .withSnapshotsEvery(1000, 100_000, 0)
            .withSqlMaxWaiting(100)
            .withSnapshotOnStopAfterEvents(0);

    private static TenantEvent.SqlApplied created(long version, String sql, String table) {
        return new TenantEvent.SqlApplied(
                version,
                sql,
                List.of(new DdlResult.ChangedObject("table", table, "created")),
                Circuit.SQL_REVISION,
                null);
    }

    @Test
    void aCreateTableAnOlderEngineAcceptedReplaysWithItsOutOfBoundsNumericModifierUnconstrained() {
        TenantState state = new TenantState("t", SETTINGS, new Circuit());
        state.apply(created(1, "CREATE TABLE prices (id INT PRIMARY KEY, p NUMERIC(0), q NUMERIC(1001, 2))", "prices"));
        assertEquals(1, state.circuit.version());
        assertEquals(
                List.of("integer", "numeric", "numeric"),
                state.circuit.describe().tables().get(0).columns().stream()
                        .map(Column::sqlTypeName)
                        .toList());
    }

    @Test
    void aStatementThatNoLongerAppliesStopsRecoveryLoudly() {
        TenantState state = new TenantState("t", SETTINGS, new Circuit());
        state.apply(created(1, "CREATE TABLE a (x INT)", "a"));
        assertThrows(IllegalStateException.class, () -> state.apply(created(2, "CREATE TABLE a (x INT)", "a")));
    }
}
