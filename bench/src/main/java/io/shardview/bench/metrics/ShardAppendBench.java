package io.shardview.bench.metrics;

import io.shardview.metrics.storage.PointBatch;
import io.shardview.metrics.storage.ShardStorage;
import io.shardview.metrics.storage.StorageConfig;
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
 * Append throughput into one shard's storage (points per second): 1000 series (100 hosts x 10
 * metrics), 2 h at 10 s = 720k points per operation, in per-host scrape batches of 10 points,
 * into a fresh shard each time, including rollups, chunk sealing and both codecs' trial encodes.
 * Batches are built in setup: parsing and batching belong to the caller.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ShardAppendBench {
    static final int POINTS = 720;
    static final int OPS = 100 * 10 * POINTS;

    PointBatch[] batches;

    @Setup
    public void setup() {
        CpuOnlyDataset data = new CpuOnlyDataset(100, POINTS, 42);
        batches = ScrapeBatches.build(data, ScrapeBatches.labels(data), 0, POINTS);
    }

    @Benchmark
    @OperationsPerInvocation(OPS)
    public ShardStorage append() {
        ShardStorage shard = new ShardStorage(StorageConfig.defaults());
        for (PointBatch b : batches) {
            shard.append(b);
        }
        return shard;
    }
}
