package io.shardview.circuit.operator;

import static io.shardview.circuit.operator.Deltas.delete;
import static io.shardview.circuit.operator.Deltas.insert;
import static io.shardview.circuit.operator.Deltas.none;
import static io.shardview.circuit.operator.Deltas.of;
import static io.shardview.circuit.operator.Deltas.step;
import static io.shardview.circuit.operator.Deltas.w;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.shardview.circuit.data.ZSet;
import io.shardview.circuit.error.EvaluationException;
import org.junit.jupiter.api.Test;

class JoinTest {
    private static final JoinKeys KEY0 = new JoinKeys(new int[] {0}, new boolean[] {false});

    @Test
    void innerJoinMatchesDeltasOnBothSidesInOneStep() {
        InnerJoin join = new InnerJoin(KEY0, KEY0, null);
        assertEquals(insert(1L, "l", 1L, "r"), step(join, insert(1L, "l"), insert(1L, "r")));
        assertEquals(delete(1L, "l", 1L, "r"), step(join, delete(1L, "l"), none()));
    }

    @Test
    void theResidualIsNeverEvaluatedOnAPairThatCancelsWithinAStep() {
        // Fails like 1 / 0 on a right row whose second column is 0.
        Expr residual = row -> {
            if (Long.valueOf(0).equals(row.get(3))) throw new EvaluationException("division by zero");
            return true;
        };
        InnerJoin join = new InnerJoin(KEY0, KEY0, residual);
        assertEquals(none(), step(join, none(), insert(1L, 0L)));
        // The new left row meets the old right row only in the cancelling terms of the delta.
        ZSet replaced = of(w(1L, 0L, -1), w(1L, 2L, 1));
        assertEquals(insert(1L, 5L, 1L, 2L), step(join, insert(1L, 5L), replaced));
    }

    @Test
    void nullJoinKeysNeverMatch() {
        InnerJoin join = new InnerJoin(KEY0, KEY0, null);
        assertEquals(none(), step(join, insert(null, "l"), insert(null, "r")));
        OuterJoin left = new OuterJoin(OuterJoin.Kind.LEFT, KEY0, KEY0, null, 2, 2);
        assertEquals(insert(null, "l", null, null), step(left, insert(null, "l"), insert(null, "r")));
    }

    @Test
    void nullSafeKeysMatchNulls() {
        JoinKeys safe = new JoinKeys(new int[] {0}, new boolean[] {true});
        InnerJoin join = new InnerJoin(safe, safe, null);
        assertEquals(insert(null, "l", null, "r"), step(join, insert(null, "l"), insert(null, "r")));
    }

    @Test
    void leftJoinPadsUntilTheRightSideAppearsAndPadsAgainWhenItDisappears() {
        OuterJoin join = new OuterJoin(OuterJoin.Kind.LEFT, KEY0, KEY0, null, 2, 2);
        assertEquals(insert(1L, "l", null, null), step(join, insert(1L, "l"), none()));
        assertEquals(of(w(1L, "l", null, null, -1), w(1L, "l", 1L, "r", 1)), step(join, none(), insert(1L, "r")));
        assertEquals(insert(1L, "l", 1L, "s"), step(join, none(), insert(1L, "s")), "a second match adds a joined row");
        assertEquals(delete(1L, "l", 1L, "r"), step(join, none(), delete(1L, "r")));
        assertEquals(of(w(1L, "l", 1L, "s", -1), w(1L, "l", null, null, 1)), step(join, none(), delete(1L, "s")));
    }

    @Test
    void leftJoinResidualDecidesWhichRightRowsMatch() {
        Expr rightBigger = r -> (Long) r.get(3) > (Long) r.get(1);
        OuterJoin join = new OuterJoin(OuterJoin.Kind.LEFT, KEY0, KEY0, rightBigger, 2, 2);
        assertEquals(insert(1L, 5L, null, null), step(join, insert(1L, 5L), insert(1L, 2L)));
        assertEquals(of(w(1L, 5L, null, null, -1), w(1L, 5L, 1L, 9L, 1)), step(join, none(), insert(1L, 9L)));
    }

    @Test
    void rightJoinPadsTheRightRowsThatMatchNothing() {
        OuterJoin join = new OuterJoin(OuterJoin.Kind.RIGHT, KEY0, KEY0, null, 2, 2);
        assertEquals(insert(null, null, 1L, "r"), step(join, none(), insert(1L, "r")));
        assertEquals(none(), step(join, insert(2L, "x"), none()), "a left row alone is not kept");
        assertEquals(of(w(null, null, 1L, "r", -1), w(1L, "l", 1L, "r", 1)), step(join, insert(1L, "l"), none()));
        assertEquals(insert(null, null, null, "n"), step(join, insert(null, "m"), insert(null, "n")), "NULL keys");
    }

    @Test
    void fullJoinKeepsUnmatchedRowsOfBothSidesAsMatchesComeAndGo() {
        Expr rightBigger = r -> (Long) r.get(3) > (Long) r.get(1);
        OuterJoin join = new OuterJoin(OuterJoin.Kind.FULL, KEY0, KEY0, rightBigger, 2, 2);
        assertEquals(
                of(w(1L, 5L, null, null, 1), w(null, null, 1L, 2L, 1)),
                step(join, insert(1L, 5L), insert(1L, 2L)),
                "the residual fails: both sides unmatched");
        assertEquals(
                of(w(1L, 5L, null, null, -1), w(1L, 5L, 1L, 9L, 1)),
                step(join, none(), insert(1L, 9L)),
                "a matching right row: the left row is matched, the other right row still not");
        assertEquals(
                of(w(1L, 5L, 1L, 9L, -1), w(null, null, 1L, 9L, 1)),
                step(join, delete(1L, 5L), none()),
                "the left row gone: its match is a right row alone again, the other stays as it was");
        assertEquals(delete(null, null, 1L, 2L), step(join, none(), delete(1L, 2L)));
    }

    @Test
    void antiJoinFlipsWhenTheRightSideAppearsAndDisappears() {
        SemiJoin anti = new SemiJoin(KEY0, KEY0, null, true);
        SemiJoin semi = new SemiJoin(KEY0, KEY0, null, false);
        assertEquals(insert(1L, "l"), step(anti, insert(1L, "l"), none()));
        assertEquals(none(), step(semi, insert(1L, "l"), none()));
        assertEquals(delete(1L, "l"), step(anti, none(), of(w(1L, "r", 2))));
        assertEquals(insert(1L, "l"), step(semi, none(), of(w(1L, "r", 2))));
        assertEquals(none(), step(anti, none(), delete(1L, "r")), "one of two copies remains");
        assertEquals(insert(1L, "l"), step(anti, none(), delete(1L, "r")));
    }
}
