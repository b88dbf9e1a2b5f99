package io.shardview.circuit.operator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.shardview.circuit.data.Row;
import io.shardview.circuit.data.ZSet;
import io.shardview.circuit.error.EvaluationException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Undo and failed steps of every stateful operator: an operator that takes extra steps and undoes them,
 * or whose steps fail, must go on exactly like one that never saw them.
 */
class UndoTest {
    private static final JoinKeys KEY0 = new JoinKeys(new int[] {0}, new boolean[] {false});

    /** Residual that fails (like 1 / 0) when the right row's second column is 0. */
    private static final Expr FAILS_ON_ZERO = row -> {
        if (Long.valueOf(0).equals(row.get(3))) throw new EvaluationException("division by zero");
        return ((Long) row.get(1)) >= ((Long) row.get(3));
    };

    private static Map<String, Supplier<Operator>> operators() {
        Map<String, Supplier<Operator>> out = new LinkedHashMap<>();
        out.put("distinct", () -> new Distinct(false));
        out.put("top-k", () -> new TopK(Comparator.comparing((Row r) -> (Long) r.get(1)), 1, 2));
        out.put(
                "aggregate",
                () -> new Aggregate(
                        new int[] {0},
                        new Aggregate.Call[] {
                            new Aggregate.Call(Accumulator.Kind.MIN, 1, null),
                            new Aggregate.Call(Accumulator.Kind.SUM_LONG, 1, null),
                            new Aggregate.Call(Accumulator.Kind.COUNT_STAR, -1, null)
                        },
                        false));
        out.put(
                "global aggregate",
                () -> new Aggregate(
                        new int[0], new Aggregate.Call[] {new Aggregate.Call(Accumulator.Kind.MAX, 1, null)}, false));
        out.put("inner join", () -> new InnerJoin(KEY0, KEY0, FAILS_ON_ZERO));
        out.put("left join", () -> new OuterJoin(OuterJoin.Kind.LEFT, KEY0, KEY0, FAILS_ON_ZERO, 2, 2));
        out.put("semi-join", () -> new SemiJoin(KEY0, KEY0, FAILS_ON_ZERO, false));
        out.put("anti-join", () -> new SemiJoin(KEY0, KEY0, FAILS_ON_ZERO, true));
        out.put("not in join", () -> new NotIn(1));
        // IN and NOT IN computing a value that fails for a row's second column 0 (12 / 0), only while compared.
        Expr[] twelveBySecond = {Deltas.twelveBy(1)};
        out.put("in semi-join", () -> new SemiJoin(new InValues(twelveBySecond, new boolean[1], new boolean[1]), KEY0));
        out.put(
                "in mark join",
                () -> new InMark(
                        new InValues(twelveBySecond, new boolean[] {true}, new boolean[1]),
                        new JoinKeys(new int[] {1}, new boolean[] {true}),
                        KEY0,
                        KEY0,
                        false));
        out.put("computed not in join", () -> new NotIn(Deltas.twelveBy(1), false));
        return out;
    }

    /** A random delta over a tiny domain that only retracts rows present in the model (so weights stay valid). */
    private static ZSet delta(Random rnd, ZSet model, boolean allowZero) {
        ZSet d = new ZSet();
        for (int i = rnd.nextInt(4); i >= 0; i--) {
            List<Row> present = new ArrayList<>(model.entries().keySet());
            if (!present.isEmpty() && rnd.nextInt(3) == 0) {
                Row r = present.get(rnd.nextInt(present.size()));
                if (model.weight(r) + d.weight(r) > 0) d.add(r, -1);
            } else {
                long v = rnd.nextInt(allowZero ? 4 : 3) + (allowZero ? 0 : 1);
                d.add(Row.of((long) rnd.nextInt(3), v), 1);
            }
        }
        return d;
    }

    @Test
    void undoneAndFailedStepsLeaveNoTrace() {
        operators().forEach((name, create) -> {
            for (long seed = 0; seed < 200; seed++) {
                Random rnd = new Random(seed);
                boolean binary = name.endsWith("join");
                Operator probe = create.get();
                Operator reference = create.get();
                ZSet[] models = {new ZSet(), new ZSet()};
                ZSet[] nothing = binary ? new ZSet[] {new ZSet(), new ZSet()} : new ZSet[] {new ZSet()};
                // The first step (a global aggregate's row appears) is not undoable: a view failing it is dropped.
                assertEquals(reference.step(nothing), probe.step(nothing));
                for (int step = 0; step < 12; step++) {
                    ZSet[] extra = {delta(rnd, models[0], true), binary ? delta(rnd, models[1], true) : new ZSet()};
                    ZSet[] in = binary ? extra : new ZSet[] {extra[0]};
                    try {
                        probe.step(in);
                        probe.undo(in); // a later view of the batch failed
                    } catch (EvaluationException expected) {
                        // the step failed: its state must be as before
                    }
                    ZSet[] real = {delta(rnd, models[0], false), binary ? delta(rnd, models[1], false) : new ZSet()};
                    ZSet[] realIn = binary ? real : new ZSet[] {real[0]};
                    String where = name + " seed " + seed + " step " + step;
                    assertEquals(reference.step(realIn), probe.step(realIn), where);
                    models[0].addAll(real[0]);
                    models[1].addAll(real[1]);
                }
            }
        });
    }

    @Test
    void aJoinStepThatFailsOnANewPairThrowsAndKeepsItsIndexes() {
        InnerJoin join = new InnerJoin(KEY0, KEY0, FAILS_ON_ZERO);
        ZSet left = Deltas.insert(1L, 5L);
        ZSet right = Deltas.insert(1L, 0L);
        assertThrows(EvaluationException.class, () -> join.step(new ZSet[] {left, right}));
        // Had the left row stayed indexed, this right row would join it.
        assertEquals(Deltas.none(), join.step(new ZSet[] {Deltas.none(), Deltas.insert(1L, 2L)}));
    }

    @Test
    void anAggregateWhoseSumOverflowsThrowsAndKeepsItsGroups() {
        Aggregate sum = new Aggregate(
                new int[] {0}, new Aggregate.Call[] {new Aggregate.Call(Accumulator.Kind.SUM_LONG, 1, null)}, false);
        assertEquals(Deltas.insert("g", Long.MAX_VALUE), sum.step(new ZSet[] {Deltas.insert("g", Long.MAX_VALUE)}));
        EvaluationException e =
                assertThrows(EvaluationException.class, () -> sum.step(new ZSet[] {Deltas.insert("g", 1L)}));
        assertEquals("bigint out of range", e.getMessage());
        ZSet next = sum.step(new ZSet[] {Deltas.insert("g", -1L)});
        assertEquals(Deltas.of(Deltas.w("g", Long.MAX_VALUE, -1), Deltas.w("g", Long.MAX_VALUE - 1, 1)), next);
    }
}
