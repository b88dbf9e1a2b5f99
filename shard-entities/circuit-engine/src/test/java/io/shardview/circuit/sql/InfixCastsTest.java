package io.shardview.circuit.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardview.circuit.Circuit;
import io.shardview.circuit.DdlResult;
import io.shardview.circuit.PostgresMirror;
import io.shardview.circuit.TestCircuits;
import io.shardview.circuit.batch.BatchOutcome;
import io.shardview.circuit.batch.Op;
import java.math.BigDecimal;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** PostgreSQL's {@code x::type}, read as {@code CAST(x AS type)}: what it binds to, and views equal PostgreSQL's. */
class InfixCastsTest {
    @Test
    void theOperandIsThePrimaryBeforeIt() {
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("SELECT x::int FROM t", "SELECT CAST(x AS int) FROM t");
        cases.put("SELECT t.x::numeric(10, 2) FROM t", "SELECT CAST(t.x AS numeric(10, 2)) FROM t");
        cases.put("SELECT -1::text", "SELECT -CAST(1 AS text)");
        cases.put("SELECT (a + b)::bigint", "SELECT CAST((a + b) AS bigint)");
        cases.put("SELECT count(*)::int FROM t", "SELECT CAST(count(*) AS int) FROM t");
        cases.put("SELECT x::int::text", "SELECT CAST(CAST(x AS int) AS text)");
        cases.put("SELECT '1.5'::double precision", "SELECT CAST('1.5' AS double precision)");
        cases.put("SELECT v::character varying(3)", "SELECT CAST(v AS character varying(3))");
        cases.put("SELECT ts::timestamp without time zone", "SELECT CAST(ts AS timestamp without time zone)");
        cases.put("SELECT DATE '2024-01-02'::text", "SELECT CAST(DATE '2024-01-02' AS text)");
        cases.put(
                "SELECT CASE WHEN a THEN 1 ELSE CASE WHEN b THEN 2 END END::text",
                "SELECT CAST(CASE WHEN a THEN 1 ELSE CASE WHEN b THEN 2 END END AS text)");
        // Left alone: strings, quoted names, comments.
        cases.put("SELECT 'a::b', \"c::d\" -- e::f\n FROM t", "SELECT 'a::b', \"c::d\" -- e::f\n FROM t");
        cases.put("SELECT x /* ::int */ FROM t", "SELECT x /* ::int */ FROM t");
        cases.forEach((sql, expected) -> assertEquals(expected, InfixCasts.rewrite(sql), sql));
    }

    /** A syntax error after a {@code ::} or an {@code INTERVAL '...'} is placed where the client wrote it. */
    @Test
    void aSyntaxErrorAfterARewriteIsPlacedWhereItWasWritten() {
        Circuit c = TestCircuits.circuit("CREATE TABLE t (id INT PRIMARY KEY, n NUMERIC, dt DATE)");
        Map<String, List<Integer>> cases = new LinkedHashMap<>();
        // Each at the "= =" where Calcite's parser stops (its first '='), as in the same statement without rewrites
        // (the first case's control); the first line's columns count from the request's start.
        cases.put("SELECT CAST(id AS text) AS a FROM t WHERE id = = 1", List.of(1, 46));
        cases.put("SELECT id::text AS a, n::numeric(6,1) AS b FROM t WHERE id = = 1", List.of(1, 60));
        cases.put(
                "SELECT dt + INTERVAL '1 day' AS d,\n  n::int AS i, dt::text AS s FROM t WHERE id = = 1",
                List.of(2, 46));
        cases.put("SELECT id::text\n  FROM t WHERE id = = n::int", List.of(2, 19));
        cases.forEach((select, at) -> {
            DdlResult.Rejected r =
                    assertInstanceOf(DdlResult.Rejected.class, c.executeSql("CREATE VIEW v AS " + select), select);
            assertEquals(io.shardview.circuit.error.RejectionKind.SYNTAX, r.kind(), r.toString());
            assertEquals(
                    Map.of("line", at.get(0), "column", at.get(1) + (at.get(0) == 1 ? 17 : 0)), r.details(), select);
        });
    }

    @Test
    void viewsWithInfixCastsEqualPostgres() throws SQLException {
        String table = "CREATE TABLE t (id INT PRIMARY KEY, n NUMERIC, v VARCHAR, dt DATE)";
        List<String> selects = List.of(
                "SELECT id, n::numeric(6,1) AS r, v::int + 1 AS i, dt::text AS s FROM t",
                "SELECT id, (n * 2)::int AS d, id::text || '-' || v AS k FROM t WHERE n::int > 1",
                "SELECT SUM(n)::bigint AS total, COUNT(*)::int AS c FROM t");
        Circuit circuit = TestCircuits.circuit(table);
        BatchOutcome filled = circuit.applyBatch(List.of(
                Op.insert("t", row(1, "2.45", "7", LocalDate.of(2024, 1, 2))),
                Op.insert("t", row(2, "0.5", "12", LocalDate.of(1999, 12, 31)))));
        assertInstanceOf(BatchOutcome.Accepted.class, filled);
        try (PostgresMirror pg = new PostgresMirror()) {
            pg.reset();
            pg.execute(table);
            pg.execute("INSERT INTO t VALUES (1, 2.45, '7', '2024-01-02'), (2, 0.5, '12', '1999-12-31')");
            for (int i = 0; i < selects.size(); i++) {
                DdlResult r = circuit.executeSql("CREATE VIEW v" + i + " AS " + selects.get(i));
                assertInstanceOf(DdlResult.Applied.class, r, selects.get(i) + ": " + r);
                pg.execute("CREATE VIEW v" + i + " AS " + selects.get(i));
                assertEquals(pg.rows("SELECT * FROM v" + i), PostgresMirror.canonical(circuit.content("v" + i)));
                assertEquals(
                        pg.columnTypes("v" + i),
                        circuit.columns("v" + i).orElseThrow().stream()
                                .map(PostgresMirror::formatType)
                                .toList());
            }
        }
        DdlResult bad = circuit.executeSql("CREATE VIEW w AS SELECT id:: FROM t");
        assertTrue(bad instanceof DdlResult.Rejected, bad.toString());
    }

    private static Map<String, Object> row(int id, String n, String v, LocalDate dt) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", id);
        row.put("n", new BigDecimal(n));
        row.put("v", v);
        row.put("dt", dt);
        return row;
    }
}
