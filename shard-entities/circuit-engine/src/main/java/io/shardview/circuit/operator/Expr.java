package io.shardview.circuit.operator;

import io.shardview.circuit.data.Row;

/** A compiled scalar expression over one row; NULL is Java null, booleans follow three-valued logic. */
@FunctionalInterface
public interface Expr {
    Object eval(Row row);

    /** True only when the expression is TRUE (a WHERE/ON/HAVING condition): FALSE and NULL reject. */
    default boolean test(Row row) {
        return Boolean.TRUE.equals(eval(row));
    }
}
