/**
 * The SQL front: parses and validates a SELECT with Calcite against the catalog, PostgreSQL style, converts it to
 * a logical plan, decorrelates it and applies the rewrites.
 */
package io.shardview.circuit.sql;
