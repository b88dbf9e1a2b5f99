package io.shardview.entity.metrics;

import io.shardview.entity.tenant.LostRegions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;

/**
 * A second region for each region's metrics shards ({@code shardview.metrics.replicas = 2}, config/metrics.conf;
 * docs/regions.md, "A copy of each region's metrics"). Each region's shards have a copy in the next region of the
 * cluster, in name order and round, that is not declared lost: the shards {@code tenant.n} of region {@code eu} are
 * copied together in the one entity {@code tenant.copy@eu} of that region, a metrics shard of its own. An append is acknowledged once both the region's shard and its copy
 * journaled it ({@link ShardedAppend}); while the copy's region is declared lost the next region keeps the copy, and
 * with no other region standing the region's shards are written alone. A read of a region declared lost (by its
 * name, or as part of {@code region=*}) is answered from its copy.
 *
 * <p>The copy is written with the same points, not shipped the shard's journal: both judge the points against what
 * they hold, so they store the same points as long as a series' points come in order of arrival to both (one writer
 * per series, as Prometheus's remote_write is). As VictoriaMetrics' {@code -replicationFactor}, copies of concurrent
 * out-of-order writes of one series may differ in the points each kept.
 */
public final class MetricsCopies implements Extension {
    private static final ExtensionId<MetricsCopies> ID = new ExtensionId<>() {
        @Override
        public MetricsCopies createExtension(ActorSystem<?> system) {
            return new MetricsCopies(system);
        }
    };

    /** What separates a shard's entity id from the region whose copy it is. */
    static final char COPY_OF = '@';

    private final ActorSystem<?> system;
    private final int replicas;

    private MetricsCopies(ActorSystem<?> system) {
        this.system = system;
        var config = system.settings().config();
        this.replicas = config.hasPath("shardview.metrics.replicas") ? config.getInt("shardview.metrics.replicas") : 1;
        if (replicas != 1 && replicas != 2) {
            throw new IllegalArgumentException(
                    "shardview.metrics.replicas must be 1 (each region's metrics in that region only) or 2 (and a copy"
                            + " in another region), not " + replicas);
        }
    }

    public static MetricsCopies get(ActorSystem<?> system) {
        return ID.apply(system);
    }

    /** How many regions hold each region's metrics: 1, or 2 with copies. */
    public int replicas() {
        return replicas;
    }

    /** Whether {@code entityId} is the copy of another region's shards ({@link #copyId}). */
    static boolean isCopy(String entityId) {
        return entityId.indexOf(COPY_OF) >= 0;
    }

    /**
     * The entity id of the copy of {@code tenant}'s shards of {@code region}: one entity holds them all, so that the
     * copy of a request is one message to the other region and one event in its journal.
     */
    static String copyId(String tenant, String region) {
        return tenant + ".copy" + COPY_OF + region; // tenant names have no dot: never a shard's id
    }

    /**
     * The region that holds the copy of {@code region}'s shards now: the next region with members after it, in name
     * order and round, that is not declared lost; null without copies or when no other region stands.
     */
    String copyRegionOf(String region) {
        if (replicas < 2) return null;
        return copyRegion(
                region, MetricsRegions.regions(system), LostRegions.get(system).lost());
    }

    /** The region after {@code region} in name order, and round, among {@code regions} not in {@code lost}, or null. */
    static String copyRegion(String region, List<String> regions, Set<String> lost) {
        List<String> candidates = new ArrayList<>();
        for (String other : regions) {
            if (!other.equals(region) && !lost.contains(other)) candidates.add(other);
        }
        if (candidates.isEmpty()) return null;
        candidates.sort(null);
        for (String candidate : candidates) if (candidate.compareTo(region) > 0) return candidate;
        return candidates.get(0);
    }

    /** Whether reads of {@code region} are answered from its copy: it is declared lost and copies are kept. */
    boolean readFromCopy(String region) {
        return replicas >= 2 && LostRegions.get(system).lost(region) && copyRegionOf(region) != null;
    }

    /**
     * The regions a read can name: those with members, and those declared lost whose copies answer for them, in name
     * order.
     */
    List<String> readableRegions() {
        TreeSet<String> regions = new TreeSet<>(MetricsRegions.regions(system));
        if (replicas >= 2) {
            for (String lost : LostRegions.get(system).lost()) if (readFromCopy(lost)) regions.add(lost);
        }
        return List.copyOf(regions);
    }

    /** Whether the copy's region has not answered this node for a few seconds: an append is refused before it starts. */
    boolean silent(String region) {
        return LostRegions.get(system).silent(region);
    }
}
