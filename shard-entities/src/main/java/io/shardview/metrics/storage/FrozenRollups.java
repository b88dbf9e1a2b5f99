package io.shardview.metrics.storage;

import io.shardview.metrics.chunk.Chunks;
import java.io.DataInput;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;

/**
 * A block of consecutive rollup buckets that can no longer change, stored as five chunks (count,
 * sum, min, max, last), each with the bucket starts as timestamps. Rollups are kept far longer
 * than raw points, so closed buckets are encoded like raw data instead of held as arrays.
 */
record FrozenRollups(long firstStart, long lastStart, int size, byte[][] columns) {

  /** Encodes buckets [from, from+n) of {@code r}. */
  static FrozenRollups encode(RollupSeries r, int from, int n) {
    long[] starts = Arrays.copyOfRange(r.start, from, from + n);
    byte[][] columns = new byte[RollupSeries.COLUMNS][];
    for (int c = 0; c < RollupSeries.COLUMNS; c++) {
      columns[c] = Chunks.encode(starts, r.column(c, from, n), 0, n);
    }
    return new FrozenRollups(r.start[from], r.start[from + n - 1], n, columns);
  }

  /** Appends the buckets overlapping [from, to] to {@code out}. */
  void decodeInto(long width, long from, long to, List<RollupBucket> out) {
    Points counts = Points.decode(columns[0]);
    Points sums = Points.decode(columns[1]);
    Points mins = Points.decode(columns[2]);
    Points maxs = Points.decode(columns[3]);
    Points lasts = Points.decode(columns[4]);
    for (int i = 0; i < size; i++) {
      long start = counts.timestamps()[i];
      if (start + width > from && start <= to) {
        out.add(new RollupBucket(start, (long) counts.values()[i], sums.values()[i],
            mins.values()[i], maxs.values()[i], lasts.values()[i]));
      }
    }
  }

  /** Reads a block as snapshot layout v1 stored it (its size, then the five column chunks). */
  static FrozenRollups read(DataInput in) throws IOException {
    int size = in.readInt();
    byte[][] columns = new byte[5][];
    for (int c = 0; c < 5; c++) {
      columns[c] = ShardSnapshot.readBytes(in);
      if (Chunks.count(columns[c]) != size || size <= 0) {
        throw new IOException("corrupt rollup block");
      }
    }
    Points starts = Points.decode(columns[0]);
    return new FrozenRollups(starts.timestamps()[0], starts.timestamps()[size - 1], size, columns);
  }
}
