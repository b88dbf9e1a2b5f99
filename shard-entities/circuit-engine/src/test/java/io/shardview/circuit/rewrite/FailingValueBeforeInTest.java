package io.shardview.circuit.rewrite;

import static io.shardview.circuit.TestCircuits.circuit;
import static io.shardview.circuit.TestCircuits.row;
import static io.shardview.circuit.TestCircuits.rows;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.shardview.circuit.Circuit;
import io.shardview.circuit.DdlResult;
import io.shardview.circuit.batch.BatchOutcome;
import io.shardview.circuit.batch.Op;
import io.shardview.circuit.data.Row;
import io.shardview.circuit.error.RejectionKind;
import io.shardview.circuit.snapshot.CircuitImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A value before IN that may fail ({@code 12 / c}, {@code c + 2147483647}) fails a batch only when PostgreSQL computes it:
 * when the subquery has rows to compare it with. Every expectation below was checked in PostgreSQL 15 on the same rows:
 * an uncorrelated IN in WHERE (a hash semi-join) and one under AND and OR of a WHERE (a hashed subplan, where NULL and
 * FALSE are alike) compare it only with non-NULL values; under NOT, in a select list and as NOT IN (a subplan keeping
 * NULLs) with any row; a correlated one (a subplan run per row) with any row of the row's own subquery.
 */
class FailingValueBeforeInTest {
    private static final String TABLES =
            "CREATE TABLE t (k INT PRIMARY KEY, c INT, g INT); CREATE TABLE u (k INT PRIMARY KEY, x INT, g INT)";

    private static Circuit with(String view) {
        return circuit(TABLES + "; CREATE VIEW v AS " + view);
    }

    private static Op t(int k, Integer c, Integer g) {
        return Op.insert("t", row("k", k, "c", c, "g", g));
    }

    private static Op u(int k, Integer x, Integer g) {
        return Op.insert("u", row("k", k, "x", x, "g", g));
    }

    private static void accepted(Circuit c, Op... ops) {
        BatchOutcome o = c.applyBatch(List.of(ops));
        assertInstanceOf(BatchOutcome.Accepted.class, o, o.toString());
        if (c.columns("v").isPresent()) assertEquals(c.recompute("v"), c.content("v"), "incremental vs from scratch");
    }

    /** The batch fails with PostgreSQL's message and changes nothing. */
    private static void fails(Circuit c, String problem, Op... ops) {
        long version = c.version();
        List<Row> before = rows(c, "v");
        BatchOutcome.Failed failed = assertInstanceOf(BatchOutcome.Failed.class, c.applyBatch(List.of(ops)));
        assertEquals("v", failed.view());
        assertEquals(problem, failed.problem());
        assertEquals(version, c.version());
        assertEquals(before, rows(c, "v"));
    }

    private static List<Row> keys(int... ks) {
        List<Row> out = new ArrayList<>();
        for (int k : ks) out.add(Row.of((long) k));
        return out;
    }

    @Test
    void anUncorrelatedInConjunctFailsOnlyWhileTheSubqueryHasANonNullValue() {
        Circuit c = with("SELECT k FROM t WHERE 12 / c IN (SELECT x FROM u)");
        accepted(c, t(1, 0, 0), t(2, 3, 1));
        accepted(c, u(1, null, 1)); // a NULL is not hashed: still nothing to compare 12 / 0 with
        fails(c, "division by zero", u(2, 4, 1));
        accepted(c, Op.deleteKey("t", row("k", 1)), u(2, 4, 1));
        assertEquals(keys(2), rows(c, "v"));
        fails(c, "division by zero", t(3, 0, 0));
        accepted(c, Op.deleteKey("u", row("k", 2)), t(3, 0, 0)); // the subquery turns NULL-only as the row comes
        assertEquals(keys(), rows(c, "v"));
        fails(c, "division by zero", u(4, 7, 1));
    }

    @Test
    void theRowsConditionsThatCannotFailAreJudgedBeforeItsValueIsComputed() {
        Circuit c = with("SELECT k FROM t WHERE g > 0 AND 12 / c IN (SELECT x FROM u)");
        accepted(c, t(1, 0, 0), t(2, 3, 1), u(2, 4, 1));
        assertEquals(keys(2), rows(c, "v"));
        fails(c, "division by zero", Op.update("t", row("k", 1, "c", 0, "g", 1)));
        Circuit overflow = with("SELECT k FROM t WHERE c + 2147483647 IN (SELECT x FROM u)");
        accepted(overflow, t(1, 1, 0));
        fails(overflow, "integer out of range", u(1, 5, 1));
    }

