package io.shardview.circuit.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardview.circuit.Circuit;
import io.shardview.circuit.DdlResult;
import io.shardview.circuit.PostgresMirror;
import io.shardview.circuit.TestCircuits;
import io.shardview.circuit.batch.BatchOutcome;
import io.shardview.circuit.batch.Op;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Column pruning (SQL revision 6): a join's inputs keep the columns read above them, so its state is smaller than
 * the whole rows revision 5 indexes, with the same rows in the view after every batch; a filtered select list and a
 * grouped filter keep revision 5's operators (no projection more per row).
 */
class ColumnPruningTest {
    private static final String DDL =
            "CREATE TABLE t (id INT PRIMARY KEY, k INT, d INT, s VARCHAR, wide VARCHAR, y DOUBLE PRECISION);"
                    + "CREATE TABLE dim (k INT PRIMARY KEY, name VARCHAR, notes VARCHAR)";

    private static final List<String> VIEWS = List.of(
            "CREATE VIEW j AS SELECT t.id, t.d, dim.name FROM t JOIN dim ON t.k = dim.k WHERE t.d >= 5",
            "CREATE VIEW g AS SELECT dim.name, COUNT(*) AS n, SUM(t.d) AS total FROM t JOIN dim ON t.k = dim.k"
                    + " GROUP BY dim.name",
            "CREATE VIEW l AS SELECT t.id, dim.name FROM t LEFT JOIN dim ON t.k = dim.k AND dim.notes <> t.s",
            "CREATE VIEW c AS SELECT COUNT(*) AS n FROM t, dim WHERE t.d < 3");

    @Test
    void aJoinIndexesOnlyTheColumnsReadAboveIt() {
        Circuit pruned = circuit(Circuit.SQL_REVISION);
        Circuit whole = circuit(5);
        Random random = new Random(11);
        java.util.Set<Integer> ids = new java.util.HashSet<>();
        for (int batch = 0; batch < 20; batch++) {
            List<Op> ops = batch(random, ids);
            BatchOutcome outcome = pruned.applyBatch(ops);
            assertInstanceOf(BatchOutcome.Accepted.class, outcome, outcome.toString());
            assertInstanceOf(BatchOutcome.Accepted.class, whole.applyBatch(ops));
            for (String view : List.of("j", "g", "l", "c")) {
                assertEquals(
                        PostgresMirror.canonical(whole.content(view)),
                        PostgresMirror.canonical(pruned.content(view)),
                        view + " after batch " + batch);
            }
        }
        // The same rows of state, each without the wide strings no view reads.
        assertTrue(
                pruned.stateBytes() * 2 < whole.stateBytes(),
                "pruned " + pruned.stateBytes() + " bytes, whole rows " + whole.stateBytes());
    }

    @Test
    void aFilteredSelectListKeepsOneFilterAndOneProjection() throws Exception {
        Circuit c = TestCircuits.circuit(DDL);
        String filter = plan(c, "SELECT id, k * 2 AS k2, UPPER(s) AS s FROM t WHERE d >= 0 AND d < 10");
        assertEquals(1, occurrences(filter, "LogicalProject"), filter);
        String grouped = plan(c, "SELECT k, COUNT(*) AS n, MAX(d) AS hi FROM t WHERE d >= 3 GROUP BY k");
        assertFalse(grouped.contains("LogicalProject(id"), grouped);
        assertEquals(1, occurrences(grouped, "LogicalProject"), grouped);
        String join = plan(c, "SELECT t.id, dim.name FROM t JOIN dim ON t.k = dim.k");
        assertTrue(join.contains("LogicalProject(id=[$0], k=[$1])"), join);
        assertTrue(join.contains("LogicalProject(k=[$0], name=[$1])"), join);
    }

    private static String plan(Circuit c, String select) throws SqlPlanner.PlanningException {
        return SqlPlanner.explain(SqlPlanner.plan(select, c.catalog().tables(), false, Circuit.SQL_REVISION));
    }

    private static int occurrences(String text, String word) {
        return text.split(word, -1).length - 1;
    }

    private static Circuit circuit(int revision) {
        Circuit c = new Circuit();
        for (String statement : (DDL + ";" + String.join(";", VIEWS)).split(";"))
            assertInstanceOf(DdlResult.Applied.class, c.replaySql(statement, revision), statement);
        return c;
    }

    /** Upserts of dim and t rows and deletes of t rows present (ids: those of t, kept up to date). */
    private static List<Op> batch(Random random, java.util.Set<Integer> ids) {
        List<Op> ops = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            if (random.nextInt(5) == 0) {
                Map<String, Object> d = new LinkedHashMap<>();
                d.put("k", random.nextInt(12));
                d.put("name", random.nextInt(4) == 0 ? null : "n" + random.nextInt(5));
                d.put("notes", "note " + random.nextInt(3) + " " + "x".repeat(60));
                ops.add(Op.upsert("dim", d));
            } else if (random.nextInt(6) == 0 && !ids.isEmpty()) {
                Integer id = ids.iterator().next();
                ids.remove(id);
                ops.add(Op.deleteKey("t", Map.of("id", id)));
            } else {
                Map<String, Object> row = new LinkedHashMap<>();
                int id = random.nextInt(80);
                ids.add(id);
                row.put("id", id);
                row.put("k", random.nextInt(14));
                row.put("d", random.nextInt(10));
                row.put("s", "note " + random.nextInt(3) + " " + "x".repeat(60));
                row.put("wide", "w".repeat(200));
                row.put("y", random.nextDouble());
                ops.add(Op.upsert("t", row));
            }
        }
        return ops;
    }
}
