package io.shardview.circuit.operator;

import static io.shardview.circuit.operator.Deltas.delete;
import static io.shardview.circuit.operator.Deltas.insert;
import static io.shardview.circuit.operator.Deltas.none;
import static io.shardview.circuit.operator.Deltas.of;
import static io.shardview.circuit.operator.Deltas.step;
import static io.shardview.circuit.operator.Deltas.w;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.shardview.circuit.data.Row;
import io.shardview.circuit.data.ZSet;
import io.shardview.circuit.error.EvaluationException;
import io.shardview.circuit.pg.FixedChar;
import java.io.IOException;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A semi- or anti-join on one comparison, judged against the least or greatest right value, gives what the plain
 * semi-join testing every pair gives: random deltas of rows (key, value, tag) on both sides with NULL keys and
 * values, ties, retractions and several copies, for each comparison, semi and anti, with and without an equi-key,
 * across a snapshot, also for a CHAR value against a VARCHAR (as bpchar), a TEXT (as text) or a CHAR and a date
 * against a timestamp (see {@link MixedComparison}); and a change of the right side's extreme re-judges only the
 * rows in between.
 */
class RangeSemiJoinTest {
    private static final JoinKeys KEY0 = new JoinKeys(new int[] {0}, new boolean[] {false});
    private static final JoinKeys NONE = new JoinKeys(new int[0], new boolean[0]);
    private static final Expr VALUE = row -> row.get(1);

    /** left.c1 OP right.c1 over a pair of rows (key, value, tag): the right row's value is column 4 of the pair. */
    private static Expr condition(RangeJoin.Comparison comparison) {
        return row -> Deltas.compared(row.get(1), comparison, row.get(4));
    }

    private static RangeSemiJoin join(JoinKeys keys, RangeJoin.Comparison comparison, boolean anti) {
        return new RangeSemiJoin(keys, keys, VALUE, comparison, VALUE, anti);
    }

    @Test
    void aNewExtremeReJudgesOnlyTheRowsBetweenTheOldAndTheNew() {
        RangeSemiJoin join = join(NONE, RangeJoin.Comparison.GREATER, false);
        ZSet rows = new ZSet();
        for (long v = 0; v < 10; v++) rows.add(Row.of(0L, v, "l" + v), 1);
        assertEquals(none(), step(join, rows, none()), "no right row: nothing matches");
        assertEquals(of(w(0L, 8L, "l8", 1), w(0L, 9L, "l9", 1)), step(join, none(), insert(0L, 7L, "avg")));
        // The extreme moves from 7 to 5: only the rows valued 6 and 7 are judged again.
        assertEquals(
                of(w(0L, 6L, "l6", 1), w(0L, 7L, "l7", 1)),
                step(join, none(), of(w(0L, 7L, "avg", -1), w(0L, 5L, "avg", 1))));
        assertEquals(none(), step(join, none(), insert(0L, 6L, "other")), "the least right value is still 5");
        assertEquals(delete(0L, 6L, "l6"), step(join, none(), delete(0L, 5L, "avg")));
        assertEquals(
                of(w(0L, 7L, "l7", -1), w(0L, 8L, "l8", -1), w(0L, 9L, "l9", -1), w(0L, null, "ln", 0)),
                step(join, insert(0L, null, "ln"), delete(0L, 6L, "other")));
    }

    @Test
    void aLeftValueThatFailsLeavesTheStateAsItWas() {
        Expr failing = row -> {
            if (Long.valueOf(0).equals(row.get(1))) throw new EvaluationException("division by zero");
            return row.get(1);
        };
        RangeSemiJoin join = new RangeSemiJoin(NONE, NONE, failing, RangeJoin.Comparison.LESS, VALUE, false);
        assertEquals(none(), step(join, none(), insert(0L, 5L, "r")));
        assertThrows(
                EvaluationException.class,
                () -> step(join, of(w(0L, 1L, "ok", 1), w(0L, 0L, "bad", 1)), delete(0L, 5L, "r")));
        assertEquals(insert(0L, 1L, "ok"), step(join, insert(0L, 1L, "ok"), none()), "the right row is still there");
    }

