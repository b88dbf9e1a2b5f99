package io.shardview.http.metrics;

import com.typesafe.config.Config;
import java.time.Duration;

/** HTTP-side limits of the metrics API, from {@code shardview.metrics} (documented in config/metrics.conf). */
public record MetricsHttpSettings(int shardsPerTenant, int maxSamplesPerRequest, long maxRequestBytes, Duration askTimeout,
    Duration futureTolerance, int maxActiveSeriesPerTenant, Duration retryAttemptTimeout) {

  public static MetricsHttpSettings from(Config config) {
    Config c = config.getConfig("shardview.metrics");
    return new MetricsHttpSettings(c.getInt("shards-per-tenant"), c.getInt("max-samples-per-request"),
        c.getBytes("max-request-bytes"), c.getDuration("ask-timeout"), c.getDuration("future-tolerance"),
        c.getInt("max-active-series-per-tenant"), c.getDuration("retry-attempt-timeout"));
  }
}
