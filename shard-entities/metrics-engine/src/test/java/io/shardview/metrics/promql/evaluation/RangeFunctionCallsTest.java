package io.shardview.metrics.promql.evaluation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.shardview.metrics.index.Labels;
import io.shardview.metrics.promql.parser.Expr;
import io.shardview.metrics.promql.parser.PromqlParser;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Functions over range vectors evaluated series by series and put together step by step: each step holds the series
 * whose window gave a value, and two series whose labels are equal once the name is dropped fail as Prometheus fails
 * (only at a step where both have a value).
 */
class RangeFunctionCallsTest {
    private static final long S = 1000;

    private static Series series(Labels labels, long from, long to, long every) {
        List<Long> ts = new ArrayList<>();
        for (long t = from; t <= to; t += every) ts.add(t);
        long[] times = ts.stream().mapToLong(Long::longValue).toArray();
        double[] values = new double[times.length];
        for (int i = 0; i < values.length; i++) values[i] = i;
        return new Series(labels, times, values);
    }

    private static Evaluator over(Series... all) {
        return ListedSeries.over(List.of(all));
    }

    @Test
    void eachStepHoldsTheSeriesWhoseWindowHasPoints() {
        // a has points from 0 to 600 s, b from 900 s on: at 300 s only a, at 1200 s only b, both at none.
        Evaluator evaluator = over(
                series(Labels.of("__name__", "req_total", "job", "a"), 0, 600 * S, 10 * S),
                series(Labels.of("__name__", "req_total", "job", "b"), 900 * S, 1500 * S, 10 * S));
        QueryResult.Matrix result = (QueryResult.Matrix)
                evaluator.range(PromqlParser.parse("count_over_time(req_total[1m])"), 300 * S, 1200 * S, 300 * S);
        assertEquals(2, result.series().size());
        Series a = result.series().get(0);
        Series b = result.series().get(1);
        assertEquals("a", a.labels().get("job"));
        assertEquals(null, a.labels().get("__name__"), "rate and friends drop the name");
        assertArrayEquals(new long[] {300 * S, 600 * S}, a.timestamps());
        assertArrayEquals(new double[] {7, 7}, a.values());
        assertArrayEquals(new long[] {900 * S, 1200 * S}, b.timestamps());
        assertArrayEquals(new double[] {1, 7}, b.values());
    }

    @Test
    void seriesEqualOnceTheNameIsDroppedFailOnlyWhereBothHaveAValue() {
        Series a = series(Labels.of("__name__", "a_total", "job", "x"), 0, 600 * S, 10 * S);
        Series b = series(Labels.of("__name__", "b_total", "job", "x"), 900 * S, 1500 * S, 10 * S);
        Expr rate = PromqlParser.parse("rate({__name__=~\".+_total\"}[1m])");
        // Never both at one step: no error.
        QueryResult.Matrix apart = (QueryResult.Matrix) over(a, b).range(rate, 300 * S, 1200 * S, 300 * S);
        assertEquals(1, apart.series().size(), "one label set, its points from both");
        assertArrayEquals(
                new long[] {300 * S, 600 * S, 1200 * S}, apart.series().get(0).timestamps()); // 900 s: one point
        // Both at 600 s: Prometheus's error.
        Series overlapping = series(Labels.of("__name__", "b_total", "job", "x"), 500 * S, 1500 * S, 10 * S);
        QueryException error =
                assertThrows(QueryException.class, () -> over(a, overlapping).range(rate, 300 * S, 1200 * S, 300 * S));
        assertEquals("vector cannot contain metrics with the same labelset", error.getMessage());
        // last_over_time keeps the name: no clash.
        QueryResult.Matrix named = (QueryResult.Matrix) over(a, overlapping)
                .range(PromqlParser.parse("last_over_time({__name__=~\".+_total\"}[1m])"), 300 * S, 1200 * S, 300 * S);
        assertEquals(2, named.series().size());
    }
}