    @Test
    void aCharValueIsJudgedAgainstTheLeastVarcharAsBpchar() {
        // CHAR(3) c > VARCHAR MIN: 'a ' is 'a' as bpchar, so only the CHAR values above 'a' match; then 'a\t' is the
        // least.
        RangeSemiJoin join = new RangeSemiJoin(
                NONE, NONE, VALUE, RangeJoin.Comparison.GREATER, row -> JoinKeys.bpcharOf(row.get(1)), false);
        FixedChar a = FixedChar.of("a", 3);
        FixedChar tab = FixedChar.of("a\t", 3);
        FixedChar b = FixedChar.of("b", 3);
        assertEquals(
                of(w(0L, tab, "l2", 1), w(0L, b, "l3", 1)),
                step(join, of(w(0L, a, "l1", 1), w(0L, tab, "l2", 1), w(0L, b, "l3", 1)), insert(0L, "a ", "min")));
        assertEquals(delete(0L, tab, "l2"), step(join, none(), of(w(0L, "a ", "min", -1), w(0L, "a\t", "min", 1))));
    }

    @Test
    void charValuesAgainstVarcharOrTextAndDatesAgainstTimestampsMatchTheSemiJoinTestingEveryPair() throws IOException {
        for (MixedComparison mixed : MixedComparison.all()) {
            for (boolean anti : new boolean[] {false, true}) {
                for (RangeJoin.Comparison comparison : RangeJoin.Comparison.values()) {
                    for (JoinKeys keys : new JoinKeys[] {KEY0, NONE}) {
                        Random rnd = new Random(mixed.name().hashCode()
                                + comparison.ordinal() * 31L
                                + keys.columns().length
                                + (anti ? 7 : 0));
                        Operator range =
                                new RangeSemiJoin(keys, keys, mixed.leftValue(), comparison, mixed.rightValue(), anti);
                        SemiJoin plain = new SemiJoin(keys, keys, mixed.condition(comparison), anti);
                        ZSet leftRows = new ZSet();
                        ZSet rightRows = new ZSet();
                        for (int s = 0; s < 200; s++) {
                            ZSet dl = Deltas.random(rnd, leftRows, 3, mixed.left());
                            ZSet dr = Deltas.random(rnd, rightRows, 3, mixed.right());
                            String what = mixed.name() + (anti ? " anti " : " semi ") + comparison + " keys "
                                    + keys.columns().length + " step " + s;
                            assertEquals(step(plain, dl, dr), step(range, dl, dr), what);
                            leftRows.addAll(dl);
                            rightRows.addAll(dr);
                            if (s % 50 == 49) {
                                range = Deltas.restored(
                                        range,
                                        new RangeSemiJoin(
                                                keys, keys, mixed.leftValue(), comparison, mixed.rightValue(), anti));
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void matchesTheSemiJoinTestingEveryPair() throws IOException {
        for (boolean anti : new boolean[] {false, true}) {
            for (RangeJoin.Comparison comparison : RangeJoin.Comparison.values()) {
                for (JoinKeys keys : new JoinKeys[] {KEY0, NONE}) {
                    Random rnd = new Random(comparison.ordinal() * 31L + keys.columns().length + (anti ? 7 : 0));
                    Operator range = join(keys, comparison, anti);
                    SemiJoin plain = new SemiJoin(keys, keys, condition(comparison), anti);
                    ZSet leftRows = new ZSet();
                    ZSet rightRows = new ZSet();
                    for (int s = 0; s < 300; s++) {
                        ZSet dl = Deltas.random(rnd, leftRows, 3, 6);
                        ZSet dr = Deltas.random(rnd, rightRows, 3, 6);
                        String what = (anti ? "anti " : "semi ") + comparison + " keys " + keys.columns().length
                                + " step " + s;
                        assertEquals(step(plain, dl, dr), step(range, dl, dr), what);
                        leftRows.addAll(dl);
                        rightRows.addAll(dr);
                        if (s % 50 == 49) range = Deltas.restored(range, join(keys, comparison, anti));
                    }
                }
            }
        }
    }
}
