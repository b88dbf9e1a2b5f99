package io.shardview.metrics.storage;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The rollup buckets of one series at one resolution, as sorted parallel arrays (sparse: only
 * buckets that saw a point exist). Invariant: each bucket equals the fold, in timestamp order, of
 * the series' non-stale points in its interval. An in-order append keeps it by folding the new
 * point in; any other change (late point, replaced duplicate) has the caller {@link #replace}
 * the bucket with a recomputation from raw points, because min, max and a float sum cannot be
 * corrected in place (and an in-place sum would differ in rounding from the timestamp-order fold).
 *
 * <p>Buckets that can no longer change (they end before the oldest timestamp the shard still
 * accepts) are frozen {@link #FREEZE_BLOCK} at a time into encoded {@link FrozenRollups}, all
 * older than every active bucket, and every {@link #MERGED_BLOCKS} such blocks are merged into one
 * (a longer block compresses better: chunk headers are paid once). Measured on 8 days of the
 * cpu-only data: 7.9 B per bucket with the split sums of {@link RollupColumn}, against 14.5 B in
 * 32-bucket blocks with plain sums (bench StorageReport). Rollups are kept a
 * year, so this is most of a long-lived series' memory and of its snapshot beyond raw retention.
 */
final class RollupSeries {
    /** The Prometheus stale marker; it ends a series and is not a sample, so rollups skip it. */
    static final long STALE_MARKER_BITS = 0x7ff0000000000002L;

    static final int FREEZE_BLOCK = 32;
    /** Full frozen blocks merged into one: 1024 buckets, 3.6 days of 5 min or 43 days of 1 h buckets. */
    static final int MERGED_BLOCKS = 32;

    final long width;
    final List<FrozenRollups> frozen = new ArrayList<>();
    /** Column order of a bucket's aggregates in {@link #agg}. */
    static final int COUNT = 0;

    static final int SUM = 1;
    static final int MIN = 2;
    static final int MAX = 3;
    static final int LAST = 4;
    /** The first point's time, as an offset from the bucket's start (NaN: not known, see {@link RollupBucket}). */
    static final int FIRST_AT = 5;

    static final int FIRST = 6;
    /** The last point's time, as an offset from the bucket's start. */
    static final int LAST_AT = 7;
    /** The sum of the value before each drop within the bucket (counter resets, as rate adds them back). */
    static final int RESETS = 8;

    static final int COLUMNS = RollupBucket.COLUMNS; // in RollupBucket's column order
    /** Columns of snapshots written before the edges were kept (layouts v1 and v2): count, sum, min, max, last. */
    static final int LEGACY_COLUMNS = 5;

    long[] start = new long[4];
    /**
     * Bucket i's aggregates at [i * COLUMNS, (i + 1) * COLUMNS): interleaved so that folding a point
     * touches two cache lines rather than nine arrays. The count is held as a double, exact
     * because a bucket holds at most one point per millisecond (far below 2^53).
     */
    double[] agg = new double[4 * COLUMNS];

    int size;

    RollupSeries(long width) {
        this.width = width;
    }

    static boolean isStale(double v) {
        return Double.doubleToRawLongBits(v) == STALE_MARKER_BITS;
    }

    long bucketStart(long ts) {
        return Math.floorDiv(ts, width) * width;
    }

    /** Folds in a point newer than every point of the series. */
    void append(long ts, double v) {
        if (isStale(v)) {
            return;
        }
        long b = bucketStart(ts);
        if (size == 0 || start[size - 1] != b) {
            insertAt(size, b);
            first(size - 1, ts, v);
            return;
        }
        fold(size - 1, ts, v);
    }

    /** Freezes the oldest block once the active buckets hold two blocks and it is closed. */
    void freeze(long oldestAcceptedTs) {
        if (size >= 2 * FREEZE_BLOCK && start[FREEZE_BLOCK - 1] + width <= oldestAcceptedTs) {
            addFrozen(FrozenRollups.encode(this, 0, FREEZE_BLOCK));
            removeRange(0, FREEZE_BLOCK);
        }
    }

    /** Adds a newly frozen block, merging the last {@link #MERGED_BLOCKS} once they are all full ones. */
    private void addFrozen(FrozenRollups block) {
        frozen.add(block);
        int n = frozen.size();
        if (n < MERGED_BLOCKS) {
            return;
        }
        for (int i = n - MERGED_BLOCKS; i < n; i++) {
            if (frozen.get(i).size() != FREEZE_BLOCK) {
                return;
            }
        }
        List<RollupBucket> buckets = new ArrayList<>(MERGED_BLOCKS * FREEZE_BLOCK);
        for (int i = n - MERGED_BLOCKS; i < n; i++) {
            frozen.get(i).decodeInto(width, Long.MIN_VALUE, Long.MAX_VALUE, buckets);
        }
        frozen.subList(n - MERGED_BLOCKS, n).clear();
        frozen.add(FrozenRollups.of(buckets, 0, buckets.size()));
    }

    boolean isEmpty() {
        return size == 0 && frozen.isEmpty();
    }

    /** Sets bucket {@code b} to the fold of the given points (all inside it); none deletes it. */
    void replace(long b, Points points) {
        if (!frozen.isEmpty() && b <= frozen.get(frozen.size() - 1).lastStart()) {
            thaw(b); // a backfilled point: the blocks from b's on become active again, to be frozen anew
        }
        int i = Arrays.binarySearch(start, 0, size, b);
        boolean any = false;
        for (int p = 0; p < points.size(); p++) {
            double v = points.values()[p];
            if (isStale(v)) {
                continue;
            }
            if (!any) {
                if (i < 0) {
                    i = -i - 1;
                    insertAt(i, b);
                }
                first(i, points.timestamps()[p], v);
                any = true;
            } else {
                fold(i, points.timestamps()[p], v);
            }
        }
        if (!any && i >= 0) {
            removeRange(i, i + 1);
        }
    }

    /**
     * Moves the frozen blocks that hold or follow bucket {@code b} back into the active arrays, in front of the
     * active buckets (all of which are newer), so that {@code b} can change; {@link #freezeAll} freezes them again.
     * Only a backfill reaches past the out-of-order window into frozen buckets.
     */
    private void thaw(long b) {
        int k = frozen.size();
        while (k > 0 && frozen.get(k - 1).lastStart() >= b) k--;
        List<RollupBucket> thawed = new ArrayList<>();
        for (int i = k; i < frozen.size(); i++) frozen.get(i).decodeInto(width, Long.MIN_VALUE, Long.MAX_VALUE, thawed);
        frozen.subList(k, frozen.size()).clear();
        int n = thawed.size();
        long[] starts = new long[n + size];
        double[] columns = new double[(n + size) * COLUMNS];
        for (int i = 0; i < n; i++) {
            RollupBucket t = thawed.get(i);
            starts[i] = t.startMs();
            t.toColumns(columns, i * COLUMNS);
        }
        System.arraycopy(start, 0, starts, n, size);
        System.arraycopy(agg, 0, columns, n * COLUMNS, size * COLUMNS);
        start = starts.length >= 4 ? starts : Arrays.copyOf(starts, 4);
        agg = columns.length >= 4 * COLUMNS ? columns : Arrays.copyOf(columns, 4 * COLUMNS);
        size = n + size;
    }

    private void first(int i, long ts, double v) {
        int a = i * COLUMNS;
        agg[a + COUNT] = 1;
        agg[a + SUM] = v;
        agg[a + MIN] = v;
        agg[a + MAX] = v;
        agg[a + LAST] = v;
        agg[a + FIRST_AT] = ts - start[i];
        agg[a + FIRST] = v;
        agg[a + LAST_AT] = ts - start[i];
        agg[a + RESETS] = 0;
    }

    private void fold(int i, long ts, double v) {
        int a = i * COLUMNS;
        if (v < agg[a + LAST]) {
            agg[a + RESETS] += agg[a + LAST];
        }
        agg[a + LAST_AT] = ts - start[i];
        agg[a + COUNT]++;
        agg[a + SUM] += v;
        if (v < agg[a + MIN] || Double.isNaN(agg[a + MIN])) {
            agg[a + MIN] = v;
        }
        if (v > agg[a + MAX] || Double.isNaN(agg[a + MAX])) {
            agg[a + MAX] = v;
        }
        agg[a + LAST] = v;
    }

    private void insertAt(int i, long b) {
        if (size == start.length) {
            start = Arrays.copyOf(start, size * 2);
            agg = Arrays.copyOf(agg, size * 2 * COLUMNS);
        }
        System.arraycopy(start, i, start, i + 1, size - i);
        System.arraycopy(agg, i * COLUMNS, agg, (i + 1) * COLUMNS, (size - i) * COLUMNS);
        start[i] = b;
        size++;
    }

    private void removeRange(int from, int to) {
        System.arraycopy(start, to, start, from, size - to);
        System.arraycopy(agg, to * COLUMNS, agg, from * COLUMNS, (size - to) * COLUMNS);
        size -= to - from;
    }

    /** Column {@code c} of buckets [from, from+n), e.g. for encoding. */
    double[] column(int c, int from, int n) {
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = agg[(from + i) * COLUMNS + c];
        }
        return out;
    }

    /** Replaces the active buckets with the given starts and columns (snapshot restore). */
    void setActive(long[] starts, double[][] columns) {
        int n = starts.length;
        start = Arrays.copyOf(starts, Math.max(4, n));
        agg = new double[Math.max(4, n) * COLUMNS];
        for (int c = 0; c < COLUMNS; c++) {
            if (columns[c].length != n) {
                throw new IllegalArgumentException("rollup columns differ in length");
            }
            for (int i = 0; i < n; i++) {
                agg[i * COLUMNS + c] = columns[c][i];
            }
        }
        size = n;
    }

    /**
     * Freezes every block {@link #freeze} would freeze, all at once (after a restore put every
     * bucket into the active arrays): the same condition, but one array move in the end.
     */
    void freezeAll(long oldestAcceptedTs) {
        int from = 0;
        while (size - from >= 2 * FREEZE_BLOCK && start[from + FREEZE_BLOCK - 1] + width <= oldestAcceptedTs) {
            addFrozen(FrozenRollups.encode(this, from, FREEZE_BLOCK));
            from += FREEZE_BLOCK;
        }
        removeRange(0, from);
    }

    /** Appends buckets older than every bucket held (snapshot restore of buckets raw data no longer covers). */
    void appendBuckets(long[] starts, double[][] columns, int n) {
        for (int i = 0; i < n; i++) {
            boolean afterFrozen = frozen.isEmpty()
                    || starts[i] > frozen.get(frozen.size() - 1).lastStart();
            if (size > 0 && starts[i] <= start[size - 1] || !afterFrozen) {
                throw new IllegalArgumentException("restored rollup buckets out of order");
            }
            insertAt(size, starts[i]);
            for (int c = 0; c < COLUMNS; c++) {
                agg[(size - 1) * COLUMNS + c] = columns[c][i];
            }
        }
    }

    /**
     * Drops buckets that start before {@code cutoff}: whole frozen blocks, and the older part of a
     * block the cutoff falls into, which is re-encoded without it (once per retention run at most).
     */
    boolean dropBefore(long cutoff) {
        int k = 0;
        while (k < frozen.size() && frozen.get(k).lastStart() < cutoff) {
            k++;
        }
        frozen.subList(0, k).clear();
        boolean trimmed = !frozen.isEmpty() && frozen.get(0).firstStart() < cutoff;
        if (trimmed) {
            List<RollupBucket> kept = new ArrayList<>();
            frozen.get(0)
                    .decodeInto(
                            width, cutoff + width - 1, Long.MAX_VALUE, kept); // buckets starting at or after the cutoff
            frozen.set(0, FrozenRollups.of(kept, 0, kept.size()));
        }
        int i = Arrays.binarySearch(start, 0, size, cutoff);
        int active = i >= 0 ? i : -i - 1;
        removeRange(0, active);
        return k > 0 || trimmed || active > 0;
    }

    /** Buckets overlapping [from, to]. */
    List<RollupBucket> range(long from, long to) {
        List<RollupBucket> out = new ArrayList<>();
        for (FrozenRollups block : frozen) {
            if (block.lastStart() + width > from && block.firstStart() <= to) {
                block.decodeInto(width, from, to, out);
            }
        }
        for (int i = 0; i < size; i++) {
            if (start[i] + width > from && start[i] <= to) {
                int a = i * COLUMNS;
                out.add(bucket(start[i], agg, a));
            }
        }
        return out;
    }

    /** The bucket starting at {@code start} whose columns are at {@code [a, a + COLUMNS)} of {@code columns}. */
    static RollupBucket bucket(long start, double[] columns, int a) {
        return RollupBucket.ofColumns(start, columns, a);
    }
}
