package io.shardview.metrics.promql.evaluation;

import java.util.List;

/** What a query answers, in the four shapes of the Prometheus HTTP API. Times are in milliseconds. */
public sealed interface QueryResult {
    /** {@code "resultType": "scalar"}. */
    record Scalar(long time, double value) implements QueryResult {}

    /** {@code "resultType": "string"}. */
    record Text(long time, String value) implements QueryResult {}

    /** {@code "resultType": "vector"}: an instant query's vector at {@code time}. */
    record Vector(long time, List<Sample> samples) implements QueryResult {}

    /** {@code "resultType": "matrix"}: a range query's series, or a range vector asked for at one instant. */
    record Matrix(List<Series> series) implements QueryResult {}
}
