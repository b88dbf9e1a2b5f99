package io.shardview.bench.metrics;

import io.shardview.metrics.chunk.ChunkIterator;
import io.shardview.metrics.chunk.Chunks;
import io.shardview.metrics.chunk.DecimalChunk;
import io.shardview.metrics.chunk.XorChunk;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Encode and decode throughput of the chunk codecs on 120-point chunks of the cpu-only dataset
 * (a 20-host slice, 1.2M points per operation); the score is points per second.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ChunkCodecBench {
    static final int HOSTS = 20;
    static final int POINTS = 6000;
    static final int CHUNK = 120;
    static final int OPS = HOSTS * 10 * POINTS;

    CpuOnlyDataset data;
    byte[][] xorChunks;
    byte[][] decimalChunks;
    byte[][] packedChunks;

    @Setup
    public void setup() {
        data = new CpuOnlyDataset(HOSTS, POINTS, 42);
        int perSeries = POINTS / CHUNK;
        xorChunks = new byte[data.seriesCount() * perSeries][];
        decimalChunks = new byte[xorChunks.length][];
        packedChunks = new byte[xorChunks.length][];
        int c = 0;
        for (int s = 0; s < data.seriesCount(); s++) {
            for (int from = 0; from < POINTS; from += CHUNK, c++) {
                xorChunks[c] = XorChunk.encode(data.timestamps[s], data.values[s], from, CHUNK);
                decimalChunks[c] = DecimalChunk.encode(
                        data.timestamps[s], data.values[s], from, CHUNK, DecimalChunk.Residuals.RICE);
                packedChunks[c] = DecimalChunk.encode(
                        data.timestamps[s], data.values[s], from, CHUNK, DecimalChunk.Residuals.PACKED);
            }
        }
    }

    @Benchmark
    @OperationsPerInvocation(OPS)
    public long encodeXor() {
        long bytes = 0;
        for (int s = 0; s < data.seriesCount(); s++) {
            for (int from = 0; from < POINTS; from += CHUNK) {
                bytes += XorChunk.encode(data.timestamps[s], data.values[s], from, CHUNK).length;
            }
        }
        return bytes;
    }

    @Benchmark
    @OperationsPerInvocation(OPS)
    public long encodeDecimal() {
        long bytes = 0;
        for (int s = 0; s < data.seriesCount(); s++) {
            for (int from = 0; from < POINTS; from += CHUNK) {
                bytes += DecimalChunk.encode(
                                data.timestamps[s], data.values[s], from, CHUNK, DecimalChunk.Residuals.RICE)
                        .length;
            }
        }
        return bytes;
    }

    @Benchmark
    @OperationsPerInvocation(OPS)
    public long encodeChosen() {
        long bytes = 0;
        for (int s = 0; s < data.seriesCount(); s++) {
            for (int from = 0; from < POINTS; from += CHUNK) {
                bytes += Chunks.encode(data.timestamps[s], data.values[s], from, CHUNK).length;
            }
        }
        return bytes;
    }

    @Benchmark
    @OperationsPerInvocation(OPS)
    public double decodeXor() {
        return decodeAll(xorChunks);
    }

    @Benchmark
    @OperationsPerInvocation(OPS)
    public double decodeDecimal() {
        return decodeAll(decimalChunks);
    }

    /** As a range read decodes whole chunks: straight into one pair of arrays. */
    @Benchmark
    @OperationsPerInvocation(OPS)
    public double decodeDecimalInto() {
        return decodeAllInto(decimalChunks);
    }

    @Benchmark
    @OperationsPerInvocation(OPS)
    public double decodePackedInto() {
        return decodeAllInto(packedChunks);
    }

    private static double decodeAllInto(byte[][] chunks) {
        long[] ts = new long[CHUNK];
        double[] values = new double[CHUNK];
        double sum = 0;
        long tsum = 0;
        for (byte[] chunk : chunks) {
            int n = Chunks.decodeInto(chunk, ts, values, 0);
            for (int i = 0; i < n; i++) {
                tsum += ts[i];
                sum += values[i];
            }
        }
        return sum + tsum;
    }

    private static double decodeAll(byte[][] chunks) {
        double sum = 0;
        long tsum = 0;
        for (byte[] chunk : chunks) {
            ChunkIterator it = Chunks.iterator(chunk);
            while (it.next()) {
                tsum += it.timestamp();
                sum += it.value();
            }
        }
        return sum + tsum;
    }
}
