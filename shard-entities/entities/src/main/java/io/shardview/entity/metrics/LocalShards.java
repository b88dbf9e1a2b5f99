package io.shardview.entity.metrics;

import io.shardview.metrics.index.LabelPairFilter;
import io.shardview.metrics.index.Matcher;
import io.shardview.metrics.storage.ShardStorage;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;

/**
 * The metrics shards running on this node, each with the filter of the label pairs its series may have, so that a
 * read asks only the shards that may hold a series it selects ({@link EveryShard}): a one-series query asks one or two
 * shards, not all of a tenant's. A shard enters once recovered and leaves when it stops; a shard not running here (on
 * another node, stopped, recovering) is always asked. The filter answers yes for every pair of every series the shard
 * has applied, and a write is acknowledged after its series are applied, so a read that starts after the
 * acknowledgement never leaves out the shard that holds the series. A small read of a shard running here may read its
 * storage on the asking thread ({@link #readHere}) while the shard is not writing.
 */
public final class LocalShards implements Extension {
    private final ConcurrentHashMap<String, Running> running = new ConcurrentHashMap<>();

    /**
     * A shard running here: its pairs, the entity itself (a read asks it directly), its storage as other threads may
     * read it, and when a read last kept it from passivation.
     */
    private static final class Running {
        final LabelPairFilter filter;
        final ActorRef<MetricsProtocol.Command> entity;
        final GuardedStorage storage;
        final AtomicLong keptNanos = new AtomicLong(System.nanoTime());

        Running(LabelPairFilter filter, ActorRef<MetricsProtocol.Command> entity, GuardedStorage storage) {
            this.filter = filter;
            this.entity = entity;
            this.storage = storage;
        }
    }

    private static final ExtensionId<LocalShards> ID = new ExtensionId<>() {
        @Override
        public LocalShards createExtension(ActorSystem<?> system) {
            return new LocalShards();
        }
    };

    /** This node's. */
    public static LocalShards get(ActorSystem<?> system) {
        return ID.apply(system);
    }

    /**
     * Shard {@code entityId} runs here as {@code entity}, its series' pairs in {@code filter}, its storage readable
     * through {@code storage} (null: only by asking the entity).
     */
    void running(
            String entityId, LabelPairFilter filter, ActorRef<MetricsProtocol.Command> entity, GuardedStorage storage) {
        running.put(entityId, new Running(filter, entity, storage));
    }

    /**
     * {@code read} of shard {@code entityId}'s storage, run on this thread, when the shard runs here and is not writing;
     * else null (ask the shard). A shard that stops during the read leaves it reading what it held.
     */
    <T> T readHere(String entityId, Function<ShardStorage, T> read) {
        Running r = running.get(entityId);
        return r == null || r.storage == null ? null : r.storage.tryRead(read);
    }

    /**
     * Shard {@code entityId}'s entity when it runs here, to ask directly (no region or shard actor between), else null.
     * It may stop before a message sent to it arrives: a direct ask that times out is asked again through sharding.
     */
    ActorRef<MetricsProtocol.Command> entity(String entityId) {
        Running r = running.get(entityId);
        return r == null ? null : r.entity;
    }

    /** Shard {@code entityId}, as it ran with {@code filter}, stopped. */
    void stopped(String entityId, LabelPairFilter filter) {
        running.computeIfPresent(entityId, (id, r) -> r.filter == filter ? null : r);
    }

    /** Whether shard {@code entityId} may hold a series matching any of the selectors: it runs elsewhere, or may. */
    boolean mayHold(String entityId, List<List<Matcher>> selectors) {
        Running r = running.get(entityId);
        return r == null || r.filter.mayMatchAny(selectors);
    }

    /**
     * Whether a read that left shard {@code entityId} out should keep it running ({@link MetricsProtocol.KeepRunning}):
     * true at most once every {@code everyNanos}. Sharding passivates an entity that no message reached for its idle
     * timeout; a shard left out of every query would stop, and the next read of something it may hold would wait for
     * its recovery, where before every read kept every shard running.
     */
    boolean keepRunningDue(String entityId, long everyNanos) {
        Running r = running.get(entityId);
        if (r == null) return false;
        long now = System.nanoTime();
        long kept = r.keptNanos.get();
        return now - kept >= everyNanos && r.keptNanos.compareAndSet(kept, now);
    }
}
