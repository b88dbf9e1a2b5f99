package io.shardview.http.metrics;

import io.shardview.entity.metrics.MetricsShard;
import io.shardview.metrics.index.Labels;
import io.shardview.metrics.promql.evaluation.PartialAggregation;
import io.shardview.metrics.promql.evaluation.QueryException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * Asks every shard of a tenant at once for its part of one aggregation of a query (the shards' side is
 * {@code MetricsShard.AggregatePartially}); what comes back is one partial per group per shard, not raw points.
 */
final class ShardPartials {
    private final ActorSystem<?> system;
    private final MetricsHttpSettings settings;

    ShardPartials(ActorSystem<?> system, MetricsHttpSettings settings) {
        this.system = system;
        this.settings = settings;
    }

    /**
     * Every shard's partials of aggregation {@code aggregation} of {@code query}; fails with
     * {@link SeriesSelect.TooManyPoints} when a shard would read more than twice its share of {@code maxPoints}, with
     * {@link QueryException.Timeout} when a shard ran out of time, with {@link QueryException} for any other failure.
     */
    CompletionStage<List<List<PartialAggregation.Group>>> ask(
            TenantShards shards,
            String query,
            int aggregation,
            long queryStart,
            long queryEnd,
            long start,
            long end,
            long step,
            long maxPoints,
            long timeoutMillis) {
        long perShard = EveryShard.share(settings, maxPoints);
        List<CompletableFuture<MetricsShard.Partials>> asks = EveryShard.ask(
                system,
                settings,
                shards,
                replyTo -> new MetricsShard.AggregatePartially(
                        query, aggregation, queryStart, queryEnd, start, end, step, perShard, timeoutMillis, replyTo));
        return CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new)).thenApply(done -> {
            List<List<PartialAggregation.Group>> perShardGroups = new ArrayList<>(asks.size());
            for (CompletableFuture<MetricsShard.Partials> ask : asks) {
                MetricsShard.Partials partials = ask.join();
                if (partials.tooMany()) throw new SeriesSelect.TooManyPoints(perShard);
                if (partials.timedOut()) throw new QueryException.Timeout(partials.error());
                if (partials.error() != null) throw new QueryException(partials.error());
                List<PartialAggregation.Group> groups =
                        new ArrayList<>(partials.groups().size());
                for (MetricsShard.PartialGroup g : partials.groups()) {
                    groups.add(new PartialAggregation.Group(Labels.of(g.labels()), g.values(), g.counts()));
                }
                perShardGroups.add(groups);
            }
            return perShardGroups;
        });
    }
}
