/**
 * A parsed ingest request ({@link io.shardview.metrics.ingest.SampleBatch}, which the format parsers of
 * {@code ingest.parse} make from a request body) and its split into one point batch per shard
 * ({@link io.shardview.metrics.ingest.ShardSplit}), what the edge hands to the shards.
 */
package io.shardview.metrics.ingest;
