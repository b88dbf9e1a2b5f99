package io.shardview.http.tenant;

import static io.shardview.testsupport.ParserContract.assertCleanMessage;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.shardview.circuit.PreparedSql;
import io.shardview.circuit.catalog.Column;
import io.shardview.circuit.pg.ColumnType;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * A tenant's SQL request as the planner thread receives it: whatever the text, planning it against a catalog ends
 * with a plan or a rejection naming the problem (a syntax error, an unsupported construct, a limit), never another
 * Throwable (a stack overflow, an assertion, a bug in a rewrite), which would fail the request with a 500.
 */
class TenantSqlFuzzTest {
    private static final PreparedSql.Catalog CATALOG = new PreparedSql.Catalog(
            0,
            Map.of(
                    "t",
                            List.of(
                                    new Column("id", ColumnType.BIGINT, false, 0, 0, 0),
                                    new Column("g", ColumnType.INT, true, 0, 0, 0),
                                    new Column("v", ColumnType.VARCHAR, true, 0, 0, 0),
                                    new Column("d", ColumnType.DECIMAL, true, 0, 10, 2)),
                    "u",
                            List.of(
                                    new Column("k", ColumnType.BIGINT, false, 0, 0, 0),
                                    new Column("c", ColumnType.CHAR, true, 3, 0, 0),
                                    new Column("ts", ColumnType.TIMESTAMP, true, 0, 0, 0))),
            Map.of());

    @FuzzTest(maxDuration = "3s")
    void plansOrRejectsCleanly(byte[] input) {
        String sql = new String(input, StandardCharsets.UTF_8);
        PreparedSql prepared = PreparedSql.prepare(sql, CATALOG, -1, 200);
        assertNotNull(prepared);
        if (prepared.rejection() != null)
            assertCleanMessage(prepared.rejection().message(), sql);
    }
}
