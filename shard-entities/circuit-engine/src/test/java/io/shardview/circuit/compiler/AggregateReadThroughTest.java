package io.shardview.circuit.compiler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.shardview.circuit.Circuit;
import io.shardview.circuit.DdlResult;
import io.shardview.circuit.PostgresMirror;
import io.shardview.circuit.TestCircuits;
import io.shardview.circuit.batch.BatchOutcome;
import io.shardview.circuit.batch.Op;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * SQL revision 11: an aggregate over a projection of columns alone reads the rows below it, its columns mapped, with
 * no Project operator; a view created under revision 10 keeps that operator. Both give the same rows after every
 * batch, equal to a from-scratch evaluation, and so does a snapshot of a circuit holding both kinds.
 */
class AggregateReadThroughTest {
    private static final String DDL = "CREATE TABLE orders (id INT PRIMARY KEY, customer VARCHAR, amount INT,"
            + " region CHAR(4), price NUMERIC(8, 2), other INT)";

    /** Views whose aggregates read a projection of columns (Calcite plans one below each), and one that does not. */
    private static final Map<String, String> VIEWS = new LinkedHashMap<>();

    static {
        VIEWS.put("totals", "SELECT customer, COUNT(*) AS n, SUM(amount) AS total FROM orders GROUP BY customer");
        // The same aggregate call over another column of the same table: told apart, not shared.
        VIEWS.put("others", "SELECT customer, COUNT(*) AS n, SUM(other) AS total FROM orders GROUP BY customer");
        VIEWS.put(
                "swapped",
                "SELECT amount, customer, MIN(other) AS lo, MAX(price) AS hi FROM orders"
                        + " GROUP BY customer, amount");
        VIEWS.put(
                "regions",
                "SELECT region, COUNT(*) AS n, AVG(price) AS mean, SUM(price) AS total FROM orders"
                        + " GROUP BY region");
        VIEWS.put("whole", "SELECT COUNT(amount) AS n, SUM(amount) AS total, MAX(customer) AS last FROM orders");
        VIEWS.put("keys", "SELECT customer FROM orders GROUP BY customer");
        VIEWS.put(
                "filtered",
                "SELECT customer, COUNT(*) FILTER (WHERE amount > 50) AS big FROM orders" + " GROUP BY customer");
    }

    @Test
    void revisionElevenAggregatesWithoutAProjectAndAgreesWithRevisionTen() {
        Circuit through = circuit(11);
        Circuit projected = circuit(10);
        for (String view : List.of("totals", "others", "regions", "whole")) {
            assertEquals(List.of("Read", "Aggregate"), operators(through, view), view);
            assertEquals(List.of("Read", "Project", "Aggregate"), operators(projected, view), view);
        }
        assertEquals(List.of("Read", "Aggregate", "Project"), operators(through, "swapped"));
        assertEquals(List.of("Read", "Project", "Aggregate", "Project"), operators(projected, "swapped"));
        // A DISTINCT shows its input's rows, and a FILTER's condition is computed: both keep their projection.
        for (String view : List.of("keys", "filtered"))
            assertEquals(operators(projected, view), operators(through, view), view);
        assertEquals(List.of("Read", "Project", "Distinct"), operators(through, "keys"));
        Random random = new Random(37);
        Set<Integer> ids = new HashSet<>();
        for (int batch = 0; batch < 40; batch++) {
            List<Op> ops = batch(random, ids);
            BatchOutcome outcome = through.applyBatch(ops);
            assertInstanceOf(BatchOutcome.Accepted.class, outcome, outcome.toString());
            assertInstanceOf(BatchOutcome.Accepted.class, projected.applyBatch(ops));
            for (String view : VIEWS.keySet()) {
                assertEquals(
                        PostgresMirror.canonical(projected.content(view)),
                        PostgresMirror.canonical(through.content(view)),
                        view + " after batch " + batch);
                assertEquals(through.recompute(view), through.content(view), view + ": incremental vs from scratch");
            }
        }
        assertNotEquals(
                PostgresMirror.canonical(through.content("totals")),
                PostgresMirror.canonical(through.content("others")));
    }

    @Test
    void viewsOfBothRevisionsInOneCircuitSurviveASnapshot() throws Exception {
        Circuit c = TestCircuits.circuit(DDL);
        ok(c.replaySql("CREATE VIEW old_totals AS " + VIEWS.get("totals"), 10));
        ok(c.executeSql("CREATE VIEW new_totals AS " + VIEWS.get("totals")));
        ok(c.executeSql("CREATE VIEW new_others AS " + VIEWS.get("others")));
        Random random = new Random(5);
        Set<Integer> ids = new HashSet<>();
        for (int batch = 0; batch < 10; batch++) assertAccepted(c.applyBatch(batch(random, ids)));
        c = TestCircuits.restored(c);
        assertEquals(List.of("Read", "Project", "Aggregate"), operators(c, "old_totals"));
        assertEquals(List.of("Read", "Aggregate"), operators(c, "new_totals"));
        for (int batch = 0; batch < 10; batch++) {
            assertAccepted(c.applyBatch(batch(random, ids)));
            assertEquals(
                    PostgresMirror.canonical(c.content("old_totals")),
                    PostgresMirror.canonical(c.content("new_totals")),
                    "after batch " + batch);
            for (String view : List.of("old_totals", "new_totals", "new_others"))
                assertEquals(c.recompute(view), c.content(view), view + ": incremental vs from scratch");
        }
    }

    private static List<String> operators(Circuit c, String view) {
        return c.explain(view).orElseThrow().operators().stream()
                .map(Dataflow.Explained::operator)
                .toList();
    }

    private static Circuit circuit(int revision) {
        Circuit c = new Circuit();
        ok(c.replaySql(DDL, revision));
        VIEWS.forEach((name, select) -> ok(c.replaySql("CREATE VIEW " + name + " AS " + select, revision)));
        return c;
    }

    private static void ok(DdlResult result) {
        assertInstanceOf(DdlResult.Applied.class, result, result.toString());
    }

    private static void assertAccepted(BatchOutcome outcome) {
        assertInstanceOf(BatchOutcome.Accepted.class, outcome, outcome.toString());
    }

    /** Upserts and deletes of orders, with NULLs, padded CHAR values and NUMERIC values of other scales. */
    private static List<Op> batch(Random random, Set<Integer> ids) {
        List<Op> ops = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            if (random.nextInt(5) == 0 && !ids.isEmpty()) {
                Integer id = ids.iterator().next();
                ids.remove(id);
                ops.add(Op.deleteKey("orders", Map.of("id", id)));
                continue;
            }
            int id = random.nextInt(60);
            ids.add(id);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("id", id);
            row.put("customer", random.nextInt(8) == 0 ? null : "c" + random.nextInt(6));
            row.put("amount", random.nextInt(8) == 0 ? null : random.nextInt(100));
            row.put("region", random.nextBoolean() ? "eu" : random.nextBoolean() ? "eu  " : "us");
            row.put("price", random.nextBoolean() ? new BigDecimal("2.50") : new BigDecimal("2.5"));
            row.put("other", random.nextInt(1000));
            ops.add(Op.upsert("orders", row));
        }
        return ops;
    }
}
