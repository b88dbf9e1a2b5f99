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

    static ZSet step(Operator op, ZSet... inputs) {
        return op.step(inputs);
    }
}
