package io.shardview.metrics.promql;

/** The evaluation times of a query or subquery: start, start + interval, ... up to end (milliseconds). */
record Grid(long start, long end, long interval) {
    Grid {
        if (interval <= 0) throw new IllegalArgumentException("interval must be positive");
        if (end < start) throw new IllegalArgumentException("end before start");
    }

    /** One instant. */
    static Grid at(long time) {
        return new Grid(time, time, 1);
    }

    /** Number of evaluation times. */
    int size() {
        return (int) ((end - start) / interval) + 1;
    }

    /** The i-th evaluation time. */
    long time(int i) {
        return start + i * interval;
    }
}
