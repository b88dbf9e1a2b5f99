package io.shardview.circuit;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.shardview.circuit.batch.BatchOutcome;
import io.shardview.circuit.batch.Op;
import io.shardview.circuit.budget.Budgets;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Comma joins as sqllogictest's select5 writes them, tables linked by equalities in WHERE in an order unrelated to
 * FROM's: each view keeps state of the size of its tables and their matches, not of a cross product of FROM
 * neighbours (the tenant's state budget, 20,000 rows, would refuse the batches of a plan that kept 10^4-row products),
 * and equals PostgreSQL's answer after every random batch of inserts, updates and deletes.
 */
class JoinOrderTest {
    private static final int TABLES = 8;
    private static final String DDL;

    static {
        StringBuilder ddl = new StringBuilder();
        for (int t = 1; t <= TABLES; t++) {
            if (t > 1) ddl.append(';');
            ddl.append("CREATE TABLE t").append(t).append(" (id INT PRIMARY KEY, a INT, b INT)");
        }
        DDL = ddl.toString();
    }

    private static final List<String> VIEWS = List.of(
            // a chain t1-t5-t2-t7-t3-t8-t4-t6: no two FROM neighbours are linked
            "SELECT t1.id, t6.id AS i6 FROM t1, t2, t3, t4, t5, t6, t7, t8 WHERE t1.a = t5.b AND t5.a = t2.b"
                    + " AND t2.a = t7.b AND t7.a = t3.b AND t3.a = t8.b AND t8.a = t4.b AND t4.a = t6.b AND t1.id < 15",
            // a star around t4, written last, with single-table predicates
            "SELECT COUNT(*) AS n, SUM(t1.b) AS s FROM t3, t1, t2, t4 WHERE t1.a = t4.a AND t2.a = t4.b"
                    + " AND t3.b = t4.id AND t2.id > 2 AND t3.a IS NOT NULL",
            // an outer join beside inner ones: it keeps its place
            "SELECT t1.id, t2.id AS j, t3.id AS k FROM t1 LEFT JOIN t2 ON t1.a = t2.a, t3 WHERE t3.b = t1.b",
            // a cycle and a join condition that is not an equality
            "SELECT t5.id, t6.id AS j FROM t5, t7, t6 WHERE t5.a = t6.a AND t6.b = t7.b AND t7.a = t5.b"
                    + " AND t5.id + t6.id > t7.id");

    @Test
    void joinsKeepNoProductOfFromNeighboursAndEqualPostgres() throws SQLException {
        try (PostgresMirror pg = new PostgresMirror()) {
            pg.reset();
            pg.execute(DDL);
            Circuit circuit = TestCircuits.circuit(DDL);
            circuit.setBudgets(Budgets.UNLIMITED.with(Map.of(Budgets.STATE_ROWS, 20_000L)));
            PostgresMirror.createViews(circuit, VIEWS);
            SplittableRandom random = new SplittableRandom(11);
            List<Map<Integer, int[]>> tables = new ArrayList<>();
            for (int t = 0; t < TABLES; t++) tables.add(new LinkedHashMap<>());
            for (int batch = 0; batch < 30; batch++) {
                List<Op> ops = new ArrayList<>();
                List<String> statements = new ArrayList<>();
                java.util.Set<String> touched = new java.util.HashSet<>();
                int size = batch == 0 ? 160 : 1 + random.nextInt(12); // first every table's 20 rows
                for (int i = 0; i < size; i++) {
                    int t = batch == 0 ? i % TABLES : random.nextInt(TABLES);
                    int id = batch == 0 ? i / TABLES : random.nextInt(25);
                    String table = "t" + (t + 1);
                    if (!touched.add(table + "/" + id)) continue;
                    Map<Integer, int[]> rows = tables.get(t);
                    statements.add("DELETE FROM " + table + " WHERE id = " + id);
                    if (batch > 0 && rows.containsKey(id) && random.nextInt(3) == 0) {
                        rows.remove(id);
                        ops.add(Op.deleteKey(table, Map.of("id", id)));
                        continue;
                    }
                    int a = random.nextInt(20);
                    int b = random.nextInt(20);
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("id", id);
                    row.put("a", a);
                    row.put("b", b);
                    ops.add(rows.containsKey(id) ? Op.update(table, row) : Op.insert(table, row));
                    rows.put(id, new int[] {a, b});
                    statements.add("INSERT INTO " + table + " VALUES (" + id + ", " + a + ", " + b + ")");
                }
                assertInstanceOf(BatchOutcome.Accepted.class, circuit.applyBatch(ops), "batch " + batch);
                for (String statement : statements) pg.execute(statement);
                pg.assertViewsEqual(circuit, VIEWS, "batch " + batch);
            }
        }
    }
}