    @Test
    void aCorrelatedInFailsOnlyForARowWhoseOwnSubqueryHasRowsANullOneToo() {
        for (String view : List.of(
                "SELECT k FROM t WHERE 12 / c IN (SELECT x FROM u WHERE u.g = t.g)",
                "SELECT k FROM t WHERE 12 / c IN (SELECT x FROM u WHERE u.g = t.g) OR g > 5")) {
            Circuit c = with(view);
            accepted(c, t(1, 0, 1), t(2, 3, 2), u(1, 4, 2), t(3, 0, null));
            assertEquals(keys(2), rows(c, "v"), view);
            fails(c, "division by zero", u(2, null, 1));
            accepted(c, Op.deleteKey("t", row("k", 1)), u(2, null, 1));
            fails(c, "division by zero", t(1, 0, 1));
        }
        Circuit c = with("SELECT k, 12 / c IN (SELECT x FROM u WHERE u.g = t.g) AS m FROM t");
        accepted(c, t(1, 0, 1), t(2, 3, 2), u(1, 4, 2));
        assertEquals(List.of(Row.of(1L, false), Row.of(2L, true)), rows(c, "v"));
        fails(c, "division by zero", u(2, 7, 1));
    }

    @Test
    void aViewOfSqlRevisionOneStillComparesAFailingValueOnlyWithNonNullValues() {
        // That engine compared 12 / c with a NULL x without computing it (stopping at a NULL operand); a journaled
        // batch
        // it accepted so must be accepted again on replay.
        Circuit c = new Circuit();
        assertInstanceOf(
                DdlResult.Applied.class,
                c.replaySql(
                        TABLES + "; CREATE VIEW v AS SELECT k FROM t WHERE 12 / c IN "
                                + "(SELECT x FROM u WHERE u.g = t.g)",
                        1));
        accepted(c, t(1, 0, 1), u(1, null, 1));
        fails(c, "division by zero", u(2, 4, 1));
    }

    @Test
    void anUncorrelatedInUnderOrIgnoresNullsButNotUnderNotNorInASelectList() {
        Circuit or = with("SELECT k FROM t WHERE 12 / c IN (SELECT x FROM u) OR g > 5");
        accepted(or, t(1, 0, 0), t(2, 3, 1), u(1, null, 1));
        fails(or, "division by zero", u(2, 4, 1));

        Circuit not = with("SELECT k FROM t WHERE NOT (12 / c IN (SELECT x FROM u) AND g > 5)");
        accepted(not, t(1, 0, 0), t(2, 3, 1));
        assertEquals(keys(1, 2), rows(not, "v"));
        fails(not, "division by zero", u(1, null, 1));

        Circuit select = with("SELECT k, 12 / c IN (SELECT x FROM u) AS m FROM t");
        accepted(select, t(1, 0, 0), t(2, 3, 1));
        assertEquals(List.of(Row.of(1L, false), Row.of(2L, false)), rows(select, "v"));
        fails(select, "division by zero", u(1, null, 1));
    }

    @Test
    void aNotInIsTrueWithoutComputingTheValueWhileTheSubqueryIsEmpty() {
        Circuit c = with("SELECT k FROM t WHERE 12 / c NOT IN (SELECT x FROM u)");
        accepted(c, t(1, 0, 0), t(2, 3, 1));
        assertEquals(keys(1, 2), rows(c, "v"));
        fails(c, "division by zero", u(1, null, 1));
        accepted(c, Op.deleteKey("t", row("k", 1)), u(1, 5, 1));
        assertEquals(keys(2), rows(c, "v"));

        Circuit correlated = with("SELECT k FROM t WHERE 12 / c NOT IN (SELECT x FROM u WHERE u.g = t.g)");
        accepted(correlated, t(1, 0, 1), t(2, 3, 2), u(1, 4, 2));
        assertEquals(keys(1), rows(correlated, "v"));
        fails(correlated, "division by zero", u(2, null, 1));
    }

