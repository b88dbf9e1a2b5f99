/**
 * The node: the {@code shardview} command line and {@code serve}, and {@link io.shardview.node.ShardviewNode}, which
 * starts the actor system on the node's configuration, joins the cluster, starts sharding with its modules' entity
 * types (tenant circuits, metrics shards), serves HTTP (optionally TLS) with the node's own endpoints (/health,
 * /ready, /v1/cluster, /metrics) in front of the modules' routes, and stops all of it in order. Depends on the
 * entities, the HTTP edge, persistence, {@code node.config}, {@code node.membership} and, for the command line,
 * {@code node.journal}; none of those depends on it.
 */
package io.shardview.node;
