package io.shardview.circuit.data;

import io.shardview.circuit.error.EvaluationException;

/**
 * Arithmetic of weights (a row's copies) that fails instead of wrapping around: a join of rows without columns (a
 * COUNT(*) over a product, whose inputs keep no column) multiplies its inputs' counts into one row's weight, which
 * past 2^63 would wrap to a wrong count. Such a view fails the batch, as PostgreSQL would never finish it.
 */
public final class Weights {
    private Weights() {}

    /** The copies of a pair of rows with w and v copies. */
    public static long product(long w, long v) {
        try {
            return Math.multiplyExact(w, v);
        } catch (ArithmeticException overflow) {
            throw tooMany();
        }
    }

    /** The copies of a row after a change of its count. */
    public static long sum(long w, long v) {
        try {
            return Math.addExact(w, v);
        } catch (ArithmeticException overflow) {
            throw tooMany();
        }
    }

    private static EvaluationException tooMany() {
        return new EvaluationException("a row's copies exceed 2^63 (a join's product is too large to count)");
    }
}
