/**
 * Recording and alerting rules evaluated in the cluster: each tenant's rule namespaces ({@link
 * io.shardview.entity.rules.TenantRules}, one entity per tenant) and each of their groups ({@link
 * io.shardview.entity.rules.GroupRuler}, one entity per group), which evaluates its rules at Prometheus's aligned times
 * through the tenant's metrics shards, stores what they record through the ordinary append path, journals its last
 * evaluation time and alert states, and sends its alerts to Alertmanager ({@link
 * io.shardview.entity.rules.AlertNotifier}). Both are remembered by sharding, so they run without being asked and
 * move with rebalancing and failover.
 */
package io.shardview.entity.rules;
