/**
 * The circuit engine's facade: {@link io.shardview.circuit.Circuit} (one tenant's tables, views and version),
 * {@link io.shardview.circuit.PreparedSql} (a SQL request parsed and planned, ready to apply) and the results they
 * return. Plain Java, owned by one entity. Layers, from the bottom: error, pg, data, operator, catalog, table,
 * batch, plan, rewrite, sql, compiler, view, snapshot (docs/circuit-engine.md).
 */
package io.shardview.circuit;
