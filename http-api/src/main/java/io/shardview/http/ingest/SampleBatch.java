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

  /** Accumulates a batch; refuses to grow past {@code maxPoints}. */
  public static final class Builder {
    private final Map<SeriesKey, Integer> index = new HashMap<>();
    private final List<String[]> series = new ArrayList<>();
    private final int maxPoints;
    private int[] seriesOfPoint;
    private long[] timestamps;
    private double[] values;
    private int size;

    public Builder(int maxPoints) {
      this(maxPoints, 256);
    }

    /** As above, with room for {@code expectedPoints} (at most {@code maxPoints}) before the columns grow. */
    public Builder(int maxPoints, int expectedPoints) {
      this.maxPoints = maxPoints;
      int capacity = Math.max(16, Math.min(expectedPoints, maxPoints));
      seriesOfPoint = new int[capacity];
      timestamps = new long[capacity];
      values = new double[capacity];
    }

    /** The index of the series with these canonical labels, added if new. */
    int series(String[] canonicalPairs) {
      return index.computeIfAbsent(new SeriesKey(canonicalPairs), key -> {
        series.add(key.pairs());
        return series.size() - 1;
      });
    }

    /** Adds a point of series {@code seriesIndex}. */
    void add(int seriesIndex, long timestampMillis, double value) {
      if (size == maxPoints) {
        throw new IngestException("the request has more than " + maxPoints + " samples (max-samples-per-request = " + maxPoints + "); split it",
            Map.of("limit", "max-samples-per-request", "max", maxPoints));
      }
      if (size == timestamps.length) {
        int capacity = Math.min(Math.max(size * 2, 256), maxPoints);
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
      return new SampleBatch(List.copyOf(series), Arrays.copyOf(seriesOfPoint, size),
          Arrays.copyOf(timestamps, size), Arrays.copyOf(values, size));
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
