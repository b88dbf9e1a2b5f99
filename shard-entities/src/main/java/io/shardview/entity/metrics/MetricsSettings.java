package io.shardview.entity.metrics;

import com.typesafe.config.Config;
import io.shardview.metrics.storage.StorageConfig;

/** Settings of metrics shards, from {@code shardview.metrics} (config/metrics.conf documents each key). */
public record MetricsSettings(int shardsPerTenant, StorageConfig storage, int snapshotEveryEvents, int keepSnapshots) {

  public static MetricsSettings from(Config config) {
    Config c = config.getConfig("shardview.metrics");
    StorageConfig storage = new StorageConfig(
        c.getDuration("out-of-order-window").toMillis(),
        c.getInt("chunk-max-points"),
        c.getDuration("chunk-range").toMillis(),
        c.getInt("compacted-chunk-max-points"),
        c.getDuration("raw-retention").toMillis(),
        c.getDuration("rollup-retention").toMillis());
    return new MetricsSettings(c.getInt("shards-per-tenant"), storage, c.getInt("snapshot-every-events"),
        c.getInt("keep-snapshots"));
  }
}
