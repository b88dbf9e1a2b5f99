package io.shardview.metrics.promql.evaluation;

/**
 * A range vector as the functions over ranges read it: series (a selector's, or a subquery's points), read once, one
 * at a time, and at each evaluation time the window [end - range, end] of each, where end is the evaluation time (or
 * the {@code @} time) less the offset. Both ends are inclusive, as in Prometheus 2.
 */
record RangeVector(SeriesCursor series, long rangeMillis, long offsetMillis, Long atMillis) {
    /** The window's end for the evaluation time {@code time}. */
    long windowEnd(long time) {
        return (atMillis != null ? atMillis : time) - offsetMillis;
    }

    /** The window's start for the evaluation time {@code time}. */
    long windowStart(long time) {
        return windowEnd(time) - rangeMillis;
    }

    /** The index of the first point at or after {@code time}. */
    static int firstAtOrAfter(long[] timestamps, long time) {
        return firstAtOrAfter(timestamps, timestamps.length, time);
    }

    /** The index of the first of the {@code size} first points at or after {@code time}. */
    static int firstAtOrAfter(long[] timestamps, int size, long time) {
        int lo = 0;
        int hi = size;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (timestamps[mid] < time) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }

    /** The index after the last point at or before {@code time}. */
    static int afterLastAtOrBefore(long[] timestamps, long time) {
        return afterLastAtOrBefore(timestamps, timestamps.length, time);
    }

    /** The index after the last of the {@code size} first points at or before {@code time}. */
    static int afterLastAtOrBefore(long[] timestamps, int size, long time) {
        return firstAtOrAfter(timestamps, size, time == Long.MAX_VALUE ? time : time + 1);
    }
}
