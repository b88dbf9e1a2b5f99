package io.shardview.circuit.rewrite;

import static io.shardview.circuit.TestCircuits.row;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardview.circuit.Circuit;
import io.shardview.circuit.TestCircuits;
import io.shardview.circuit.batch.BatchOutcome;
import io.shardview.circuit.batch.Op;
import io.shardview.circuit.operator.ComputedJoin;
import io.shardview.circuit.operator.RangeJoin;
import io.shardview.circuit.snapshot.CircuitImage;
import io.shardview.circuit.snapshot.CircuitSnapshot;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Subqueries correlated through '=' of a value that may fail (t.n + 1 and t.n * 2 overflow an INT, 10 / t.n
 * divides by zero) or by a comparison of computed values or strings go through Calcite's rewrite, whose join of the
 * subquery's rows with the distinct correlation values is a {@link ComputedJoin} or a {@link RangeJoin}: a change
 * to either side meets the values it equals or lies on the right side of. A
 * value that fails fails the batch once it meets a row of the other side, and not while that side is empty, as
 * in PostgreSQL, which computes it only for the subquery's rows it scans. Every expected result and failure was
 * read from PostgreSQL 15 on the same data and changes.
 */
class ComputedCorrelationJoinTest {
    private static final String TABLES = "CREATE TABLE t (id INT PRIMARY KEY, n INT, c VARCHAR);"
            + "CREATE TABLE u (id INT PRIMARY KEY, y INT, w VARCHAR);";

    private static final Map<String, String> VIEWS = Map.of(
            "v1", "SELECT id, id IN (SELECT u.id FROM u WHERE u.y = t.n + 1) AS f FROM t",
            "v2", "SELECT id FROM t WHERE n NOT IN (SELECT y - 1 FROM u WHERE u.y - 1 = t.n)",
            "v3", "SELECT id, (SELECT COUNT(*) FROM u WHERE u.y = t.n * 2) AS c FROM t",
            "v4", "SELECT id FROM t WHERE EXISTS (SELECT 1 FROM u WHERE u.w = t.c || 'x') OR id > 3",
            "v5", "SELECT id, 1 IN (SELECT u.id FROM u WHERE u.y = 10 / t.n) AS f FROM t",
            "v6", "SELECT id, (SELECT COUNT(*) FROM u WHERE u.y < t.n + 1) AS c FROM t",
            "v7", "SELECT id FROM t WHERE c || 'x' NOT IN (SELECT w FROM u WHERE u.w >= t.c)");

    private static final List<String> NAMES = VIEWS.keySet().stream().sorted().toList();

    private static Circuit circuit() {
        StringBuilder ddl = new StringBuilder(TABLES);
        for (String name : NAMES)
            ddl.append("CREATE VIEW ")
                    .append(name)
                    .append(" AS ")
                    .append(VIEWS.get(name))
                    .append(';');
        Circuit c = TestCircuits.circuit(ddl.toString());
        apply(
                c,
                Op.insert("t", row("id", 1, "n", 1, "c", "a")),
                Op.insert("t", row("id", 2, "n", 2, "c", "b")),
                Op.insert("t", row("id", 3, "c", "c")),
                Op.insert("t", row("id", 4, "n", 5)),
                Op.insert("u", row("id", 1, "y", 2, "w", "ax")),
                Op.insert("u", row("id", 2, "y", 4, "w", "zz")),
                Op.insert("u", row("id", 3, "w", "cx")),
                Op.insert("u", row("id", 4, "y", 10)));
        return c;
    }

    private static void apply(Circuit c, Op... ops) {
        TestCircuits.applyAndCheck(c, NAMES, ops);
    }

    /** The batch fails in one of the views PostgreSQL fails in, and changes nothing. */
    private static void assertFails(Circuit c, List<String> views, String problem, Op... ops) {
        String before = rows(c);
        BatchOutcome.Failed failed = assertInstanceOf(BatchOutcome.Failed.class, c.applyBatch(List.of(ops)));
        assertTrue(views.contains(failed.view()), failed.view());
        assertEquals(problem, failed.problem());
        assertEquals(before, rows(c));
        for (String name : NAMES) assertEquals(c.recompute(name), c.content(name), name);
    }

    private static String rows(Circuit c) {
        return TestCircuits.shown(c, NAMES);
    }

