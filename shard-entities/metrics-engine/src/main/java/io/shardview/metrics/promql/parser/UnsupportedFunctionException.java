package io.shardview.metrics.promql.parser;

/**
 * A query calling a function (or a Prometheus 3 aggregation such as {@code limitk}) that Prometheus knows and this
 * server does not evaluate: distinct from {@link PromqlParseException} so that the API can answer 422 naming it rather
 * than 400.
 */
public final class UnsupportedFunctionException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String function;
    private final int position;

    /** {@code position} is the 0-based character offset of the function's name in the query. */
    public UnsupportedFunctionException(String function, int position) {
        super("function " + GoText.quote(function) + " is not supported");
        this.function = function;
        this.position = position;
    }

    /** The function's name as written. */
    public String function() {
        return function;
    }

    /** The 0-based character offset of the name in the query. */
    public int position() {
        return position;
    }
}
