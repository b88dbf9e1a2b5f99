package io.shardview.circuit.operator;

import static io.shardview.circuit.operator.Deltas.insert;
import static io.shardview.circuit.operator.Deltas.none;
import static io.shardview.circuit.operator.Deltas.step;
import static io.shardview.circuit.operator.Deltas.w;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardview.circuit.data.ZSet;
import io.shardview.circuit.error.EvaluationException;
import io.shardview.circuit.pg.FixedChar;
import java.io.IOException;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A join on a comparison of a left and a right column, found through the ordered index, gives what the
 * plain inner join testing every pair gives: random deltas of both inputs with NULL keys and values, ties,
 * retractions and several copies, for each comparison, with and without an equi-key, across a snapshot; also a
 * CHAR value against a VARCHAR (as bpchar), a TEXT (as text) or a CHAR, and a date against a timestamp, ordered
 * by the values the plan compares (see {@link MixedComparison}), each row keeping its own spelling.
 */
class RangeJoinTest {
    private static final JoinKeys KEY0 = new JoinKeys(new int[] {0}, new boolean[] {false});
    private static final JoinKeys NONE = new JoinKeys(new int[0], new boolean[0]);

    /** left.c1 OP right.c1 over a pair of rows (key, value, tag): the right row's value is column 4 of the pair. */
    private static Expr condition(RangeJoin.Comparison comparison) {
        return row -> Deltas.compared(row.get(1), comparison, row.get(4));
    }

    @Test
    void aLeftRowMeetsOnlyTheRightRowsOnItsSideOfTheBound() {
        RangeJoin join =
                new RangeJoin(NONE, NONE, 1, RangeJoin.Comparison.LESS, 1, condition(RangeJoin.Comparison.LESS));
        assertEquals(none(), step(join, none(), insert(0L, 5L, "r5")));
        assertEquals(insert(0L, 3L, "l3", 0L, 5L, "r5"), step(join, insert(0L, 3L, "l3"), insert(0L, 3L, "r3")));
        assertEquals(insert(0L, 3L, "l3", 0L, 4L, "r4"), step(join, insert(0L, 7L, "l7"), insert(0L, 4L, "r4")));
    }

    @Test
    void matchesAnInnerJoinTestingEveryPair() throws IOException {
        for (RangeJoin.Comparison comparison : RangeJoin.Comparison.values()) {
            for (JoinKeys keys : new JoinKeys[] {KEY0, NONE}) {
                Random rnd = new Random(comparison.ordinal() * 31L + keys.hashCode() % 7);
                Expr condition = condition(comparison);
                Operator range = new RangeJoin(keys, keys, 1, comparison, 1, condition);
                InnerJoin plain = new InnerJoin(keys, keys, condition);
                ZSet leftRows = new ZSet();
                ZSet rightRows = new ZSet();
                for (int s = 0; s < 200; s++) {
                    ZSet dl = Deltas.random(rnd, leftRows, 3, 6);
                    ZSet dr = Deltas.random(rnd, rightRows, 3, 6);
                    assertEquals(step(plain, dl, dr), step(range, dl, dr), comparison + " keys " + keys + " step " + s);
                    leftRows.addAll(dl);
                    rightRows.addAll(dr);
                    if (s % 50 == 49)
                        range = Deltas.restored(range, new RangeJoin(keys, keys, 1, comparison, 1, condition));
                }
            }
        }
    }

    @Test
    void aCharValueMeetsTheVarcharsEqualAsBpcharEachKeepingItsSpelling() {
        // CHAR(3) 'a' <= VARCHAR: as bpchar it equals 'a' and 'a ', and is below 'a\t' (a blank-free 'a' is shorter).
        RangeJoin join = new RangeJoin(
                NONE,
                NONE,
                row -> row.get(1),
                RangeJoin.Comparison.LESS_OR_EQUAL,
                row -> JoinKeys.bpcharOf(row.get(1)),
                MixedComparison.all().get(0).condition(RangeJoin.Comparison.LESS_OR_EQUAL));
        ZSet varchars = Deltas.of(w(0L, "a", "r1", 1), w(0L, "a ", "r2", 1), w(0L, "a\t", "r3", 1), w(0L, "", "r4", 1));
        assertEquals(none(), step(join, none(), varchars));
        FixedChar a = FixedChar.of("a", 3);
        assertEquals(
                Deltas.of(
                        w(0L, a, "l", 0L, "a", "r1", 1),
                        w(0L, a, "l", 0L, "a ", "r2", 1),
                        w(0L, a, "l", 0L, "a\t", "r3", 1)),
                step(join, insert(0L, a, "l"), none()));
    }

