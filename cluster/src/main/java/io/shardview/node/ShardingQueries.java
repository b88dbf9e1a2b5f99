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

    /**
     * Entity type name -> node address -> number of shards hosted there, for the nodes of every region (sharding runs
     * per region: each region's coordinator is asked). Fails if this region's coordinator does not answer; a region
     * that does not answer in time (cut off) is left out.
     */
    CompletionStage<Map<String, Map<String, Integer>>> shardCounts() {
        Map<String, Map<String, Integer>> result = new TreeMap<>();
        List<CompletableFuture<?>> asks = new java.util.ArrayList<>();
        for (EntityType type : entityTypes) {
            result.put(type.key().name(), new TreeMap<>());
            asks.add(stats(type).thenAccept(stats -> add(result, type, stats)).toCompletableFuture());
            for (String region : otherRegions()) {
                asks.add(statsIn(type, region)
                        .thenAccept(stats -> add(result, type, stats))
                        .exceptionally(cutOff -> null)
                        .toCompletableFuture());
            }
        }
        return CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new)).thenApply(done -> result);
    }

    private static void add(Map<String, Map<String, Integer>> result, EntityType type, ClusterShardingStats stats) {
        synchronized (result) {
            Map<String, Integer> perNode = result.get(type.key().name());
            stats.getRegions()
                    .forEach((address, region) ->
                            perNode.put(address.toString(), region.getStats().size()));
        }
    }

    private List<String> otherRegions() {
        if (!system.settings().config().getString("pekko.actor.provider").equals("cluster")) return List.of();
        var cluster = org.apache.pekko.cluster.typed.Cluster.get(system);
        String self = cluster.selfMember().dataCenter();
        return cluster.state().getAllDataCenters().stream()
                .filter(region -> !region.equals(self))
                .filter(region -> !cluster.state().getUnreachableDataCenters().contains(region))
                .sorted()
                .toList();
    }

    /** The shard statistics of another region, asked of its coordinator through this node's proxy to it. */
    private CompletionStage<ClusterShardingStats> statsIn(EntityType type, String region) {
        startProxy(type.key(), region);
        org.apache.pekko.actor.ActorRef proxy = org.apache.pekko.cluster.sharding.ClusterSharding.get(
                        org.apache.pekko.actor.typed.javadsl.Adapter.toClassic(system))
                .shardRegionProxy(type.key().name(), region);
        return org.apache.pekko.pattern.Patterns.ask(
                        proxy,
                        new org.apache.pekko.cluster.sharding.ShardRegion.GetClusterShardingStats(
                                scala.concurrent.duration.FiniteDuration.fromNanos(timeout.toNanos())),
                        timeout.plusSeconds(1))
                .thenApply(ClusterShardingStats.class::cast);
    }

    /**
     * Stops this node's proxies to other regions' shards (the tenant replicas' and {@link #statsIn}'s), before
     * sharding shuts down: a proxy holding a message for a region that is gone would otherwise keep the node's
     * shutdown waiting for the whole sharding phase. What they hold is dropped; its senders retry.
     */
    void stopProxiesToOtherRegions() {
        List<String> started;
        synchronized (this) {
            started = List.copyOf(proxied);
        }
        stopProxies(system, started);
    }

    /** Stops the proxies named {@code type@region} that this node started (see {@link #stopProxiesToOtherRegions}). */
    static void stopProxies(ActorSystem<?> system, java.util.Collection<String> typesAtRegions) {
        var classic = org.apache.pekko.cluster.sharding.ClusterSharding.get(
                org.apache.pekko.actor.typed.javadsl.Adapter.toClassic(system));
        for (String typeAtRegion : typesAtRegions) {
            int at = typeAtRegion.lastIndexOf('@');
            classic.shardRegionProxy(typeAtRegion.substring(0, at), typeAtRegion.substring(at + 1))
                    .tell(org.apache.pekko.actor.PoisonPill.getInstance(), org.apache.pekko.actor.ActorRef.noSender());
        }
    }

    /** A proxy to {@code key}'s shards in {@code region}, started once (as the tenant replicas start theirs). */
    private synchronized <M> void startProxy(
            org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey<M> key, String region) {
        if (!proxied.add(key.name() + "@" + region)) return;
        ClusterSharding.get(system)
                .init(org.apache.pekko.cluster.sharding.typed.javadsl.Entity.of(
                                key, context -> org.apache.pekko.actor.typed.javadsl.Behaviors.<M>empty())
                        .withDataCenter(region));
    }

    private final java.util.Set<String> proxied = new java.util.HashSet<>();

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
