package io.shardview.http.metrics;

import io.shardview.entity.RetriedAsk;
import io.shardview.entity.large.LargeMessages;
import io.shardview.entity.metrics.MetricsShard;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * A read asked of every metrics shard of a tenant (in one region) at once. A read changes nothing, so each shard is asked again when
 * its home died with the message, until the ask timeout; a command larger than a remoting frame goes in parts.
 */
final class EveryShard {
    private EveryShard() {}

    /**
     * What one shard may read of a request's {@code maxPoints}: twice its even share, as series spread over the shards
     * by hash and a few large series can make the spread uneven.
     */
    static long share(MetricsHttpSettings settings, long maxPoints) {
        return Math.max(1, 2 * maxPoints / settings.shardsPerTenant());
    }

    /** One answer per shard, in shard order. */
    static <T> List<CompletableFuture<T>> ask(
            ActorSystem<?> system,
            MetricsHttpSettings settings,
            TenantShards shards,
            Function<ActorRef<T>, MetricsShard.Command> command) {
        List<CompletableFuture<T>> asks = new ArrayList<>();
        for (int shard = 0; shard < settings.shardsPerTenant(); shard++) {
            var ref = shards.shard(system, shard);
            asks.add(RetriedAsk.ask(
                    system,
                    timeout -> ref.<T>ask(
                            replyTo -> LargeMessages.viaSharding(
                                    system, ref, command.apply(replyTo), MetricsShard.MessagePart::new),
                            timeout),
                    settings.retryAttemptTimeout(),
                    settings.askTimeout()));
        }
        return asks;
    }
}
