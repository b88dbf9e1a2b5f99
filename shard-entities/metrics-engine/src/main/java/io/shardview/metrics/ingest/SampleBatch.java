package io.shardview.metrics.ingest;

import java.util.List;

/**
 * The samples of one ingest request, parsed in full before any is applied: a table of series
 * (canonical label pairs: names sorted, each once) and columns of points referring to them.
 * Points keep the order of the request, so a later duplicate (series, timestamp) wins downstream.
 */
public final class SampleBatch {
    private final List<String[]> series;
    private final int[] seriesOfPoint;
    private final long[] timestamps;
    private final double[] values;

    /**
     * A batch over these columns, taken as they are: {@code seriesOfPoint[i]} indexes {@code series}, and the three
     * point columns have one entry per point. Builders (the ingest parsers') own the arrays they hand over.
     */
    public static SampleBatch of(List<String[]> series, int[] seriesOfPoint, long[] timestamps, double[] values) {
        if (seriesOfPoint.length != timestamps.length || timestamps.length != values.length) {
            throw new IllegalArgumentException("point columns differ in length");
        }
        return new SampleBatch(series, seriesOfPoint, timestamps, values);
    }

    private SampleBatch(List<String[]> series, int[] seriesOfPoint, long[] timestamps, double[] values) {
        this.series = series;
        this.seriesOfPoint = seriesOfPoint;
        this.timestamps = timestamps;
        this.values = values;
    }

    /** Number of distinct series. */
    public int seriesCount() {
        return series.size();
    }

    /** Canonical label pairs of series {@code index}: {@code [name0, value0, ...]}, sorted by name. */
    public String[] labels(int index) {
        return series.get(index);
    }

    /** Number of points. */
    public int size() {
        return timestamps.length;
    }

    /** Series index of point {@code i}. */
    public int seriesOf(int i) {
        return seriesOfPoint[i];
    }

    /** Timestamp of point {@code i}, in milliseconds since the epoch. */
    public long timestamp(int i) {
        return timestamps[i];
    }

    /** Value of point {@code i}. */
    public double value(int i) {
        return values[i];
    }
}
