package io.shardview.metrics.promql.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardview.metrics.index.Labels;
import io.shardview.metrics.promql.parser.Expr;
import io.shardview.metrics.promql.parser.PromqlParser;
import io.shardview.metrics.storage.PointBatch;
import io.shardview.metrics.storage.RetentionCutoffs;
import io.shardview.metrics.storage.ShardStorage;
import io.shardview.metrics.storage.StorageConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Functions over ranges computed from rollup buckets ({@link RollupWindows}) answer as they do from raw points: the
 * same queries over one shard's storage, once through {@link StorageSource} (buckets where they apply) and once
 * through raw points only, over data with counter resets, NaN and infinities, stale markers, gaps, jitter, late
 * points and points exactly on bucket edges.
 */
class RollupWindowsTest {
    private static final long MINUTE = 60_000L;
    private static final long HOUR = 60 * MINUTE;
    /** A multiple of an hour: the data starts on every bucket edge. */
    private static final long T0 = 1_700_002_800_000L;

    private static final long DATA_HOURS = 8;

    /** Points ingested as a scraper sends them: in time order, a batch per 10 minutes, a few of them a batch late. */
    static ShardStorage dataset(long seed) {
        Random rnd = new Random(seed);
        int batches = (int) (DATA_HOURS * 6);
        List<PointBatch.Builder> byTime = new ArrayList<>();
        for (int b = 0; b <= batches + 1; b++) byTime.add(PointBatch.builder());
        for (int s = 0; s < 12; s++) {
            Labels counter = Labels.of("__name__", "requests_total", "g", "g" + s % 3, "s", "s" + s);
            Labels gauge = Labels.of("__name__", "temperature", "g", "g" + s % 3, "s", "s" + s);
            long interval = new long[] {10_000, 15_000, 30_000, 60_000, 300_000}[s % 5];
            long jitter = s % 4 == 3 ? 2_000 : 0; // some scrape exactly on bucket edges, some never
            double count = rnd.nextInt(1000);
            boolean integers = s % 2 == 0;
            for (long t = T0 + (s % 3) * 5_000; t < T0 + DATA_HOURS * HOUR; t += interval) {
                if (rnd.nextInt(200) == 0) t += 20 * MINUTE; // a gap longer than a bucket
                long ts = t + (jitter == 0 ? 0 : rnd.nextLong(-jitter, jitter));
                double increment = integers ? rnd.nextInt(50) : rnd.nextDouble() * 50;
                count = rnd.nextInt(150) == 0 ? rnd.nextInt(5) : count + increment; // a reset now and then
                double temperature = 20 + rnd.nextGaussian() * 5;
                int special = rnd.nextInt(300);
                if (special == 0) temperature = Double.NaN;
                if (special == 1) temperature = Double.POSITIVE_INFINITY;
                if (special == 2) count = Double.NaN;
                if (special == 3) temperature = Double.longBitsToDouble(0x7ff0000000000002L); // a stale marker
                int batch = (int) ((ts - T0) / (10 * MINUTE)) + (rnd.nextInt(40) == 0 ? 1 : 0);
                byTime.get(Math.max(0, batch)).add(counter, ts, count).add(gauge, ts, temperature);
                if (Double.isNaN(count)) count = rnd.nextInt(1000);
            }
        }
        ShardStorage storage = new ShardStorage(StorageConfig.defaults());
        for (PointBatch.Builder b : byTime) storage.append(b.build());
        return storage;
    }

