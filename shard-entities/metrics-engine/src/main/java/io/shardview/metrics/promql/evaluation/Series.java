package io.shardview.metrics.promql.evaluation;

import io.shardview.metrics.index.Labels;

/** A series' labels and its points in time order: what a selector reads, and what a range query answers. */
public record Series(Labels labels, long[] timestamps, double[] values) {
    /** Number of points. */
    public int size() {
        return timestamps.length;
    }
}
