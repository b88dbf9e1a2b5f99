package io.shardview.http.metrics;

import io.shardview.entity.RetriedAsk;
import io.shardview.entity.large.LargeMessages;
import io.shardview.entity.metrics.MetricsShard;
import io.shardview.entity.metrics.MetricsShard.MatcherSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/** Series of a tenant matching selectors, with their points in a time range, asked of every shard at once. */
final class SeriesSelect {
    private final ActorSystem<?> system;
    private final MetricsHttpSettings settings;

    SeriesSelect(ActorSystem<?> system, MetricsHttpSettings settings) {
        this.system = system;
        this.settings = settings;
    }

    /** Every series matching any selector and holding a point in [startMs, endMs], sorted by labels. */
    CompletionStage<TreeMap<String, MetricsShard.SeriesPoints>> select(
            String tenant, List<List<MatcherSpec>> selectors, long startMs, long endMs) {
        List<CompletableFuture<MetricsShard.Selected>> asks = new ArrayList<>();
        for (List<MatcherSpec> matchers : selectors) {
            for (int shard = 0; shard < settings.shardsPerTenant(); shard++) {
                var ref = ClusterSharding.get(system)
                        .entityRefFor(MetricsShard.ENTITY_KEY, MetricsShard.entityId(tenant, shard));
                // A select changes nothing, so it is sent again when a shard's home died with the message.
                asks.add(RetriedAsk.ask(
                        system,
                        timeout -> ref.<MetricsShard.Selected>ask(
                                replyTo -> LargeMessages.viaSharding(
                                        system,
                                        ref,
                                        new MetricsShard.Select(matchers, startMs, endMs, replyTo),
                                        MetricsShard.MessagePart::new),
                                timeout),
                        settings.retryAttemptTimeout(),
                        settings.askTimeout()));
            }
        }
        return CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new)).thenApply(done -> {
            TreeMap<String, MetricsShard.SeriesPoints> series = new TreeMap<>();
            for (CompletableFuture<MetricsShard.Selected> ask : asks) {
                for (MetricsShard.SeriesPoints s : ask.join().series())
                    series.put(s.labels().toString(), s);
            }
            return series;
        });
    }
}
