package io.shardview.entity.metrics;

import io.shardview.entity.metrics.MetricsProtocol.AggregatePartially;
import io.shardview.entity.metrics.MetricsProtocol.MatcherSpec;
import io.shardview.entity.metrics.MetricsProtocol.PartialGroup;
import io.shardview.entity.metrics.MetricsProtocol.Partials;
import io.shardview.entity.metrics.MetricsProtocol.Select;
import io.shardview.entity.metrics.MetricsProtocol.SelectBuckets;
import io.shardview.entity.metrics.MetricsProtocol.Selected;
import io.shardview.entity.metrics.MetricsProtocol.SelectedBuckets;
import io.shardview.entity.metrics.MetricsProtocol.SeriesBuckets;
import io.shardview.entity.metrics.MetricsProtocol.SeriesPoints;
import io.shardview.metrics.index.Labels;
import io.shardview.metrics.index.Matcher;
import io.shardview.metrics.promql.distributed.Pushdown;
import io.shardview.metrics.promql.evaluation.BucketSeries;
import io.shardview.metrics.promql.evaluation.PartialAggregation;
import io.shardview.metrics.promql.evaluation.QueryException;
import io.shardview.metrics.promql.parser.Expr;
import io.shardview.metrics.promql.parser.PromqlPrinter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * The reads a serving node asks of every shard of a tenant at once (each as a command, and as the same read of a
 * shard's storage on this node, {@link EveryShard}), and how their answers are put together: series
 * with their points or labels only, rollup buckets, and one aggregation's partials. Each read is bounded: a shard
 * answers "too many" past its share of the request's points rather than sending them, and the request fails with
 * {@link TooManyPoints} before the points reach this node.
 */
final class ShardReads {
    private final EveryShard shards;

    ShardReads(EveryShard shards) {
        this.shards = shards;
    }

    /**
     * Every series matching any selector and holding a point in [startMs, endMs], with those points, sorted by
     * labels; fails with {@link TooManyPoints} past {@code maxPoints} (a shard sends at most its share).
     */
    CompletionStage<TreeMap<String, SeriesPoints>> points(
            TenantShards tenant, List<List<Matcher>> selectors, long startMs, long endMs, long maxPoints) {
        return select(tenant, selectors, startMs, endMs, true, shards.share(tenant, maxPoints))
                .thenApply(series -> {
                    long total = 0;
                    for (SeriesPoints s : series.values()) total += s.timestamps().length;
                    if (total > maxPoints) throw new TooManyPoints(maxPoints);
                    return series;
                });
    }

    /** The label sets of the series matching any selector and holding a point in [startMs, endMs], sorted. */
    CompletionStage<TreeMap<String, SeriesPoints>> labels(
            TenantShards tenant, List<List<Matcher>> selectors, long startMs, long endMs) {
        return select(tenant, selectors, startMs, endMs, false, Long.MAX_VALUE);
    }

    /**
     * Series found by every shard, once each, keyed by their labels as text (which orders them: the order the series
     * endpoints and export answer in).
     */
    private CompletionStage<TreeMap<String, SeriesPoints>> select(
            TenantShards tenant,
            List<List<Matcher>> selectors,
            long startMs,
            long endMs,
            boolean withPoints,
            long maxPointsPerShard) {
        List<CompletableFuture<Selected>> asks = new ArrayList<>();
        Selected none = new Selected(List.of(), false);
        for (List<Matcher> selector : selectors) {
            List<MatcherSpec> matchers = MatcherSpec.of(selector);
            Function<ActorRef<Selected>, Select> command =
                    replyTo -> new Select(matchers, startMs, endMs, withPoints, maxPointsPerShard, replyTo);
            asks.addAll(shards.ask(
                    tenant,
                    List.of(selector),
                    none,
                    EveryShard.atMostBytes(List.of(selector), ""),
                    command::apply,
                    storage -> ShardQueries.select(storage, command.apply(null))));
        }
        return EveryShard.all(asks).thenApply(done -> {
            TreeMap<String, SeriesPoints> series = new TreeMap<>(Labels::compareCodePoints);
            for (CompletableFuture<Selected> ask : asks) {
                Selected selected = ask.join();
                if (selected.tooMany()) throw new TooManyPoints(maxPointsPerShard);
                for (SeriesPoints s : selected.series()) series.put(s.labels().toString(), s);
            }
            return series;
        });
    }

    /**
     * The rollup buckets {@code widthMs} wide starting in [startMs, endMs] of every series matching the matchers,
     * sorted by labels; null when a shard has none with edges for some of them (the caller reads points instead); fails
     * with {@link TooManyPoints} past {@code maxBuckets}.
     */
    CompletionStage<List<BucketSeries>> buckets(
            TenantShards tenant, List<Matcher> selector, long widthMs, long startMs, long endMs, long maxBuckets) {
        long perShard = shards.share(tenant, maxBuckets);
        List<MatcherSpec> matchers = MatcherSpec.of(selector);
        Function<ActorRef<SelectedBuckets>, SelectBuckets> command =
                replyTo -> new SelectBuckets(matchers, widthMs, startMs, endMs, perShard, replyTo);
        List<CompletableFuture<SelectedBuckets>> asks = shards.ask(
                tenant,
                List.of(selector),
                new SelectedBuckets(List.of(), false, false),
                EveryShard.atMostBytes(List.of(selector), ""),
                command::apply,
                storage -> ShardQueries.buckets(storage, command.apply(null)));
        return EveryShard.all(asks).thenApply(done -> {
            List<BucketSeries> out = new ArrayList<>();
            long total = 0;
            for (CompletableFuture<SelectedBuckets> ask : asks) {
                SelectedBuckets selected = ask.join();
                if (selected.tooMany()) throw new TooManyPoints(maxBuckets);
                if (selected.withoutEdges()) return null;
                for (SeriesBuckets s : selected.series()) {
                    total += s.starts().length;
                    out.add(BucketSeries.ofColumns(Labels.of(s.labels()), s.starts(), s.columns()));
                }
            }
            if (total > maxBuckets) throw new TooManyPoints(maxBuckets);
            out.sort(Comparator.comparing(BucketSeries::labels));
            return out;
        });
    }

    /** When, and within which limits, a shard evaluates its part of an aggregation. */
    record Part(long start, long end, long step, long maxPoints, long timeoutMillis) {}

    /**
     * Every shard's partials of {@code aggregation}, which each shard receives as PromQL text; fails with
     * {@link QueryException.TooManySamples} when a shard would read more than its share of the points, with
     * {@link QueryException.Timeout} when a shard ran out of time, with {@link QueryException} for any other failure.
     */
    CompletionStage<List<List<PartialAggregation.Group>>> partials(
            TenantShards tenant, Expr.Aggregate aggregation, Part part) {
        String text = PromqlPrinter.print(aggregation);
        long perShard = shards.share(tenant, part.maxPoints());
        List<List<Matcher>> selectors = List.of(Pushdown.selector(aggregation));
        Function<ActorRef<Partials>, AggregatePartially> command = replyTo -> new AggregatePartially(
                text, part.start(), part.end(), part.step(), perShard, part.timeoutMillis(), replyTo);
        List<CompletableFuture<Partials>> asks = shards.ask(
                tenant,
                selectors,
                new Partials(List.of(), false, false, null),
                EveryShard.atMostBytes(selectors, text),
                command::apply,
                storage -> ShardQueries.partial(storage, command.apply(null)));
        return EveryShard.all(asks).thenApply(done -> {
            List<List<PartialAggregation.Group>> perShardGroups = new ArrayList<>(asks.size());
            for (CompletableFuture<Partials> ask : asks) {
                Partials partials = ask.join();
                if (partials.tooMany()) throw new QueryException.TooManySamples();
                if (partials.timedOut()) throw new QueryException.Timeout(partials.error());
                if (partials.error() != null) throw new QueryException(partials.error());
                List<PartialAggregation.Group> groups =
                        new ArrayList<>(partials.groups().size());
                for (PartialGroup g : partials.groups()) {
                    groups.add(new PartialAggregation.Group(Labels.of(g.labels()), g.values(), g.counts()));
                }
                perShardGroups.add(groups);
            }
            return perShardGroups;
        });
    }
}
