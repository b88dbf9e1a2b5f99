package io.shardview.circuit.error;

/**
 * An SQL runtime error while evaluating a view, where PostgreSQL fails the statement: division by
 * zero, a value out of its type's range, an invalid cast. The message is PostgreSQL's wording.
 * Operators that throw it leave their state as it was before the step.
 */
public final class EvaluationException extends RuntimeException {
    public EvaluationException(String message) {
        super(message, null, false, false);
    }

    /** The error PostgreSQL raises for an integer result outside its type (smallint, integer, bigint). */
    public static EvaluationException outOfRange(String sqlTypeName) {
        return new EvaluationException(sqlTypeName + " out of range");
    }
}
