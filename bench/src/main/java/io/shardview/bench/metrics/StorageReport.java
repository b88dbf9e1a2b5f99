package io.shardview.bench.metrics;

import io.shardview.metrics.index.Labels;
import io.shardview.metrics.storage.PointBatch;
import io.shardview.metrics.storage.RetentionCutoffs;
import io.shardview.metrics.storage.ShardStorage;
import io.shardview.metrics.storage.StorageConfig;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.SplittableRandom;

/**
 * Ingests the full cpu-only dataset (8.64M points) into one shard and prints bytes per sealed
 * point, heap per active series (retained heap after GC, so an estimate), and snapshot size.
 * Run: {@code java -Xmx4g -cp bench/target/bench-0.1.0-SNAPSHOT.jar io.shardview.bench.metrics.StorageReport}
 */
public final class StorageReport {
    private StorageReport() {}

    public static void main(String[] args) throws IOException {
        CpuOnlyDataset data = CpuOnlyDataset.standard();
        Labels[] labels = ScrapeBatches.labels(data);
        long heapBefore = usedHeapAfterGc();
        ShardStorage shard = new ShardStorage(StorageConfig.defaults());
        long start = System.nanoTime();
        int slice = 720; // build batches 2 h at a time to bound the benchmark's own memory
        for (int from = 0; from < data.pointsPerSeries; from += slice) {
            int n = Math.min(slice, data.pointsPerSeries - from);
            PointBatch[] batches = ScrapeBatches.build(data, labels, from, n);
            for (PointBatch b : batches) {
                shard.append(b);
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long heapAfter = usedHeapAfterGc(); // the dataset is live in both measurements
        int series = data.seriesCount();
        ShardStorage.Stats stats = shard.stats();
        System.out.printf(
                "ingested %d points in %.2f s (single shot incl. batch building: %.2f M points/s)%n",
                stats.sealedPoints() + stats.headPoints(),
                seconds,
                (stats.sealedPoints() + stats.headPoints()) / seconds / 1e6);
        System.out.printf(
                "sealed: %d points in %d bytes = %.3f B/pt; head points: %d%n",
                stats.sealedPoints(), stats.sealedBytes(), stats.bytesPerSealedPoint(), stats.headPoints());
        if (series != shard.activeSeries()) {
            throw new AssertionError("series lost: " + shard.activeSeries());
        }
        System.out.printf(
                "heap: %.1f MB for %d series = %.1f KB per active series (%.2f B per point held)%n",
                (heapAfter - heapBefore) / 1e6,
                shard.activeSeries(),
                (heapAfter - heapBefore) / 1024.0 / shard.activeSeries(),
                (double) (heapAfter - heapBefore) / (stats.sealedPoints() + stats.headPoints()));
        ByteArrayOutputStream snap = new ByteArrayOutputStream();
        shard.writeSnapshot(new DataOutputStream(snap));
        System.out.printf(
                "snapshot: %d bytes (%.3f B per point held)%n",
                snap.size(), (double) snap.size() / (stats.sealedPoints() + stats.headPoints()));
        fixedOverhead(100_000);
        rollupsBeyondRawRetention(2, 8);
        latePoints(shard, labels, 20_000, 1); // warm-up: the late path is cold JIT-wise until now
        latePoints(shard, labels, Integer.getInteger("late", 20_000), 2);
    }

    /**
     * What rollups cost in a snapshot once raw retention dropped their points (beyond 30 days they are
     * all a series keeps, up to a year): {@code hosts} hosts of the dataset over {@code days} days, then
     * a retention whose raw cutoff lies past the newest point (rollups kept).
     */
    private static void rollupsBeyondRawRetention(int hosts, int days) throws IOException {
        CpuOnlyDataset data = new CpuOnlyDataset(hosts, days * 8640, 42);
        Labels[] labels = ScrapeBatches.labels(data);
        ShardStorage shard = new ShardStorage(StorageConfig.defaults());
        for (int from = 0; from < data.pointsPerSeries; from += 720) {
            for (PointBatch b : ScrapeBatches.build(data, labels, from, Math.min(720, data.pointsPerSeries - from))) {
                shard.append(b);
            }
        }
        shard.applyRetention(new RetentionCutoffs(shard.maxTime() + 7_200_000L, 0));
        ByteArrayOutputStream snap = new ByteArrayOutputStream();
        shard.writeSnapshot(new DataOutputStream(snap));
        long points = data.totalPoints();
        long buckets = (long) data.seriesCount() * (data.pointsPerSeries / 30 + data.pointsPerSeries / 360);
        System.out.printf(
                "rollups beyond raw retention (%d hosts x %d days): snapshot %d bytes = %.2f B per 5 min or 1 h"
                        + " bucket, %.3f B per raw point they summarize%n",
                hosts, days, snap.size(), (double) snap.size() / buckets, (double) snap.size() / points);
    }

    /**
     * Cost of late points (1-50 minutes late, random series): those older than the head land in a
     * sealed chunk, which is decoded, patched and re-encoded; every late point has its rollup
     * buckets recomputed from raw points.
     */
    private static void latePoints(ShardStorage shard, Labels[] labels, int n, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        PointBatch[] late = new PointBatch[n];
        for (int i = 0; i < n; i++) {
            long ts = shard.maxTime() - 1 - rnd.nextLong(3_000_000L); // up to 50 min late, odd ms
            late[i] = PointBatch.builder()
                    .add(labels[rnd.nextInt(labels.length)], ts, i / 100.0)
                    .build();
        }
        usedHeapAfterGc();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long cpuStart = threads.getCurrentThreadCpuTime();
        long start = System.nanoTime();
        int accepted = 0;
        for (PointBatch b : late) {
            accepted += shard.append(b).accepted();
        }
        double micros = (System.nanoTime() - start) / 1e3 / n;
        double cpuMicros = (threads.getCurrentThreadCpuTime() - cpuStart) / 1e3 / n;
        System.out.printf(
                "late points: %d of %d accepted, %.1f us wall, %.1f us thread CPU per late point%n",
                accepted, n, micros, cpuMicros);
    }

    /** Heap of series holding one point each: the per-series cost before any data accumulates. */
    private static void fixedOverhead(int count) {
        long before = usedHeapAfterGc();
        ShardStorage shard = new ShardStorage(StorageConfig.defaults());
        for (int i = 0; i < count; i++) {
            shard.append(PointBatch.builder()
                    .add(
                            Labels.of(
                                    "__name__",
                                    "cpu_usage_user",
                                    "hostname",
                                    "host_" + i,
                                    "region",
                                    "region_" + (i % 4)),
                            CpuOnlyDataset.START_MS,
                            1.5)
                    .build());
        }
        long after = usedHeapAfterGc();
        System.out.printf(
                "fixed overhead: %d series with one point each = %.0f B per series%n",
                shard.activeSeries(), (double) (after - before) / shard.activeSeries());
    }

    private static long usedHeapAfterGc() {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 4; i++) {
            System.gc();
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return rt.totalMemory() - rt.freeMemory();
    }
}
