/**
 * What a query asks of a tenant's shards before the serving node evaluates it:
 * {@link io.shardview.metrics.promql.distributed.Pushdown} finds the aggregations the shards can compute in part, and
 * {@link io.shardview.metrics.promql.distributed.SelectorRanges} the time range (or rollup buckets) each other
 * selector reads. Plans only: the asking is the entities' (the metrics query room), the evaluating the evaluation's.
 */
package io.shardview.metrics.promql.distributed;
