package io.shardview.circuit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardview.circuit.batch.BatchOutcome;
import io.shardview.circuit.batch.Op;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * ROW_NUMBER, RANK, DENSE_RANK, PERCENT_RANK, CUME_DIST, NTILE, LAG, LEAD, FIRST_VALUE, LAST_VALUE and NTH_VALUE with
 * PARTITION BY ... ORDER BY, maintained incrementally: random batches of inserts,
 * updates and deletes (ties, NULLs and duplicates on purpose) under views ranking rows, top-k per group as a view, two
 * windows in one SELECT, a rank over an aggregate; after every batch each view equals PostgreSQL's answer for the same
 * query over the same rows and the engine's own recomputation, and a snapshot taken midway restores the same views,
 * which go on equal. ROW_NUMBER's views order by a unique key or show only what ties cannot change (PostgreSQL numbers
 * tied rows in an unspecified order).
 */
class WindowFunctionTest {
    private static final String TABLES =
            "CREATE TABLE a (id INT PRIMARY KEY, g INT, x INT, s VARCHAR, n NUMERIC(6, 2))";
    private static final List<String> VIEWS = List.of(
            "SELECT id, g, x, RANK() OVER (PARTITION BY g ORDER BY x DESC) AS r FROM a",
            "SELECT id, g, x, DENSE_RANK() OVER (PARTITION BY g ORDER BY x) AS d FROM a",
            "SELECT id, ROW_NUMBER() OVER (PARTITION BY g ORDER BY x, id) AS rn FROM a",
            "SELECT g, id, x FROM (SELECT g, id, x, ROW_NUMBER() OVER (PARTITION BY g ORDER BY x DESC NULLS LAST, id)"
                    + " AS rn FROM a) t WHERE rn <= 2",
            "SELECT id, RANK() OVER (PARTITION BY g ORDER BY x) AS r1, DENSE_RANK() OVER (ORDER BY s NULLS FIRST, x)"
                    + " AS r2, ROW_NUMBER() OVER (ORDER BY id DESC) AS r3 FROM a",
            "SELECT g, SUM(x) AS total, RANK() OVER (ORDER BY SUM(x) DESC NULLS LAST) AS place FROM a GROUP BY g",
            "SELECT x, RANK() OVER (ORDER BY x) AS r, DENSE_RANK() OVER (ORDER BY x) AS d FROM (SELECT x FROM a) t",
            "SELECT g, ROW_NUMBER() OVER (PARTITION BY g) AS n FROM a",
            "SELECT s, x, RANK() OVER (PARTITION BY s ORDER BY x % 3, x) AS r FROM a WHERE g IS NOT NULL",
            // LAG and LEAD over an order without ties (PostgreSQL's order of tied rows is unspecified).
            "SELECT id, g, x, LAG(x) OVER (PARTITION BY g ORDER BY id) AS before_x FROM a",
            "SELECT id, LEAD(x, 2, -1) OVER (PARTITION BY g ORDER BY x NULLS FIRST, id) AS next2 FROM a",
            "SELECT id, s, LAG(s, 1, 'none') OVER (ORDER BY id) AS ps, LEAD(id) OVER (ORDER BY id DESC) AS nid FROM a",
            "SELECT id, x - LAG(x, 1, 0) OVER (PARTITION BY g ORDER BY id) AS delta, ROW_NUMBER() OVER"
                    + " (PARTITION BY g ORDER BY id) AS n FROM a",
            // Distributions, buckets and the first, last and nth rows of frames (peers included by RANGE).
            "SELECT id, x, PERCENT_RANK() OVER (PARTITION BY g ORDER BY x) AS pr, CUME_DIST() OVER (PARTITION BY g"
                    + " ORDER BY x) AS cd FROM a",
            "SELECT id, NTILE(3) OVER (PARTITION BY g ORDER BY id) AS bucket, NTILE(4) OVER (ORDER BY id) AS q FROM a",
            "SELECT id, FIRST_VALUE(id) OVER (PARTITION BY g ORDER BY x NULLS FIRST, id) AS f, LAST_VALUE(s) OVER"
                    + " (PARTITION BY g ORDER BY id ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS l"
                    + " FROM a",
            "SELECT id, x, NTH_VALUE(id, 2) OVER (PARTITION BY g ORDER BY id) AS second, LAST_VALUE(x) OVER"
                    + " (PARTITION BY g ORDER BY x) AS peers_max FROM a WHERE x IS NOT NULL",
            "SELECT id, FIRST_VALUE(x) OVER (PARTITION BY g ORDER BY id ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT"
                    + " ROW) AS f, NTH_VALUE(x, 3) OVER (PARTITION BY g ORDER BY id ROWS UNBOUNDED PRECEDING) AS t"
                    + " FROM a",
            // Aggregates over frames: moving windows of rows (only the rows near a change are recomputed), running
            // totals with peers (RANGE, the default with ORDER BY), the whole partition, frames that end before the
            // row or start after it, and copies of equal rows.
            "SELECT id, g, x, SUM(x) OVER (PARTITION BY g ORDER BY id ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) AS s3,"
                    + " COUNT(x) OVER (PARTITION BY g ORDER BY id ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING) AS c3 FROM a",
            "SELECT id, AVG(x) OVER (ORDER BY id ROWS BETWEEN 3 PRECEDING AND 1 PRECEDING) AS prev_avg, MIN(x) OVER"
                    + " (PARTITION BY g ORDER BY id ROWS BETWEEN 1 FOLLOWING AND 3 FOLLOWING) AS next_min, MAX(s) OVER"
                    + " (ORDER BY id ROWS BETWEEN 2 PRECEDING AND 2 FOLLOWING) AS near_max FROM a",
            "SELECT id, g, SUM(x) OVER (PARTITION BY g ORDER BY x) AS run_total, COUNT(*) OVER (PARTITION BY g ORDER BY"
                    + " x) AS cnt, AVG(n) OVER (PARTITION BY g ORDER BY x NULLS FIRST) AS mean_n FROM a",
            "SELECT id, g, x, SUM(x) OVER (PARTITION BY g) AS total, AVG(x) OVER (PARTITION BY g) AS mean, MAX(x)"
                    + " OVER () AS top, SUM(n) OVER (PARTITION BY s) AS sn FROM a",
            "SELECT id, SUM(x) OVER (ORDER BY id ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS before_sum,"
                    + " SUM(n) OVER (ORDER BY id ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING) AS after_sum FROM a",
            "SELECT id, g, LAG(x) OVER (PARTITION BY g ORDER BY id) AS px, AVG(n) OVER (PARTITION BY g ORDER BY id"
                    + " ROWS 6 PRECEDING) AS ma7, FIRST_VALUE(x) OVER (PARTITION BY g ORDER BY id ROWS BETWEEN 1"
                    + " PRECEDING AND 1 FOLLOWING) AS f, LAST_VALUE(x) OVER (PARTITION BY g ORDER BY id ROWS BETWEEN 1"
                    + " PRECEDING AND 1 FOLLOWING) AS l, NTH_VALUE(x, 2) OVER (PARTITION BY g ORDER BY id ROWS BETWEEN"
                    + " 2 PRECEDING AND CURRENT ROW) AS n2 FROM a",
            "SELECT x, SUM(x) OVER (ORDER BY x ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING) AS s, COUNT(*) OVER (ORDER BY"
                    + " x ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) AS c, SUM(x) OVER (ORDER BY x) AS upto FROM"
                    + " (SELECT x FROM a) t",
            // RANGE frames with offsets, in the values of the ORDER BY column (NULLs: their peers).
            "SELECT id, x, SUM(id) OVER (PARTITION BY g ORDER BY x RANGE BETWEEN 1 PRECEDING AND 1 FOLLOWING) AS near,"
                    + " COUNT(*) OVER (ORDER BY x DESC RANGE BETWEEN CURRENT ROW AND 2 FOLLOWING) AS below2 FROM a",
            "SELECT id, n, MIN(id) OVER (ORDER BY n RANGE BETWEEN 10.5 PRECEDING AND 0.25 PRECEDING) AS lo,"
                    + " MAX(x) OVER (ORDER BY n NULLS FIRST RANGE BETWEEN UNBOUNDED PRECEDING AND 5 FOLLOWING) AS hi,"
                    + " AVG(x) OVER (ORDER BY id RANGE 3 PRECEDING) AS last4 FROM a");

