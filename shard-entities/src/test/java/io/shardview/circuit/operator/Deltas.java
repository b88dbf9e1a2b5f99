package io.shardview.circuit.operator;

import io.shardview.circuit.Row;
import io.shardview.circuit.ZSet;

/** Small builders for operator tests. */
final class Deltas {
    private Deltas() {
    }

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
        return random(rnd, current, maxInserts, java.util.stream.LongStream.range(0, values).boxed().toArray());
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
        int c = io.shardview.circuit.Values.compare(a, b);
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
        return z.entries().keySet().stream().skip(rnd.nextInt(z.size())).findFirst().orElseThrow();
    }

    static ZSet step(Operator op, ZSet... inputs) {
        return op.step(inputs);
    }
}
