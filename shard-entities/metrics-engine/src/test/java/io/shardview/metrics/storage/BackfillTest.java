package io.shardview.metrics.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.shardview.metrics.index.Labels;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Backfill, differentially: a shard given the recent part of some series first and then their history in shuffled
 * batches ({@link ShardStorage#backfill}) holds exactly what a shard given everything in time order holds: the same
 * raw points, the same rollup buckets at every resolution (frozen ones were thawed, recomputed and frozen again), and
 * the same after a snapshot round trip.
 */
class BackfillTest {
    private static final long T0 = 1_700_000_000_000L;
    private static final long HOUR = 3_600_000L;
    private static final long DAY = 24 * HOUR;

    @Test
    void historyBackfilledInAnyOrderEqualsHistoryIngestedInOrder() throws Exception {
        for (long seed = 1; seed <= 3; seed++) {
            Random random = new Random(seed);
            StorageConfig config = new StorageConfig(HOUR, 64, 2 * HOUR, 120, 30 * DAY, 365 * DAY);
            List<Labels> series = new ArrayList<>();
            for (int i = 0; i < 4; i++) series.add(Labels.of("__name__", "m", "host", "h" + i));
            List<long[]> times = new ArrayList<>();
            List<double[]> values = new ArrayList<>();
            long days = 3 + random.nextInt(5);
            for (int i = 0; i < series.size(); i++) {
                int n = (int) (days * DAY / 60_000);
                long[] ts = new long[n];
                double[] vs = new double[n];
                for (int j = 0; j < n; j++) {
                    ts[j] = T0 + j * 60_000L + random.nextInt(1000);
                    vs[j] = random.nextInt(10) == 0 ? Double.NaN : random.nextGaussian() * 100;
                }
                times.add(ts);
                values.add(vs);
            }
            ShardStorage inOrder = new ShardStorage(config);
            ShardStorage backfilled = new ShardStorage(config);
            long split = T0 + (days - 1) * DAY; // the last day arrives live, the rest later as history
            for (long from = T0; from < T0 + days * DAY + HOUR; from += HOUR) { // live: every series, hour by hour
                for (int i = 0; i < series.size(); i++) {
                    inOrder.append(batch(series.get(i), times.get(i), values.get(i), from, from + HOUR));
                    if (from >= split) {
                        backfilled.append(batch(series.get(i), times.get(i), values.get(i), from, from + HOUR));
                    }
                }
            }
            List<PointBatch> history = new ArrayList<>();
            for (int i = 0; i < series.size(); i++) {
                for (long from = T0; from < split; from += 6 * HOUR) {
                    history.add(
                            batch(series.get(i), times.get(i), values.get(i), from, Math.min(split, from + 6 * HOUR)));
                }
            }
            Collections.shuffle(history, random);
            for (PointBatch b : history) {
                AppendResult result = backfilled.backfill(b);
                assertEquals(b.pointCount(), result.accepted(), "seed " + seed);
            }
            assertSame(inOrder, backfilled, series, "seed " + seed);
            assertSame(inOrder, roundTrip(backfilled, config), series, "seed " + seed + " after a snapshot");
        }
    }

    @Test
    void withoutBackfillHistoryIsRefusedAsOutOfOrderAndBeyondRetentionEvenWithIt() {
        StorageConfig config = new StorageConfig(HOUR, 64, 2 * HOUR, 120, 30 * DAY, 365 * DAY);
        ShardStorage s = new ShardStorage(config);
        Labels m = Labels.of("__name__", "m");
        s.append(PointBatch.builder().add(m, T0 + 10 * DAY, 1).build());
        PointBatch old = PointBatch.builder().add(m, T0, 2).build();
        assertEquals(1, s.check(old).rejectedOutOfOrder());
        assertEquals(1, s.checkBackfill(old).accepted());
        s.applyRetention(T0 + 40 * DAY);
        assertEquals(1, s.checkBackfill(old).rejectedTooOld());
    }

    private static PointBatch batch(Labels labels, long[] ts, double[] vs, long from, long to) {
        PointBatch.Builder b = PointBatch.builder();
        for (int j = 0; j < ts.length; j++) if (ts[j] >= from && ts[j] < to) b.add(labels, ts[j], vs[j]);
        return b.build();
    }

    private static void assertSame(ShardStorage expected, ShardStorage actual, List<Labels> series, String where) {
        for (Labels l : series) {
            Points e = expected.read(expected.seriesId(l), Long.MIN_VALUE, Long.MAX_VALUE);
            Points a = actual.read(actual.seriesId(l), Long.MIN_VALUE, Long.MAX_VALUE);
            assertArrayEquals(e.timestamps(), a.timestamps(), where + " " + l);
            assertArrayEquals(e.values(), a.values(), where + " " + l);
            for (Resolution r : Resolution.values()) {
                assertEquals(
                        expected.rollups(expected.seriesId(l), r, Long.MIN_VALUE, Long.MAX_VALUE),
                        actual.rollups(actual.seriesId(l), r, Long.MIN_VALUE, Long.MAX_VALUE),
                        where + " " + l + " " + r);
            }
        }
    }

    private static ShardStorage roundTrip(ShardStorage s, StorageConfig config) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        s.writeSnapshot(new DataOutputStream(bytes));
        return ShardStorage.readSnapshot(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())), config);
    }
}
