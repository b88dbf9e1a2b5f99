package io.shardview.bench.metrics;

import io.shardview.metrics.chunk.ChunkIterator;
import io.shardview.metrics.chunk.Chunks;
import io.shardview.metrics.chunk.DecimalChunk;
import io.shardview.metrics.chunk.XorChunk;

/**
 * Prints bytes per point of sealed chunks on the cpu-only dataset for the XOR codec, the decimal
 * codec and the per-chunk choice, at several chunk lengths, after checking every chunk decodes back.
 * Run: {@code java -cp bench/target/bench-0.1.0-SNAPSHOT.jar io.shardview.bench.metrics.CompressionReport}
 */
public final class CompressionReport {
  private CompressionReport() {}

  public static void main(String[] args) {
    CpuOnlyDataset data = CpuOnlyDataset.standard();
    System.out.printf("dataset: %d series x %d points = %d points%n",
        data.seriesCount(), data.pointsPerSeries, data.totalPoints());
    for (int chunkLen : new int[] {120, 240, 360, 720}) {
      long xor = 0;
      long dec = 0;
      long chosen = 0;
      long decimalChunks = 0;
      long chunks = 0;
      for (int s = 0; s < data.seriesCount(); s++) {
        long[] ts = data.timestamps[s];
        double[] vs = data.values[s];
        for (int from = 0; from < ts.length; from += chunkLen) {
          int n = Math.min(chunkLen, ts.length - from);
          xor += XorChunk.encode(ts, vs, from, n).length;
          dec += DecimalChunk.encode(ts, vs, from, n).length;
          byte[] c = Chunks.encode(ts, vs, from, n);
          verify(c, ts, vs, from, n);
          chosen += c.length;
          chunks++;
          decimalChunks += c[0] == DecimalChunk.TAG ? 1 : 0;
        }
      }
      double p = data.totalPoints();
      System.out.printf(
          "chunk=%d points: xor %.3f B/pt, decimal %.3f B/pt, chosen %.3f B/pt (%d of %d chunks decimal)%n",
          chunkLen, xor / p, dec / p, chosen / p, decimalChunks, chunks);
    }
  }

  private static void verify(byte[] chunk, long[] ts, double[] vs, int from, int n) {
    ChunkIterator it = Chunks.iterator(chunk);
    for (int i = from; i < from + n; i++) {
      if (!it.next() || it.timestamp() != ts[i]
          || Double.doubleToRawLongBits(it.value()) != Double.doubleToRawLongBits(vs[i])) {
        throw new AssertionError("chunk does not round-trip at point " + i);
      }
    }
    if (it.next()) {
      throw new AssertionError("chunk has extra points");
    }
  }
}