    @Test
    void aViewIsCreatedOverRowsWhoseValueFailsWhileTheSubqueryIsEmpty() {
        Circuit c = circuit(TABLES);
        accepted(c, t(1, 0, 0), t(2, 3, 1));
        assertInstanceOf(
                DdlResult.Applied.class,
                c.executeSql("CREATE VIEW v AS SELECT k FROM t WHERE 12 / c IN (SELECT x FROM u);"
                        + "CREATE VIEW w AS SELECT k, 12 / c NOT IN (SELECT x FROM u) AS m FROM t"));
        fails(c, "division by zero", u(1, 9, 1));
        accepted(c, Op.deleteKey("t", row("k", 1)), u(1, 9, 1));
        DdlResult.Rejected refused = assertInstanceOf(
                DdlResult.Rejected.class,
                c.executeSql("CREATE VIEW x AS SELECT k FROM t WHERE 12 / (c - 3) IN (SELECT x FROM u)"));
        assertEquals(new DdlResult.Rejected(0, RejectionKind.EVALUATION_ERROR, "view x: division by zero"), refused);
    }

    @Test
    void aRowWhoseValueFailedSurvivesASnapshotAndStillFailsOnceTheSubqueryHasRows() throws IOException {
        for (String view : List.of(
                "SELECT k FROM t WHERE 12 / c IN (SELECT x FROM u)",
                "SELECT k, 12 / c IN (SELECT x FROM u WHERE u.g = t.g) AS m FROM t",
                "SELECT k FROM t WHERE 12 / c NOT IN (SELECT x FROM u)")) {
            Circuit c = with(view);
            accepted(c, t(1, 0, 1), t(2, 3, 1));
            for (boolean asSvc11 : new boolean[] {false, true}) {
                Circuit restored = restored(c, asSvc11);
                assertEquals(rows(c, "v"), rows(restored, "v"), view);
                fails(restored, "division by zero", u(1, 4, 1));
                accepted(restored, Op.deleteKey("t", row("k", 1)), u(1, 4, 1));
            }
        }
    }

    @Test
    void theViewsOfAnSvc11SnapshotAreEvaluatedAfreshUnderTheirSqlRevision() throws IOException {
        // Revision 1 stopped at a NULL operand: y = 12 / n passed a NULL y with n 0; revision 2 fails there.
        Circuit c = new Circuit();
        assertInstanceOf(
                DdlResult.Applied.class,
                c.replaySql(TABLES + "; CREATE VIEW old AS SELECT k FROM t WHERE g = 12 / c", 1));
        assertInstanceOf(
                DdlResult.Applied.class,
                c.executeSql("CREATE VIEW v AS SELECT k FROM t WHERE 12 / c IN (SELECT x FROM u)"));
        accepted(c, t(1, 0, null), t(2, 3, 4));
        Circuit restored = restored(c, true); // evaluated under revision 2, old would fail on row 1
        assertEquals(keys(2), rows(restored, "old"));
        assertEquals(keys(), rows(restored, "v"));
        BatchOutcome.Failed failed =
                assertInstanceOf(BatchOutcome.Failed.class, restored.applyBatch(List.of(u(1, 4, 1))));
        assertEquals("v", failed.view());
        accepted(restored, Op.deleteKey("t", row("k", 1)), u(1, 4, 1));
        assertEquals(keys(2), rows(restored, "v"));
    }

    /**
     * The circuit restored from its snapshot; asSvc11: written as SVC11 with the views' operator state left out (until
     * SVC12 a value before IN had a projection of its own: that state no longer fits the view's operators).
     */
    private static Circuit restored(Circuit c, boolean asSvc11) throws IOException {
        CircuitImage image = c.image();
        if (asSvc11) {
            List<CircuitImage.ViewImage> views = new ArrayList<>();
            for (CircuitImage.ViewImage v : image.views) {
                views.add(new CircuitImage.ViewImage(v.name(), v.sql(), v.revision(), v.content(), out -> {}));
            }
            image = new CircuitImage(image.version, image.tables, views);
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        image.write(new DataOutputStream(bytes));
        byte[] snapshot = bytes.toByteArray();
        if (asSvc11) ByteBuffer.wrap(snapshot).putInt(0, 0x5356433B);
        return Circuit.readSnapshot(new DataInputStream(new ByteArrayInputStream(snapshot)));
    }
}
