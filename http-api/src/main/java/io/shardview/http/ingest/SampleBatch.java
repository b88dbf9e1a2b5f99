package io.shardview.http.ingest;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The samples of one ingest request, parsed in full before any is applied: a table of series
 * (canonical label pairs, see {@link LabelSetBuilder}) and columns of points referring to them.
 * Points keep the order of the request, so a later duplicate (series, timestamp) wins downstream.
 */
public final class SampleBatch {
    private final List<String[]> series;
    private final int[] seriesOfPoint;
    private final long[] timestamps;
    private final double[] values;

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

    /** Accumulates a batch; refuses to grow past the request limits (samples and series). */
    public static final class Builder {
        private final Map<SeriesKey, Integer> index = new HashMap<>();
        private final List<String[]> series = new ArrayList<>();
        private final IngestLimits limits;
        private int[] seriesOfPoint;
        private long[] timestamps;
        private double[] values;
        private int size;

        public Builder(IngestLimits limits) {
            this(limits, 256);
        }

        /** As above, with room for {@code expectedPoints} (at most the samples limit) before the columns grow. */
        public Builder(IngestLimits limits, int expectedPoints) {
            this.limits = limits;
            int capacity = Math.max(16, Math.min(expectedPoints, limits.maxSamplesPerRequest()));
            seriesOfPoint = new int[capacity];
            timestamps = new long[capacity];
            values = new double[capacity];
        }

        /** The limits the parsers filling this batch enforce. */
        IngestLimits limits() {
            return limits;
        }

        /** The index of the series with these canonical labels, added if new. */
        int series(String[] canonicalPairs) {
            SeriesKey key = new SeriesKey(canonicalPairs);
            Integer known = index.get(key);
            if (known != null) return known;
            if (series.size() == limits.maxSeriesPerRequest()) throw limits.tooManySeries();
            series.add(canonicalPairs);
            index.put(key, series.size() - 1);
            return series.size() - 1;
        }

        /**
         * Fails unless {@code more} points fit beside those added: a parser that collects a series'
         * points before adding them calls this as they come, so it never holds more than the limit.
         */
        void checkRoom(int more) {
            if ((long) size + more > limits.maxSamplesPerRequest()) throw limits.tooManySamples();
        }

        /** Adds a point of series {@code seriesIndex}. */
        void add(int seriesIndex, long timestampMillis, double value) {
            if (size == limits.maxSamplesPerRequest()) throw limits.tooManySamples();
            if (size == timestamps.length) {
                int capacity = (int) Math.min(Math.max(size * 2L, 256), limits.maxSamplesPerRequest());
                seriesOfPoint = Arrays.copyOf(seriesOfPoint, capacity);
                timestamps = Arrays.copyOf(timestamps, capacity);
                values = Arrays.copyOf(values, capacity);
            }
            seriesOfPoint[size] = seriesIndex;
            timestamps[size] = timestampMillis;
            values[size] = value;
            size++;
        }

        public SampleBatch build() {
            return new SampleBatch(
                    List.copyOf(series),
                    Arrays.copyOf(seriesOfPoint, size),
                    Arrays.copyOf(timestamps, size),
                    Arrays.copyOf(values, size));
        }
    }

    private record SeriesKey(String[] pairs) {
        @Override
        public boolean equals(Object other) {
            return other instanceof SeriesKey key && Arrays.equals(pairs, key.pairs);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(pairs);
        }
    }
}
