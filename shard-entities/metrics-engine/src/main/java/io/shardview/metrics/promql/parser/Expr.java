package io.shardview.metrics.promql.parser;

import io.shardview.metrics.index.Matcher;
import java.util.List;

/**
 * A parsed PromQL expression: the tree the parser builds and the evaluator runs. Durations and offsets
 * are in milliseconds; every node knows the {@link ValueType} it yields, checked by the parser as Prometheus checks it.
 */
public sealed interface Expr {
    /** What the expression yields. */
    ValueType type();

    /** {@code expr} without the parentheses around it. */
    static Expr unwrap(Expr expr) {
        while (expr instanceof Paren p) expr = p.expr();
        return expr;
    }

    /** The four kinds of PromQL values. */
    enum ValueType {
        SCALAR("scalar"),
        INSTANT_VECTOR("instant vector"),
        RANGE_VECTOR("range vector"),
        STRING("string");

        private final String words;

        ValueType(String words) {
            this.words = words;
        }

        /** As Prometheus names the type in its errors ("range vector"). */
        public String words() {
            return words;
        }
    }

    /**
     * An {@code @} modifier: a fixed time in milliseconds, or the query's start or end. {@code null} where an
     * expression has none.
     */
    sealed interface At {
        /** {@code @ 1700000000} (seconds in the text, milliseconds here). */
        record Time(long millis) implements At {}

        /** {@code @ start()}. */
        record Start() implements At {}

        /** {@code @ end()}. */
        record End() implements At {}
    }

    /** A number: {@code 1}, {@code 2.5e3}, {@code 0x1f}, {@code Inf}, {@code NaN}. */
    record NumberLiteral(double value) implements Expr {
        @Override
        public ValueType type() {
            return ValueType.SCALAR;
        }
    }

    /** A string in quotes or backticks, unescaped. */
    record StringLiteral(String value) implements Expr {
        @Override
        public ValueType type() {
            return ValueType.STRING;
        }
    }

    /**
     * {@code name{label="v", ...} offset 5m @ 1700000000}: the metric name, when written before the braces, is also
     * in {@code matchers} as {@code __name__="name"}. {@code offsetMillis} may be negative.
     */
    record VectorSelector(String name, List<Matcher> matchers, long offsetMillis, At at) implements Expr {
        @Override
        public ValueType type() {
            return ValueType.INSTANT_VECTOR;
        }
    }

    /** {@code selector[5m]}: the selector carries the offset and {@code @}. */
    record MatrixSelector(VectorSelector selector, long rangeMillis) implements Expr {
        @Override
        public ValueType type() {
            return ValueType.RANGE_VECTOR;
        }
    }

    /**
     * {@code expr[range:step] offset o @ t}: {@code stepMillis} 0 means the default resolution (the query's step for a
     * range query, else the evaluator's default interval).
     */
    record Subquery(Expr expr, long rangeMillis, long stepMillis, long offsetMillis, At at) implements Expr {
        @Override
        public ValueType type() {
            return ValueType.RANGE_VECTOR;
        }
    }

    /** {@code (expr)}. */
    record Paren(Expr expr) implements Expr {
        @Override
        public ValueType type() {
            return expr.type();
        }
    }

    /** {@code -expr} or {@code +expr}. */
    record Unary(boolean negate, Expr expr) implements Expr {
        @Override
        public ValueType type() {
            return expr.type();
        }
    }

    /** A function call; {@code returns} is the function's result type. */
    record Call(String function, List<Expr> args, ValueType returns) implements Expr {
        @Override
        public ValueType type() {
            return returns;
        }
    }

    /**
     * An aggregation: {@code op} as written in lower case ({@code sum}, {@code topk}, ...), {@code param} for topk,
     * bottomk, quantile and count_values (else null), {@code grouping} the labels of {@code by} or {@code without}.
     */
    record Aggregate(String op, Expr expr, Expr param, List<String> grouping, boolean without) implements Expr {
        @Override
        public ValueType type() {
            return ValueType.INSTANT_VECTOR;
        }
    }

    /**
     * A binary operation. {@code op} as written ({@code +}, {@code ==}, {@code and}, {@code atan2}, ...);
     * {@code returnBool} for comparisons with {@code bool}; {@code matching} is null unless both sides are vectors.
     */
    record Binary(String op, Expr lhs, Expr rhs, boolean returnBool, VectorMatching matching) implements Expr {
        @Override
        public ValueType type() {
            return lhs.type() == ValueType.SCALAR && rhs.type() == ValueType.SCALAR
                    ? ValueType.SCALAR
                    : ValueType.INSTANT_VECTOR;
        }
    }

    /** How the two vectors of a binary operation pair their elements. */
    enum Cardinality {
        ONE_TO_ONE,
        MANY_TO_ONE,
        ONE_TO_MANY,
        MANY_TO_MANY
    }

    /**
     * {@code on(labels)} ({@code on} true) or {@code ignoring(labels)}; {@code include} are the labels of
     * {@code group_left(...)} / {@code group_right(...)}. Set operators ({@code and}, {@code or}, {@code unless}) are
     * MANY_TO_MANY; a vector-vector operation without a clause is ONE_TO_ONE, ignoring nothing.
     */
    record VectorMatching(Cardinality cardinality, List<String> labels, boolean on, List<String> include) {}
}
