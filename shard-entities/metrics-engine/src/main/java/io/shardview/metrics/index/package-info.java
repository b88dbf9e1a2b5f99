/**
 * Series identity and lookup within a shard: {@link io.shardview.metrics.index.Labels} (canonical
 * label sets with a stable hash and shard choice), {@link io.shardview.metrics.index.Postings}
 * (sorted series-id lists), {@link io.shardview.metrics.index.LabelIndex} (label=value to
 * postings, PromQL matchers) and {@link io.shardview.metrics.index.SeriesRegistry}.
 */
package io.shardview.metrics.index;
