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
 * INTERSECT and EXCEPT, maintained incrementally (as a distinct over the union of the branches, each row counted per
 * branch), and their ALL forms (by copies, SetOperationAll): random batches of inserts, updates and
 * deletes into two tables (duplicates and NULLs on purpose) under views of set operations; after every batch each view
 * equals PostgreSQL's answer for the same query over the same rows, and the engine's own recomputation.
 */
class SetOperationTest {
    private static final String TABLES = "CREATE TABLE a (id INT PRIMARY KEY, x INT, s VARCHAR);"
            + "CREATE TABLE b (id INT PRIMARY KEY, x INT, s VARCHAR)";
    private static final List<String> VIEWS = List.of(
            "SELECT x FROM a INTERSECT SELECT x FROM b",
            "SELECT x, s FROM a EXCEPT SELECT x, s FROM b",
            "SELECT x FROM a WHERE x > 0 EXCEPT SELECT x FROM b INTERSECT SELECT x FROM a",
            "SELECT s FROM b EXCEPT SELECT s FROM a UNION SELECT s FROM a WHERE x IS NULL",
            // by copies: the tables' x and s repeat
            "SELECT x FROM a INTERSECT ALL SELECT x FROM b",
            "SELECT x, s FROM a EXCEPT ALL SELECT x, s FROM b",
            "SELECT s FROM a EXCEPT ALL SELECT s FROM b EXCEPT ALL SELECT s FROM a WHERE x > 1",
            "SELECT x FROM a INTERSECT ALL SELECT x FROM b INTERSECT ALL SELECT x FROM a WHERE s IS NOT NULL",
            "SELECT s FROM a INTERSECT ALL SELECT 's1' FROM b UNION ALL SELECT s FROM b EXCEPT ALL SELECT s FROM a");

    @Test
    void setOperationsEqualPostgresAfterEveryBatch() throws SQLException, java.io.IOException {
        try (PostgresMirror pg = new PostgresMirror()) {
            pg.reset();
            pg.execute(TABLES);
            Circuit circuit = TestCircuits.circuit(TABLES);
            PostgresMirror.createViews(circuit, VIEWS);
            SplittableRandom random = new SplittableRandom(7);
            Map<String, Map<Integer, Object[]>> tables = Map.of("a", new LinkedHashMap<>(), "b", new LinkedHashMap<>());
            for (int batch = 0; batch < 40; batch++) {
                List<Op> ops = new ArrayList<>();
                List<String> statements = new ArrayList<>();
                java.util.Set<String> touched = new java.util.HashSet<>();
                for (int i = 0; i < 1 + random.nextInt(10); i++) {
                    String table = random.nextBoolean() ? "a" : "b";
                    int id = random.nextInt(20);
                    if (!touched.add(table + id)) continue;
                    Map<Integer, Object[]> rows = tables.get(table);
                    statements.add("DELETE FROM " + table + " WHERE id = " + id);
                    if (rows.containsKey(id) && random.nextInt(3) == 0) {
                        rows.remove(id);
                        ops.add(Op.deleteKey(table, Map.of("id", id)));
                        continue;
                    }
                    Integer x = random.nextInt(6) == 0 ? null : random.nextInt(4);
                    String s = random.nextInt(6) == 0 ? null : "s" + random.nextInt(2);
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("id", id);
                    row.put("x", x);
                    row.put("s", s);
                    ops.add(rows.containsKey(id) ? Op.update(table, row) : Op.insert(table, row));
                    rows.put(id, new Object[] {x, s});
                    statements.add("INSERT INTO " + table + " VALUES (" + id + ", " + x + ", "
                            + (s == null ? "NULL" : "'" + s + "'") + ")");
                }
                assertInstanceOf(BatchOutcome.Accepted.class, circuit.applyBatch(ops), "batch " + batch);
                for (String statement : statements) pg.execute(statement);
                pg.assertViewsEqual(circuit, VIEWS, "batch " + batch);
                if (batch == 20) { // the rest of the batches go to a circuit restored from a snapshot
                    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
                    circuit.writeSnapshot(new java.io.DataOutputStream(bytes));
                    Circuit restored = Circuit.readSnapshot(
                            new java.io.DataInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray())));
                    for (int v = 0; v < VIEWS.size(); v++) {
                        org.junit.jupiter.api.Assertions.assertEquals(
                                circuit.content("v" + v), restored.content("v" + v), VIEWS.get(v));
                    }
                    circuit = restored;
                }
            }
        }
    }
}
