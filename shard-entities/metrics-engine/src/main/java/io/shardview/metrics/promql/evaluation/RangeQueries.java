package io.shardview.metrics.promql.evaluation;

/** The checks Prometheus's HTTP API makes on a range query's start, end and step before it runs. */
public final class RangeQueries {
    /** Prometheus's limit of points per series in one range query. */
    public static final long MAX_POINTS_PER_SERIES = 11_000;

    private RangeQueries() {}

    /** Throws IllegalArgumentException with Prometheus's message when the range cannot be asked for. */
    public static void validate(long startMillis, long endMillis, long stepMillis) {
        if (endMillis < startMillis) throw new IllegalArgumentException("end timestamp must not be before start time");
        if (stepMillis <= 0) {
            throw new IllegalArgumentException(
                    "zero or negative query resolution step widths are not accepted. Try a positive integer");
        }
        if ((endMillis - startMillis) / stepMillis > MAX_POINTS_PER_SERIES) {
            throw new IllegalArgumentException("exceeded maximum resolution of 11,000 points per timeseries. "
                    + "Try decreasing the query resolution (?step=XX)");
        }
    }
}
