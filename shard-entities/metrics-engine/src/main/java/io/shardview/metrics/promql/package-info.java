/**
 * PromQL, in three rooms that depend one way: {@link io.shardview.metrics.promql.parser} (the language: lexer, parser,
 * type checks, the expression tree), {@link io.shardview.metrics.promql.evaluation} (running a tree over series a
 * {@link io.shardview.metrics.promql.evaluation.SeriesSource} selects) and
 * {@link io.shardview.metrics.promql.distributed} (what a query asks of the shards before it is evaluated: the time
 * range each selector reads and the aggregations the shards compute in part).
 */
package io.shardview.metrics.promql;
