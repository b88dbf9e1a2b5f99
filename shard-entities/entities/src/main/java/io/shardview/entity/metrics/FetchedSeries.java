package io.shardview.entity.metrics;

import io.shardview.metrics.index.Matcher;
import io.shardview.metrics.promql.evaluation.BucketSeries;
import io.shardview.metrics.promql.evaluation.RollupWindows;
import io.shardview.metrics.promql.evaluation.Series;
import io.shardview.metrics.promql.evaluation.SeriesSource;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@link ShardedQuery} fetched from the shards for each selector of a query, by the identity of its matchers, as
 * the evaluator reads it: points, or rollup buckets of one width and range.
 */
final class FetchedSeries implements SeriesSource {
    private final Map<List<Matcher>, List<Series>> points = new IdentityHashMap<>();
    private final Map<List<Matcher>, RollupWindows.BucketRead> reads = new IdentityHashMap<>();
    private final Map<List<Matcher>, List<BucketSeries>> buckets = new IdentityHashMap<>();

    synchronized void putPoints(List<Matcher> matchers, List<Series> series) {
        points.put(matchers, series);
    }

    synchronized void putBuckets(List<Matcher> matchers, RollupWindows.BucketRead read, List<BucketSeries> found) {
        reads.put(matchers, read);
        buckets.put(matchers, found);
    }

    /** The points fetched, in all (buckets count as points): how much evaluating the query will take at least. */
    synchronized long size() {
        long size = 0;
        for (List<Series> series : points.values()) for (Series s : series) size += s.size();
        for (List<BucketSeries> series : buckets.values()) size += (long) series.size() * 16;
        return size;
    }

    @Override
    public synchronized List<Series> select(List<Matcher> matchers, long minMillis, long maxMillis) {
        List<Series> found = points.get(matchers);
        if (found == null) throw new IllegalStateException("no points were fetched for " + matchers);
        return found;
    }

    @Override
    public synchronized List<BucketSeries> selectBuckets(
            List<Matcher> matchers, long widthMillis, long minMillis, long maxMillis) {
        RollupWindows.BucketRead read = reads.get(matchers);
        boolean same =
                read != null && read.width() == widthMillis && read.min() == minMillis && read.max() == maxMillis;
        return same ? buckets.get(matchers) : null;
    }
}
