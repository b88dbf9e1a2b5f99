package io.shardview.circuit.operator;

import io.shardview.circuit.data.Row;
import io.shardview.circuit.error.EvaluationException;

/**
 * The values a row compares with a subquery's in IN or NOT IN: columns of the row, or values computed from it. PostgreSQL
 * computes them only when the subquery has rows to compare them with (a hashed subplan answers FALSE for an empty one,
 * a hash semi-join whose inner side is empty never scans the outer one), so a value that may fail ({@code 1 / c},
 * {@code c + 2147483647}) is computed by the operator that compares it, not by a projection below it: a row whose
 * value fails gets the key {@link #FAILED}, is kept apart, and its {@link #failure} is raised only when it meets
 * subquery rows. Values are computed in order; a NULL at a position that is not null-safe ends the key there (the
 * row matches nothing, and later values are not computed, as PostgreSQL's hash join stops at a NULL key).
 */
public final class InValues {
    /** The key of a row whose value failed to compute; compared by identity. */
    public static final Row FAILED = Row.wrap(new Object());

    /** The row's columns, when the values are columns (which cannot fail); else null. */
    private final JoinKeys columns;

    private final Expr[] values;
    private final boolean[] nullSafe;
    private final boolean[] asBpchar;

    /** values: one per compared position, computed from the row; asBpchar: compared as bpchar (see {@link JoinKeys}). */
    public InValues(Expr[] values, boolean[] nullSafe, boolean[] asBpchar) {
        this.columns = null;
        this.values = values.clone();
        this.nullSafe = nullSafe.clone();
        this.asBpchar = asBpchar.clone();
    }

    private InValues(JoinKeys columns) {
        this.columns = columns;
        this.values = null;
        this.nullSafe = null;
        this.asBpchar = null;
    }

    /** Columns of the row, which cannot fail. */
    public static InValues columns(JoinKeys keys) {
        return new InValues(keys);
    }

    /** Whether the values are computed and may fail (so a row may be {@link #FAILED}). */
    public boolean mayFail() {
        return columns == null;
    }

    /** The row's key: {@link #FAILED} if a value failed, null if a NULL that is not null-safe came first. */
    public Row keyOf(Row row) {
        if (columns != null) return columns.keyOf(row);
        try {
            return compute(row);
        } catch (EvaluationException e) {
            return FAILED;
        }
    }

    /** The failure of a row whose key is {@link #FAILED}: computing it again raises the same error. */
    public EvaluationException failure(Row row) {
        try {
            compute(row);
        } catch (EvaluationException e) {
            return e;
        }
        throw new IllegalStateException("the values of " + row + " do not fail");
    }

    private Row compute(Row row) {
        Object[] key = new Object[values.length];
        for (int i = 0; i < key.length; i++) {
            Object v = values[i].eval(row);
            if (v == null && !nullSafe[i]) return null;
            key[i] = asBpchar[i] ? JoinKeys.bpcharOf(v) : v;
        }
        return Row.wrap(key);
    }
}
