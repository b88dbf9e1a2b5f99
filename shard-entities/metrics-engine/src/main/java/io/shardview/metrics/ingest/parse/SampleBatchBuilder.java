package io.shardview.metrics.ingest.parse;

import io.shardview.metrics.ingest.MetricMetadata;
import io.shardview.metrics.ingest.SampleBatch;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Accumulates the {@link SampleBatch} of one request as a parser reads it; refuses to grow past the request limits
 * (samples and series), so a request never holds more than they allow.
 */
public final class SampleBatchBuilder {
    private final Map<SeriesKey, Integer> index = new HashMap<>();
    private final List<String[]> series = new ArrayList<>();
    private final IngestLimits limits;
    private int[] seriesOfPoint;
    private long[] timestamps;
    private double[] values;
    private int size;
    private final Map<String, MetricMetadata> metadata = new java.util.LinkedHashMap<>();

    public SampleBatchBuilder(IngestLimits limits) {
        this(limits, 256);
    }

    /** As above, with room for {@code expectedPoints} (at most the samples limit) before the columns grow. */
    public SampleBatchBuilder(IngestLimits limits, int expectedPoints) {
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

    /**
     * What the request says of metric family {@code family}: its type, help or unit, each null when this line or
     * message does not say (a later one in the request adds to, or replaces, what an earlier one said). At most as
     * many families as series are kept per request.
     */
    void metadata(String family, String type, String help, String unit) {
        MetricMetadata known = metadata.get(family);
        if (known == null && metadata.size() >= limits.maxSeriesPerRequest()) return;
        metadata.put(
                family,
                new MetricMetadata(
                        type != null ? type : known == null ? null : known.type(),
                        help != null ? help : known == null ? null : known.help(),
                        unit != null ? unit : known == null ? null : known.unit()));
    }

    /** The metadata of the families the request described, by family name. */
    public Map<String, MetricMetadata> metadata() {
        return java.util.Collections.unmodifiableMap(metadata);
    }

    public SampleBatch build() {
        return SampleBatch.of(
                List.copyOf(series),
                Arrays.copyOf(seriesOfPoint, size),
                Arrays.copyOf(timestamps, size),
                Arrays.copyOf(values, size));
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
