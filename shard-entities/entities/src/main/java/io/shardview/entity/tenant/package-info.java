/**
 * Tenant circuits: the entity ({@link io.shardview.entity.tenant.TenantCircuit}) and its messages
 * ({@link io.shardview.entity.tenant.TenantProtocol}), its state, events and snapshots, its parts (writes, ingest, SQL
 * requests, reads, replication across regions), and what a node uses to reach it: {@link
 * io.shardview.entity.tenant.TenantAsk}, the group-commit client {@link io.shardview.entity.tenant.TenantIngress}, the
 * views' topics, and the node's SQL planner threads.
 */
package io.shardview.entity.tenant;
