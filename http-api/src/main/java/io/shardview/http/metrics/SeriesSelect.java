package io.shardview.http.metrics;

import io.shardview.entity.metrics.MetricsShard;
import io.shardview.entity.metrics.MetricsShard.MatcherSpec;
import io.shardview.metrics.index.Labels;
import io.shardview.metrics.promql.evaluation.BucketSeries;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * Series of a tenant matching selectors, asked of every shard at once: with their points in a time range, at most a
 * given number of points in all (a request that would read more fails with {@link TooManyPoints} before the points
 * reach this node), or their labels only.
 */
final class SeriesSelect {
    private final ActorSystem<?> system;
    private final MetricsHttpSettings settings;

    SeriesSelect(ActorSystem<?> system, MetricsHttpSettings settings) {
        this.system = system;
        this.settings = settings;
    }

    /** A request that would read more points than it may. */
    static final class TooManyPoints extends RuntimeException {
        TooManyPoints(long maxPoints) {
            super("the request would read more than " + maxPoints + " points");
        }
    }

    /**
     * Every series matching any selector and holding a point in [startMs, endMs], with those points, sorted by
     * labels; fails with {@link TooManyPoints} past {@code maxPoints} (a shard sends at most its {@link EveryShard#share}).
     */
    CompletionStage<TreeMap<String, MetricsShard.SeriesPoints>> points(
            TenantShards shards, List<List<MatcherSpec>> selectors, long startMs, long endMs, long maxPoints) {
        long perShard = EveryShard.share(settings, maxPoints);
        return select(shards, selectors, startMs, endMs, true, perShard).thenApply(series -> {
            long total = 0;
            for (MetricsShard.SeriesPoints s : series.values()) total += s.timestamps().length;
            if (total > maxPoints) throw new TooManyPoints(maxPoints);
            return series;
        });
    }

    /**
     * The rollup buckets {@code widthMs} wide starting in [startMs, endMs] of every series matching the matchers,
     * sorted by labels; null when a shard has none with edges for some of them (the caller reads points instead); fails
     * with {@link TooManyPoints} past {@code maxBuckets}.
     */
    CompletionStage<List<BucketSeries>> buckets(
            TenantShards shards, List<MatcherSpec> matchers, long widthMs, long startMs, long endMs, long maxBuckets) {
        long perShard = EveryShard.share(settings, maxBuckets);
        List<CompletableFuture<MetricsShard.SelectedBuckets>> asks = EveryShard.ask(
                system,
                settings,
                shards,
                replyTo -> new MetricsShard.SelectBuckets(matchers, widthMs, startMs, endMs, perShard, replyTo));
        return CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new)).thenApply(done -> {
            List<BucketSeries> out = new ArrayList<>();
            long total = 0;
            for (CompletableFuture<MetricsShard.SelectedBuckets> ask : asks) {
                MetricsShard.SelectedBuckets selected = ask.join();
                if (selected.tooMany()) throw new TooManyPoints(maxBuckets);
                if (selected.withoutEdges()) return null;
                for (MetricsShard.SeriesBuckets s : selected.series()) {
                    total += s.starts().length;
                    out.add(BucketSeries.ofColumns(Labels.of(s.labels()), s.starts(), s.columns()));
                }
            }
            if (total > maxBuckets) throw new TooManyPoints(maxBuckets);
            out.sort(Comparator.comparing(BucketSeries::labels));
            return out;
        });
    }

    /** The label sets of the series matching any selector and holding a point in [startMs, endMs], sorted. */
    CompletionStage<TreeMap<String, MetricsShard.SeriesPoints>> labels(
            TenantShards shards, List<List<MatcherSpec>> selectors, long startMs, long endMs) {
        return select(shards, selectors, startMs, endMs, false, Long.MAX_VALUE);
    }

    private CompletionStage<TreeMap<String, MetricsShard.SeriesPoints>> select(
            TenantShards shards,
            List<List<MatcherSpec>> selectors,
            long startMs,
            long endMs,
            boolean withPoints,
            long maxPointsPerShard) {
        List<CompletableFuture<MetricsShard.Selected>> asks = new ArrayList<>();
        for (List<MatcherSpec> matchers : selectors) {
            asks.addAll(EveryShard.ask(
                    system,
                    settings,
                    shards,
                    replyTo ->
                            new MetricsShard.Select(matchers, startMs, endMs, withPoints, maxPointsPerShard, replyTo)));
        }
        return CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new)).thenApply(done -> {
            TreeMap<String, MetricsShard.SeriesPoints> series = new TreeMap<>();
            for (CompletableFuture<MetricsShard.Selected> ask : asks) {
                MetricsShard.Selected selected = ask.join();
                if (selected.tooMany()) throw new TooManyPoints(maxPointsPerShard);
                for (MetricsShard.SeriesPoints s : selected.series())
                    series.put(s.labels().toString(), s);
            }
            return series;
        });
    }
}
