package io.shardview.entity.tenant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.shardview.circuit.Circuit;
import io.shardview.circuit.DdlResult;
import io.shardview.circuit.batch.Op;
import io.shardview.circuit.batch.ValidatedBatch;
import io.shardview.circuit.error.RejectionKind;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Reads of a view as of a time of the tenant's clock: the rows at the last version the clock showed that time or
 * earlier, rebuilt from the rows now and the view's retained changes; refused while the clock has not passed the time
 * (the rows may still change), and gone before the clock's kept ticks or the view's retained changes.
 */
class AsOfReadsTest {
    private static final LocalDateTime T0 = LocalDateTime.of(2026, 11, 27, 10, 0);
    private static final TenantProtocol.Freshness HERE = new TenantProtocol.Freshness("eu", "eu", 0, 0);

    private TenantState state = new TenantState("t", TenantSettings.defaults().withHistory(4, 1000), new Circuit());

    private void sql(String sql) {
        DdlResult.Applied applied = assertInstanceOf(DdlResult.Applied.class, state.circuit.executeSql(sql));
        state.apply(new TenantEvent.SqlApplied(applied.version(), sql, applied.objects(), Circuit.SQL_REVISION, null));
    }

    private void tick(LocalDateTime now) {
        state.applyBatch((ValidatedBatch) state.circuit.clockBatch(now), null);
    }

    private void write(Op... ops) {
        state.applyBatch((ValidatedBatch) state.circuit.validate(List.of(ops)), null);
    }

    private TenantProtocol.ReadReply read(String name, boolean view, LocalDateTime asOf, int limit, String after) {
        return TenantReads.rows(state, new TenantProtocol.ReadRows(name, view, limit, after, 0, 0, null, asOf), HERE);
    }

    private List<Long> ids(LocalDateTime asOf) {
        TenantProtocol.Rows rows = assertInstanceOf(TenantProtocol.Rows.class, read("recent", true, asOf, 1000, null));
        return rows.rows().stream()
                .map(r -> ((Number) r.get(0)).longValue())
                .sorted()
                .toList();
    }

    @Test
    void aViewReadsAsOfTheClocksTimes() {
        sql("CREATE TABLE e (id BIGINT PRIMARY KEY, ts TIMESTAMP);"
                + "CREATE VIEW recent AS SELECT id FROM e WHERE ts > NOW() - INTERVAL '1 hour'");
        tick(T0);
        write(Op.insert("e", Map.of("id", 1, "ts", T0.minusMinutes(30))));
        tick(T0.plusSeconds(1));
        write(Op.insert("e", Map.of("id", 2, "ts", T0)));
        tick(T0.plusSeconds(2));
        write(Op.deleteKey("e", Map.of("id", 1)));
        tick(T0.plusSeconds(3));

        assertEquals(List.of(1L), ids(T0.plusNanos(500_000_000)));
        assertEquals(List.of(1L, 2L), ids(T0.plusSeconds(1)));
        assertEquals(List.of(2L), ids(T0.plusSeconds(2).plusNanos(900_000_000)));
        TenantProtocol.Rows past = (TenantProtocol.Rows) read("recent", true, T0.plusSeconds(1), 1, null);
        assertEquals(2, past.count());
        assertEquals(1, past.rows().size(), "paged by position");
        assertEquals("1", past.next());
        assertNull(((TenantProtocol.Rows) read("recent", true, T0.plusSeconds(1), 1, "1")).next());

        TenantProtocol.Refused notYet =
                assertInstanceOf(TenantProtocol.Refused.class, read("recent", true, T0.plusSeconds(3), 100, null));
        assertEquals(RejectionKind.CONFLICT, notYet.kind(), notYet.message());
        TenantProtocol.Refused before =
                assertInstanceOf(TenantProtocol.Refused.class, read("recent", true, T0.minusSeconds(1), 100, null));
        assertEquals(RejectionKind.GONE, before.kind(), before.message());
        TenantProtocol.Refused table =
                assertInstanceOf(TenantProtocol.Refused.class, read("e", false, T0.plusSeconds(1), 100, null));
        assertEquals(RejectionKind.INVALID, table.kind(), table.message());

        // The view keeps 4 changes: older times are gone once they are evicted.
        for (int i = 3; i < 9; i++) {
            write(Op.insert("e", Map.of("id", 10 + i, "ts", T0.plusSeconds(i))));
            tick(T0.plusSeconds(i + 1));
        }
        TenantProtocol.Refused evicted =
                assertInstanceOf(TenantProtocol.Refused.class, read("recent", true, T0.plusSeconds(1), 100, null));
        assertEquals(RejectionKind.GONE, evicted.kind(), evicted.message());
        assertEquals(
                List.of(2L, 13L, 14L, 15L, 16L, 17L, 18L),
                ids(T0.plusSeconds(8)),
                "id 18 came while the clock showed 8 s");
    }
}
