package io.shardview.metrics.promql.evaluation;

/**
 * A query that parsed but cannot run: Prometheus's {@code execution} error (HTTP 422), e.g. many-to-many matching,
 * a duplicate label set in a vector, too many samples; {@link Timeout} when it ran out of time (HTTP 503).
 */
public class QueryException extends RuntimeException {
    public QueryException(String message) {
        super(message);
    }

    /** The query's time ran out before it finished. */
    public static final class Timeout extends QueryException {
        public Timeout(String message) {
            super(message);
        }
    }
}
