package io.shardview.metrics.storage;

import io.shardview.metrics.index.LabelIndex;
import io.shardview.metrics.index.Labels;
import io.shardview.metrics.index.Matcher;
import io.shardview.metrics.index.Postings;
import io.shardview.metrics.index.SeriesRegistry;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The metrics storage of one shard of one tenant: series registry and label index, raw points
 * (head buffers and sealed chunks), incremental rollups and retention. Plain Java, owned by one
 * entity, not thread-safe. Every mutation is a deterministic function of the state and its
 * arguments (no wall clock), so replaying the journal rebuilds the same state.
 *
 * <p>Out-of-order rule: a point is rejected if it is older than the shard's newest accepted point
 * minus {@link StorageConfig#outOfOrderWindowMs()}, or older than the raw retention horizon;
 * otherwise it is merged in, and a duplicate (series, timestamp) keeps the last value.
 */
public final class ShardStorage {
  final StorageConfig config;
  final SeriesRegistry registry = new SeriesRegistry();
  /** Per series id; null for ids never used here or removed. */
  final List<Series> series = new ArrayList<>();
  long maxTime = Long.MIN_VALUE;
  /** Raw points older than this were dropped; aligned to an hour so rollup buckets stay whole. */
  long rawCutoff = Long.MIN_VALUE;
  long rejectedTotal;

  /** Raw points and rollups of one series. */
  static final class Series {
    final SeriesData data = new SeriesData();
    /** Indexed by {@link Resolution#ordinal()}: an array, as this is touched for every point. */
    final RollupSeries[] rollups = new RollupSeries[Resolution.values().length];

    Series() {
      for (Resolution r : Resolution.values()) {
        rollups[r.ordinal()] = new RollupSeries(r.millis());
      }
    }

    RollupSeries rollup(Resolution r) {
      return rollups[r.ordinal()];
    }

    boolean isEmpty() {
      for (RollupSeries r : rollups) {
        if (!r.isEmpty()) {
          return false;
        }
      }
      return data.isEmpty();
    }
  }

  /** An empty shard. */
  public ShardStorage(StorageConfig config) {
    this.config = config;
  }

  /** Applies a batch in its order; see the class comment for what is rejected. */
  public AppendResult append(PointBatch batch) {
    int accepted = 0;
    int rejected = 0;
    for (PointBatch.SeriesPoints sp : batch.series()) {
      Series s = null;
      long[] ts = sp.timestamps();
      double[] vs = sp.values();
      for (int i = 0; i < ts.length; i++) {
        if (isTooOld(ts[i])) {
          rejected++;
          continue;
        }
        if (s == null) {
          s = seriesFor(sp.labels());
        }
        put(s, ts[i], vs[i]);
        accepted++;
      }
    }
    rejectedTotal += rejected;
    return new AppendResult(accepted, rejected);
  }

  /**
   * What {@link #append} would reply for this batch, without changing anything: lets a command
   * handler answer (or drop rejected points) before the batch is persisted as an event.
   */
  public AppendResult check(PointBatch batch) {
    long max = maxTime;
    int accepted = 0;
    int rejected = 0;
    for (PointBatch.SeriesPoints sp : batch.series()) {
      for (long ts : sp.timestamps()) {
        if (isTooOld(ts, max)) {
          rejected++;
        } else {
          accepted++;
          max = Math.max(max, ts);
        }
      }
    }
    return new AppendResult(accepted, rejected);
  }

  private boolean isTooOld(long ts) {
    return isTooOld(ts, maxTime);
  }

  private boolean isTooOld(long ts, long newest) {
    boolean outsideWindow = newest != Long.MIN_VALUE && ts < newest - config.outOfOrderWindowMs();
    return outsideWindow || ts < rawCutoff;
  }

  private Series seriesFor(Labels labels) {
    int id = registry.getOrCreate(labels);
    while (series.size() <= id) {
      series.add(null);
    }
    Series s = series.get(id);
    if (s == null) {
      s = new Series();
      series.set(id, s);
    }
    return s;
  }

  private void put(Series s, long ts, double v) {
    // Only a point newer than all of the series can be folded into its rollups in place.
    boolean newest = s.data.put(ts, v, config) == SeriesData.PutKind.APPENDED;
    maxTime = Math.max(maxTime, ts);
    for (RollupSeries r : s.rollups) {
      if (newest) {
        r.append(ts, v);
      } else {
        long b = r.bucketStart(ts);
        r.replace(b, s.data.read(b, b + r.width - 1));
      }
      r.freeze(maxTime - config.outOfOrderWindowMs());
    }
  }

  /** Points of series {@code id} with timestamps in [startMs, endMs]; empty if unknown. */
  public Points read(int id, long startMs, long endMs) {
    Series s = id >= 0 && id < series.size() ? series.get(id) : null;
    return s == null ? new Points(new long[0], new double[0]) : s.data.read(startMs, endMs);
  }

  /** Series matching every matcher that have points in [startMs, endMs], in series id order. */
  public List<SelectedSeries> select(List<Matcher> matchers, long startMs, long endMs) {
    Postings ids = registry.index().select(matchers);
    List<SelectedSeries> out = new ArrayList<>();
    for (int i = 0; i < ids.size(); i++) {
      int id = ids.get(i);
      Points points = read(id, startMs, endMs);
      if (points.size() > 0) {
        out.add(new SelectedSeries(id, registry.labels(id), points));
      }
    }
    return out;
  }

  /** Rollup buckets of series {@code id} overlapping [startMs, endMs], in time order. */
  public List<RollupBucket> rollups(int id, Resolution resolution, long startMs, long endMs) {
    Series s = id >= 0 && id < series.size() ? series.get(id) : null;
    return s == null ? List.of() : s.rollup(resolution).range(startMs, endMs);
  }

  /**
   * Drops raw chunks entirely older than {@code nowMs} - raw retention (the horizon rounded down
   * to the hour), rollup buckets older than {@code nowMs} - rollup retention, and series left
   * with nothing. Points older than the raw horizon are rejected from then on. The caller passes
   * a time recorded in its journal (not the wall clock at replay) to keep replay deterministic.
   */
  public void applyRetention(long nowMs) {
    long hour = Resolution.ONE_HOUR.millis();
    rawCutoff = Math.max(rawCutoff, Math.floorDiv(nowMs - config.rawRetentionMs(), hour) * hour);
    long rollupCutoff = nowMs - config.rollupRetentionMs();
    for (int id = 0; id < series.size(); id++) {
      Series s = series.get(id);
      if (s == null) {
        continue;
      }
      s.data.dropChunksBefore(rawCutoff);
      for (RollupSeries r : s.rollups) {
        r.dropBefore(rollupCutoff - r.width + 1); // buckets that end at or before the cutoff
      }
      if (s.isEmpty()) {
        series.set(id, null);
        registry.remove(id);
      }
    }
  }

  /** Seals every head into a chunk (e.g. before measuring or on shutdown). */
  public void sealAll() {
    for (Series s : series) {
      if (s != null) {
        s.data.seal();
      }
    }
  }

  /** The series id of {@code labels}, or -1. */
  public int seriesId(Labels labels) {
    return registry.idOf(labels);
  }

  /** Labels of series {@code id}, or null. */
  public Labels labels(int id) {
    return registry.labels(id);
  }

  /** The inverted index, for selecting series by matchers. */
  public LabelIndex index() {
    return registry.index();
  }

  /** Series holding raw points or rollups (a series leaves once retention emptied it). */
  public int activeSeries() {
    return registry.activeSeries();
  }

  /** Newest accepted timestamp, or Long.MIN_VALUE if none. */
  public long maxTime() {
    return maxTime;
  }

  /** Points rejected since the shard was created (kept across snapshots). */
  public long rejectedTotal() {
    return rejectedTotal;
  }

  /** Writes the whole shard; sealed chunks go out as their encoded bytes. */
  public void writeSnapshot(DataOutput out) throws IOException {
    ShardSnapshot.write(this, out);
  }

  /** Restores a shard written by {@link #writeSnapshot}, without re-encoding sealed chunks. */
  public static ShardStorage readSnapshot(DataInput in) throws IOException {
    return ShardSnapshot.read(in);
  }

  /** Byte accounting of raw data. */
  public record Stats(long sealedBytes, long sealedPoints, long headPoints) {
    /** Encoded bytes per sealed point, NaN if none. */
    public double bytesPerSealedPoint() {
      return sealedPoints == 0 ? Double.NaN : (double) sealedBytes / sealedPoints;
    }
  }

  /** Current byte accounting. */
  public Stats stats() {
    long bytes = 0;
    long points = 0;
    long head = 0;
    for (Series s : series) {
      if (s != null) {
        bytes += s.data.sealedBytes();
        points += s.data.sealedPoints();
        head += s.data.headSize;
      }
    }
    return new Stats(bytes, points, head);
  }
}
