package io.shardview.bench.cluster;

import org.apache.pekko.actor.Address;

/**
 * How Pekko's least-shard allocation strategy, with the cluster profile's settings (100 shards,
 * rebalance-absolute-limit 20, rebalance-relative-limit 0.1), places and rebalances shards over 10
 * to 100 nodes: after the first placement, when one node joins, when one node leaves, and when
 * N-1 nodes join a node that already holds every shard. Only the strategy is real: membership,
 * hand-offs and message arrival are modeled (see {@link ShardPlacement}).
 *
 * <p>Usage: {@code bench/allocation-simulation [--nodes 10,20,50,100]}
 */
public final class AllocationSimulation {
    static final int SHARDS = 100;
    static final int ABSOLUTE_LIMIT = 20;
    static final double RELATIVE_LIMIT = 0.1;

    public static void main(String[] args) {
        String nodes = args.length == 2 && args[0].equals("--nodes") ? args[1] : "10,20,50,100";
        System.out.printf(
                "least-shard allocation, %d shards, absolute limit %d, relative limit %.1f%n",
                SHARDS, ABSOLUTE_LIMIT, RELATIVE_LIMIT);
        System.out.println("| nodes | first placement min/max | 1 node joins: rounds, moved, min/max |"
                + " 1 node leaves: handed off + rebalance rounds, moved, min/max |"
                + " N-1 join a node holding all: rounds, moved, min/max |");
        System.out.println("|---|---|---|---|---|");
        for (String n : nodes.split(",")) System.out.println(row(Integer.parseInt(n.trim())));
    }

    /** One table row for a cluster of {@code n} nodes. */
    static String row(int n) {
        ShardPlacement balanced = firstPlacement(n);
        ShardPlacement.Settling settled = balanced.settle();
        String first = balanced.minPerNode() + "/" + balanced.maxPerNode() + " (then " + describe(settled) + ")";

        ShardPlacement joined = balanced.copy();
        joined.join(node(n));
        ShardPlacement.Settling join = joined.settle();

        ShardPlacement left = balanced.copy();
        int handedOff = left.leave(node(0));
        ShardPlacement.Settling leave = left.settle();

        ShardPlacement cold = coldStart(n);
        ShardPlacement.Settling coldJoin = cold.settle();

        return String.format(
                "| %d | %s | %s, %d/%d | %d + %s, %d/%d | %s, %d/%d |",
                n,
                first,
                describe(join),
                joined.minPerNode(),
                joined.maxPerNode(),
                handedOff,
                describe(leave),
                left.minPerNode(),
                left.maxPerNode(),
                describe(coldJoin),
                cold.minPerNode(),
                cold.maxPerNode());
    }

    /** All n nodes are Up before the first message, then shards 0..99 get their first message in order. */
    static ShardPlacement firstPlacement(int n) {
        ShardPlacement placement = new ShardPlacement(strategy());
        for (int i = 0; i < n; i++) placement.join(node(i));
        for (int shard = 0; shard < SHARDS; shard++) placement.allocate(String.valueOf(shard));
        return placement;
    }

    /** Node 0 alone received traffic for every shard; then the other n-1 nodes are Up together. */
    static ShardPlacement coldStart(int n) {
        ShardPlacement placement = new ShardPlacement(strategy());
        placement.join(node(0));
        for (int shard = 0; shard < SHARDS; shard++) placement.allocate(String.valueOf(shard));
        for (int i = 1; i < n; i++) placement.join(node(i));
        return placement;
    }

    static FixedMembershipStrategy strategy() {
        return new FixedMembershipStrategy(ABSOLUTE_LIMIT, RELATIVE_LIMIT);
    }

    static Address node(int i) {
        return new Address("pekko", "shardview", "10.0." + (i / 250) + "." + (i % 250 + 1), 25520);
    }

    private static String describe(ShardPlacement.Settling s) {
        return s.rounds() + " rounds, " + s.moved() + " moved" + (s.stable() ? "" : " (NOT stable)");
    }
}