    @Test
    void charValuesAgainstVarcharOrTextAndDatesAgainstTimestampsMatchAnInnerJoinTestingEveryPair() throws IOException {
        for (MixedComparison mixed : MixedComparison.all()) {
            for (RangeJoin.Comparison comparison : RangeJoin.Comparison.values()) {
                for (JoinKeys keys : new JoinKeys[] {KEY0, NONE}) {
                    Random rnd =
                            new Random(mixed.name().hashCode() + comparison.ordinal() * 31L + keys.columns().length);
                    Expr condition = mixed.condition(comparison);
                    Operator range =
                            new RangeJoin(keys, keys, mixed.leftValue(), comparison, mixed.rightValue(), condition);
                    InnerJoin plain = new InnerJoin(keys, keys, condition);
                    ZSet leftRows = new ZSet();
                    ZSet rightRows = new ZSet();
                    for (int s = 0; s < 200; s++) {
                        ZSet dl = Deltas.random(rnd, leftRows, 3, mixed.left());
                        ZSet dr = Deltas.random(rnd, rightRows, 3, mixed.right());
                        assertEquals(
                                step(plain, dl, dr),
                                step(range, dl, dr),
                                mixed.name() + " " + comparison + " keys " + keys.columns().length + " step " + s);
                        leftRows.addAll(dl);
                        rightRows.addAll(dr);
                        if (s % 50 == 49) {
                            range = Deltas.restored(
                                    range,
                                    new RangeJoin(
                                            keys, keys, mixed.leftValue(), comparison, mixed.rightValue(), condition));
                        }
                    }
                }
            }
        }
    }

    /** 12 / value, failing for 0, and 6 / (value - 3), failing for 3: the values a computed range join orders by. */
    private static final Expr LEFT_VALUE = row -> divide(12, row.get(1), 0);

    private static final Expr RIGHT_VALUE = row -> divide(6, row.get(1), 3);

    private static Object divide(long a, Object b, long minus) {
        if (b == null) return null;
        if ((Long) b - minus == 0) throw new EvaluationException("division by zero");
        return a / ((Long) b - minus);
    }

    /** 12 / left.c1 OP 6 / (right.c1 - 3), both sides computed before a NULL decides, as PostgreSQL does. */
    private static Expr computedCondition(RangeJoin.Comparison comparison) {
        return row -> {
            Object a = LEFT_VALUE.eval(row);
            Object b = RIGHT_VALUE.eval(row.project(new int[] {3, 4, 5}));
            return Deltas.compared(a, comparison, b);
        };
    }

    @Test
    void computedValuesThatMayFailMatchAnInnerJoinTestingEveryPair() throws IOException {
        for (RangeJoin.Comparison comparison : RangeJoin.Comparison.values()) {
            for (JoinKeys keys : new JoinKeys[] {KEY0, NONE}) {
                Random rnd = new Random(comparison.ordinal() * 17L + keys.columns().length);
                Expr condition = computedCondition(comparison);
                Operator range = new RangeJoin(keys, keys, LEFT_VALUE, comparison, RIGHT_VALUE, condition);
                InnerJoin plain = new InnerJoin(keys, keys, condition);
                ZSet leftRows = new ZSet();
                ZSet rightRows = new ZSet();
                int failures = 0;
                for (int s = 0; s < 300; s++) {
                    ZSet dl = Deltas.random(rnd, leftRows, 3, 6);
                    ZSet dr = Deltas.random(rnd, rightRows, 3, 6);
                    ZSet expected;
                    try {
                        expected = step(plain, dl, dr);
                    } catch (EvaluationException e) {
                        Operator op = range;
                        assertThrows(EvaluationException.class, () -> step(op, dl, dr), comparison + " step " + s);
                        failures++;
                        continue;
                    }
                    assertEquals(expected, step(range, dl, dr), comparison + " keys " + keys + " step " + s);
                    leftRows.addAll(dl);
                    rightRows.addAll(dr);
                    if (s % 50 == 49)
                        range = Deltas.restored(
                                range, new RangeJoin(keys, keys, LEFT_VALUE, comparison, RIGHT_VALUE, condition));
                }
                assertTrue(failures > 10 && failures < 250, "failed steps " + failures);
            }
        }
    }
}
