/**
 * Runs a parsed PromQL expression with Prometheus 2's semantics: {@link io.shardview.metrics.promql.evaluation.Evaluator}
 * walks the tree over a grid of times, with aggregations, binary operations, function calls (range functions over
 * points or rollup buckets, {@link io.shardview.metrics.promql.evaluation.RollupWindows}), limits and a deadline,
 * reading series from a {@link io.shardview.metrics.promql.evaluation.SeriesSource} (a shard's storage, or what the
 * serving node fetched) and answering a {@link io.shardview.metrics.promql.evaluation.QueryResult}.
 * {@link io.shardview.metrics.promql.evaluation.PartialAggregation} folds an aggregation in two steps, per shard and
 * across shards. Depends on the parser's tree.
 */
package io.shardview.metrics.promql.evaluation;
