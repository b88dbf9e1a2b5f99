/**
 * The metrics endpoints of a tenant: ingest in every format ({@link io.shardview.http.metrics.MetricsRoutes}, parsed
 * whole, then stored through {@link io.shardview.entity.metrics.ShardedAppend}), the Prometheus query and metadata API
 * and VictoriaMetrics' export (parameters parsed here, run below the edge by
 * {@link io.shardview.entity.metrics.ShardedQuery}, rendered here in Prometheus's shapes).
 */
package io.shardview.http.metrics;
