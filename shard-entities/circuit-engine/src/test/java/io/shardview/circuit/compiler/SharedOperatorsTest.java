package io.shardview.circuit.compiler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardview.circuit.Circuit;
import io.shardview.circuit.DdlResult;
import io.shardview.circuit.TestCircuits;
import io.shardview.circuit.batch.BatchOutcome;
import io.shardview.circuit.batch.Op;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Views with identical sub-plans share their operators ({@link SharedOperators}): the shared state is held once, and
 * every view's content equals that of the same view alone in a circuit of its own after each batch, through drops and
 * re-creations, failed batches, parallel evaluation and a snapshot.
 */
class SharedOperatorsTest {
    private static final String TABLES = "CREATE TABLE o (id INT PRIMARY KEY, cid INT, amount INT, note TEXT);"
            + " CREATE TABLE c (id INT PRIMARY KEY, name TEXT, region INT)";

    private static final String JOIN = "FROM o JOIN c ON o.cid = c.id WHERE o.amount > 10";

    /** Views over the same filtered join, a filter of their own, and one failing where amount = 31. */
    private static final Map<String, String> VIEWS = views();

    private static Map<String, String> views() {
        Map<String, String> v = new LinkedHashMap<>();
        v.put("pairs", "SELECT o.id, c.name " + JOIN);
        v.put("names", "SELECT c.name, o.id, o.amount " + JOIN);
        v.put("totals", "SELECT c.name, SUM(o.amount) AS total, COUNT(*) AS n " + JOIN + " GROUP BY c.name");
        v.put("regions", "SELECT c.region, MAX(o.amount) AS top " + JOIN + " GROUP BY c.region");
        v.put("big", "SELECT id, amount FROM o WHERE amount > 10");
        v.put("big_again", "SELECT id, amount FROM o WHERE amount > 10");
        v.put("notes", "SELECT note, COUNT(*) AS n FROM o WHERE amount > 10 GROUP BY note");
        v.put("over_totals", "SELECT name FROM totals WHERE total > 40");
        v.put("over_totals_again", "SELECT name, total FROM totals WHERE total > 40");
        return v;
    }

    private static final String FAILING = "SELECT o.id, 100 / (o.amount - 31) AS q " + JOIN;

