package io.shardview.metrics.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardview.metrics.index.Labels;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ShardSnapshotTest {
    static final long T0 = ShardStorageTest.T0;

    static PointBatch randomBatch(Random rnd, long base) {
        PointBatch.Builder b = PointBatch.builder();
        for (int i = 0; i < 200; i++) {
            Labels l = Labels.of("__name__", "m" + rnd.nextInt(3), "host", "h" + rnd.nextInt(5));
            double v = rnd.nextInt(20) == 0 ? ChunkRoundTripValues.special(rnd) : rnd.nextInt(100_000) / 100.0;
            b.add(l, base + i * 7_000L - rnd.nextInt(600_000), v);
        }
        return b.build();
    }

    static byte[] snapshot(ShardStorage s) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        s.writeSnapshot(new DataOutputStream(bytes));
        return bytes.toByteArray();
    }

    static ShardStorage restore(byte[] bytes) throws IOException {
        return ShardStorage.readSnapshot(new DataInputStream(new ByteArrayInputStream(bytes)));
    }

    @Test
    void aShardRestoredUnderNewSettingsRunsUnderThemSoAShorterRetentionApplies() throws IOException {
        long hour = 3_600_000L;
        ShardStorage original = new ShardStorage(ShardStorageTest.smallChunks()); // 30 days of raw points
        Labels old = Labels.of("__name__", "old");
        Labels recent = Labels.of("__name__", "recent");
        original.append(PointBatch.builder()
                .add(old, T0, 1)
                .add(recent, T0 + 10 * hour, 2)
                .build());
        StorageConfig shorter = new StorageConfig(hour, 8, 2 * hour, 20, 3 * hour, 6 * hour);
        ShardStorage restored =
                ShardStorage.readSnapshot(new DataInputStream(new ByteArrayInputStream(snapshot(original))), shorter);
        assertFalse(original.applyRetention(T0 + 10 * hour), "30 days keep both");
        assertTrue(restored.applyRetention(T0 + 10 * hour), "6 hours of rollups keep only the recent series");
        assertEquals(-1, restored.seriesId(old));
        assertEquals(1, restored.activeSeries());
    }

    @Test
    void restoredShardHoldsTheSameDataAndBehavesTheSameAfterwards() throws IOException {
        Random rnd = new Random(11);
        ShardStorage original = new ShardStorage(ShardStorageTest.smallChunks());
        for (int b = 0; b < 20; b++) {
            original.append(randomBatch(rnd, T0 + b * 1_400_000L));
        }
        original.applyRetention(T0 + 30 * 86_400_000L + 10_000_000L); // drops the oldest raw chunks
        byte[] bytes = snapshot(original);
        ShardStorage restored = restore(bytes);
        assertArrayEquals(bytes, snapshot(restored), "snapshot of the restored shard is identical");
        assertEquals(original.stats(), restored.stats());
        assertEquals(original.activeSeries(), restored.activeSeries());
        assertEquals(original.maxTime(), restored.maxTime());

        // The same further ingest gives the same replies and the same state.
        PointBatch next = randomBatch(rnd, T0 + 21 * 1_400_000L);
        assertEquals(original.append(next), restored.append(next));
        assertArrayEquals(snapshot(original), snapshot(restored));
        Labels fresh = Labels.of("__name__", "new");
        original.append(PointBatch.builder().add(fresh, T0 + 30_000_000L, 1).build());
        restored.append(PointBatch.builder().add(fresh, T0 + 30_000_000L, 1).build());
        assertEquals(original.seriesId(fresh), restored.seriesId(fresh), "ids continue, never reused");
    }

    @Test
    void restoredShardKeepsFrozenRollupsAndMatchesTheModel() throws IOException {
        ShardStorageTest.RandomIngest run = new ShardStorageTest.RandomIngest(5, 150, 600_000);
        ShardStorage restored = restore(snapshot(run.shard));
        for (var e : run.model.entrySet()) {
            ShardStorageTest.assertSeriesMatches(restored, e.getKey(), e.getValue(), "restored");
        }
        assertArrayEquals(snapshot(run.shard), snapshot(restored));
    }

    @Test
    void rollupsWithinRawRetentionAreRebuiltFromChunksAndOlderOnesAreStored() throws IOException {
        ShardStorageTest.RandomIngest run = new ShardStorageTest.RandomIngest(3, 150, 600_000); // about 3 days
        ShardStorage shard = run.shard;
        long maxTime = shard.maxTime();
        byte[] full = snapshot(shard);
        // Raw retention drops the first day and a half; the rollups of that time stay (365 days).
        assertTrue(shard.applyRetention(maxTime + 30 * ShardStorageTest.DAY - 36 * ShardStorageTest.HOUR));
        byte[] bytes = snapshot(shard);
        ShardStorage restored = restore(bytes);
        for (Labels l : run.model.keySet()) {
            int id = shard.seriesId(l);
            assertEquals(
                    shard.read(id, Long.MIN_VALUE, Long.MAX_VALUE).size(),
                    restored.read(id, Long.MIN_VALUE, Long.MAX_VALUE).size());
            for (Resolution r : Resolution.values()) {
                List<RollupBucket> expected = shard.rollups(id, r, Long.MIN_VALUE, Long.MAX_VALUE);
                assertTrue(expected.get(0).startMs() < shard.rawCutoff, "some buckets predate the raw horizon");
                assertEquals(expected, restored.rollups(id, r, Long.MIN_VALUE, Long.MAX_VALUE), l + " " + r);
                assertTrue(
                        restored.series.get(id).rollup(r).frozen.size() > 0 || r == Resolution.ONE_HOUR,
                        "closed 5 min buckets are frozen again after the restore");
            }
        }
        assertArrayEquals(bytes, snapshot(restored));

        // Without retention no bucket is stored: dropping every rollup changes nothing in the snapshot.
        ShardStorageTest.RandomIngest fresh = new ShardStorageTest.RandomIngest(3, 150, 600_000);
        for (ShardStorage.Series s : fresh.shard.series) {
            if (s != null) {
                for (RollupSeries r : s.rollups) {
                    r.dropBefore(Long.MAX_VALUE);
                }
            }
        }
        assertArrayEquals(full, snapshot(fresh.shard));
    }

    /**
     * A snapshot of layout v2 (resources/storage/shard-v2.snapshot, written by the code before rollup buckets kept
     * their edges, from the data of {@link #rollupsWithinRawRetentionAreRebuiltFromChunksAndOlderOnesAreStored}) is
     * still read: raw points as they were, buckets raw data rebuilds with their edges, the stored older ones with the
     * same fold and no edges; written again it is layout v3 and keeps that.
     */
    @Test
    void aSnapshotOfLayoutV2IsReadAndOnlyItsStoredBucketsLackEdges() throws IOException {
        byte[] v2;
        try (var in = ShardSnapshotTest.class.getResourceAsStream("/storage/shard-v2.snapshot")) {
            v2 = in.readAllBytes();
        }
        assertEquals("SVM2", new String(v2, 0, 4, java.nio.charset.StandardCharsets.US_ASCII));
        ShardStorageTest.RandomIngest run = new ShardStorageTest.RandomIngest(3, 150, 600_000);
        ShardStorage shard = run.shard;
        shard.applyRetention(shard.maxTime() + 30 * ShardStorageTest.DAY - 36 * ShardStorageTest.HOUR);
        ShardStorage restored = restore(v2);
        int withoutEdges = 0;
        for (Labels l : run.model.keySet()) {
            int id = shard.seriesId(l);
            Points raw = shard.read(id, Long.MIN_VALUE, Long.MAX_VALUE);
            Points rawRestored = restored.read(id, Long.MIN_VALUE, Long.MAX_VALUE);
            assertArrayEquals(raw.timestamps(), rawRestored.timestamps());
            assertArrayEquals(raw.values(), rawRestored.values());
            for (Resolution r : Resolution.values()) {
                long rebuildable = ShardSnapshot.rebuildableFrom(shard.rawCutoff, r.millis());
                List<RollupBucket> expected = shard.rollups(id, r, Long.MIN_VALUE, Long.MAX_VALUE);
                List<RollupBucket> actual = restored.rollups(id, r, Long.MIN_VALUE, Long.MAX_VALUE);
                assertEquals(expected.size(), actual.size());
                for (int i = 0; i < expected.size(); i++) {
                    RollupBucket e = expected.get(i);
                    RollupBucket a = actual.get(i);
                    if (e.startMs() < rebuildable) {
                        withoutEdges++;
                        assertFalse(a.hasEdges());
                        assertEquals(
                                List.of(e.startMs(), e.count(), e.sum(), e.min(), e.max(), e.last()),
                                List.of(a.startMs(), a.count(), a.sum(), a.min(), a.max(), a.last()));
                    } else {
                        assertEquals(e, a, l + " " + r);
                    }
                }
            }
            assertEquals(
                    null,
                    restored.selectRollups(
                            List.of(io.shardview.metrics.index.Matcher.eq("__name__", "m")),
                            Resolution.FIVE_MINUTES,
                            Long.MIN_VALUE,
                            Long.MAX_VALUE));
        }
        assertTrue(withoutEdges > 0);
        byte[] v3 = snapshot(restored);
        assertEquals("SVM3", new String(v3, 0, 4, java.nio.charset.StandardCharsets.US_ASCII));
        ShardStorage again = restore(v3);
        for (Labels l : run.model.keySet()) {
            int id = shard.seriesId(l);
            for (Resolution r : Resolution.values()) {
                assertEquals(
                        restored.rollups(id, r, Long.MIN_VALUE, Long.MAX_VALUE),
                        again.rollups(id, r, Long.MIN_VALUE, Long.MAX_VALUE));
            }
        }
    }

    @Test
    void aLaterRollupRetentionStaysAppliedAfterARestore() throws IOException {
        long hour = ShardStorageTest.HOUR;
        StorageConfig config = new StorageConfig(hour, 8, 2 * hour, 20, 3 * hour, 3 * hour);
        ShardStorage s = new ShardStorage(config);
        Labels l = Labels.of("__name__", "x");
        for (int i = 0; i < 60; i++) {
            s.append(PointBatch.builder().add(l, T0 + i * 300_000L, i).build());
        }
        s.applyRetention(new RetentionCutoffs(T0, T0 + 2 * hour)); // a rollup cutoff past the raw one
        ShardStorage restored = restore(snapshot(s));
        for (Resolution r : Resolution.values()) {
            assertEquals(
                    s.rollups(0, r, Long.MIN_VALUE, Long.MAX_VALUE),
                    restored.rollups(0, r, Long.MIN_VALUE, Long.MAX_VALUE));
        }
    }

    @Test
    void sealedChunksAreAdoptedWithoutReEncoding() throws IOException {
        ShardStorage s = new ShardStorage(ShardStorageTest.smallChunks());
        Labels l = Labels.of("__name__", "x");
        for (int i = 0; i < 30; i++) {
            s.append(PointBatch.builder().add(l, T0 + i * 1000L, i * 0.5).build());
        }
        ShardStorage r = restore(snapshot(s));
        int id = r.seriesId(l);
        for (int c = 0; c < s.series.get(id).data.chunks.size(); c++) {
            assertArrayEquals(
                    s.series.get(id).data.chunks.get(c).bytes(),
                    r.series.get(id).data.chunks.get(c).bytes());
        }
        assertEquals(
                s.read(id, 0, Long.MAX_VALUE).size(),
                r.read(id, 0, Long.MAX_VALUE).size());
    }

    @Test
    void emptyShardRoundTripsAndGarbageIsRejected() throws IOException {
        ShardStorage empty = new ShardStorage(StorageConfig.defaults());
        ShardStorage r = restore(snapshot(empty));
        assertEquals(0, r.activeSeries());
        assertEquals(StorageConfig.defaults(), r.config);
        assertEquals(Long.MIN_VALUE, r.maxTime());
        assertThrows(IOException.class, () -> restore(new byte[] {1, 2, 3, 4}));
    }
}
