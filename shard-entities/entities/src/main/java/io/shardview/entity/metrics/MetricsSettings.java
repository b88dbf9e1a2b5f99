package io.shardview.entity.metrics;

import com.typesafe.config.Config;
import io.shardview.metrics.storage.StorageConfig;

/**
 * Settings of metrics shards, from {@code shardview.metrics} (config/metrics.conf documents each key).
 *
 * @param maxActiveSeriesPerTenant the tenant-wide series limit; each shard enforces its share of it
 * @param snapshotEveryEvents a shard snapshots (and deletes the events the snapshot covers) every this many events
 * @param sealAfterIdle a shard that stored nothing for this long seals its heads, snapshots and deletes the
 *     events the snapshot covers, provided the bytes journaled since its last snapshot are at least
 *     {@code idleSealMinGrowth} times that snapshot's size (or it has none)
 * @param retentionInterval how often a running shard applies retention
 * @param statsInterval how often a running shard publishes its figures for /metrics
 */
public record MetricsSettings(
        int shardsPerTenant,
        StorageConfig storage,
        int snapshotEveryEvents,
        java.time.Duration sealAfterIdle,
        double idleSealMinGrowth,
        int maxActiveSeriesPerTenant,
        java.time.Duration retentionInterval,
        java.time.Duration statsInterval) {

    public MetricsSettings {
        if (shardsPerTenant < 1 || maxActiveSeriesPerTenant < 1 || snapshotEveryEvents < 1) {
            throw new IllegalArgumentException(
                    "shards-per-tenant, max-active-series-per-tenant and snapshot-every-events must be positive");
        }
        if (sealAfterIdle.isNegative() || sealAfterIdle.isZero() || !(idleSealMinGrowth >= 0)) {
            throw new IllegalArgumentException(
                    "seal-after-idle must be positive and idle-seal-min-growth not negative");
        }
    }

    public static MetricsSettings from(Config config) {
        Config c = config.getConfig("shardview.metrics");
        StorageConfig storage = new StorageConfig(
                c.getDuration("out-of-order-window").toMillis(),
                c.getInt("chunk-max-points"),
                c.getDuration("chunk-range").toMillis(),
                c.getInt("compacted-chunk-max-points"),
                c.getDuration("raw-retention").toMillis(),
                c.getDuration("rollup-retention").toMillis());
        return new MetricsSettings(
                c.getInt("shards-per-tenant"),
                storage,
                c.getInt("snapshot-every-events"),
                c.getDuration("seal-after-idle"),
                c.getDouble("idle-seal-min-growth"),
                c.getInt("max-active-series-per-tenant"),
                c.getDuration("retention-interval"),
                c.getDuration("stats-interval"));
    }

    /**
     * The series one shard may hold: ceil(tenant limit / shards), as Cortex and Mimir ingesters split
     * a global limit. Shards are independent entities, so each enforces its share without asking
     * the others; a tenant therefore never holds more than shards x share, which is less than
     * limit + shards, and may be refused slightly before the limit when its series hash unevenly.
     */
    public int maxActiveSeriesPerShard() {
        return (int) ((maxActiveSeriesPerTenant + (long) shardsPerTenant - 1) / shardsPerTenant);
    }
}
