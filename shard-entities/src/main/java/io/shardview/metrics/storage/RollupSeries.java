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
 * older than every active bucket.
 */
final class RollupSeries {
  /** The Prometheus stale marker; it ends a series and is not a sample, so rollups skip it. */
  static final long STALE_MARKER_BITS = 0x7ff0000000000002L;

  static final int FREEZE_BLOCK = 32;

  final long width;
  final List<FrozenRollups> frozen = new ArrayList<>();
  long[] start = new long[4];
  long[] count = new long[4];
  double[] sum = new double[4];
  double[] min = new double[4];
  double[] max = new double[4];
  double[] last = new double[4];
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
      first(size - 1, v);
      return;
    }
    fold(size - 1, v);
  }

  /** Freezes the oldest block once the active buckets hold two blocks and it is closed. */
  void freeze(long oldestAcceptedTs) {
    if (size >= 2 * FREEZE_BLOCK && start[FREEZE_BLOCK - 1] + width <= oldestAcceptedTs) {
      frozen.add(FrozenRollups.encode(this, 0, FREEZE_BLOCK));
      removeRange(0, FREEZE_BLOCK);
    }
  }

  boolean isEmpty() {
    return size == 0 && frozen.isEmpty();
  }

  /** Sets bucket {@code b} to the fold of the given points (all inside it); none deletes it. */
  void replace(long b, Points points) {
    if (!frozen.isEmpty() && b <= frozen.get(frozen.size() - 1).lastStart()) {
      throw new IllegalStateException("a frozen rollup bucket cannot change: " + b);
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
        first(i, v);
        any = true;
      } else {
        fold(i, v);
      }
    }
    if (!any && i >= 0) {
      removeRange(i, i + 1);
    }
  }

  private void first(int i, double v) {
    count[i] = 1;
    sum[i] = v;
    min[i] = v;
    max[i] = v;
    last[i] = v;
  }

  private void fold(int i, double v) {
    count[i]++;
    sum[i] += v;
    if (v < min[i] || Double.isNaN(min[i])) {
      min[i] = v;
    }
    if (v > max[i] || Double.isNaN(max[i])) {
      max[i] = v;
    }
    last[i] = v;
  }

  private void insertAt(int i, long b) {
    if (size == start.length) {
      int cap = size * 2;
      start = Arrays.copyOf(start, cap);
      count = Arrays.copyOf(count, cap);
      sum = Arrays.copyOf(sum, cap);
      min = Arrays.copyOf(min, cap);
      max = Arrays.copyOf(max, cap);
      last = Arrays.copyOf(last, cap);
    }
    int tail = size - i;
    System.arraycopy(start, i, start, i + 1, tail);
    System.arraycopy(count, i, count, i + 1, tail);
    System.arraycopy(sum, i, sum, i + 1, tail);
    System.arraycopy(min, i, min, i + 1, tail);
    System.arraycopy(max, i, max, i + 1, tail);
    System.arraycopy(last, i, last, i + 1, tail);
    start[i] = b;
    size++;
  }

  private void removeRange(int from, int to) {
    int tail = size - to;
    System.arraycopy(start, to, start, from, tail);
    System.arraycopy(count, to, count, from, tail);
    System.arraycopy(sum, to, sum, from, tail);
    System.arraycopy(min, to, min, from, tail);
    System.arraycopy(max, to, max, from, tail);
    System.arraycopy(last, to, last, from, tail);
    size -= to - from;
  }

  /** Drops buckets that start before {@code cutoff} (frozen ones a whole block at a time). */
  void dropBefore(long cutoff) {
    int k = 0;
    while (k < frozen.size() && frozen.get(k).lastStart() < cutoff) {
      k++;
    }
    frozen.subList(0, k).clear();
    int i = Arrays.binarySearch(start, 0, size, cutoff);
    removeRange(0, i >= 0 ? i : -i - 1);
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
        out.add(new RollupBucket(start[i], count[i], sum[i], min[i], max[i], last[i]));
      }
    }
    return out;
  }
}
