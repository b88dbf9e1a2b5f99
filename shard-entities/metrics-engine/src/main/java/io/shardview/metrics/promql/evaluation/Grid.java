package io.shardview.metrics.promql.evaluation;

/** The evaluation times of a query or subquery: start, start + interval, ... up to end (milliseconds). */
public record Grid(long start, long end, long interval) {
    public Grid {
        if (interval <= 0) throw new IllegalArgumentException("interval must be positive");
        if (end < start) throw new IllegalArgumentException("end before start");
    }

    /** One instant. */
    public static Grid at(long time) {
        return new Grid(time, time, 1);
    }

    /** Number of evaluation times. */
    public int size() {
        return (int) ((end - start) / interval) + 1;
    }

    /** The i-th evaluation time. */
    public long time(int i) {
        return start + i * interval;
    }
}