    @Test
    void twoViewsOfOneJoinHoldItsStateOnce() {
        Circuit both = TestCircuits.circuit(TABLES);
        Circuit alone = TestCircuits.circuit(TABLES);
        create(both, "pairs", VIEWS.get("pairs"));
        create(both, "names", VIEWS.get("names"));
        create(alone, "pairs", VIEWS.get("pairs"));
        List<Op> ops = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            ops.add(Op.insert("o", row(i, i % 5, 5 + i, "n" + (i % 3))));
            if (i < 5) ops.add(Op.insert("c", Map.of("id", i, "name", "c" + i, "region", i % 2)));
        }
        accepted(both, ops);
        accepted(alone, ops);
        long tablesAndPairs = 25 + both.content("pairs").size();
        long joinState = alone.stateRows() - tablesAndPairs;
        assertTrue(joinState >= 19, "the join indexes both sides: " + joinState);
        // Both views' operators hold what one view's hold: the join, its indexes and the filter are one.
        assertEquals(
                joinState,
                both.stateRows() - tablesAndPairs - both.content("names").size());
        Circuit.ViewPlan plan = both.explain("names").orElseThrow();
        Dataflow.Explained join = plan.operators().stream()
                .filter(o -> o.operator().endsWith("Join"))
                .findFirst()
                .orElseThrow();
        assertEquals(2, join.views(), plan.toString());
        assertEquals(
                1,
                plan.operators().get(plan.operators().size() - 1).views(),
                "each view keeps its own projection: " + plan);
    }

    /**
     * A snapshot (SVC14) writes a shared operator's state once, in the first view holding it; an SVC13 snapshot, which
     * holds it in every view, restores shared too.
     */
    @Test
    void aSnapshotWritesASharedOperatorsStateOnce() throws IOException {
        Circuit shared = TestCircuits.circuit(TABLES);
        Circuit apart = TestCircuits.circuit(TABLES);
        apart.setOperatorSharing(false);
        List<Op> ops = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            ops.add(Op.insert("o", row(i, i % 20, i % 40, "n" + (i % 3))));
            if (i < 20) ops.add(Op.insert("c", Map.of("id", i, "name", "c" + i, "region", i % 2)));
        }
        for (Circuit c : List.of(shared, apart)) {
            create(c, "pairs", VIEWS.get("pairs"));
            create(c, "pairs_again", VIEWS.get("pairs"));
            accepted(c, ops);
        }
        assertTrue(shared.stateRows() < apart.stateRows());
        byte[] once = snapshot(shared);
        byte[] twice = snapshot(apart);
        // The second view's section holds its rows and a flag per operator, not the join's indexes again.
        assertTrue(once.length < twice.length - 200 * 4, once.length + " against " + twice.length);
        ByteArrayOutputStream svc13 = new ByteArrayOutputStream();
        io.shardview.circuit.snapshot.CircuitSnapshot.write(new DataOutputStream(svc13), shared.image(), 0x5356433D);
        assertTrue(svc13.size() > once.length);
        List<Op> more = List.of(
                Op.update("o", row(7, 3, 39, "x")),
                Op.deleteKey("c", Map.of("id", 4)),
                Op.deleteKey("o", Map.of("id", 9)));
        accepted(shared, more);
        for (byte[] bytes : List.of(once, twice, svc13.toByteArray())) {
            Circuit restored = Circuit.readSnapshot(new DataInputStream(new ByteArrayInputStream(bytes)));
            assertEquals(shared.stateRows(), restoredRowsAfter(restored, more), "restored shared, one batch later");
            for (String view : List.of("pairs", "pairs_again")) {
                assertEquals(shared.content(view), restored.content(view), view);
                assertEquals(restored.recompute(view), restored.content(view), view);
            }
        }
    }

    /**
     * A view whose shared operators' state a snapshot left to an earlier view that shares none of them on restore (here:
     * that view left out of the image) is evaluated afresh rather than left with empty operators.
     */
    @Test
    void aViewWhoseSharedStateNoViewHoldsOnRestoreIsEvaluatedAfresh() throws IOException {
        Circuit shared = TestCircuits.circuit(TABLES);
        create(shared, "pairs", VIEWS.get("pairs"));
        create(shared, "pairs_again", VIEWS.get("pairs"));
        List<Op> ops = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            ops.add(Op.insert("o", row(i, i % 10, i % 40, "n")));
            if (i < 10) ops.add(Op.insert("c", Map.of("id", i, "name", "c" + i, "region", 0)));
        }
        accepted(shared, ops);
        io.shardview.circuit.snapshot.CircuitImage image = shared.image();
        io.shardview.circuit.snapshot.CircuitImage withoutFirst = new io.shardview.circuit.snapshot.CircuitImage(
                image.version, image.tables, List.of(image.views.get(1)));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        withoutFirst.write(new DataOutputStream(bytes));
        Circuit restored = Circuit.readSnapshot(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
        assertEquals(shared.content("pairs_again"), restored.content("pairs_again"));
        List<Op> more = List.of(Op.update("o", row(3, 4, 30, "x")), Op.deleteKey("c", Map.of("id", 5)));
        accepted(shared, more);
        accepted(restored, more);
        assertEquals(shared.content("pairs_again"), restored.content("pairs_again"));
    }

    /** The circuit's state rows after the batch. */
    private static long restoredRowsAfter(Circuit restored, List<Op> batch) {
        accepted(restored, batch);
        return restored.stateRows();
    }

    private static byte[] snapshot(Circuit c) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        c.writeSnapshot(new DataOutputStream(bytes));
        return bytes.toByteArray();
    }

    @Test
    void sharedViewsEqualTheSameViewsAloneAfterEveryBatch() throws IOException {
        Circuit shared = TestCircuits.circuit(TABLES);
        shared.setParallelWork(50); // some batches step the views of a level in parallel
        Map<String, Circuit> alone = new LinkedHashMap<>();
        SplittableRandom random = new SplittableRandom(5);
        Set<Integer> orders = new HashSet<>();
        Set<Integer> customers = new HashSet<>();
        for (String name : VIEWS.keySet()) {
            if (name.startsWith("over_totals")) continue; // created later, over a view
            create(shared, name, VIEWS.get(name));
        }
        for (int batch = 0; batch < 60; batch++) {
            if (batch == 10) {
                for (String name : List.of("over_totals", "over_totals_again")) create(shared, name, VIEWS.get(name));
            }
            if (batch == 20) {
                // Dropping one holder keeps the operators the others hold; the same view again takes them back.
                assertInstanceOf(DdlResult.Applied.class, shared.executeSql("DROP VIEW pairs; DROP VIEW big"));
                long rows = shared.stateRows();
                create(shared, "pairs", VIEWS.get("pairs"));
                create(shared, "big", VIEWS.get("big"));
                assertEquals(
                        rows
                                + shared.content("pairs").size()
                                + shared.content("big").size(),
                        shared.stateRows(),
                        "created again, the views hold no operator state of their own");
            }
            if (batch == 30) {
                // A request rolled back after creating a sharing view leaves the circuit as it was.
                long rows = shared.stateRows();
                DdlResult r = shared.executeSql("CREATE VIEW tmp AS SELECT o.id, c.region " + JOIN
                        + "; CREATE VIEW broken AS SELECT 1 / (amount - amount) AS z FROM o");
                assertInstanceOf(DdlResult.Rejected.class, r, r.toString());
                assertEquals(rows, shared.stateRows());
            }
            if (batch == 40) shared = restored(shared);
            Circuit current = shared;
            for (String name : VIEWS.keySet()) {
                if (!name.startsWith("over_totals") || batch >= 10) alone.computeIfAbsent(name, n -> own(n, current));
            }
            List<Op> ops = new ArrayList<>();
            Set<String> touched = new HashSet<>();
            for (int i = 0; i < 1 + random.nextInt(random.nextInt(8) == 0 ? 60 : 6); i++) {
                if (random.nextInt(4) == 0) {
                    int id = random.nextInt(8);
                    if (!touched.add("c" + id)) continue;
                    if (customers.contains(id) && random.nextInt(4) == 0) {
                        customers.remove(id);
                        ops.add(Op.deleteKey("c", Map.of("id", id)));
                    } else {
                        Map<String, Object> row =
                                Map.of("id", id, "name", "c" + random.nextInt(4), "region", random.nextInt(3));
                        ops.add(customers.add(id) ? Op.insert("c", row) : Op.update("c", row));
                    }
                    continue;
                }
                int id = random.nextInt(40);
                if (!touched.add("o" + id)) continue;
                if (orders.contains(id) && random.nextInt(3) == 0) {
                    orders.remove(id);
                    ops.add(Op.deleteKey("o", Map.of("id", id)));
                } else {
                    Map<String, Object> row = row(id, random.nextInt(9), random.nextInt(30), "n" + random.nextInt(3));
                    ops.add(orders.add(id) ? Op.insert("o", row) : Op.update("o", row));
                }
            }
            if (batch % 7 == 3) {
                // A view failing on the batch's data fails it whole: the shared operators stepped are undone too.
                long version = shared.version();
                create(shared, "failing", FAILING);
                List<Op> failing = new ArrayList<>(ops);
                int id = 100 + batch;
                failing.add(Op.insert("o", row(id, 1, 31, "x")));
                if (!customers.contains(1)) failing.add(Op.insert("c", Map.of("id", 1, "name", "c1", "region", 0)));
                assertInstanceOf(BatchOutcome.Failed.class, shared.applyBatch(failing), "batch " + batch);
                assertEquals(version + 1, shared.version());
                assertInstanceOf(DdlResult.Applied.class, shared.executeSql("DROP VIEW failing"));
            }
            accepted(shared, ops);
            for (Map.Entry<String, Circuit> own : alone.entrySet()) {
                String name = own.getKey();
                accepted(own.getValue(), ops);
                assertEquals(own.getValue().content(name), shared.content(name), "batch " + batch + ": " + name);
                assertEquals(shared.recompute(name), shared.content(name), "recomputed, batch " + batch + ": " + name);
            }
        }
    }

    /** A circuit holding view name alone (and the view it reads), filled from the shared circuit's tables. */
    private static Circuit own(String name, Circuit from) {
        Circuit c = TestCircuits.circuit(TABLES);
        List<Op> rows = new ArrayList<>();
        for (String table : List.of("o", "c")) {
            from.read(table, Integer.MAX_VALUE, null).orElseThrow().rows().forEach(r -> {
                Map<String, Object> values = new LinkedHashMap<>();
                for (int i = 0; i < r.size(); i++)
                    values.put(
                            table.equals("o")
                                    ? List.of("id", "cid", "amount", "note").get(i)
                                    : List.of("id", "name", "region").get(i),
                            r.get(i));
                rows.add(Op.insert(table, values));
            });
        }
        if (!rows.isEmpty()) accepted(c, rows);
        if (name.startsWith("over_totals")) create(c, "totals", VIEWS.get("totals"));
        create(c, name, VIEWS.get(name));
        return c;
    }

    private static Map<String, Object> row(int id, int cid, int amount, String note) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", id);
        row.put("cid", cid);
        row.put("amount", amount);
        row.put("note", note);
        return row;
    }

    private static void create(Circuit c, String name, String select) {
        DdlResult r = c.executeSql("CREATE VIEW " + name + " AS " + select);
        assertInstanceOf(DdlResult.Applied.class, r, r.toString());
    }

    private static void accepted(Circuit c, List<Op> ops) {
        BatchOutcome o = c.applyBatch(ops);
        assertInstanceOf(BatchOutcome.Accepted.class, o, o.toString());
    }

    private static Circuit restored(Circuit circuit) throws IOException {
        long rows = circuit.stateRows();
        Circuit c = Circuit.readSnapshot(new DataInputStream(new ByteArrayInputStream(snapshot(circuit))));
        assertEquals(rows, c.stateRows(), "restored, the views share their operators again");
        c.setParallelWork(50);
        return c;
    }
}
