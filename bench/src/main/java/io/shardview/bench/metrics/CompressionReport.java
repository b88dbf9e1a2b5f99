package io.shardview.bench.metrics;

import io.shardview.metrics.chunk.ChunkIterator;
import io.shardview.metrics.chunk.Chunks;
import io.shardview.metrics.chunk.DecimalChunk;
import io.shardview.metrics.chunk.XorChunk;
import java.util.HashMap;
import java.util.Map;

/**
 * Prints bytes per point of sealed chunks on the cpu-only dataset for the XOR codec, the decimal
 * codec (residuals Rice-coded and bit-packed) and the per-chunk choice, at several chunk lengths, after checking every chunk decodes back.
 * Run: {@code java -cp bench/target/bench-0.1.0-SNAPSHOT.jar io.shardview.bench.metrics.CompressionReport}
 */
public final class CompressionReport {
    private CompressionReport() {}

    public static void main(String[] args) {
        CpuOnlyDataset data = CpuOnlyDataset.standard();
        System.out.printf(
                "dataset: %d series x %d points = %d points%n",
                data.seriesCount(), data.pointsPerSeries, data.totalPoints());
        for (int chunkLen : new int[] {120, 240, 720, 1024}) {
            long xor = 0;
            long dec = 0;
            long packed = 0;
            long chosen = 0;
            long decimalChunks = 0;
            long chunks = 0;
            for (int s = 0; s < data.seriesCount(); s++) {
                long[] ts = data.timestamps[s];
                double[] vs = data.values[s];
                for (int from = 0; from < ts.length; from += chunkLen) {
                    int n = Math.min(chunkLen, ts.length - from);
                    xor += XorChunk.encode(ts, vs, from, n).length;
                    dec += DecimalChunk.encode(ts, vs, from, n, DecimalChunk.Residuals.RICE).length;
                    packed += DecimalChunk.encode(ts, vs, from, n, DecimalChunk.Residuals.PACKED).length;
                    byte[] c = Chunks.encode(ts, vs, from, n);
                    verify(c, ts, vs, from, n);
                    chosen += c.length;
                    chunks++;
                    decimalChunks += c[0] == XorChunk.TAG ? 0 : 1;
                }
            }
            double p = data.totalPoints();
            System.out.printf(
                    "chunk=%d points: xor %.3f B/pt, decimal (Rice) %.3f B/pt, decimal (packed) %.3f B/pt, chosen %.3f"
                            + " B/pt (%d of %d chunks decimal)%n",
                    chunkLen, xor / p, dec / p, packed / p, chosen / p, decimalChunks, chunks);
        }
        perMetric(data, 720);
    }

    /**
     * Bytes per point of the chosen codec per metric, next to the empirical entropy of the
     * metric's first differences (in units of the last decimal): the size an ideal coder of
     * independent steps would need, a reference for how much a better entropy coder could gain.
     */
    private static void perMetric(CpuOnlyDataset data, int chunkLen) {
        int metrics = CpuOnlyDataset.METRICS.length;
        for (int m = 0; m < metrics; m++) {
            long bytes = 0;
            long points = 0;
            Map<Long, Integer> steps = new HashMap<>();
            for (int s = m; s < data.seriesCount(); s += metrics) {
                long[] ts = data.timestamps[s];
                double[] vs = data.values[s];
                for (int from = 0; from < ts.length; from += chunkLen) {
                    bytes += Chunks.encode(ts, vs, from, Math.min(chunkLen, ts.length - from)).length;
                }
                points += ts.length;
                double unit = m == 9 ? 1 : 0.01;
                for (int i = 1; i < vs.length; i++) {
                    steps.merge(Math.round((vs[i] - vs[i - 1]) / unit), 1, Integer::sum);
                }
            }
            double n = 0;
            for (int c : steps.values()) {
                n += c;
            }
            double bits = 0;
            for (int c : steps.values()) {
                bits -= c / n * (Math.log(c / n) / Math.log(2));
            }
            System.out.printf(
                    "  %-18s chosen %.3f B/pt, step entropy %.3f B/pt%s%n",
                    CpuOnlyDataset.METRICS[m],
                    (double) bytes / points,
                    bits / 8,
                    m == 9 ? " (under-estimated: few samples per step value)" : "");
        }
    }

    private static void verify(byte[] chunk, long[] ts, double[] vs, int from, int n) {
        ChunkIterator it = Chunks.iterator(chunk);
        for (int i = from; i < from + n; i++) {
            if (!it.next()
                    || it.timestamp() != ts[i]
                    || Double.doubleToRawLongBits(it.value()) != Double.doubleToRawLongBits(vs[i])) {
                throw new AssertionError("chunk does not round-trip at point " + i);
            }
        }
        if (it.next()) {
            throw new AssertionError("chunk has extra points");
        }
    }
}
