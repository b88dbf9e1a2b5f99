package io.shardview.metrics.storage;

/**
 * Tunables of one metrics shard, all times in milliseconds.
 *
 * @param outOfOrderWindowMs points older than the shard's newest point by more than this are
 *     rejected (default 1 h)
 * @param chunkMaxPoints the most points a series' head holds: beyond it the head is sealed before
 *     its window is out of reach (default 4096, 64 KiB of raw points; a series scraped every 10 s
 *     holds at most about 1,080, the 3 h of an open window plus the out-of-order window)
 * @param chunkRangeMs points are sealed per aligned window of this length (default 2 h), once no
 *     late point can reach the window any more (its end is older than the series' newest point
 *     minus the out-of-order window), so sparse series still seal and retention can drop whole chunks
 * @param compactedChunkMaxPoints a sealed window is encoded as chunks of at most this many points
 *     (default 1024): longer chunks amortise the chunk header (measured 1.35 -> 1.23 B/pt from 120
 *     to 720 points); a window that got chunks early (a capped or wholly sealed head) has them
 *     merged into such chunks once it is out of reach
 * @param rawRetentionMs raw points older than this are dropped (default 30 days)
 * @param rollupRetentionMs rollup buckets older than this are dropped (default 365 days)
 */
public record StorageConfig(
        long outOfOrderWindowMs,
        int chunkMaxPoints,
        long chunkRangeMs,
        int compactedChunkMaxPoints,
        long rawRetentionMs,
        long rollupRetentionMs) {

    /** Validates: raw data must outlive the out-of-order window plus an hour bucket, so that a
     * late point always finds the raw points of its rollup buckets for recomputation. */
    public StorageConfig {
        if (outOfOrderWindowMs < 0 || chunkMaxPoints < 2 || chunkRangeMs <= 0 || compactedChunkMaxPoints < 2) {
            throw new IllegalArgumentException("bad storage config");
        }
        if (rawRetentionMs < outOfOrderWindowMs + 2 * Resolution.ONE_HOUR.millis()) {
            throw new IllegalArgumentException("raw retention must exceed the out-of-order window + 2 h");
        }
        if (rollupRetentionMs < rawRetentionMs) {
            throw new IllegalArgumentException("rollup retention must be at least the raw retention");
        }
    }

    /** 1 h out-of-order window, heads of up to 4096 points, 2 h windows in chunks of up to 1024 points, 30 d raw, 365 d rollups. */
    public static StorageConfig defaults() {
        long day = 86_400_000L;
        return new StorageConfig(3_600_000L, 4096, 7_200_000L, 1024, 30 * day, 365 * day);
    }
}