    @Test
    void viewsFollowBothSidesAndFailOnlyWhereTheFailingValueMeetsARow() throws IOException {
        Circuit c = circuit();
        assertEquals(
                "1:true 2:false 3:false 4:false | 2 3 4 | 1:1 2:1 3:0 4:1 | 1 3 4 | 1:false 2:false 3:false 4:true"
                        + " | 1:0 2:1 3:0 4:2 | 2 4",
                rows(c));

        assertFails(c, List.of("v5"), "division by zero", Op.update("t", row("id", 4, "n", 0)));
        assertFails(
                c,
                List.of("v1", "v3", "v6"),
                "integer out of range",
                Op.insert("t", row("id", 5, "n", Integer.MAX_VALUE, "c", "e")));

        apply(
                c,
                Op.insert("u", row("id", 5, "y", 3, "w", "bx")),
                Op.deleteKey("u", row("id", 1)),
                Op.update("t", row("id", 2, "n", 2, "c", "z")));
        assertEquals(
                "1:false 2:false 3:false 4:false | 1 3 4 | 1:0 2:1 3:0 4:1 | 3 4 | 1:false 2:false 3:false 4:false"
                        + " | 1:0 2:0 3:0 4:2 | 1 2 4",
                rows(c));

        // With u empty, t.n + 1 is never computed for 2147483647; a row of u then makes it fail, until that t row goes.
        apply(
                c,
                Op.deleteKey("u", row("id", 2)),
                Op.deleteKey("u", row("id", 3)),
                Op.deleteKey("u", row("id", 4)),
                Op.deleteKey("u", row("id", 5)),
                Op.insert("t", row("id", 5, "n", Integer.MAX_VALUE, "c", "e")));
        assertEquals(
                "1:false 2:false 3:false 4:false 5:false | 1 2 3 4 5 | 1:0 2:0 3:0 4:0 5:0 | 4 5"
                        + " | 1:false 2:false 3:false 4:false 5:false | 1:0 2:0 3:0 4:0 5:0 | 1 2 3 4 5",
                rows(c));
        assertFails(
                c, List.of("v1", "v3", "v6"), "integer out of range", Op.insert("u", row("id", 6, "y", 1, "w", "q")));
        Circuit restored = restored(c, false);
        assertFails(
                restored,
                List.of("v1", "v3", "v6"),
                "integer out of range",
                Op.insert("u", row("id", 6, "y", 1, "w", "q")));

        for (Circuit each : List.of(c, restored)) {
            apply(each, Op.deleteKey("t", row("id", 5)), Op.insert("u", row("id", 6, "y", 1, "w", "q")));
            assertEquals(
                    "1:false 2:false 3:false 4:false | 1 2 3 4 | 1:0 2:0 3:0 4:0 | 4 | 1:false 2:false 3:false 4:false"
                            + " | 1:1 2:1 3:0 4:1 | 1 2 3 4",
                    rows(each));
        }
    }

    @Test
    void viewsOfAnSvc10SnapshotAreEvaluatedAfresh() throws IOException {
        // Until SVC11 these joins were plain ones testing every pair: their saved state is not a ComputedJoin's.
        Circuit c = circuit();
        Circuit restored = restored(c, true);
        assertEquals(rows(c), rows(restored));
        apply(
                restored,
                Op.insert("u", row("id", 5, "y", 3, "w", "bx")),
                Op.deleteKey("u", row("id", 1)),
                Op.update("t", row("id", 2, "n", 2, "c", "z")));
        assertEquals(
                "1:false 2:false 3:false 4:false | 1 3 4 | 1:0 2:1 3:0 4:1 | 3 4 | 1:false 2:false 3:false 4:false"
                        + " | 1:0 2:0 3:0 4:2 | 1 2 4",
                rows(restored));
    }

    /** The circuit restored from its snapshot; asSvc10: written as SVC10 with the views' operator state emptied. */
    private static Circuit restored(Circuit c, boolean asSvc10) throws IOException {
        CircuitImage image = c.image();
        if (asSvc10) {
            List<CircuitImage.ViewImage> views = new ArrayList<>();
            for (CircuitImage.ViewImage v : image.views) {
                views.add(new CircuitImage.ViewImage(v.name(), v.sql(), v.revision(), v.content(), out -> {}));
            }
            image = new CircuitImage(image.version, image.tables, views);
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        if (asSvc10) CircuitSnapshot.write(new DataOutputStream(bytes), image, 0x5356433A);
        else image.write(new DataOutputStream(bytes));
        byte[] snapshot = bytes.toByteArray();
        return Circuit.readSnapshot(new DataInputStream(new ByteArrayInputStream(snapshot)));
    }
}
