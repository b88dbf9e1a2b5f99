/**
 * Metrics shards: the entity ({@link io.shardview.entity.metrics.MetricsShard}, its messages in
 * {@link io.shardview.entity.metrics.MetricsProtocol}, its journal events and binary snapshots, the pruner that deletes
 * what a snapshot holds), and the two faces a serving node uses: {@link io.shardview.entity.metrics.ShardedAppend}
 * (a parsed request split per shard and stored) and {@link io.shardview.entity.metrics.ShardedQuery} (PromQL planned,
 * asked of every shard, evaluated; series for the metadata endpoints and export). The shards' side of reads is
 * {@link io.shardview.entity.metrics.ShardQueries}.
 */
package io.shardview.entity.metrics;
