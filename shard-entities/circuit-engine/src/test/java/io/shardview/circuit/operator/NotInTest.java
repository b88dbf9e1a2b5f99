package io.shardview.circuit.operator;

import static io.shardview.circuit.operator.Deltas.delete;
import static io.shardview.circuit.operator.Deltas.insert;
import static io.shardview.circuit.operator.Deltas.none;
import static io.shardview.circuit.operator.Deltas.of;
import static io.shardview.circuit.operator.Deltas.twelveBy;
import static io.shardview.circuit.operator.Deltas.w;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardview.circuit.data.Row;
import io.shardview.circuit.data.ZSet;
import io.shardview.circuit.error.EvaluationException;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * NOT IN with PostgreSQL's NULL semantics, maintained from deltas on both sides; an x computed by the operator that
 * fails ({@code 12 / x} for x = 0) lets its row through while the subquery is empty and fails the step whenever the
 * subquery has a row, a NULL one too (PostgreSQL 15: SELECT (1 / 0) NOT IN (SELECT 1 WHERE false) is TRUE, SELECT
 * (1 / 0) NOT IN (SELECT NULL::int) fails).
 */
class NotInTest {
    private static ZSet step(NotIn op, ZSet rows, ZSet subquery) {
        return op.step(new ZSet[] {rows, subquery});
    }

    @Test
    void anEmptySubqueryLetsEveryRowThroughEvenANullOne() {
        NotIn op = new NotIn(0);
        assertEquals(of(w(1L, "a", 1), w(null, "n", 1)), step(op, of(w(1L, "a", 1), w(null, "n", 1)), none()));
        // The first subquery value blocks the NULL row and the matching row, not the others.
        assertEquals(of(w(1L, "a", -1), w(null, "n", -1), w(2L, "b", 1)), step(op, insert(2L, "b"), insert(1L)));
        assertEquals(of(w(1L, "a", 1), w(null, "n", 1)), step(op, none(), delete(1L)));
    }

    @Test
    void aNullInTheSubqueryBlocksEveryRowUntilItLeaves() {
        NotIn op = new NotIn(0);
        assertEquals(insert(2L, "b"), step(op, of(w(1L, "a", 1), w(2L, "b", 1), w(null, "n", 1)), insert(1L)));
        assertEquals(delete(2L, "b"), step(op, none(), insert((Object) null)));
        assertEquals(none(), step(op, insert(3L, "c"), none()), "no row qualifies while a NULL is in the subquery");
        assertEquals(of(w(2L, "b", 1), w(3L, "c", 1)), step(op, none(), delete((Object) null)));
        assertEquals(of(w(1L, "a", 1), w(2L, "b", -1)), step(op, none(), of(w(1L, -1), w(2L, 1))));
    }

    @Test
    void twoCopiesOfAValueKeepTheirRowsOutUntilBothLeave() {
        NotIn op = new NotIn(1);
        step(op, insert("x", 5L), of(w(5L, 2), w(6L, 1)));
        assertEquals(none(), step(op, none(), delete(5L)));
        assertEquals(insert("x", 5L), step(op, none(), delete(5L)));
    }

    /** NOT IN evaluated from scratch: PostgreSQL's three-valued result, TRUE rows kept. */
    private static ZSet scratch(ZSet rows, ZSet subquery) {
        boolean anyNull = subquery.entries().keySet().stream().anyMatch(r -> r.get(0) == null);
        ZSet out = new ZSet();
        rows.forEach((row, w) -> {
            Object x = row.get(0);
            boolean qualifies;
            if (subquery.isEmpty()) qualifies = true;
            else if (x == null || anyNull) qualifies = false;
            else qualifies = subquery.entries().keySet().stream().noneMatch(r -> x.equals(r.get(0)));
            if (qualifies) out.add(row, w);
        });
        return out;
    }

