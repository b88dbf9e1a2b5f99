/**
 * What the ingest edge hands to the metrics side: a parsed request ({@link io.shardview.metrics.ingest.SampleBatch})
 * and its split into one point batch per shard ({@link io.shardview.metrics.ingest.ShardSplit}).
 */
package io.shardview.metrics.ingest;
