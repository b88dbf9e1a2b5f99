package io.shardview.metrics.storage;

/**
 * Aggregate of one series over [startMs, startMs + width): the fold, in timestamp order, of its
 * points other than Prometheus stale markers. min/max ignore NaN unless every value is NaN (as
 * Prometheus min_over_time does); sum propagates NaN; last is the value at the latest timestamp.
 *
 * <p>The edges are what rate and increase need beyond the fold: the first point's time and value,
 * the last point's time, and {@code resets}, the sum of the value before each drop (a counter
 * reset, as Prometheus adds it back: {@code v < previous} adds {@code previous}). Buckets restored
 * from a snapshot written before the edges were kept have none ({@link #hasEdges()} false).
 */
public record RollupBucket(
        long startMs,
        long count,
        double sum,
        double min,
        double max,
        double last,
        long firstMs,
        double first,
        long lastMs,
        double resets) {

    /** firstMs and lastMs of a bucket whose edges are not known. */
    public static final long NO_EDGES = Long.MIN_VALUE;

    /** Whether the first point, the last point's time and the resets are known. */
    public boolean hasEdges() {
        return firstMs != NO_EDGES;
    }
}
