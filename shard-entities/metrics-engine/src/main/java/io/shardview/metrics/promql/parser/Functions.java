package io.shardview.metrics.promql.parser;

import static io.shardview.metrics.promql.parser.Expr.ValueType.INSTANT_VECTOR;
import static io.shardview.metrics.promql.parser.Expr.ValueType.RANGE_VECTOR;
import static io.shardview.metrics.promql.parser.Expr.ValueType.SCALAR;
import static io.shardview.metrics.promql.parser.Expr.ValueType.STRING;

import io.shardview.metrics.promql.parser.Expr.ValueType;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The PromQL functions this server evaluates, with their signatures as Prometheus's promql/parser/functions.go gives
 * them, and the names Prometheus knows that this server does not evaluate.
 */
public final class Functions {
    /**
     * A function's signature. {@code variadic} as in Prometheus: 0 for exactly {@code argTypes}; n &gt; 0 for the last
     * argument optional and repeatable up to n times; -1 for the last argument repeatable without limit. Repeated
     * arguments have the last argument's type.
     */
    public record Signature(String name, List<ValueType> argTypes, int variadic, ValueType returns) {
        /** The fewest arguments a call may pass. */
        public int minArgs() {
            return variadic == 0 ? argTypes.size() : argTypes.size() - 1;
        }

        /** The most arguments a call may pass, or -1 for no limit. */
        public int maxArgs() {
            return variadic < 0 ? -1 : minArgs() + variadic;
        }

        /** The type the argument at {@code index} must have (repeated arguments take the last argument's type). */
        public ValueType argType(int index) {
            return argTypes.get(Math.min(index, argTypes.size() - 1));
        }
    }

    private static final Map<String, Signature> SUPPORTED = new TreeMap<>();

    // Prometheus 2.x and 3.x functions (and 3.x's limitk / limit_ratio aggregations) this server does not evaluate:
    // native histograms, Holt-Winters smoothing, info(), and later additions.
    private static final Set<String> KNOWN_UNSUPPORTED = Set.of(
            "holt_winters",
            "double_exponential_smoothing",
            "info",
            "histogram_avg",
            "histogram_count",
            "histogram_sum",
            "histogram_stddev",
            "histogram_stdvar",
            "histogram_fraction",
            "histogram_quantiles",
            "mad_over_time",
            "first_over_time",
            "ts_of_first_over_time",
            "ts_of_last_over_time",
            "ts_of_max_over_time",
            "ts_of_min_over_time",
            "sort_by_label",
            "sort_by_label_desc",
            "start_timestamp",
            "step",
            "range",
            "max_of",
            "min_of",
            "limitk",
            "limit_ratio");

    static {
        for (String name : List.of(
                "abs",
                "ceil",
                "floor",
                "exp",
                "ln",
                "log2",
                "log10",
                "sqrt",
                "sgn",
                "absent",
                "timestamp",
                "sort",
                "sort_desc",
                "acos",
                "asin",
                "atan",
                "cos",
                "sin",
                "tan",
                "acosh",
                "asinh",
                "atanh",
                "cosh",
                "sinh",
                "tanh",
                "deg",
                "rad")) {
            add(name, List.of(INSTANT_VECTOR), 0, INSTANT_VECTOR);
        }
        for (String name : List.of(
                "absent_over_time",
                "changes",
                "resets",
                "delta",
                "deriv",
                "idelta",
                "increase",
                "irate",
                "rate",
                "avg_over_time",
                "min_over_time",
                "max_over_time",
                "sum_over_time",
                "count_over_time",
                "last_over_time",
                "present_over_time",
                "stddev_over_time",
                "stdvar_over_time")) {
            add(name, List.of(RANGE_VECTOR), 0, INSTANT_VECTOR);
        }
        // The date functions read the evaluation time when called without an argument.
        for (String name : List.of(
                "days_in_month", "day_of_month", "day_of_week", "day_of_year", "hour", "minute", "month", "year")) {
            add(name, List.of(INSTANT_VECTOR), 1, INSTANT_VECTOR);
        }
        add("clamp", List.of(INSTANT_VECTOR, SCALAR, SCALAR), 0, INSTANT_VECTOR);
        add("clamp_min", List.of(INSTANT_VECTOR, SCALAR), 0, INSTANT_VECTOR);
        add("clamp_max", List.of(INSTANT_VECTOR, SCALAR), 0, INSTANT_VECTOR);
        add("round", List.of(INSTANT_VECTOR, SCALAR), 1, INSTANT_VECTOR);
        add("predict_linear", List.of(RANGE_VECTOR, SCALAR), 0, INSTANT_VECTOR);
        add("quantile_over_time", List.of(SCALAR, RANGE_VECTOR), 0, INSTANT_VECTOR);
        add("histogram_quantile", List.of(SCALAR, INSTANT_VECTOR), 0, INSTANT_VECTOR);
        add("label_replace", List.of(INSTANT_VECTOR, STRING, STRING, STRING, STRING), 0, INSTANT_VECTOR);
        add("label_join", List.of(INSTANT_VECTOR, STRING, STRING, STRING), -1, INSTANT_VECTOR);
        add("scalar", List.of(INSTANT_VECTOR), 0, SCALAR);
        add("vector", List.of(SCALAR), 0, INSTANT_VECTOR);
        add("time", List.of(), 0, SCALAR);
        add("pi", List.of(), 0, SCALAR);
    }

    private Functions() {}

    private static void add(String name, List<ValueType> args, int variadic, ValueType returns) {
        SUPPORTED.put(name, new Signature(name, args, variadic, returns));
    }

    /** The signature of a function this server evaluates (names are case-sensitive, as in Prometheus). */
    public static Optional<Signature> lookup(String name) {
        return Optional.ofNullable(SUPPORTED.get(name));
    }

    /** Whether Prometheus knows {@code name} as a function (or 3.x aggregation) that this server does not evaluate. */
    public static boolean isKnownButUnsupported(String name) {
        return KNOWN_UNSUPPORTED.contains(name);
    }

    /** The names of the functions this server evaluates, sorted. */
    public static Set<String> supported() {
        return Collections.unmodifiableSet(SUPPORTED.keySet());
    }
}
