package io.shardview.metrics.promql.evaluation;

import io.shardview.metrics.index.Matcher;
import java.util.List;

/** Where the evaluator reads series: every series matching all {@code matchers}, with its points in [min, max]. */
@FunctionalInterface
public interface SeriesSource {
    /** The matching series, sorted by labels, each with its points in [minMillis, maxMillis] in time order. */
    List<Series> select(List<Matcher> matchers, long minMillis, long maxMillis);

    /** The series {@link #select} gives, read one at a time as the cursor moves (by default all read at once). */
    default SeriesCursor selectEach(List<Matcher> matchers, long minMillis, long maxMillis) {
        return SeriesCursor.of(select(matchers, minMillis, maxMillis));
    }

    /**
     * The matching series' rollup buckets {@code widthMillis} wide that start in [minMillis, maxMillis] (both
     * multiples of the width), sorted by labels, each series with its buckets in time order; or null where this source
     * keeps no such buckets, or some of them lack their edges: the evaluator then reads raw points ({@link
     * RollupWindows}). The default keeps none.
     */
    default List<BucketSeries> selectBuckets(List<Matcher> matchers, long widthMillis, long minMillis, long maxMillis) {
        return null;
    }
}
