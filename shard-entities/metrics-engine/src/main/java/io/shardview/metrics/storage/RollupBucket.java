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

    /**
     * Values per bucket in its column form: count, sum, min, max, last, the first point's offset from the start, first,
     * the last point's offset, resets (offsets NaN without edges). How buckets are stored and sent between nodes.
     */
    public static final int COLUMNS = 9;

    /** Writes this bucket's column form to {@code out} from {@code at}. */
    public void toColumns(double[] out, int at) {
        out[at] = count;
        out[at + 1] = sum;
        out[at + 2] = min;
        out[at + 3] = max;
        out[at + 4] = last;
        out[at + 5] = hasEdges() ? firstMs - startMs : Double.NaN;
        out[at + 6] = first;
        out[at + 7] = hasEdges() ? lastMs - startMs : Double.NaN;
        out[at + 8] = resets;
    }

    /** The bucket starting at {@code startMs} whose column form is at {@code [at, at + COLUMNS)} of {@code in}. */
    public static RollupBucket ofColumns(long startMs, double[] in, int at) {
        boolean edges = !Double.isNaN(in[at + 5]);
        return new RollupBucket(
                startMs,
                (long) in[at],
                in[at + 1],
                in[at + 2],
                in[at + 3],
                in[at + 4],
                edges ? startMs + (long) in[at + 5] : NO_EDGES,
                in[at + 6],
                edges ? startMs + (long) in[at + 7] : NO_EDGES,
                in[at + 8]);
    }
}