    @Test
    void rankingViewsEqualPostgresAfterEveryBatchAndAcrossASnapshot() throws SQLException, IOException {
        try (PostgresMirror pg = new PostgresMirror()) {
            pg.reset();
            pg.execute(TABLES);
            Circuit circuit = TestCircuits.circuit(TABLES);
            PostgresMirror.createViews(circuit, VIEWS);
            for (int v = 0; v < VIEWS.size(); v++) {
                assertTrue(
                        circuit.explain("v" + v).orElseThrow().operators().stream()
                                .anyMatch(o -> o.operator().equals("WindowRank")),
                        "a window operator in " + VIEWS.get(v));
            }
            SplittableRandom random = new SplittableRandom(11);
            Map<Integer, Object[]> rows = new LinkedHashMap<>();
            for (int batch = 0; batch < 40; batch++) {
                List<Op> ops = new ArrayList<>();
                List<String> statements = new ArrayList<>();
                Set<Integer> touched = new HashSet<>();
                for (int i = 0; i < 1 + random.nextInt(12); i++) {
                    int id = random.nextInt(30);
                    if (!touched.add(id)) continue;
                    statements.add("DELETE FROM a WHERE id = " + id);
                    if (rows.containsKey(id) && random.nextInt(3) == 0) {
                        rows.remove(id);
                        ops.add(Op.deleteKey("a", Map.of("id", id)));
                        continue;
                    }
                    Integer g = random.nextInt(8) == 0 ? null : random.nextInt(4);
                    Integer x = random.nextInt(8) == 0 ? null : random.nextInt(6);
                    String s = random.nextInt(6) == 0 ? null : "s" + random.nextInt(3);
                    java.math.BigDecimal n = random.nextInt(7) == 0
                            ? null
                            : java.math.BigDecimal.valueOf(random.nextInt(20001) - 10000, 2);
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("id", id);
                    row.put("g", g);
                    row.put("x", x);
                    row.put("s", s);
                    row.put("n", n);
                    ops.add(rows.containsKey(id) ? Op.update("a", row) : Op.insert("a", row));
                    rows.put(id, new Object[] {g, x, s, n});
                    statements.add("INSERT INTO a VALUES (" + id + ", " + g + ", " + x + ", "
                            + (s == null ? "NULL" : "'" + s + "'") + ", " + n + ")");
                }
                assertInstanceOf(BatchOutcome.Accepted.class, circuit.applyBatch(ops), "batch " + batch);
                for (String statement : statements) pg.execute(statement);
                pg.assertViewsEqual(circuit, VIEWS, "batch " + batch);
                if (batch == 20) {
                    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                    circuit.writeSnapshot(new DataOutputStream(bytes));
                    Circuit restored =
                            Circuit.readSnapshot(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
                    for (int v = 0; v < VIEWS.size(); v++) {
                        assertEquals(circuit.content("v" + v), restored.content("v" + v), "restored " + VIEWS.get(v));
                    }
                    circuit = restored; // the rest of the batches go to the restored circuit
                }
            }
            assertTrue(rows.size() > 10, "the table holds rows at the end");
        }
    }

    @Test
    void otherWindowFunctionsAreRefusedByName() {
        Circuit circuit = TestCircuits.circuit(TABLES);
        DdlResult result = circuit.executeSql("CREATE VIEW w AS SELECT id, STDDEV(x) OVER (PARTITION BY g) FROM a");
        assertInstanceOf(DdlResult.Rejected.class, result);
        assertTrue(result.toString().contains("STDDEV"), result.toString());
        assertTrue(result.toString().contains("only ROW_NUMBER, RANK, DENSE_RANK"), result.toString());
        DdlResult range = circuit.executeSql("CREATE VIEW f AS SELECT id, SUM(x) OVER (ORDER BY s RANGE"
                + " BETWEEN 1 PRECEDING AND 1 FOLLOWING) FROM a");
        assertInstanceOf(DdlResult.Rejected.class, range);
        assertTrue(range.toString().contains("RANGE"), range.toString());
        DdlResult zero = circuit.executeSql("CREATE VIEW z AS SELECT id, NTILE(0) OVER (ORDER BY id) FROM a");
        assertTrue(zero.toString().contains("not a positive constant"), zero.toString());
    }
}
