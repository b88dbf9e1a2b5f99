package io.shardview.node;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.sharding.ShardRegion.ClusterShardingStats;
import org.apache.pekko.cluster.sharding.typed.GetClusterShardingStats;
import org.apache.pekko.cluster.sharding.typed.HashCodeMessageExtractor;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/** Asks the shard coordinators how many shards each node hosts, per entity type. */
final class ShardingQueries {
    private final ActorSystem<?> system;
    private final List<EntityType> entityTypes;
    private final Duration timeout;

    ShardingQueries(ActorSystem<?> system, List<EntityType> entityTypes, Duration timeout) {
        this.system = system;
        this.entityTypes = List.copyOf(entityTypes);
        this.timeout = timeout;
    }

    /** Entity type name -> node address -> number of shards hosted there. Fails if a coordinator does not answer. */
    CompletionStage<Map<String, Map<String, Integer>>> shardCounts() {
        Map<String, Map<String, Integer>> result = new TreeMap<>();
        CompletableFuture<?>[] asks = entityTypes.stream()
                .map(type -> stats(type)
                        .thenAccept(stats -> {
                            Map<String, Integer> perNode = new TreeMap<>();
                            stats.getRegions()
                                    .forEach((address, region) -> perNode.put(
                                            address.toString(),
                                            region.getStats().size()));
                            synchronized (result) {
                                result.put(type.key().name(), perNode);
                            }
                        })
                        .toCompletableFuture())
                .toArray(CompletableFuture[]::new);
        return CompletableFuture.allOf(asks).thenApply(done -> result);
    }

    List<String> typeNames() {
        return entityTypes.stream().map(t -> t.key().name()).toList();
    }

    /** Where an entity lives: its shard and the node hosting that shard. */
    record Location(String type, String entity, String shard, String node) {}

    /**
     * The shard of {@code entityId} (the default hash extractor every entity type uses) and the node
     * hosting it now, or a null node when the shard is not allocated yet (no message reached it).
     * Empty when there is no such entity type.
     */
    CompletionStage<Optional<Location>> locate(String typeName, String entityId) {
        Optional<EntityType> type = entityTypes.stream()
                .filter(t -> t.key().name().equals(typeName))
                .findFirst();
        if (type.isEmpty()) return CompletableFuture.completedFuture(Optional.empty());
        int shards = system.settings().config().getInt("pekko.cluster.sharding.number-of-shards");
        String shard = new HashCodeMessageExtractor<Object>(shards).shardId(entityId);
        return stats(type.get()).thenApply(stats -> {
            String node = null;
            for (var region : stats.getRegions().entrySet()) {
                if (region.getValue().getStats().containsKey(shard))
                    node = region.getKey().toString();
            }
            return Optional.of(new Location(typeName, entityId, shard, node));
        });
    }

    private CompletionStage<ClusterShardingStats> stats(EntityType type) {
        return AskPattern.ask(
                ClusterSharding.get(system).shardState(),
                replyTo -> new GetClusterShardingStats(type.key(), timeout, replyTo),
                timeout.plusSeconds(1),
                system.scheduler());
    }
}
