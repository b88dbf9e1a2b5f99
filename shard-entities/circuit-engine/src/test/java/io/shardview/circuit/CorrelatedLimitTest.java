package io.shardview.circuit;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.shardview.circuit.batch.BatchOutcome;
import io.shardview.circuit.batch.Op;
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
 * Correlated {@code ORDER BY ... LIMIT} subqueries of the forms Calcite decorrelates into a ROW_NUMBER window per
 * correlation value (DESC, another column, LIMIT 2), maintained by the window operator: equal to PostgreSQL after
 * every one of 40 random batches. Their ORDER BY is unique (PostgreSQL's choice among ties is unspecified).
 */
class CorrelatedLimitTest {
    private static final String TABLES = "CREATE TABLE t (id INT PRIMARY KEY, k INT, x INT);"
            + "CREATE TABLE u (id INT PRIMARY KEY, k INT, x INT, y VARCHAR)";
    private static final List<String> VIEWS = List.of(
            "SELECT t.id, (SELECT u.x FROM u WHERE u.k = t.k ORDER BY u.x DESC, u.id LIMIT 1) AS m FROM t",
            "SELECT t.id FROM t WHERE t.x IN (SELECT u.x FROM u WHERE u.k = t.k ORDER BY u.x, u.id LIMIT 2)",
            "SELECT t.id, (SELECT u.y FROM u WHERE u.k = t.k ORDER BY u.id LIMIT 1) AS first_y FROM t");

    @Test
    void correlatedLimitsEqualPostgresAfterEveryBatch() throws SQLException {
        try (PostgresMirror pg = new PostgresMirror()) {
            pg.reset();
            pg.execute(TABLES);
            Circuit circuit = TestCircuits.circuit(TABLES);
            PostgresMirror.createViews(circuit, VIEWS);
            for (int v = 0; v < VIEWS.size(); v++) {
                boolean windowed = circuit.explain("v" + v).orElseThrow().operators().stream()
                        .anyMatch(o -> o.operator().equals("WindowRank"));
                org.junit.jupiter.api.Assertions.assertTrue(windowed, "a window operator in " + VIEWS.get(v));
            }
            SplittableRandom random = new SplittableRandom(5);
            Map<String, Set<Integer>> present = Map.of("t", new HashSet<>(), "u", new HashSet<>());
            for (int batch = 0; batch < 40; batch++) {
                List<Op> ops = new ArrayList<>();
                List<String> statements = new ArrayList<>();
                Set<String> touched = new HashSet<>();
                for (int i = 0; i < 1 + random.nextInt(10); i++) {
                    String table = random.nextBoolean() ? "t" : "u";
                    int id = random.nextInt(20);
                    if (!touched.add(table + id)) continue;
                    statements.add("DELETE FROM " + table + " WHERE id = " + id);
                    if (present.get(table).contains(id) && random.nextInt(3) == 0) {
                        present.get(table).remove(id);
                        ops.add(Op.deleteKey(table, Map.of("id", id)));
                        continue;
                    }
                    Integer k = random.nextInt(6) == 0 ? null : random.nextInt(3);
                    Integer x = random.nextInt(6) == 0 ? null : random.nextInt(5);
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("id", id);
                    row.put("k", k);
                    row.put("x", x);
                    String values = id + ", " + k + ", " + x;
                    if (table.equals("u")) {
                        String y = random.nextInt(5) == 0 ? null : "y" + random.nextInt(4);
                        row.put("y", y);
                        values += ", " + (y == null ? "NULL" : "'" + y + "'");
                    }
                    ops.add(present.get(table).add(id) ? Op.insert(table, row) : Op.update(table, row));
                    statements.add("INSERT INTO " + table + " VALUES (" + values + ")");
                }
                assertInstanceOf(BatchOutcome.Accepted.class, circuit.applyBatch(ops), "batch " + batch);
                for (String statement : statements) pg.execute(statement);
                pg.assertViewsEqual(circuit, VIEWS, "batch " + batch);
            }
        }
    }
}
