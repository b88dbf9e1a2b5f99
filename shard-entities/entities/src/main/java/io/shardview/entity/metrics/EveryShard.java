package io.shardview.entity.metrics;

import io.shardview.entity.RetriedAsk;
import io.shardview.entity.large.LargeMessages;
import io.shardview.metrics.index.Matcher;
import io.shardview.metrics.storage.ShardStorage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;

/**
 * A read asked of every metrics shard of a tenant (in one region) at once, but those of this node that cannot hold
 * what it reads. A small read of a shard running on this node reads its storage on the asking thread (no hand-off at
 * all); a shard running on this node is otherwise asked directly, not through sharding's region and shard actors (two
 * thread hand-offs fewer each way); any other through sharding. A read changes nothing, so each shard is asked again
 * (through sharding) when no answer came, until the ask timeout; a command larger than a remoting frame goes in parts.
 */
final class EveryShard {
    private final ActorSystem<?> system;
    private final int shardsPerTenant;
    private final Duration attemptTimeout;
    private final Duration askTimeout;
    private final LocalShards local;
    /** How often a read that leaves a running shard out keeps it running: a quarter of sharding's idle timeout. */
    private final long keepRunningNanos;

    EveryShard(ActorSystem<?> system, int shardsPerTenant, Duration attemptTimeout, Duration askTimeout) {
        this.system = system;
        this.shardsPerTenant = shardsPerTenant;
        this.attemptTimeout = attemptTimeout;
        this.askTimeout = askTimeout;
        this.local = LocalShards.get(system);
        this.keepRunningNanos = idleTimeout(system).toNanos() / 4;
    }

    /**
     * What one shard may read of a request's {@code maxPoints}: twice its even share, as series spread over the shards
     * by hash and a few large series can make the spread uneven.
     */
    long share(TenantShards shards, long maxPoints) {
        int count = shards.count(shardsPerTenant);
        return count == 1 ? maxPoints : Math.max(1, 2 * maxPoints / count);
    }

    /**
     * At most how many shards a read may ask and still read those running here on the asking thread: a read that
     * reaches a few shards selects few series (series spread over the shards by hash), tens of microseconds of work,
     * less than waking a shard's thread and being woken by its answer; a read of many shards is asked of them all at
     * once, so that they work in parallel.
     */
    static final int READ_HERE_AT_MOST = 2;

    /**
     * One answer per shard, in shard order, to a read of the series {@code selectors} select: a shard running on this
     * node whose series cannot match them ({@link LocalShards}) is not asked and answers {@code none}. When at most
     * {@link #READ_HERE_AT_MOST} shards are left, each running here and not writing is read on this thread by {@code
     * readHere}. The command, which serializes to at most {@code atMostBytes} ({@link #atMostBytes}), goes as it is,
     * or in parts past a frame.
     */
    <T> List<CompletableFuture<T>> ask(
            TenantShards shards,
            List<List<Matcher>> selectors,
            T none,
            long atMostBytes,
            Function<ActorRef<T>, MetricsProtocol.Command> command,
            Function<ShardStorage, T> readHere) {
        boolean onThisNode = shards.region() == null;
        int count = shards.count(shardsPerTenant);
        boolean[] asked = new boolean[count];
        int askedCount = 0;
        for (int shard = 0; shard < count; shard++) {
            String entityId = shards.entityId(shard);
            asked[shard] = !onThisNode || local.mayHold(entityId, selectors);
            if (asked[shard]) askedCount++;
            else if (local.keepRunningDue(entityId, keepRunningNanos)) keepRunning(shards, shard);
        }
        boolean mayReadHere = onThisNode && askedCount <= READ_HERE_AT_MOST;
        List<CompletableFuture<T>> asks = new ArrayList<>(count);
        for (int shard = 0; shard < count; shard++) {
            if (!asked[shard]) {
                asks.add(CompletableFuture.completedFuture(none));
                continue;
            }
            int number = shard;
            String entityId = shards.entityId(shard);
            ActorRef<MetricsProtocol.Command> here = onThisNode ? local.entity(entityId) : null;
            if (here != null && local.keepRunningDue(entityId, keepRunningNanos)) {
                keepRunning(shards, shard); // read or asked directly, the shard counts no message
            }
            if (mayReadHere && here != null) {
                try {
                    T read = local.readHere(entityId, readHere);
                    if (read != null) {
                        asks.add(CompletableFuture.completedFuture(read));
                        continue;
                    }
                } catch (RuntimeException failed) { // a bug reading the storage fails this read, as the shard's would
                    asks.add(CompletableFuture.failedFuture(failed));
                    continue;
                }
            }
            int[] attempts = {0};
            asks.add(RetriedAsk.ask(
                    system,
                    timeout -> {
                        if (here != null && attempts[0]++ == 0) {
                            return AskPattern.<MetricsProtocol.Command, T>ask(
                                    here, command::apply, timeout, system.scheduler());
                        }
                        var ref = shards.shard(system, number);
                        return ref.<T>ask(
                                replyTo -> LargeMessages.viaSharding(
                                        system,
                                        ref,
                                        command.apply(replyTo),
                                        MetricsProtocol.MessagePart::new,
                                        atMostBytes),
                                timeout);
                    },
                    attemptTimeout,
                    askTimeout));
        }
        return asks;
    }

    /** Keeps shard {@code shard} of the tenant running: sharding passivates an entity no message reached for a while. */
    private void keepRunning(TenantShards shards, int shard) {
        shards.shard(system, shard).tell(new MetricsProtocol.KeepRunning());
    }

    /**
     * At most how many bytes a read command carrying {@code selectors} and {@code text} serializes to: three bytes a
     * character (UTF-8 of the BMP), room for the field names around each matcher, and for the numbers and the reply's
     * actor path. Measuring by serializing would cost each of the shards' asks a serialization.
     */
    static long atMostBytes(List<List<Matcher>> selectors, String text) {
        long chars = text.length();
        long matchers = 0;
        for (List<Matcher> selector : selectors) {
            for (Matcher m : selector) {
                chars += m.name().length() + m.value().length();
                matchers++;
            }
        }
        return 3 * chars + 64 * matchers + 4096;
    }

    /** Sharding's idle timeout for entities (2 minutes in config/membership.conf; 2 minutes where not set or off). */
    private static Duration idleTimeout(ActorSystem<?> system) {
        String path = "pekko.cluster.sharding.passivation.default-idle-strategy.idle-entity.timeout";
        var config = system.settings().config();
        try {
            return config.hasPath(path) ? config.getDuration(path) : Duration.ofMinutes(2);
        } catch (com.typesafe.config.ConfigException.BadValue off) {
            return Duration.ofMinutes(2);
        }
    }

    /** Completes once every ask has. */
    static CompletableFuture<Void> all(List<? extends CompletableFuture<?>> asks) {
        return CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new));
    }
}
