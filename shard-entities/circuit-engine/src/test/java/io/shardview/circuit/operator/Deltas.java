package io.shardview.circuit.operator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.shardview.circuit.data.Row;
import io.shardview.circuit.data.ZSet;
import io.shardview.circuit.error.EvaluationException;
import java.io.IOException;
import java.util.Random;
import java.util.function.BiFunction;
import java.util.function.BiPredicate;
import java.util.function.BinaryOperator;
import java.util.function.Supplier;

/** Small builders for operator tests. */
final class Deltas {
    private Deltas() {}

    static ZSet insert(Object... values) {
        ZSet z = new ZSet();
        z.add(Row.of(values), 1);
        return z;
    }

    static ZSet delete(Object... values) {
        ZSet z = new ZSet();
        z.add(Row.of(values), -1);
        return z;
    }

    static ZSet none() {
        return new ZSet();
    }

    static ZSet of(Object[]... rowsThenWeight) {
        ZSet z = new ZSet();
        for (Object[] r : rowsThenWeight) {
            Object[] values = java.util.Arrays.copyOf(r, r.length - 1);
            z.add(Row.of(values), ((Number) r[r.length - 1]).longValue());
        }
        return z;
    }

    static Object[] w(Object... rowThenWeight) {
        return rowThenWeight;
    }

    /**
     * A random delta of rows (key 0..2, value 0..values-1, tag), key and value NULL one time in six: up to
     * maxInserts new rows of one or two copies, and about a quarter of the current rows deleted.
     */
    static ZSet random(java.util.Random rnd, ZSet current, int maxInserts, int values) {
        return random(
                rnd,
                current,
                maxInserts,
                java.util.stream.LongStream.range(0, values).boxed().toArray());
    }

    /** As {@link #random(java.util.Random, ZSet, int, int)}, the values drawn from the given ones. */
    static ZSet random(java.util.Random rnd, ZSet current, int maxInserts, Object[] values) {
        ZSet d = new ZSet();
        for (int i = rnd.nextInt(maxInserts + 1); i > 0; i--) {
            Long key = rnd.nextInt(6) == 0 ? null : (long) rnd.nextInt(3);
            Object value = rnd.nextInt(6) == 0 ? null : values[rnd.nextInt(values.length)];
            d.add(Row.of(key, value, "t" + rnd.nextInt(1000)), 1 + rnd.nextInt(2));
        }
        current.forEach((row, w) -> {
            if (rnd.nextInt(4) == 0) d.add(row, -w);
        });
        return d;
    }

    /** The operator's state written as a snapshot and read into fresh. */
    static <T extends Operator> T restored(Operator op, T fresh) throws java.io.IOException {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        op.stateImage().write(new java.io.DataOutputStream(bytes));
        fresh.readState(new java.io.DataInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray())));
        return fresh;
    }

    /** a OP b as SQL compares them: NULL when either is NULL. */
    static Boolean compared(Object a, RangeJoin.Comparison comparison, Object b) {
        if (a == null || b == null) return null;
        int c = io.shardview.circuit.pg.Values.compare(a, b);
        return switch (comparison) {
            case LESS -> c < 0;
            case LESS_OR_EQUAL -> c <= 0;
            case GREATER -> c > 0;
            case GREATER_OR_EQUAL -> c >= 0;
        };
    }

    /** 12 / the row's column, as PostgreSQL's integer division: NULL for NULL, "division by zero" for 0. */
    static Expr twelveBy(int column) {
        return row -> {
            Long v = (Long) row.get(column);
            if (v == null) return null;
            if (v == 0) throw new EvaluationException("division by zero");
            return 12 / v;
        };
    }

    /** A present row of a Z-set, picked at random. */
    static Row anyRow(java.util.Random rnd, ZSet z) {
        return z.entries().keySet().stream()
                .skip(rnd.nextInt(z.size()))
                .findFirst()
                .orElseThrow();
    }

    static ZSet step(Operator op, ZSet... inputs) {
        return op.step(inputs);
    }

    /**
     * Steps an operator of two inputs through random deltas (each drawn by its function from that input's current
     * rows): one time in restoreOneIn it is first restored from its snapshot into a fresh one; a step after which
     * fails judges the inputs failing must throw; the others are one time in five undone (as when a later view
     * fails) and taken again, and the output summed over the steps must then equal expected(left, right).
     * Returns how many steps failed.
     */
    static <T extends Operator> int throughFailures(
            Random rnd,
            int steps,
            Supplier<T> fresh,
            int restoreOneIn,
            BiFunction<Random, ZSet, ZSet> leftDelta,
            BiFunction<Random, ZSet, ZSet> rightDelta,
            BiPredicate<ZSet, ZSet> fails,
            BinaryOperator<ZSet> expected,
            String where)
            throws IOException {
        T op = fresh.get();
        ZSet left = new ZSet();
        ZSet right = new ZSet();
        ZSet content = new ZSet();
        int failures = 0;
        for (int s = 0; s < steps; s++) {
            ZSet dl = leftDelta.apply(rnd, left);
            ZSet dr = rightDelta.apply(rnd, right);
            ZSet nextLeft = new ZSet();
            nextLeft.addAll(left);
            nextLeft.addAll(dl);
            ZSet nextRight = new ZSet();
            nextRight.addAll(right);
            nextRight.addAll(dr);
            if (rnd.nextInt(restoreOneIn) == 0) op = restored(op, fresh.get());
            T probe = op;
            if (fails.test(nextLeft, nextRight)) {
                assertThrows(EvaluationException.class, () -> step(probe, dl, dr), where + " step " + s);
                failures++;
                continue;
            }
            ZSet out = step(op, dl, dr);
            if (rnd.nextInt(5) == 0) {
                op.undo(new ZSet[] {dl, dr});
                out = step(op, dl, dr);
            }
            content.addAll(out);
            left = nextLeft;
            right = nextRight;
            assertEquals(expected.apply(left, right), content, where + " step " + s);
        }
        return failures;
    }
}
