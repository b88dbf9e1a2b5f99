package io.shardview.bench.cluster;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.Address;
import scala.concurrent.Await;
import scala.concurrent.Future;
import scala.concurrent.duration.Duration;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Which node holds which shard, changed only the way the shard coordinator changes it: a shard is
 * placed by the strategy's {@code allocateShard}, and a rebalance round hands off the shards the
 * strategy's {@code rebalance} picks and places each of them again with {@code allocateShard}.
 */
final class ShardPlacement {
    /** Rounds after which a placement that still moves shards is reported as not settling. */
    static final int MAX_ROUNDS = 200;

    private static final Duration NOW = Duration.create(10, TimeUnit.SECONDS);

    private final FixedMembershipStrategy strategy;
    private final LinkedHashMap<Address, FakeRegion> regions = new LinkedHashMap<>();
    private final LinkedHashMap<FakeRegion, List<String>> shards = new LinkedHashMap<>();

    ShardPlacement(FixedMembershipStrategy strategy) {
        this.strategy = strategy;
    }

    /** A copy to run another scenario from; both share the strategy, whose membership the caller sets. */
    ShardPlacement copy() {
        ShardPlacement copy = new ShardPlacement(strategy);
        copy.regions.putAll(regions);
        shards.forEach((region, ids) -> copy.shards.put(region, new ArrayList<>(ids)));
        return copy;
    }

    List<Address> nodes() {
        return new ArrayList<>(regions.keySet());
    }

    /** A node is Up and its region has registered with the coordinator, holding no shards yet. */
    void join(Address node) {
        FakeRegion region = new FakeRegion(node);
        regions.put(node, region);
        shards.put(region, new ArrayList<>());
        strategy.membersUp(nodes());
    }

    /**
     * A node has left: its region is gone from the coordinator's state and from the membership, and its
     * shards are placed again on the remaining nodes. Returns how many shards that moved.
     */
    int leave(Address node) {
        List<String> orphans = shards.remove(regions.remove(node));
        strategy.membersUp(nodes());
        for (String shard : orphans) allocate(shard);
        return orphans.size();
    }

    /** Places a shard that has no node (its first message arrived, or its node handed it off). */
    void allocate(String shard) {
        ActorRef requester = shards.keySet().iterator().next();
        ActorRef region = await(strategy.allocateShard(requester, shard, current()));
        shards.get((FakeRegion) region).add(shard);
    }

    /**
     * One rebalance round: the shards the strategy picks are handed off, then placed again one at a
     * time. Returns how many it picked (0: the placement is stable).
     */
    int rebalanceRound() {
        scala.collection.immutable.Set<String> picked =
                await(strategy.rebalance(current(), scala.collection.immutable.Set$.MODULE$.empty()));
        List<String> moving = new ArrayList<>(CollectionConverters.asJava(picked));
        // The coordinator places them as their next messages arrive; in shard-id order here.
        moving.sort(Comparator.comparingInt(Integer::parseInt));
        for (List<String> ids : shards.values()) ids.removeAll(moving);
        for (String shard : moving) allocate(shard);
        return moving.size();
    }

    /** Rebalance rounds until one picks nothing, or MAX_ROUNDS. */
    Settling settle() {
        int rounds = 0;
        int moved = 0;
        for (int picked; rounds < MAX_ROUNDS && (picked = rebalanceRound()) > 0; rounds++) moved += picked;
        return new Settling(rounds, moved, rounds < MAX_ROUNDS);
    }

    int minPerNode() {
        return shards.values().stream().mapToInt(List::size).min().orElse(0);
    }

    int maxPerNode() {
        return shards.values().stream().mapToInt(List::size).max().orElse(0);
    }

    int shardCount() {
        return shards.values().stream().mapToInt(List::size).sum();
    }

    /** How rebalancing went: rounds that moved something, shards moved, and whether it stopped. */
    record Settling(int rounds, int moved, boolean stable) {}

    private scala.collection.immutable.Map<ActorRef, scala.collection.immutable.IndexedSeq<String>> current() {
        scala.collection.immutable.Map<ActorRef, scala.collection.immutable.IndexedSeq<String>> map =
                scala.collection.immutable.Map$.MODULE$.empty();
        for (Map.Entry<FakeRegion, List<String>> e : shards.entrySet()) {
            map = map.updated(
                    e.getKey(), CollectionConverters.asScala(e.getValue()).toIndexedSeq());
        }
        return map;
    }

    private static <T> T await(Future<T> future) {
        try {
            return Await.result(future, NOW);
        } catch (Exception e) {
            throw new IllegalStateException("the strategy did not answer", e);
        }
    }
}
