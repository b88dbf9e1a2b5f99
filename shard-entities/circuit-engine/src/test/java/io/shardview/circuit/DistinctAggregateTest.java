package io.shardview.circuit;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.shardview.circuit.batch.BatchOutcome;
import io.shardview.circuit.batch.Op;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * COUNT, SUM and AVG of DISTINCT values and aggregates with FILTER (WHERE ...), maintained incrementally: random batches of inserts, updates and deletes (many
 * duplicates, NULLs in the grouping and aggregated columns) into a table under views of distinct aggregates, with and
 * without GROUP BY, beside plain aggregates; after every batch each view equals PostgreSQL's answer for the same
 * query over the same rows, and the engine's own recomputation from scratch.
 */
class DistinctAggregateTest {
    private static final String TABLE =
            "CREATE TABLE t (id INT PRIMARY KEY, g INT, h VARCHAR, x INT, y BIGINT, n NUMERIC(6,2))";
    private static final List<String> VIEWS = List.of(
            "SELECT COUNT(DISTINCT x) AS c FROM t",
            "SELECT g, COUNT(DISTINCT x) AS c FROM t GROUP BY g",
            "SELECT g, SUM(DISTINCT y) AS s, AVG(DISTINCT x) AS a FROM t GROUP BY g",
            "SELECT h, COUNT(DISTINCT x) AS c, COUNT(*) AS n, SUM(y) AS s FROM t GROUP BY h",
            "SELECT g, COUNT(DISTINCT x) AS cx, COUNT(DISTINCT h) AS ch FROM t GROUP BY g",
            "SELECT COUNT(DISTINCT g) AS cg, MAX(x) AS mx FROM t WHERE x > 1",
            "SELECT g, SUM(DISTINCT n) AS s FROM t GROUP BY g",
            "SELECT g, COUNT(*) FILTER (WHERE x > 1) AS c, SUM(y) FILTER (WHERE h = 'h1') AS s,"
                    + " COUNT(DISTINCT x) FILTER (WHERE y >= 0) AS d FROM t GROUP BY g",
            "SELECT AVG(x) FILTER (WHERE g IS NULL) AS a, MAX(n) FILTER (WHERE h <> 'h0') AS m FROM t",
            // over no rows, COUNT(*) beside a distinct count is 0 ($SUM0 of partial counts, SQL revision 5)
            "SELECT COUNT(DISTINCT x) AS c, COUNT(*) AS n FROM t WHERE x > 100",
            "SELECT COUNT(DISTINCT x) / -69 + 9 * COUNT(*) AS v FROM t WHERE g > 2");

    /**
     * A view journaled under SQL revision 4 keeps its NULL for $SUM0 over no rows (its snapshot's rows hold it); the
     * same view under the current revision is 0, as PostgreSQL gives.
     */
    @Test
    void aViewOfRevision4KeepsItsNullCountOverNoRows() {
        String view = "CREATE VIEW w AS SELECT COUNT(DISTINCT x) AS c, COUNT(*) AS n FROM t WHERE x > 100";
        Circuit old = TestCircuits.circuit(TABLE);
        assertInstanceOf(io.shardview.circuit.DdlResult.Applied.class, old.replaySql(view, 4));
        Circuit current = TestCircuits.circuit(TABLE);
        assertInstanceOf(io.shardview.circuit.DdlResult.Applied.class, current.executeSql(view));
        org.junit.jupiter.api.Assertions.assertEquals(
                "[[0, null]]", TestCircuits.rows(old, "w").toString());
        org.junit.jupiter.api.Assertions.assertEquals(
                "[[0, 0]]", TestCircuits.rows(current, "w").toString());
    }

    @Test
    void distinctAggregatesEqualPostgresAfterEveryBatch() throws SQLException {
        try (PostgresMirror pg = new PostgresMirror()) {
            pg.reset();
            pg.execute(TABLE);
            Circuit circuit = TestCircuits.circuit(TABLE);
            PostgresMirror.createViews(circuit, VIEWS);
            SplittableRandom random = new SplittableRandom(42);
            Map<Integer, Map<String, Object>> rows = new LinkedHashMap<>();
            for (int batch = 0; batch < 40; batch++) {
                List<Op> ops = new ArrayList<>();
                List<String> statements = new ArrayList<>();
                java.util.Set<Integer> touched = new java.util.HashSet<>();
                for (int i = 0; i < 1 + random.nextInt(12); i++) {
                    int id = random.nextInt(30);
                    if (!touched.add(id)) continue;
                    if (rows.containsKey(id) && random.nextInt(3) == 0) {
                        rows.remove(id);
                        ops.add(Op.deleteKey("t", Map.of("id", id)));
                        statements.add("DELETE FROM t WHERE id = " + id);
                        continue;
                    }
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("id", id);
                    row.put("g", random.nextInt(5) == 0 ? null : random.nextInt(3));
                    row.put("h", random.nextInt(5) == 0 ? null : "h" + random.nextInt(3));
                    row.put("x", random.nextInt(5) == 0 ? null : random.nextInt(4));
                    row.put("y", random.nextInt(5) == 0 ? null : (long) random.nextInt(4) - 1);
                    row.put("n", random.nextInt(5) == 0 ? null : new java.math.BigDecimal(random.nextInt(4) + ".50"));
                    boolean update = rows.containsKey(id);
                    rows.put(id, row);
                    ops.add(update ? Op.update("t", row) : Op.insert("t", row));
                    statements.add("DELETE FROM t WHERE id = " + id);
                    statements.add("INSERT INTO t VALUES (" + id + ", " + sql(row.get("g")) + ", " + sql(row.get("h"))
                            + ", " + sql(row.get("x")) + ", " + sql(row.get("y")) + ", " + sql(row.get("n")) + ")");
                }
                assertInstanceOf(BatchOutcome.Accepted.class, circuit.applyBatch(ops), "batch " + batch);
                for (String statement : statements) pg.execute(statement);
                pg.assertViewsEqual(circuit, VIEWS, "batch " + batch);
            }
        }
    }

    private static String sql(Object value) {
        if (value == null) return "NULL";
        if (value instanceof String s) return "'" + s + "'";
        return value.toString();
    }
}
