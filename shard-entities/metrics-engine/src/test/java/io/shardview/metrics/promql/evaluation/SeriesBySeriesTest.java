package io.shardview.metrics.promql.evaluation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.shardview.metrics.index.Labels;
import io.shardview.metrics.promql.parser.Expr;
import io.shardview.metrics.promql.parser.PromqlParser;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The shortcuts of functions over ranges against the long way, bit for bit, on random series with counter resets,
 * NaNs, negative values, signed zeros and gaps: rate and increase reading a series' resets instead of comparing every
 * point of each window; a shard's partial aggregation folded series by series instead of from a vector per time; a
 * range query's series taken as computed instead of gathered from vectors.
 */
class SeriesBySeriesTest {
    private static final long S = 1000;

    private static List<Series> randomSeries(Random rnd) {
        List<Series> all = new ArrayList<>();
        int count = 1 + rnd.nextInt(12);
        for (int k = 0; k < count; k++) {
            int n = rnd.nextInt(200);
            long[] ts = new long[n];
            double[] vs = new double[n];
            long t = rnd.nextInt(120) * S;
            double v = rnd.nextInt(3) == 0 ? -rnd.nextInt(5) : 0;
            for (int i = 0; i < n; i++) {
                t += (rnd.nextInt(8) == 0 ? 1 + rnd.nextInt(400) : 10) * S; // a gap now and then
                int shape = rnd.nextInt(30);
                if (shape == 0) v = 0; // a reset to zero
                else if (shape == 1) v = v / 3; // a reset part way down
                else if (shape == 2) v = Double.NaN;
                else if (shape == 3) v = -0.0;
                else if (Double.isNaN(v)) v = rnd.nextInt(100);
                else v += rnd.nextInt(4) == 0 ? 0 : rnd.nextDouble() * 10;
                ts[i] = t;
                vs[i] = v;
            }
            all.add(new Series(Labels.of("__name__", "m", "job", "j" + rnd.nextInt(3), "instance", "i" + k), ts, vs));
        }
        return all;
    }

    private static Evaluator over(List<Series> all) {
        return ListedSeries.over(all);
    }

    @Test
    void rateIncreaseAndDeltaWithoutWindowsOrFromResetsEqualTheLoopOverEveryPoint() {
        Random rnd = new Random(11);
        for (int round = 0; round < 300; round++) {
            for (Series s : randomSeries(rnd)) {
                int[] resets = RangeFunctions.resets(s.values());
                long[] ts = s.timestamps();
                for (int trial = 0; trial < 40 && ts.length > 0; trial++) {
                    int lo = rnd.nextInt(ts.length);
                    int hi = lo + 1 + rnd.nextInt(ts.length - lo);
                    long start = ts[lo] - rnd.nextInt(20) * S;
                    long end = ts[hi - 1] + rnd.nextInt(20) * S;
                    for (String name : List.of("rate", "increase")) {
                        RangeFunctions.Function f = RangeFunctions.named(name);
                        Double fast = f.apply(
                                new RangeFunctions.Window(ts, s.values(), lo, hi, start, end, end - start, end, resets),
                                0);
                        Double slow = f.apply(
                                new RangeFunctions.Window(ts, s.values(), lo, hi, start, end, end - start, end, null),
                                0);
                        assertEquals(bits(slow), bits(fast), name + " round " + round + " [" + lo + ", " + hi + ")");
                        if (hi - lo >= 2) { // as a call of rate or increase computes it, without a window
                            double direct = RangeFunctions.extrapolated(
                                    ts,
                                    s.values(),
                                    lo,
                                    hi,
                                    start,
                                    end,
                                    RangeFunctions.seconds(end - start),
                                    true,
                                    name.equals("rate"),
                                    resets);
                            assertEquals(bits(slow), bits(direct), name + " direct, round " + round);
                        }
                    }
                    if (hi - lo >= 2) {
                        Double delta = RangeFunctions.named("delta")
                                .apply(
                                        new RangeFunctions.Window(
                                                ts, s.values(), lo, hi, start, end, end - start, end, null),
                                        0);
                        double direct = RangeFunctions.extrapolated(
                                ts,
                                s.values(),
                                lo,
                                hi,
                                start,
                                end,
                                RangeFunctions.seconds(end - start),
                                false,
                                false,
                                null);
                        assertEquals(bits(delta), bits(direct), "delta direct, round " + round);
                    }
                }
            }
        }
    }

    @Test
    void partialsFoldedSeriesBySeriesEqualThoseFoldedTimeByTime() {
        Random rnd = new Random(12);
        for (int round = 0; round < 200; round++) {
            List<Series> data = randomSeries(rnd);
            Evaluator evaluator = over(data);
            String op = List.of("sum", "avg", "min", "max", "count", "group").get(rnd.nextInt(6));
            String fn = List.of("rate", "increase", "delta", "max_over_time").get(rnd.nextInt(4));
            Expr.Aggregate a = (Expr.Aggregate) PromqlParser.parse(op + " by (job) (" + fn + "(m[1m]))");
            Grid grid = new Grid(0, 3000 * S, (15 + rnd.nextInt(120)) * S);
            Calls calls = new Calls(evaluator);
            Calls.Columns columns = calls.overRange((Expr.Call) a.expr(), grid);
            List<PartialAggregation.Group> fast = PartialAggregation.fold(a, columns);
            List<PartialAggregation.Group> slow = PartialAggregation.fold(a, calls.bySeries(columns));
            String where = op + " " + fn + " round " + round;
            assertEquals(slow.size(), fast.size(), where);
            for (int g = 0; g < slow.size(); g++) {
                assertEquals(slow.get(g).labels(), fast.get(g).labels(), where + " group " + g);
                assertArrayEquals(slow.get(g).counts(), fast.get(g).counts(), where + " group " + g);
                for (int i = 0; i < grid.size(); i++) {
                    assertEquals(
                            bits(slow.get(g).values()[i]),
                            bits(fast.get(g).values()[i]),
                            where + " group " + g + " time " + i);
                }
            }
        }
    }

    @Test
    void rangeQuerySeriesAsComputedEqualThoseGatheredFromVectors() {
        Random rnd = new Random(13);
        for (int round = 0; round < 200; round++) {
            List<Series> data = randomSeries(rnd);
            String fn = List.of("rate", "increase", "delta", "avg_over_time").get(rnd.nextInt(4));
            long step = (15 + rnd.nextInt(120)) * S;
            QueryResult.Matrix fast =
                    (QueryResult.Matrix) over(data).range(PromqlParser.parse(fn + "(m[1m])"), 0, 3000 * S, step);
            // The long way: the same call inside parentheses of an expression that is not a call.
            QueryResult.Matrix slow = (QueryResult.Matrix)
                    over(data).range(PromqlParser.parse("-(-" + fn + "(m[1m]))"), 0, 3000 * S, step);
            assertEquals(slow.series().size(), fast.series().size(), fn + " round " + round);
            for (int k = 0; k < slow.series().size(); k++) {
                Series a = slow.series().get(k);
                Series b = fast.series().get(k);
                assertEquals(a.labels(), b.labels());
                assertArrayEquals(a.timestamps(), b.timestamps());
                for (int i = 0; i < a.size(); i++) {
                    assertEquals(bits(a.values()[i]), bits(b.values()[i]), fn + " round " + round + " point " + i);
                }
            }
        }
    }

    private static long bits(Double d) {
        return d == null ? 1 : Double.doubleToRawLongBits(d);
    }
}
