package io.shardview.metrics.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardview.metrics.index.Labels;
import io.shardview.metrics.index.Matcher;
import io.shardview.metrics.index.Postings;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class ShardStorageTest {
    static final long T0 = 1_700_000_000_000L;
    static final long HOUR = 3_600_000L;
    static final long DAY = 24 * HOUR;
    static final Labels CPU = Labels.of("__name__", "cpu", "host", "a");
    static final double STALE = Double.longBitsToDouble(RollupSeries.STALE_MARKER_BITS);

    static StorageConfig smallChunks() {
        return new StorageConfig(HOUR, 8, 2 * HOUR, 20, 30 * DAY, 365 * DAY);
    }

    static AppendResult append(ShardStorage s, Labels l, long ts, double v) {
        return s.append(PointBatch.builder().add(l, ts, v).build());
    }

    static Points all(ShardStorage s, Labels l) {
        return s.read(s.seriesId(l), Long.MIN_VALUE, Long.MAX_VALUE);
    }

    @Test
    void pointsReadBackInTimeOrderWithinTheRequestedRange() {
        ShardStorage s = new ShardStorage(smallChunks());
        for (int i = 0; i < 50; i++) {
            append(s, CPU, T0 + i * 10_000L, i / 4.0);
        }
        Points p = s.read(s.seriesId(CPU), T0 + 100_000, T0 + 199_999);
        assertEquals(10, p.size());
        assertEquals(T0 + 100_000, p.timestamps()[0]);
        assertEquals(2.5, p.values()[0]);
        assertTrue(s.stats().sealedPoints() >= 40, "heads seal at 8 points");
        s.sealAll();
        assertEquals(new ShardStorage.Stats(s.stats().sealedBytes(), 50, 0), s.stats());
        Points sealed = s.read(s.seriesId(CPU), T0 + 100_000, T0 + 199_999);
        assertArrayEquals(p.timestamps(), sealed.timestamps());
        assertArrayEquals(p.values(), sealed.values());
    }

    @Test
    void selectReturnsMatchingSeriesWithPointsInRange() {
        ShardStorage s = new ShardStorage(smallChunks());
        Labels cpuB = Labels.of("__name__", "cpu", "host", "b");
        Labels mem = Labels.of("__name__", "mem", "host", "a");
        append(s, CPU, T0, 1);
        append(s, cpuB, T0 + 60_000, 2);
        append(s, mem, T0, 3);
        List<SelectedSeries> got = s.select(List.of(Matcher.eq("__name__", "cpu")), T0, T0 + 1000);
        assertEquals(1, got.size(), "host b has no point in range");
        assertEquals(CPU, got.get(0).labels());
        assertEquals(1.0, got.get(0).points().values()[0]);
        assertEquals(
                2,
                s.select(List.of(Matcher.re("host", "a|b"), Matcher.neq("__name__", "mem")), T0, T0 + HOUR)
                        .size());
    }

    @Test
    void aClosedWindowIsCompactedOnceLatePointsCanNoLongerReachIt() {
        ShardStorage s = new ShardStorage(smallChunks()); // 8-point heads, 20-point compacted chunks
        long windowStart = Math.floorDiv(T0, 2 * HOUR) * 2 * HOUR + 2 * HOUR;
        for (int i = 0; i < 48; i++) {
            append(s, CPU, windowStart + i * 150_000L, i); // every 2.5 minutes, 2 h in all
        }
        List<SealedChunk> chunks = s.series.get(s.seriesId(CPU)).data.chunks;
        assertEquals(6, chunks.size(), "48 points sealed 8 at a time while the window is open");
        append(s, CPU, windowStart + 2 * HOUR, 48); // opens the next window
        assertEquals(6, chunks.size(), "still within reach of late points: not compacted yet");
        // A late point lands in a short chunk of the closed window.
        assertEquals(new AppendResult(1, 0, 0, 0), append(s, CPU, windowStart + 100 * 60_000L + 1, -1));
        assertEquals(49, chunks.stream().mapToInt(SealedChunk::count).sum());
        append(s, CPU, windowStart + 3 * HOUR, 49); // the closed window is now out of reach
        assertEquals(
                List.of(16, 16, 17), chunks.stream().map(SealedChunk::count).toList());
        assertEquals(51, all(s, CPU).size());
    }

    @Test
    void latePointsInsideTheWindowAreMergedIntoSealedChunks() {
        ShardStorage s = new ShardStorage(smallChunks());
        for (int i = 0; i < 40; i += 2) {
            append(s, CPU, T0 + i * 1000L, i);
        }
        for (int i = 1; i < 40; i += 2) {
            assertEquals(new AppendResult(1, 0, 0, 0), append(s, CPU, T0 + i * 1000L, i));
        }
        Points p = all(s, CPU);
        assertEquals(40, p.size());
        for (int i = 0; i < 40; i++) {
            assertEquals(T0 + i * 1000L, p.timestamps()[i]);
            assertEquals(i, p.values()[i]);
        }
    }

    @Test
    void pointsOlderThanTheWindowAreRejectedAndCounted() {
        ShardStorage s = new ShardStorage(smallChunks());
        append(s, CPU, T0, 1);
        Labels other = Labels.of("__name__", "mem");
        PointBatch batch = PointBatch.builder()
                .add(other, T0 - HOUR, 1) // exactly at the window edge: accepted
                .add(other, T0 - HOUR - 1, 2) // just outside: rejected
                .add(CPU, T0 + 5 * HOUR, 3)
                .add(CPU, T0 + 3 * HOUR, 4) // now older than the new max minus the window
                .build();
        assertEquals(new AppendResult(2, 2, 0, 1), s.append(batch), "mem is new, cpu known");
        assertEquals(2, s.rejectedTotal());
        assertEquals(1, all(s, other).size());
    }

    @Test
    void aNewSeriesCountsAsCreatedOnlyIfOneOfItsPointsIsAccepted() {
        ShardStorage s = new ShardStorage(smallChunks());
        append(s, CPU, T0, 1);
        Labels late = Labels.of("__name__", "late");
        Labels fresh = Labels.of("__name__", "fresh");
        PointBatch batch = PointBatch.builder()
                .add(late, T0 - 2 * HOUR, 1) // outside the window: the series is not created
                .add(fresh, T0 - 2 * HOUR, 2)
                .add(fresh, T0, 3)
                .add(CPU, T0 + 1, 4)
                .build();
        assertEquals(2, s.unknownSeries(List.of(late, fresh, CPU)), "the pre-check's upper bound");
        assertEquals(new AppendResult(2, 2, 0, 1), s.check(batch));
        assertEquals(s.check(batch), s.append(batch));
        assertEquals(2, s.activeSeries());
        assertEquals(0, s.unknownSeries(List.of(fresh, CPU)));
    }

    @Test
    void duplicateTimestampKeepsTheLastValueInHeadAndInSealedChunks() {
        ShardStorage s = new ShardStorage(smallChunks());
        for (int i = 0; i < 20; i++) {
            append(s, CPU, T0 + i, i);
        }
        append(s, CPU, T0 + 2, -1); // sealed
        append(s, CPU, T0 + 19, -2); // head
        Points p = all(s, CPU);
        assertEquals(20, p.size());
        assertEquals(-1, p.values()[2]);
        assertEquals(-2, p.values()[19]);
        RollupBucket b =
                s.rollups(s.seriesId(CPU), Resolution.FIVE_MINUTES, T0, T0).get(0);
        assertEquals(20, b.count());
        assertEquals(-2, b.min());
        assertEquals(-2, b.last());
    }

    @Test
    void staleMarkersAreStoredBitExactButSkippedByRollups() {
        ShardStorage s = new ShardStorage(smallChunks());
        append(s, CPU, T0, Double.NaN);
        append(s, CPU, T0 + 1, 5);
        append(s, CPU, T0 + 2, STALE);
        assertEquals(
                RollupSeries.STALE_MARKER_BITS,
                Double.doubleToRawLongBits(all(s, CPU).values()[2]));
        RollupBucket b = s.rollups(s.seriesId(CPU), Resolution.ONE_HOUR, T0, T0).get(0);
        assertEquals(2, b.count());
        assertEquals(5, b.min(), "NaN does not hide real values from min");
        assertEquals(5, b.max());
        assertTrue(Double.isNaN(b.sum()));
        assertEquals(5, b.last());
    }

    /** Two senders overtaking each other: every point of the second batch is late, across bucket edges. */
    @Test
    void aBatchOfLatePointsLeavesRollupsEqualToTheFoldOfRawPoints() {
        ShardStorage s = new ShardStorage(smallChunks());
        Labels other = Labels.of("__name__", "cpu", "host", "b");
        long start = T0 - Math.floorMod(T0, HOUR) + HOUR - 90_000; // the batches straddle a 5 min and an hour edge
        PointBatch.Builder later = PointBatch.builder();
        PointBatch.Builder earlier = PointBatch.builder();
        TreeMap<Long, Double> cpu = new TreeMap<>();
        TreeMap<Long, Double> b = new TreeMap<>();
        for (int i = 0; i < 60; i++) {
            long ts = start + i * 10_000L;
            PointBatch.Builder batch = i < 30 ? earlier : later;
            batch.add(CPU, ts, i * 0.25).add(other, ts, 100 - i * 0.5);
            cpu.put(ts, i * 0.25);
            b.put(ts, 100 - i * 0.5);
        }
        // Repeated timestamps in the late batch: the last value wins, over a sealed value too.
        earlier.add(CPU, start, 7.0).add(CPU, start + 450_000, -1.0).add(CPU, start + 450_000, -2.0);
        cpu.put(start, 7.0);
        cpu.put(start + 450_000, -2.0);
        s.append(later.build());
        assertEquals(new AppendResult(63, 0, 0, 0), s.append(earlier.build()));
        assertSeriesMatches(s, CPU, cpu, "late batch");
        assertSeriesMatches(s, other, b, "late batch");
    }

    /** Random ingest with late points and duplicates, checked against a naive model. */
    @Test
    void randomIngestMatchesANaiveModelForPointsAndRollups() {
        for (long seed = 0; seed < 40; seed++) {
            RandomIngest run = new RandomIngest(seed, 60, 60_000);
            run.assertMatches();
        }
    }

    @Test
    void randomIngestMatchesTheModelWhenHeadsHoldWholeWindows() {
        for (StorageConfig config : List.of(
                new StorageConfig(HOUR, 4096, 2 * HOUR, 20, 30 * DAY, 365 * DAY),
                new StorageConfig(HOUR, 64, 2 * HOUR, 20, 30 * DAY, 365 * DAY))) {
            for (long seed = 0; seed < 40; seed++) {
                RandomIngest run = new RandomIngest(seed, 60, 60_000, config);
                run.assertMatches();
                run.shard.sealAll(); // an idle shard's seal leaves the newest window pending ...
                run.assertMatches();
            }
        }
    }

    @Test
    void aWindowIsSealedOnceOutOfReachAndItsLatePointsStayRaw() {
        StorageConfig config = new StorageConfig(HOUR, 4096, 2 * HOUR, 20, 30 * DAY, 365 * DAY);
        ShardStorage s = new ShardStorage(config);
        long windowStart = Math.floorDiv(T0, 2 * HOUR) * 2 * HOUR + 2 * HOUR;
        for (int i = 0; i < 48; i++) {
            append(s, CPU, windowStart + i * 150_000L, i); // every 2.5 minutes, 2 h in all
        }
        SeriesData data = s.series.get(s.seriesId(CPU)).data;
        append(s, CPU, windowStart + 2 * HOUR + 30 * 60_000L, 48); // the next window, still within reach
        assertEquals(0, data.chunks.size(), "a window within reach of late points stays raw");
        assertEquals(new AppendResult(1, 0, 0, 0), append(s, CPU, windowStart + 100 * 60_000L + 1, -1));
        assertEquals(50, data.headSize, "the late point went into the raw head");
        append(s, CPU, windowStart + 3 * HOUR, 49); // the first window is now out of reach
        assertEquals(
                List.of(16, 16, 17),
                data.chunks.stream().map(SealedChunk::count).toList(),
                "sealed once, in chunks of up to the compacted size");
        assertEquals(2, data.headSize);
        assertEquals(51, all(s, CPU).size());
        assertEquals(
                -1.0,
                s.read(s.seriesId(CPU), windowStart + 100 * 60_000L + 1, windowStart + 100 * 60_000L + 1)
                        .values()[0]);
    }

    @Test
    void longRandomIngestFreezesOldRollupsAndStillMatchesTheModel() {
        for (long seed = 0; seed < 4; seed++) {
            RandomIngest run = new RandomIngest(seed, 150, 600_000); // about 3 days
            run.assertMatches();
            int id = run.shard.seriesId(run.model.keySet().iterator().next());
            assertTrue(
                    run.shard
                                    .series
                                    .get(id)
                                    .rollup(Resolution.FIVE_MINUTES)
                                    .frozen
                                    .size()
                            > 0,
                    "seed " + seed + ": 5 min buckets older than the window were frozen");
        }
    }

    /** A shard and a naive model fed the same random batches (late, duplicate and stale points). */
    static final class RandomIngest {
        final ShardStorage shard;
        final Map<Labels, TreeMap<Long, Double>> model = new HashMap<>();
        final String where;
        int modelRejected;

        RandomIngest(long seed, int batches, int maxStepMs) {
            this(seed, batches, maxStepMs, smallChunks());
        }

        RandomIngest(long seed, int batches, int maxStepMs, StorageConfig config) {
            shard = new ShardStorage(config);
            where = "seed " + seed + ", " + config;
            Random rnd = new Random(seed);
            long modelMax = Long.MIN_VALUE;
            List<Labels> labels = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                labels.add(Labels.of("__name__", "m", "i", Integer.toString(i)));
            }
            long now = T0;
            for (int b = 0; b < batches; b++) {
                PointBatch.Builder builder = PointBatch.builder();
                for (int p = 0; p < 1 + rnd.nextInt(30); p++) {
                    Labels l = labels.get(rnd.nextInt(labels.size()));
                    now += rnd.nextInt(maxStepMs);
                    long ts =
                            switch (rnd.nextInt(6)) {
                                case 0 -> now - rnd.nextInt((int) (2 * HOUR)); // late, maybe too late
                                case 1 -> now - rnd.nextInt(3) * 1000L; // likely duplicate
                                default -> now;
                            };
                    double v = rnd.nextInt(10) == 0 ? STALE : rnd.nextInt(10_000) / 100.0;
                    builder.add(l, ts, v);
                }
                PointBatch batch = builder.build();
                // The model applies points in the batch's order: grouped by series, first seen first.
                for (PointBatch.SeriesPoints sp : batch.series()) {
                    for (int i = 0; i < sp.timestamps().length; i++) {
                        long ts = sp.timestamps()[i];
                        if (modelMax != Long.MIN_VALUE && ts < modelMax - HOUR) {
                            modelRejected++;
                            continue;
                        }
                        modelMax = Math.max(modelMax, ts);
                        model.computeIfAbsent(sp.labels(), k -> new TreeMap<>()).put(ts, sp.values()[i]);
                    }
                }
                AppendResult expected = shard.check(batch);
                assertEquals(expected, shard.append(batch), where + ": check() predicts append()");
            }
        }

        void assertMatches() {
            assertEquals(modelRejected, shard.rejectedTotal(), where);
            for (Map.Entry<Labels, TreeMap<Long, Double>> e : model.entrySet()) {
                assertSeriesMatches(shard, e.getKey(), e.getValue(), where);
            }
        }
    }

    static void assertSeriesMatches(ShardStorage s, Labels l, TreeMap<Long, Double> expected, String where) {
        Points p = all(s, l);
        assertArrayEquals(expected.keySet().stream().mapToLong(Long::longValue).toArray(), p.timestamps(), where);
        long[] bits = expected.values().stream()
                .mapToLong(Double::doubleToRawLongBits)
                .toArray();
        long[] actual = new long[p.size()];
        for (int i = 0; i < actual.length; i++) {
            actual[i] = Double.doubleToRawLongBits(p.values()[i]);
        }
        assertArrayEquals(bits, actual, where);
        for (Resolution r : Resolution.values()) {
            assertEquals(
                    naiveRollups(expected, r.millis()),
                    s.rollups(s.seriesId(l), r, Long.MIN_VALUE, Long.MAX_VALUE),
                    where + " " + r);
        }
    }

    /**
     * Folds each bucket's non-stale points in timestamp order, the definition of a rollup: with its first point, its
     * last point's time and the value before each drop (a counter reset).
     */
    static List<RollupBucket> naiveRollups(TreeMap<Long, Double> points, long width) {
        TreeMap<Long, TreeMap<Long, Double>> buckets = new TreeMap<>();
        points.forEach((ts, v) -> {
            if (Double.doubleToRawLongBits(v) != RollupSeries.STALE_MARKER_BITS) {
                buckets.computeIfAbsent(Math.floorDiv(ts, width) * width, k -> new TreeMap<>())
                        .put(ts, v);
            }
        });
        List<RollupBucket> out = new ArrayList<>();
        buckets.forEach((start, bucket) -> {
            double sum = 0;
            double min = Double.NaN;
            double max = Double.NaN;
            double resets = 0;
            Double previous = null;
            for (double v : bucket.values()) {
                sum += v;
                min = Double.isNaN(min) || v < min ? v : min;
                max = Double.isNaN(max) || v > max ? v : max;
                if (previous != null && v < previous) resets += previous;
                previous = v;
            }
            out.add(new RollupBucket(
                    start,
                    bucket.size(),
                    sum,
                    min,
                    max,
                    bucket.lastEntry().getValue(),
                    bucket.firstKey(),
                    bucket.firstEntry().getValue(),
                    bucket.lastKey(),
                    resets));
        });
        return out;
    }

    @Test
    void retentionDropsOldChunksAndRollupsThenSeriesAndRejectsPointsBeforeTheHorizon() {
        StorageConfig c = new StorageConfig(HOUR, 8, 2 * HOUR, 20, 3 * HOUR, 6 * HOUR);
        ShardStorage s = new ShardStorage(c);
        Labels old = Labels.of("__name__", "old");
        for (int i = 0; i < 16; i++) {
            append(s, old, T0 + i * 60_000L, i); // 16 minutes -> two sealed chunks
        }
        for (int h = 0; h < 10; h++) {
            append(s, CPU, T0 + h * HOUR, h);
        }
        assertTrue(s.retentionDue(T0 + 5 * HOUR));
        assertTrue(s.applyRetention(T0 + 5 * HOUR), "something was dropped");
        assertFalse(s.retentionDue(T0 + 5 * HOUR + 60_000), "the horizon moves once an hour");
        assertFalse(s.applyRetention(T0 + 5 * HOUR), "nothing more to drop");
        assertEquals(0, all(s, old).size(), "raw data older than 3 h is gone");
        assertEquals(
                1,
                s.rollups(s.seriesId(old), Resolution.ONE_HOUR, 0, Long.MAX_VALUE)
                        .size(),
                "rollups live longer");
        // T0 is 13m20s past an hour; the horizon T0+2h-13m20s drops the chunk of hours 0-1 only.
        assertEquals(
                List.of(2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0),
                toList(all(s, CPU).values()));
        s.applyRetention(T0 + 7 * HOUR);
        assertEquals(-1, s.seriesId(old), "a series with nothing left leaves the index");
        assertEquals(Postings.EMPTY, s.index().select(List.of(Matcher.eq("__name__", "old"))));
        assertEquals(new AppendResult(0, 0, 1, 0), append(s, CPU, T0 + 3 * HOUR, 1), "before the raw horizon");
    }

    @Test
    void checkAfterADueRetentionCountsPointsBeforeItsHorizonAsTooOldAsAppendAfterItDoes() {
        ShardStorage s = new ShardStorage(new StorageConfig(HOUR, 8, 2 * HOUR, 20, 3 * HOUR, 6 * HOUR));
        PointBatch batch = PointBatch.builder()
                .add(CPU, -1, 1)
                .add(CPU, T0, 2)
                .add(CPU, T0 + 5 * HOUR, 3)
                .build();
        assertEquals(new AppendResult(3, 0, 0, 1), s.check(batch), "no retention has run: nothing is too old yet");
        RetentionCutoffs due = s.retentionCutoffs(T0 + 5 * HOUR);
        AppendResult expected = s.checkAfter(due, batch, false);
        assertEquals(new AppendResult(1, 0, 2, 1), expected);
        s.applyRetention(due);
        assertEquals(expected, s.append(batch), "what the check promised is what append does");
        assertEquals(List.of(3.0), toList(all(s, CPU).values()));
    }

    @Test
    void cutoffsAtTheStartOfTimeDropNothing() {
        // A rollup bucket ends at or before the cutoff when it starts at or before cutoff - width + 1, which
        // wrapped around for a cutoff near Long.MIN_VALUE and dropped every bucket.
        ShardStorage s = new ShardStorage(new StorageConfig(HOUR, 8, 2 * HOUR, 20, 3 * HOUR, 6 * HOUR));
        for (int h = 0; h < 3; h++) {
            append(s, CPU, T0 + h * HOUR, h);
        }
        assertFalse(s.applyRetention(new RetentionCutoffs(Long.MIN_VALUE, Long.MIN_VALUE)), "nothing to drop");
        assertEquals(
                new RetentionCutoffs(Long.MIN_VALUE, Long.MIN_VALUE),
                s.retentionCutoffs(Long.MIN_VALUE + 1),
                "no wrap-around");
        assertFalse(s.applyRetention(Long.MIN_VALUE + 1), "nothing to drop");
        assertEquals(
                3,
                s.rollups(s.seriesId(CPU), Resolution.ONE_HOUR, 0, Long.MAX_VALUE)
                        .size());
        assertEquals(List.of(0.0, 1.0, 2.0), toList(all(s, CPU).values()));
    }

    static List<Double> toList(double[] vs) {
        List<Double> out = new ArrayList<>();
        for (double v : vs) {
            out.add(v);
        }
        return out;
    }

    @Test
    void labelsOnlyReadsFindExactlyTheSeriesWithPointsInTheRange() {
        Random random = new Random(7);
        ShardStorage s = new ShardStorage(smallChunks());
        List<Labels> all = new ArrayList<>();
        for (int i = 0; i < 20; i++) all.add(Labels.of("__name__", "m", "i", Integer.toString(i)));
        for (long t = T0; t < T0 + 6 * HOUR; t += 60_000) { // every series, with gaps of its own
            for (int i = 0; i < all.size(); i++) {
                if ((t / (20 * 60_000L) + i) % 3 != 0) append(s, all.get(i), t + random.nextInt(1000), i);
            }
        }
        s.sealAll();
        List<Matcher> m = List.of(Matcher.eq("__name__", "m"));
        for (int k = 0; k < 300; k++) {
            long start = T0 - HOUR + (long) (random.nextDouble() * 8 * HOUR);
            long end = start + (long) (random.nextDouble() * 2 * HOUR);
            List<Labels> expected =
                    s.select(m, start, end).stream().map(SelectedSeries::labels).toList();
            assertEquals(expected, s.selectLabels(m, start, end), start + ".." + end);
        }
    }
}
