package io.shardview.circuit.operator;

import static io.shardview.circuit.operator.Deltas.delete;
import static io.shardview.circuit.operator.Deltas.insert;
import static io.shardview.circuit.operator.Deltas.none;
import static io.shardview.circuit.operator.Deltas.of;
import static io.shardview.circuit.operator.Deltas.step;
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
 * A semi- or anti-join on keys alone, which re-judges a key's rows only when its right side turns empty or not,
 * gives what re-judging every touched key's rows with a residual that always holds gives: random deltas with NULL
 * keys, retractions and several copies on both sides. An IN whose value, computed by the semi-join, fails
 * ({@code 12 / x IN (SELECT y ...)} for x = 0) fails only while the subquery has a non-NULL y, as PostgreSQL's hash
 * semi-join.
 */
class SemiJoinTest {
    private static final JoinKeys KEY0 = new JoinKeys(new int[] {0}, new boolean[] {false});

    @Test
    void aKeysRowsChangeOnlyWhenItsRightSideTurnsEmptyOrNot() {
        SemiJoin semi = new SemiJoin(KEY0, KEY0, null, false);
        assertEquals(none(), step(semi, insert(1L, "l"), none()));
        assertEquals(insert(1L, "l"), step(semi, none(), insert(1L, "r1")));
        assertEquals(none(), step(semi, none(), insert(1L, "r2")), "a second match changes nothing");
        assertEquals(none(), step(semi, none(), delete(1L, "r1")));
        assertEquals(delete(1L, "l"), step(semi, none(), delete(1L, "r2")));
    }

    @Test
    void matchesTheJoinReJudgingEveryTouchedKey() {
        for (boolean anti : new boolean[] {false, true}) {
            Random rnd = new Random(anti ? 2 : 1);
            SemiJoin byExistence = new SemiJoin(KEY0, KEY0, null, anti);
            SemiJoin everyRow = new SemiJoin(KEY0, KEY0, row -> Boolean.TRUE, anti);
            ZSet leftRows = new ZSet();
            ZSet rightRows = new ZSet();
            for (int s = 0; s < 400; s++) {
                ZSet dl = delta(rnd, leftRows);
                ZSet dr = delta(rnd, rightRows);
                assertEquals(
                        step(everyRow, dl, dr), step(byExistence, dl, dr), (anti ? "anti" : "semi") + " step " + s);
                leftRows.addAll(dl);
                rightRows.addAll(dr);
            }
        }
    }

    /** 12 / x IN (SELECT y ...), x the rows' column 0, y the subquery's. */
    private static SemiJoin twelveByXIn() {
        return new SemiJoin(new InValues(new Expr[] {twelveBy(0)}, new boolean[1], new boolean[1]), KEY0);
    }

    @Test
    void aRowWhoseValueFailsFailsTheStepOnlyWhileTheSubqueryHasANonNullValue() {
        SemiJoin in = twelveByXIn();
        assertEquals(none(), step(in, of(w(0L, "z", 1), w(3L, "a", 1)), none()), "nothing to compare 12 / 0 with");
        assertEquals(
                none(), step(in, none(), insert((Object) null)), "a NULL y is not hashed: still nothing to compare");
        EvaluationException e = assertThrows(EvaluationException.class, () -> step(in, none(), insert(4L)));
        assertEquals("division by zero", e.getMessage());
        assertThrows(
                EvaluationException.class, () -> step(in, none(), insert(5L)), "the failed step left x = 0 in place");
        assertEquals(
                insert(3L, "a"), step(in, delete(0L, "z"), insert(4L)), "the failing row leaves as the value comes");
        assertThrows(
                EvaluationException.class, () -> step(in, insert(0L, "y"), none()), "a failing row meets the value");
        assertEquals(delete(3L, "a"), step(in, insert(0L, "y"), delete(4L)), "the subquery turns empty as it comes");
        assertEquals(none(), step(in, none(), delete((Object) null)));
        assertThrows(EvaluationException.class, () -> step(in, none(), insert(6L)), "non-empty again");
        assertEquals(none(), step(in, of(w(0L, "y", -1), w(null, "n", 1)), none()));
        assertEquals(insert(3L, "a"), step(in, none(), of(w(6L, 1), w(4L, 1))));
    }

    @Test
    void aSemiJoinComputingFailingValuesMatchesAFromScratchEvaluationThroughFailuresUndoAndSnapshots()
            throws Exception {
        int failures = Deltas.throughFailures(
                new Random(7),
                600,
                SemiJoinTest::twelveByXIn,
                6,
                SemiJoinTest::delta,
                SemiJoinTest::delta,
                (left, right) -> left.entries().keySet().stream()
                                .anyMatch(l -> Long.valueOf(0).equals(l.get(0)))
                        && right.entries().keySet().stream().anyMatch(r -> r.get(0) != null),
                (left, right) -> {
                    ZSet expected = new ZSet();
                    left.forEach((l, w) -> {
                        Long x = (Long) l.get(0);
                        if (x != null
                                && x != 0
                                && right.entries().keySet().stream()
                                        .anyMatch(r -> Long.valueOf(12 / x).equals(r.get(0)))) {
                            expected.add(l, w);
                        }
                    });
                    return expected;
                },
                "seed 7");
        assertTrue(failures > 50 && failures < 500, failures + " failed steps");
    }

    /** Inserts of new rows and deletes of current ones, keys 0..3 or NULL. */
    private static ZSet delta(Random rnd, ZSet current) {
        ZSet d = new ZSet();
        for (int i = rnd.nextInt(4); i > 0; i--) {
            Long key = rnd.nextInt(6) == 0 ? null : (long) rnd.nextInt(4);
            d.add(Row.of(key, "t" + rnd.nextInt(1000)), 1 + rnd.nextInt(2));
        }
        current.forEach((row, w) -> {
            if (rnd.nextInt(3) == 0) d.add(row, -w);
        });
        return d;
    }
}
