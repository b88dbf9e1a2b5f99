package io.shardview.circuit.operator;

import static io.shardview.circuit.operator.Deltas.insert;
import static io.shardview.circuit.operator.Deltas.none;
import static io.shardview.circuit.operator.Deltas.step;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.shardview.circuit.data.ZSet;
import io.shardview.circuit.error.EvaluationException;
import java.io.IOException;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A join on values computed from each side, found through their index, gives what the plain inner join testing
 * its condition on every pair gives, and fails where it fails: random deltas of rows (key, value, tag) joined on
 * 12 / left.value = 6 / (right.value - 3), which fails for a left value 0 and a right value 3, with NULLs,
 * retractions and several copies, with and without a plain key, across a snapshot.
 */
class ComputedJoinTest {
    private static final JoinKeys KEY0 = new JoinKeys(new int[] {0}, new boolean[] {false});
    private static final JoinKeys NONE = new JoinKeys(new int[0], new boolean[0]);

    private static final Expr LEFT_VALUE = row -> divide(12, row.get(1));
    private static final Expr RIGHT_VALUE = row -> {
        Object v = row.get(1);
        return v == null ? null : divide(6, (Long) v - 3);
    };
    /** The join's condition over (left row, right row): computes both sides, as '=' does, left first. */
    private static final Expr EQUAL = row -> {
        Object a = divide(12, row.get(1));
        if (a == null) return null;
        Object v = row.get(4);
        Object b = v == null ? null : divide(6, (Long) v - 3);
        return b == null ? null : a.equals(b);
    };

    private static Object divide(long a, Object b) {
        if (b == null) return null;
        if ((Long) b == 0) throw new EvaluationException("division by zero");
        return a / (Long) b;
    }

    private static ComputedJoin join(JoinKeys keys) {
        return new ComputedJoin(keys, new Expr[] {LEFT_VALUE}, keys, new Expr[] {RIGHT_VALUE}, new boolean[1], EQUAL);
    }

    @Test
    void aRowMeetsTheRowsOfItsComputedValue() {
        ComputedJoin join = join(NONE);
        assertEquals(none(), step(join, insert(0L, 4L, "l4"), none()));
        // 12 / 4 = 3 meets 6 / (5 - 3) = 3; 12 / 2 = 6 meets 6 / (4 - 3) = 6, and neither meets the other's.
        assertEquals(insert(0L, 4L, "l4", 0L, 5L, "r5"), step(join, none(), insert(0L, 5L, "r5")));
        assertEquals(insert(0L, 2L, "l2", 0L, 4L, "r4"), step(join, insert(0L, 2L, "l2"), insert(0L, 4L, "r4")));
    }

    @Test
    void aValueThatFailsFailsOnlyOnceItMeetsARowOfTheOtherSide() {
        ComputedJoin join = join(NONE);
        assertEquals(none(), step(join, insert(0L, 0L, "l0"), none())); // 12 / 0, but nothing to compare it with
        assertThrows(EvaluationException.class, () -> step(join, none(), insert(0L, 5L, "r5")));
        // The failed step changed nothing: the right side is still empty, and the failing row can leave.
        assertEquals(none(), step(join, Deltas.delete(0L, 0L, "l0"), none()));
        assertEquals(none(), step(join, none(), insert(0L, 5L, "r5")));
        // 6 / (3 - 3) fails once the condition tests it against l4, not against a left NULL (the condition tests it
        // first).
        assertEquals(none(), step(join, insert(0L, null, "lnull"), insert(0L, 3L, "r3")));
        assertThrows(EvaluationException.class, () -> step(join, insert(0L, 4L, "l4"), none()));
        assertEquals(none(), step(join, none(), Deltas.delete(0L, 3L, "r3")));
        assertEquals(insert(0L, 4L, "l4", 0L, 5L, "r5"), step(join, insert(0L, 4L, "l4"), none()));
    }

    @Test
    void matchesAnInnerJoinTestingEveryPair() throws IOException {
        for (JoinKeys keys : new JoinKeys[] {KEY0, NONE}) {
            Random rnd = new Random(keys.columns().length);
            Operator computed = join(keys);
            InnerJoin plain = new InnerJoin(keys, keys, EQUAL);
            ZSet leftRows = new ZSet();
            ZSet rightRows = new ZSet();
            int failures = 0;
            for (int s = 0; s < 400; s++) {
                ZSet dl = Deltas.random(rnd, leftRows, 2, 7);
                ZSet dr = Deltas.random(rnd, rightRows, 2, 7);
                ZSet expected;
                try {
                    expected = step(plain, dl, dr);
                } catch (EvaluationException e) {
                    Operator op = computed;
                    assertThrows(EvaluationException.class, () -> step(op, dl, dr), "keys " + keys + " step " + s);
                    failures++;
                    continue;
                }
                assertEquals(expected, step(computed, dl, dr), "keys " + keys + " step " + s);
                leftRows.addAll(dl);
                rightRows.addAll(dr);
                if (s % 50 == 49) computed = Deltas.restored(computed, join(keys));
            }
            assertEquals(true, failures > 20 && failures < 300, "failed steps " + failures);
        }
    }
}
