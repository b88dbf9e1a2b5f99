package io.shardview.metrics.promql.evaluation;

import io.shardview.metrics.index.Labels;
import java.util.Arrays;

/** A growing list of points in time order, made into a {@link Series} once complete. */
final class PointList {
    private long[] times = new long[8];
    private double[] values = new double[8];
    private int size;

    void add(long time, double value) {
        if (size == times.length) {
            times = Arrays.copyOf(times, size * 2);
            values = Arrays.copyOf(values, size * 2);
        }
        times[size] = time;
        values[size++] = value;
    }

    Series toSeries(Labels labels) {
        return new Series(labels, Arrays.copyOf(times, size), Arrays.copyOf(values, size));
    }
}