    @Test
    void randomDeltasWithNullsOnBothSidesMatchAFromScratchEvaluation() {
        for (long seed = 0; seed < 300; seed++) {
            Random rnd = new Random(seed);
            NotIn op = new NotIn(0);
            ZSet rows = new ZSet();
            ZSet subquery = new ZSet();
            ZSet content = new ZSet();
            for (int step = 0; step < 15; step++) {
                ZSet dRows = delta(rnd, rows, 2);
                ZSet dSub = delta(rnd, subquery, 1);
                content.addAll(step(op, dRows, dSub));
                rows.addAll(dRows);
                subquery.addAll(dSub);
                assertEquals(scratch(rows, subquery), content, "seed " + seed + " step " + step);
            }
        }
    }

    @Test
    void aRowWhoseValueFailsPassesWhileTheSubqueryIsEmptyAndFailsTheStepOnceItHasARow() {
        NotIn op = new NotIn(twelveBy(0), false);
        assertEquals(of(w(0L, "z", 1), w(4L, "a", 1)), step(op, of(w(0L, "z", 1), w(4L, "a", 1)), none()));
        EvaluationException e = assertThrows(EvaluationException.class, () -> step(op, none(), insert((Object) null)));
        assertEquals("division by zero", e.getMessage());
        assertThrows(
                EvaluationException.class, () -> step(op, none(), insert(3L)), "the failed step left x = 0 in place");
        assertEquals(of(w(0L, "z", -1), w(4L, "a", -1)), step(op, delete(0L, "z"), insert(3L)), "12 / 4 is 3");
        assertThrows(EvaluationException.class, () -> step(op, insert(0L, "y"), none()));
        assertEquals(
                of(w(0L, "y", 1), w(4L, "a", 1)),
                step(op, insert(0L, "y"), delete(3L)),
                "the subquery turns empty as it comes");
        assertEquals(of(w(0L, "y", -1)), step(op, delete(0L, "y"), none()));
        assertEquals(delete(4L, "a"), step(op, none(), insert(3L)));
    }

    @Test
    void randomDeltasWithFailingValuesMatchAFromScratchEvaluationThroughFailuresUndoAndSnapshots() throws Exception {
        int failures = 0;
        for (long seed = 0; seed < 300; seed++) {
            failures += Deltas.throughFailures(
                    new Random(seed),
                    15,
                    () -> new NotIn(twelveBy(0), false),
                    4,
                    (rnd, rows) -> delta(rnd, rows, 2),
                    (rnd, subquery) -> delta(rnd, subquery, 1),
                    (rows, subquery) -> !subquery.isEmpty()
                            && rows.entries().keySet().stream()
                                    .anyMatch(r -> Long.valueOf(0).equals(r.get(0))),
                    (rows, subquery) -> {
                        ZSet computed = new ZSet();
                        rows.forEach((r, w) -> computed.add(
                                Row.of(
                                        r.get(0) == null || r.get(0).equals(0L) ? null : 12 / (Long) r.get(0),
                                        r.get(0),
                                        r.get(1)),
                                w));
                        ZSet expected = new ZSet();
                        scratch(computed, subquery).forEach((r, w) -> expected.add(Row.of(r.get(1), r.get(2)), w));
                        return expected;
                    },
                    "seed " + seed);
        }
        assertTrue(failures > 100, failures + " failed steps");
    }

    /** Inserts of small values (NULL now and then) and deletes of present rows. */
    private static ZSet delta(Random rnd, ZSet current, int width) {
        ZSet d = new ZSet();
        for (int i = rnd.nextInt(4); i > 0; i--) {
            if (!current.isEmpty() && rnd.nextInt(3) == 0) {
                Row r = current.entries().keySet().stream()
                        .skip(rnd.nextInt(current.size()))
                        .findFirst()
                        .orElseThrow();
                if (current.weight(r) + d.weight(r) > 0) d.add(r, -1);
                continue;
            }
            Object x = rnd.nextInt(6) == 0 ? null : (long) rnd.nextInt(4);
            d.add(width == 1 ? Row.of(x) : Row.of(x, (long) rnd.nextInt(2)), 1);
        }
        return d;
    }
}
