package io.shardview.entity.metrics;

import io.shardview.entity.RetriedAsk;
import io.shardview.entity.large.LargeMessages;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * A read asked of every metrics shard of a tenant (in one region) at once. A read changes nothing, so each shard is
 * asked again when its home died with the message, until the ask timeout; a command larger than a remoting frame goes
 * in parts.
 */
final class EveryShard {
    private final ActorSystem<?> system;
    private final int shardsPerTenant;
    private final Duration attemptTimeout;
    private final Duration askTimeout;

    EveryShard(ActorSystem<?> system, int shardsPerTenant, Duration attemptTimeout, Duration askTimeout) {
        this.system = system;
        this.shardsPerTenant = shardsPerTenant;
        this.attemptTimeout = attemptTimeout;
        this.askTimeout = askTimeout;
    }

    /**
     * What one shard may read of a request's {@code maxPoints}: twice its even share, as series spread over the shards
     * by hash and a few large series can make the spread uneven.
     */
    long share(long maxPoints) {
        return Math.max(1, 2 * maxPoints / shardsPerTenant);
    }

    /** One answer per shard, in shard order. */
    <T> List<CompletableFuture<T>> ask(TenantShards shards, Function<ActorRef<T>, MetricsProtocol.Command> command) {
        List<CompletableFuture<T>> asks = new ArrayList<>();
        for (int shard = 0; shard < shardsPerTenant; shard++) {
            var ref = shards.shard(system, shard);
            asks.add(RetriedAsk.ask(
                    system,
                    timeout -> ref.<T>ask(
                            replyTo -> LargeMessages.viaSharding(
                                    system, ref, command.apply(replyTo), MetricsProtocol.MessagePart::new),
                            timeout),
                    attemptTimeout,
                    askTimeout));
        }
        return asks;
    }

    /** Completes once every ask has. */
    static CompletableFuture<Void> all(List<? extends CompletableFuture<?>> asks) {
        return CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new));
    }
}
