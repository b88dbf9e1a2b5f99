package io.shardview.metrics.promql.evaluation;

/**
 * A query that parsed but cannot run: Prometheus's {@code execution} error (HTTP 422), e.g. many-to-many matching,
 * a duplicate label set in a vector, {@link TooManySamples}; {@link Timeout} when it ran out of time (HTTP 503).
 */
public class QueryException extends RuntimeException {
    public QueryException(String message) {
        super(message);
    }

    /** The query would hold more samples than its limit allows. */
    public static final class TooManySamples extends QueryException {
        public TooManySamples() {
            super("query processing would load too many samples into memory in query execution");
        }
    }

    /** The query's time ran out before it finished. */
    public static final class Timeout extends QueryException {
        public Timeout(String message) {
            super(message);
        }
    }
}
