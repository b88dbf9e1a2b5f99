package io.shardview.entity.metrics;

import io.shardview.metrics.index.LabelPairFilter;
import io.shardview.metrics.index.Matcher;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;

/**
 * The metrics shards running on this node, each with the filter of the label pairs its series may have, so that a
 * read asks only the shards that may hold a series it selects ({@link EveryShard}): a one-series query asks one or two
 * shards, not all of a tenant's. A shard enters once recovered and leaves when it stops; a shard not running here (on
 * another node, stopped, recovering) is always asked. The filter answers yes for every pair of every series the shard
 * has applied, and a write is acknowledged after its series are applied, so a read that starts after the
 * acknowledgement never leaves out the shard that holds the series.
 */
public final class LocalShards implements Extension {
    private final ConcurrentHashMap<String, LabelPairFilter> running = new ConcurrentHashMap<>();

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

    /** Shard {@code entityId} runs here, its series' pairs in {@code filter}. */
    void running(String entityId, LabelPairFilter filter) {
        running.put(entityId, filter);
    }

    /** Shard {@code entityId}, as it ran with {@code filter}, stopped. */
    void stopped(String entityId, LabelPairFilter filter) {
        running.remove(entityId, filter);
    }

    /** Whether shard {@code entityId} may hold a series matching any of the selectors: it runs elsewhere, or may. */
    boolean mayHold(String entityId, List<List<Matcher>> selectors) {
        LabelPairFilter filter = running.get(entityId);
        return filter == null || filter.mayMatchAny(selectors);
    }
}
