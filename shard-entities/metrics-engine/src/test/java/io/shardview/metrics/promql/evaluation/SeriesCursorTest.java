package io.shardview.metrics.promql.evaluation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardview.metrics.index.Matcher;
import io.shardview.metrics.promql.parser.PromqlParser;
import io.shardview.metrics.storage.ShardStorage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A shard's series read one at a time ({@link StorageSource#selectEach}, each decoded into the arrays of the one
 * before) are the series {@link StorageSource#select} reads all at once, and queries over them answer the same to the
 * last bit: over data whose series differ in length (every other series shorter or longer than the one before, so the
 * arrays are reused both larger and smaller than needed), with stale markers, resets, gaps and late points.
 */
class SeriesCursorTest {
    private static final long MINUTE = 60_000L;
    private static final long HOUR = 60 * MINUTE;
    private static final long T0 = 1_700_002_800_000L;

    @Test
    void theCursorReadsWhatSelectReads() {
        ShardStorage storage = RollupWindowsTest.dataset(11);
        StorageSource source = new StorageSource(storage);
        Random rnd = new Random(5);
        List<List<Matcher>> selectors = List.of(
                List.of(Matcher.eq("__name__", "requests_total")),
                List.of(Matcher.eq("__name__", "temperature")),
                List.of(Matcher.eq("g", "g1")),
                List.of(Matcher.re("s", "s1.*")),
                List.of(Matcher.eq("__name__", "nothing")));
        int series = 0;
        for (int round = 0; round < 40; round++) {
            long min = T0 + rnd.nextLong(-HOUR, 8 * HOUR);
            long max = min + rnd.nextLong(0, 6 * HOUR);
            for (List<Matcher> selector : selectors) {
                List<Series> all = source.select(selector, min, max);
                SeriesCursor each = source.selectEach(selector, min, max);
                for (Series s : all) {
                    assertTrue(each.next(), "the cursor ended early at " + s.labels());
                    assertEquals(s.labels(), each.labels());
                    assertEquals(s.size(), each.size(), s.labels() + " in [" + min + ", " + max + "]");
                    assertArrayEquals(s.timestamps(), Arrays.copyOf(each.times(), each.size()));
                    assertArrayEquals(s.values(), Arrays.copyOf(each.values(), each.size()));
                    series++;
                }
                assertFalse(each.next(), "the cursor read more series than select");
            }
        }
        assertTrue(series > 500, "only " + series + " series compared");
    }

    @Test
    void queriesOverSeriesReadOneAtATimeAnswerAsOverSeriesReadAtOnce() {
        ShardStorage storage = RollupWindowsTest.dataset(13);
        StorageSource storageSource = new StorageSource(storage);
        SeriesSource atOnce = storageSource::select; // the default cursor: every series read before the first is used
        SeriesSource oneAtATime = oneAtATime(storageSource); // raw points only, as atOnce: no rollup buckets
        List<String> queries = new ArrayList<>();
        for (String f : List.of(
                "rate",
                "increase",
                "delta",
                "irate",
                "resets",
                "changes",
                "count_over_time",
                "max_over_time",
                "stddev_over_time",
                "absent_over_time")) {
            queries.add(f + "(requests_total[5m])");
            queries.add(f + "(temperature[17m] offset 3m)");
        }
        queries.add("quantile_over_time(0.9, temperature[1h])");
        queries.add("sum by (g) (rate(requests_total[10m]))");
        queries.add("histogram_quantile(0.5, sum by (le) (rate(requests_total[5m])))");
        int compared = 0;
        for (String query : queries) {
            var expr = PromqlParser.parse(query);
            QueryResult expected = new Evaluator(atOnce, Evaluator.Settings.defaults())
                    .range(expr, T0 + HOUR, T0 + 7 * HOUR, 7 * MINUTE);
            QueryResult actual = new Evaluator(oneAtATime, Evaluator.Settings.defaults())
                    .range(expr, T0 + HOUR, T0 + 7 * HOUR, 7 * MINUTE);
            compared += assertSameSeries(query, expected, actual);
        }
        // An instant query of a range vector: each series' points in its window, copied out of the reused arrays.
        var matrix = PromqlParser.parse("requests_total[20m]");
        QueryResult expected = new Evaluator(atOnce, Evaluator.Settings.defaults()).instant(matrix, T0 + 3 * HOUR);
        QueryResult actual = new Evaluator(oneAtATime, Evaluator.Settings.defaults()).instant(matrix, T0 + 3 * HOUR);
        assertSameSeries("requests_total[20m]", expected, actual);
        assertTrue(compared > 100, "only " + compared + " series compared");
    }

    @Test
    void theSampleLimitCountsSeriesReadOneAtATime() {
        ShardStorage storage = RollupWindowsTest.dataset(17);
        SeriesSource oneAtATime = oneAtATime(new StorageSource(storage));
        var expr = PromqlParser.parse("rate(requests_total[1h])");
        Evaluator within = new Evaluator(oneAtATime, Evaluator.Settings.defaults());
        within.range(expr, T0 + HOUR, T0 + 7 * HOUR, HOUR);
        long read = within.loadedSamples();
        assertTrue(read > 1000, read + " points read");
        Evaluator limited =
                new Evaluator(oneAtATime, Evaluator.Settings.defaults().withMaxSamples(read / 2));
        assertThrows(QueryException.TooManySamples.class, () -> limited.range(expr, T0 + HOUR, T0 + 7 * HOUR, HOUR));
    }

    /** {@code source}'s raw points, read one series at a time (its rollup buckets not offered). */
    private static SeriesSource oneAtATime(StorageSource source) {
        return new SeriesSource() {
            @Override
            public List<Series> select(List<Matcher> matchers, long min, long max) {
                return source.select(matchers, min, max);
            }

            @Override
            public SeriesCursor selectEach(List<Matcher> matchers, long min, long max) {
                return source.selectEach(matchers, min, max);
            }
        };
    }

    /** The same series, labels, times and values to the bit (NaN equal to NaN); how many. */
    private static int assertSameSeries(String query, QueryResult expected, QueryResult actual) {
        List<Series> e = ((QueryResult.Matrix) expected).series();
        List<Series> a = ((QueryResult.Matrix) actual).series();
        assertEquals(e.size(), a.size(), query + ": series");
        for (int k = 0; k < e.size(); k++) {
            assertEquals(e.get(k).labels(), a.get(k).labels(), query);
            assertArrayEquals(
                    e.get(k).timestamps(),
                    a.get(k).timestamps(),
                    query + " " + e.get(k).labels());
            assertArrayEquals(
                    e.get(k).values(), a.get(k).values(), query + " " + e.get(k).labels());
        }
        return e.size();
    }
}
