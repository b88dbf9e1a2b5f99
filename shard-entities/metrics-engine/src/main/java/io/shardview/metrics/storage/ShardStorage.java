package io.shardview.metrics.storage;

import io.shardview.metrics.index.LabelIndex;
import io.shardview.metrics.index.LabelPairFilter;
import io.shardview.metrics.index.Labels;
import io.shardview.metrics.index.Matcher;
import io.shardview.metrics.index.Postings;
import io.shardview.metrics.index.SeriesRegistry;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The metrics storage of one shard of one tenant: series registry and label index, raw points
 * (head buffers and sealed chunks), incremental rollups and retention. Plain Java, owned by one
 * entity, not thread-safe. Every mutation is a deterministic function of the state and its
 * arguments (no wall clock), so replaying the journal rebuilds the same state.
 *
 * <p>Out-of-order rule: a point is rejected if it is older than the shard's newest accepted point
 * minus {@link StorageConfig#outOfOrderWindowMs()}, or older than the raw retention horizon;
 * otherwise it is merged in, and a duplicate (series, timestamp) keeps the last value. A backfill
 * ({@link #backfill}) takes points of any age within the raw retention horizon: they are merged into
 * the sealed chunks and their rollup buckets recomputed, frozen ones included.
 */
public final class ShardStorage {
    final StorageConfig config;
    final SeriesRegistry registry = new SeriesRegistry();
    /** Per series id; null for ids never used here or removed. */
    final List<Series> series = new ArrayList<>();

    long maxTime = Long.MIN_VALUE;
    /** Raw points older than this were dropped; aligned to an hour so rollup buckets stay whole. */
    long rawCutoff = Long.MIN_VALUE;
    /** Rollup buckets ending at or before this were dropped (the highest rollup cutoff applied). */
    long rollupCutoff = Long.MIN_VALUE;

    long rejectedTotal;
    /** Timestamps of the points of the series being appended whose rollup buckets await recomputation. */
    private long[] lateTs = new long[16];

    private int lateCount;

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
        return append(batch, false);
    }

    /**
     * Applies a batch of points of any age within the raw retention horizon (historical data, in any order): only
     * points older than the horizon are rejected. Costlier than {@link #append} for old points, which are merged
     * into sealed chunks and make their rollup buckets be recomputed.
     */
    public AppendResult backfill(PointBatch batch) {
        return append(batch, true);
    }

    private AppendResult append(PointBatch batch, boolean backfill) {
        int accepted = 0;
        int outOfOrder = 0;
        int tooOld = 0;
        int created = 0;
        for (PointBatch.SeriesPoints sp : batch.series()) {
            Series s = null;
            long[] ts = sp.timestamps();
            double[] vs = sp.values();
            for (int i = 0; i < ts.length; i++) {
                Refusal refusal = refusal(ts[i], backfill ? Long.MIN_VALUE : maxTime, rawCutoff);
                if (refusal != Refusal.NONE) {
                    outOfOrder += refusal == Refusal.OUT_OF_ORDER ? 1 : 0;
                    tooOld += refusal == Refusal.TOO_OLD ? 1 : 0;
                    continue;
                }
                if (s == null) {
                    created += registry.idOf(sp.labels()) < 0 ? 1 : 0;
                    s = seriesFor(sp.labels());
                }
                put(s, ts[i], vs[i]);
                accepted++;
            }
            if (s != null) {
                s.data.mergeLate(config);
            }
            if (lateCount > 0) {
                recomputeLateBuckets(s, backfill);
            }
        }
        rejectedTotal += outOfOrder + tooOld;
        return new AppendResult(accepted, outOfOrder, tooOld, created);
    }

    /**
     * What {@link #append} would reply for this batch, without changing anything: lets a command
     * handler answer (or drop rejected points) before the batch is persisted as an event.
     */
    public AppendResult check(PointBatch batch) {
        return check(batch, rawCutoff, false);
    }

    /** What {@link #backfill} would reply for this batch, without changing anything. */
    public AppendResult checkBackfill(PointBatch batch) {
        return check(batch, rawCutoff, true);
    }

    /**
     * What {@link #append} would reply for this batch once retention with {@code cutoffs} is applied
     * first: lets a command handler journal a due retention and the batch together, and answer for both.
     */
    public AppendResult checkAfter(RetentionCutoffs cutoffs, PointBatch batch, boolean backfill) {
        return check(batch, Math.max(rawCutoff, cutoffs.rawCutoffMs()), backfill);
    }

    private AppendResult check(PointBatch batch, long rawCutoff, boolean backfill) {
        long max = maxTime;
        int accepted = 0;
        int outOfOrder = 0;
        int tooOld = 0;
        int created = 0;
        for (PointBatch.SeriesPoints sp : batch.series()) {
            boolean known = registry.idOf(sp.labels()) >= 0;
            int acceptedBefore = accepted;
            for (long ts : sp.timestamps()) {
                Refusal refusal = refusal(ts, backfill ? Long.MIN_VALUE : max, rawCutoff);
                if (refusal == Refusal.NONE) {
                    accepted++;
                    max = Math.max(max, ts);
                } else if (refusal == Refusal.OUT_OF_ORDER) {
                    outOfOrder++;
                } else {
                    tooOld++;
                }
            }
            if (!known && accepted > acceptedBefore) {
                created++;
            }
        }
        return new AppendResult(accepted, outOfOrder, tooOld, created);
    }

    /** Why a point is not stored; the retention horizon is checked first, as it is final. */
    private enum Refusal {
        NONE,
        OUT_OF_ORDER,
        TOO_OLD
    }

    private Refusal refusal(long ts, long newest, long rawCutoff) {
        if (ts < rawCutoff) {
            return Refusal.TOO_OLD;
        }
        boolean outsideWindow = newest != Long.MIN_VALUE && ts < newest - config.outOfOrderWindowMs();
        return outsideWindow ? Refusal.OUT_OF_ORDER : Refusal.NONE;
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

    /**
     * Stores a point. Only a point newer than all of the series can be folded into its rollups in
     * place; the buckets of any other point are recomputed from raw points once the series' part of
     * the batch is in ({@link #recomputeLateBuckets}), so a batch with many late points of a series
     * (two senders overtaking each other) decodes each affected bucket once, not once per point.
     * Freezing waits until then: it must not close a bucket that is still to be recomputed.
     */
    private void put(Series s, long ts, double v) {
        boolean newest = s.data.put(ts, v, config) == SeriesData.PutKind.APPENDED;
        maxTime = Math.max(maxTime, ts);
        if (!newest) {
            if (lateCount == lateTs.length) {
                lateTs = Arrays.copyOf(lateTs, lateCount * 2);
            }
            lateTs[lateCount++] = ts;
            return;
        }
        for (RollupSeries r : s.rollups) {
            r.append(ts, v);
            if (lateCount == 0) {
                r.freeze(maxTime - config.outOfOrderWindowMs());
            }
        }
    }

    /**
     * Recomputes the buckets of the late points from raw points; after a backfill, which may have thawed frozen
     * buckets, freezes everything out of the window again at once.
     */
    private void recomputeLateBuckets(Series s, boolean backfill) {
        Arrays.sort(lateTs, 0, lateCount);
        for (RollupSeries r : s.rollups) {
            long done = Long.MIN_VALUE;
            for (int i = 0; i < lateCount; i++) {
                long b = r.bucketStart(lateTs[i]);
                if (b != done) {
                    r.replace(b, s.data.read(b, b + r.width - 1));
                    done = b;
                }
            }
            if (backfill) r.freezeAll(maxTime - config.outOfOrderWindowMs());
            else r.freeze(maxTime - config.outOfOrderWindowMs());
        }
        lateCount = 0;
    }

    /** Points of series {@code id} with timestamps in [startMs, endMs]; empty if unknown. */
    public Points read(int id, long startMs, long endMs) {
        Series s = id >= 0 && id < series.size() ? series.get(id) : null;
        return s == null ? new Points(new long[0], new double[0]) : s.data.read(startMs, endMs);
    }

    /** Labels of the series matching every matcher that have points in [startMs, endMs], in series id order. */
    public List<Labels> selectLabels(List<Matcher> matchers, long startMs, long endMs) {
        int[] ids = selectIds(matchers, startMs, endMs);
        List<Labels> out = new ArrayList<>(ids.length);
        for (int id : ids) out.add(registry.labels(id));
        return out;
    }

    /**
     * The ids of the series matching every matcher that have points in [startMs, endMs], in id order, none of their
     * points read: {@link #labels(int)} names each and {@link #readInto} reads it.
     */
    public int[] selectIds(List<Matcher> matchers, long startMs, long endMs) {
        Postings ids = registry.index().select(matchers);
        int[] out = new int[ids.size()];
        int n = 0;
        for (int i = 0; i < ids.size(); i++) {
            int id = ids.get(i);
            Series s = id < series.size() ? series.get(id) : null;
            if (s != null && s.data.hasPointIn(startMs, endMs)) out[n++] = id;
        }
        return Arrays.copyOf(out, n);
    }

    /** The points of series {@code id} in [startMs, endMs], in time order, read into {@code into}. */
    public void readInto(int id, long startMs, long endMs, PointBuffer into) {
        Series s = id >= 0 && id < series.size() ? series.get(id) : null;
        if (s == null) into.clear(0);
        else s.data.readInto(startMs, endMs, into);
    }

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

    /**
     * The rollup buckets of {@code resolution} overlapping [startMs, endMs] of every series matching all matchers that
     * has any there; null if one of those buckets lacks its edges (a bucket older than raw retention restored from a
     * snapshot written before edges were kept), as then the range functions cannot all be computed from them.
     */
    public List<SelectedRollups> selectRollups(
            List<Matcher> matchers, Resolution resolution, long startMs, long endMs) {
        Postings ids = registry.index().select(matchers);
        List<SelectedRollups> out = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            int id = ids.get(i);
            List<RollupBucket> buckets = rollups(id, resolution, startMs, endMs);
            for (RollupBucket b : buckets) {
                if (!b.hasEdges()) return null;
            }
            if (!buckets.isEmpty()) out.add(new SelectedRollups(id, registry.labels(id), buckets));
        }
        return out;
    }

    /** Rollup buckets of series {@code id} overlapping [startMs, endMs], in time order. */
    public List<RollupBucket> rollups(int id, Resolution resolution, long startMs, long endMs) {
        Series s = id >= 0 && id < series.size() ? series.get(id) : null;
        return s == null ? List.of() : s.rollup(resolution).range(startMs, endMs);
    }

    /** The horizons retention at {@code nowMs} applies: see {@link #applyRetention(RetentionCutoffs)}. */
    public RetentionCutoffs retentionCutoffs(long nowMs) {
        long rollupCutoff = nowMs >= Long.MIN_VALUE + config.rollupRetentionMs()
                ? nowMs - config.rollupRetentionMs()
                : Long.MIN_VALUE;
        return new RetentionCutoffs(Math.max(rawCutoff, rawHorizon(nowMs)), rollupCutoff);
    }

    /** Applies retention at {@code nowMs} under this shard's settings. */
    public boolean applyRetention(long nowMs) {
        return applyRetention(retentionCutoffs(nowMs));
    }

    /**
     * Drops raw chunks entirely older than the raw cutoff, rollup buckets that end at or before the
     * rollup cutoff, and series left with nothing. Points older than the raw cutoff are rejected
     * from then on. The caller journals the cutoffs (computed once from the wall clock) so replay
     * drops the same data whatever the clock or the settings are at replay.
     *
     * @return whether any point, bucket or series was dropped
     */
    public boolean applyRetention(RetentionCutoffs cutoffs) {
        rawCutoff = Math.max(rawCutoff, cutoffs.rawCutoffMs());
        rollupCutoff = Math.max(rollupCutoff, cutoffs.rollupCutoffMs());
        boolean dropped = false;
        for (int id = 0; id < series.size(); id++) {
            Series s = series.get(id);
            if (s == null) {
                continue;
            }
            dropped |= s.data.dropChunksBefore(rawCutoff);
            for (RollupSeries r : s.rollups) {
                // Buckets that end at or before the cutoff: none when cutoff - width + 1 lies before Long.MIN_VALUE.
                if (cutoffs.rollupCutoffMs() >= Long.MIN_VALUE + r.width - 1) {
                    dropped |= r.dropBefore(cutoffs.rollupCutoffMs() - r.width + 1);
                }
            }
            if (s.isEmpty()) {
                series.set(id, null);
                registry.remove(id);
                dropped = true;
            }
        }
        return dropped;
    }

    /**
     * Whether retention at {@code nowMs} would move the raw horizon. Moving it changes which points
     * later batches accept, so it must be recorded (journaled) before it happens; it moves at most
     * once an hour.
     */
    public boolean retentionDue(long nowMs) {
        return rawHorizon(nowMs) > rawCutoff;
    }

    private long rawHorizon(long nowMs) {
        long hour = Resolution.ONE_HOUR.millis();
        if (nowMs < Long.MIN_VALUE + config.rawRetentionMs() + hour) return Long.MIN_VALUE; // before any time there is
        return Math.floorDiv(nowMs - config.rawRetentionMs(), hour) * hour;
    }

    /** Seals every head into a chunk (e.g. before measuring or on shutdown). */
    public void sealAll() {
        for (Series s : series) {
            if (s != null) {
                s.data.seal(config);
            }
        }
    }

    /**
     * How many of {@code labels} this shard does not hold: an upper bound of the series a batch of
     * them would create, for checking a limit before the points themselves are sent.
     */
    public int unknownSeries(List<Labels> labels) {
        int unknown = 0;
        for (Labels l : labels) {
            if (registry.idOf(l) < 0) {
                unknown++;
            }
        }
        return unknown;
    }

    /** The series id of {@code labels}, or -1. */
    public int seriesId(Labels labels) {
        return registry.idOf(labels);
    }

    /** Labels of series {@code id}, or null. */
    public Labels labels(int id) {
        return registry.labels(id);
    }

    /**
     * Which label pairs this shard's series may have, safe to read from any thread: a serving node asks it whether
     * the shard can hold a series a query selects.
     */
    public LabelPairFilter pairFilter() {
        return registry.pairFilter();
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
        return ShardSnapshot.read(in, null);
    }

    /**
     * Restores a shard written by {@link #writeSnapshot} to run under {@code config} from now on
     * rather than the settings it was written with, so that changed settings (a shorter retention,
     * say) apply to shards that already have a snapshot.
     */
    public static ShardStorage readSnapshot(DataInput in, StorageConfig config) throws IOException {
        return ShardSnapshot.read(in, config);
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
