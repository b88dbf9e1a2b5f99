package io.shardview.circuit.operator;

import static io.shardview.circuit.operator.Deltas.insert;
import static io.shardview.circuit.operator.Deltas.none;
import static io.shardview.circuit.operator.Deltas.step;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.shardview.circuit.budget.BudgetExceeded;
import io.shardview.circuit.budget.Budgets;
import io.shardview.circuit.budget.Work;
import io.shardview.circuit.data.Row;
import io.shardview.circuit.data.ZSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The step the inner, range and computed joins share: stopped by the rows budget after the left delta is indexed,
 * while the right delta meets it, it leaves both sides as they were.
 */
class IndexedJoinTest {
    private static final JoinKeys KEY0 = new JoinKeys(new int[] {0}, new boolean[] {false});

    /** Each join over rows (key, value, tag), matching equal values of the same key. */
    private static List<IndexedJoin<?>> joins() {
        Expr sameValue = row -> row.get(1).equals(row.get(4));
        Expr value = row -> row.get(1);
        return List.of(
                new InnerJoin(KEY0, KEY0, null),
                new RangeJoin(KEY0, KEY0, 1, RangeJoin.Comparison.LESS_OR_EQUAL, 1, sameValue),
                new ComputedJoin(KEY0, new Expr[] {value}, KEY0, new Expr[] {value}, new boolean[1], sameValue));
    }

    @Test
    void aStepStoppedByTheRowsBudgetWhileTheRightDeltaMeetsTheLeftOneLeavesBothSidesAsTheyWere() {
        ZSet manyLeft = new ZSet();
        for (int i = 0; i < 2000; i++) manyLeft.add(Row.of(0L, 0L, "l" + i), 1);
        for (IndexedJoin<?> join : joins()) {
            String name = join.getClass().getSimpleName();
            Work small = new Work(Budgets.UNLIMITED.with(Map.of(Budgets.ROWS_PER_REQUEST, 100L)), 0, 0);
            ZSet[] inputs = {manyLeft, insert(0L, 0L, "r")};
            assertThrows(BudgetExceeded.class, () -> join.step(inputs, small), name);
            assertEquals(0, join.stateRows(), name);
            assertEquals(0, join.stateBytes(), name);
            // Had the left rows stayed indexed, this right row would meet them.
            assertEquals(none(), step(join, none(), insert(0L, 0L, "r")), name);
            assertEquals(insert(0L, 0L, "l", 0L, 0L, "r"), step(join, insert(0L, 0L, "l"), none()), name);
        }
    }
}
