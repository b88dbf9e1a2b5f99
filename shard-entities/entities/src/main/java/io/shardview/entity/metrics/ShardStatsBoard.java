package io.shardview.entity.metrics;

import java.util.concurrent.ConcurrentHashMap;

/**
 * The latest figures of every metrics shard running on this node, for the node's /metrics gauges.
 * Each shard writes only its own entry (on start, every stats-interval, and removes it when it
 * stops), and scrapes read the sums; it is the one structure shards share, and holds no engine
 * state, only numbers.
 */
public final class ShardStatsBoard {
    /**
     * One shard's figures: series held, encoded bytes and points of its sealed chunks, and the events
     * journaled since its latest snapshot (what a recovery would replay).
     */
    public record Stats(long activeSeries, long sealedBytes, long sealedPoints, long eventsSinceSnapshot) {
        static final Stats ZERO = new Stats(0, 0, 0, 0);

        Stats plus(Stats other) {
            return new Stats(
                    activeSeries + other.activeSeries,
                    sealedBytes + other.sealedBytes,
                    sealedPoints + other.sealedPoints,
                    eventsSinceSnapshot + other.eventsSinceSnapshot);
        }
    }

    private final ConcurrentHashMap<String, Stats> shards = new ConcurrentHashMap<>();

    void update(String entityId, Stats stats) {
        shards.put(entityId, stats);
    }

    void remove(String entityId) {
        shards.remove(entityId);
    }

    /** The sum over the shards running here. */
    public Stats total() {
        Stats total = Stats.ZERO;
        for (Stats s : shards.values()) total = total.plus(s);
        return total;
    }
}
