package io.shardview.metrics.storage;

import io.shardview.metrics.chunk.ChunkIterator;
import io.shardview.metrics.chunk.Chunks;

/** Points of one series as parallel arrays of equal length (from storage: in timestamp order). */
public record Points(long[] timestamps, double[] values) {
    /** Number of points. */
    public int size() {
        return timestamps.length;
    }

    /** Decodes all points of an encoded chunk (in chunk order). */
    public static Points decode(byte[] chunk) {
        int n = Chunks.count(chunk);
        if (n < 0 || n > Chunks.MAX_POINTS) {
            throw new IllegalArgumentException("corrupt chunk: " + n + " points");
        }
        long[] ts = new long[n];
        double[] vs = new double[n];
        ChunkIterator it = Chunks.iterator(chunk);
        for (int i = 0; i < n; i++) {
            if (!it.next()) {
                throw new IllegalArgumentException("corrupt chunk: ends after " + i + " points");
            }
            ts[i] = it.timestamp();
            vs[i] = it.value();
        }
        return new Points(ts, vs);
    }
}
