package io.shardview.http.metrics;

import com.typesafe.config.Config;
import io.shardview.metrics.ingest.parse.IngestLimits;
import java.time.Duration;

/** HTTP-side limits of the metrics API, from {@code shardview.metrics} (documented in config/metrics.conf). */
public record MetricsHttpSettings(
        int shardsPerTenant,
        IngestLimits ingestLimits,
        long maxRequestBytes,
        int maxDecodedRequestBytes,
        Duration askTimeout,
        Duration futureTolerance,
        int maxActiveSeriesPerTenant,
        Duration retryAttemptTimeout,
        Duration queryTimeout,
        long maxPointsPerQuery) {

    public static MetricsHttpSettings from(Config config) {
        Config c = config.getConfig("shardview.metrics");
        IngestLimits limits = new IngestLimits(
                c.getInt("max-samples-per-request"),
                c.getInt("max-series-per-request"),
                c.getInt("max-labels-per-series"),
                intBytes(c, "max-label-name-bytes"),
                intBytes(c, "max-label-value-bytes"));
        return new MetricsHttpSettings(
                c.getInt("shards-per-tenant"),
                limits,
                c.getBytes("max-request-bytes"),
                intBytes(c, "max-decoded-request-bytes"),
                c.getDuration("ask-timeout"),
                c.getDuration("future-tolerance"),
                c.getInt("max-active-series-per-tenant"),
                c.getDuration("retry-attempt-timeout"),
                c.getDuration("query-timeout"),
                c.getLong("max-points-per-query"));
    }

    /** A size that an array can hold (under 2 GiB). */
    private static int intBytes(Config c, String key) {
        long bytes = c.getBytes(key);
        if (bytes < 1 || bytes > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(
                    "shardview.metrics." + key + " must be between 1 byte and 2 GiB, got " + bytes);
        }
        return (int) bytes;
    }
}