    @Test
    void everyFunctionAnswersFromBucketsAsFromRawPoints() {
        ShardStorage storage = dataset(7);
        PromqlGoldenTest.CountingSource withBuckets =
                new PromqlGoldenTest.CountingSource(new StorageSource(storage), storage.pairFilter());
        SeriesSource rawOnly = withBuckets::select;
        List<String> expressions = new ArrayList<>();
        for (String f : List.of(
                "rate",
                "increase",
                "delta",
                "count_over_time",
                "sum_over_time",
                "min_over_time",
                "max_over_time",
                "last_over_time",
                "present_over_time")) {
            for (String metric : List.of("requests_total", "temperature")) {
                for (String range : List.of("5m", "10m", "1h", "2h")) {
                    expressions.add(f + "(" + metric + "[" + range + "])");
                }
                expressions.add(f + "(" + metric + "[5m] offset 10m)");
                expressions.add("sum by (g) (" + f + "(" + metric + "[1h]))");
            }
        }
        expressions.add("rate(requests_total[5m] @ " + (T0 + 3 * HOUR) / 1000 + ")");
        expressions.add("max by (g) (increase(requests_total{s=~\"s[1-4]\"}[15m])) / 2");
        int compared = 0;
        long[][] grids = {
            {T0 + HOUR, T0 + DATA_HOURS * HOUR, 5 * MINUTE},
            {T0 + HOUR, T0 + DATA_HOURS * HOUR, HOUR},
            {T0 + 2 * HOUR + 15 * MINUTE, T0 + 7 * HOUR, 15 * MINUTE},
            {T0 + HOUR, T0 + 6 * HOUR, 7 * MINUTE}, // not on edges: raw points on both sides
        };
        for (String query : expressions) {
            for (long[] g : grids) {
                Expr expr = PromqlParser.parse(query);
                QueryResult expected =
                        new Evaluator(rawOnly, Evaluator.Settings.defaults()).range(expr, g[0], g[1], g[2]);
                QueryResult actual =
                        new Evaluator(withBuckets, Evaluator.Settings.defaults()).range(expr, g[0], g[1], g[2]);
                assertSameMatrix(query + " " + g[2] / 1000 + " s step", expected, actual);
                compared++;
            }
            QueryResult expected = new Evaluator(rawOnly, Evaluator.Settings.defaults())
                    .instant(PromqlParser.parse(query), T0 + 5 * HOUR);
            QueryResult actual = new Evaluator(withBuckets, Evaluator.Settings.defaults())
                    .instant(PromqlParser.parse(query), T0 + 5 * HOUR);
            List<Sample> e = ((QueryResult.Vector) expected).samples();
            List<Sample> a = ((QueryResult.Vector) actual).samples();
            assertEquals(e.size(), a.size(), query + " instant");
            for (int k = 0; k < e.size(); k++) {
                assertEquals(e.get(k).labels(), a.get(k).labels(), query + " instant");
                assertClose(
                        query + " instant " + e.get(k).labels(),
                        e.get(k).value(),
                        a.get(k).value());
            }
        }
        assertTrue(
                withBuckets.bucketReads >= compared / 2, withBuckets.bucketReads + " of " + compared + " read buckets");
    }

    /** Past raw retention only buckets are left: a dashboard at a coarse step still gets what raw points gave. */
    @Test
    void bucketsAnswerForTimesWhoseRawPointsRetentionDropped() {
        ShardStorage storage = dataset(11);
        PromqlGoldenTest.CountingSource withBuckets =
                new PromqlGoldenTest.CountingSource(new StorageSource(storage), storage.pairFilter());
        SeriesSource rawOnly = withBuckets::select;
        Expr expr = PromqlParser.parse(
                "sum by (g) (rate(requests_total[5m])) + on (g) max by (g) (max_over_time(temperature[1h]))");
        long start = T0 + HOUR;
        long end = T0 + 4 * HOUR;
        QueryResult before = new Evaluator(rawOnly, Evaluator.Settings.defaults()).range(expr, start, end, HOUR);
        assertTrue(storage.applyRetention(new RetentionCutoffs(T0 + 6 * HOUR, Long.MIN_VALUE)));
        QueryResult rawAfter = new Evaluator(rawOnly, Evaluator.Settings.defaults()).range(expr, start, end, HOUR);
        assertEquals(List.of(), ((QueryResult.Matrix) rawAfter).series());
        QueryResult after = new Evaluator(withBuckets, Evaluator.Settings.defaults()).range(expr, start, end, HOUR);
        assertSameMatrix("after retention", before, after);
    }

    private static void assertSameMatrix(String where, QueryResult expected, QueryResult actual) {
        List<Series> e = ((QueryResult.Matrix) expected).series();
        List<Series> a = ((QueryResult.Matrix) actual).series();
        assertEquals(e.size(), a.size(), where + ": series");
        assertTrue(!e.isEmpty(), where + ": some series " + expected);
        for (int k = 0; k < e.size(); k++) {
            assertEquals(e.get(k).labels(), a.get(k).labels(), where);
            assertEquals(
                    List.of(box(e.get(k).timestamps())), List.of(box(a.get(k).timestamps())), where + " times");
            for (int i = 0; i < e.get(k).size(); i++) {
                double x = e.get(k).values()[i];
                double y = a.get(k).values()[i];
                boolean same = Double.compare(x, y) == 0 || Math.abs(x - y) <= 1e-12 * Math.abs(x);
                assertTrue(
                        same,
                        where + " " + e.get(k).labels() + " at " + e.get(k).timestamps()[i] + ": " + x + " vs " + y);
            }
        }
    }

    /** Equal, or within 1e-12 relative: sums added bucket by bucket round differently in the last bits. */
    private static void assertClose(String where, double expected, double actual) {
        boolean same =
                Double.compare(expected, actual) == 0 || Math.abs(expected - actual) <= 1e-12 * Math.abs(expected);
        assertTrue(same, where + ": " + expected + " from raw points, " + actual + " from buckets");
    }

    private static Long[] box(long[] values) {
        Long[] out = new Long[values.length];
        for (int i = 0; i < values.length; i++) out[i] = values[i];
        return out;
    }
}
