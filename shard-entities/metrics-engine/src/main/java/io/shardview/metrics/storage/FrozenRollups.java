package io.shardview.metrics.storage;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;

/**
 * A block of consecutive rollup buckets that can no longer change, stored as nine
 * {@link RollupColumn}s (count, sum, min, max, last, first point's offset, first, last point's
 * offset, resets: {@link RollupSeries} column order), each with the bucket starts as timestamps.
 * Rollups are kept far longer than raw points, so closed buckets are encoded like raw data instead
 * of held as arrays; sums take the split form when it is smaller.
 */
record FrozenRollups(long firstStart, long lastStart, int size, byte[][] columns) {

    /** Encodes buckets [from, from+n) of {@code r}. */
    static FrozenRollups encode(RollupSeries r, int from, int n) {
        double[][] columns = new double[RollupSeries.COLUMNS][];
        for (int c = 0; c < RollupSeries.COLUMNS; c++) {
            columns[c] = r.column(c, from, n);
        }
        return encode(Arrays.copyOfRange(r.start, from, from + n), columns);
    }

    /** Encodes buckets [from, from+n) of a list in time order. */
    static FrozenRollups of(List<RollupBucket> buckets, int from, int n) {
        long[] starts = new long[n];
        double[][] columns = new double[RollupSeries.COLUMNS][n];
        double[] bucket = new double[RollupSeries.COLUMNS];
        for (int i = 0; i < n; i++) {
            RollupBucket b = buckets.get(from + i);
            starts[i] = b.startMs();
            b.toColumns(bucket, 0);
            for (int c = 0; c < RollupSeries.COLUMNS; c++) {
                columns[c][i] = bucket[c];
            }
        }
        return encode(starts, columns);
    }

    /** Encodes buckets with these starts and columns (in {@link RollupSeries} column order). */
    static FrozenRollups encode(long[] starts, double[][] columns) {
        int n = starts.length;
        byte[][] encoded = new byte[RollupSeries.COLUMNS][];
        for (int c = 0; c < RollupSeries.COLUMNS; c++) {
            encoded[c] = c == RollupSeries.SUM || c == RollupSeries.RESETS // both sums of the series' values
                    ? RollupColumn.encodeSums(starts, columns[c], 0, n)
                    : RollupColumn.encode(starts, columns[c], 0, n);
        }
        return new FrozenRollups(starts[0], starts[n - 1], n, encoded);
    }

    /** Appends the buckets overlapping [from, to] to {@code out}. */
    void decodeInto(long width, long from, long to, List<RollupBucket> out) {
        double[][] values = new double[RollupSeries.COLUMNS][];
        long[] starts = null;
        for (int c = 0; c < RollupSeries.COLUMNS; c++) {
            Points column = RollupColumn.decode(columns[c]);
            values[c] = column.values();
            starts = column.timestamps();
        }
        double[] bucket = new double[RollupSeries.COLUMNS];
        for (int i = 0; i < size; i++) {
            long start = starts[i];
            if (start + width > from && start <= to) {
                for (int c = 0; c < RollupSeries.COLUMNS; c++) {
                    bucket[c] = values[c][i];
                }
                out.add(RollupBucket.ofColumns(start, bucket, 0));
            }
        }
    }

    /** Writes the block as stored: its size, then the nine columns. */
    void write(DataOutput out) throws IOException {
        out.writeInt(size);
        for (byte[] column : columns) {
            ShardSnapshot.writeBytes(out, column);
        }
    }

    /**
     * Reads a block written by {@link #write} with {@code stored} columns: all of them (snapshot layout v3), or the
     * {@link RollupSeries#LEGACY_COLUMNS} of layouts v1 and v2, whose buckets get unknown edges (NaN columns).
     */
    static FrozenRollups read(DataInput in, int stored) throws IOException {
        int size = in.readInt();
        byte[][] columns = new byte[RollupSeries.COLUMNS][];
        try {
            for (int c = 0; c < stored; c++) {
                columns[c] = ShardSnapshot.readBytes(in);
                if (size <= 0 || RollupColumn.count(columns[c]) != size) {
                    throw new IOException("corrupt rollup block");
                }
            }
            Points starts = RollupColumn.decode(columns[RollupSeries.COUNT]);
            if (stored < RollupSeries.COLUMNS) {
                double[] unknown = new double[size];
                Arrays.fill(unknown, Double.NaN);
                byte[] column = RollupColumn.encode(starts.timestamps(), unknown, 0, size);
                for (int c = stored; c < RollupSeries.COLUMNS; c++) {
                    columns[c] = column;
                }
            }
            return new FrozenRollups(starts.timestamps()[0], starts.timestamps()[size - 1], size, columns);
        } catch (IllegalArgumentException e) {
            throw new IOException("corrupt rollup block", e);
        }
    }
}
