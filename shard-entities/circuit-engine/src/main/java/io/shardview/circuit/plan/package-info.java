/**
 * What the SQL front, its rewrites and the compiler share about a logical plan: marks the parse leaves for
 * PostgreSQL typing, the catalog relations as Calcite sees them, the string types and typmods of a plan's columns,
 * the plan nodes the rewrites add, and which expressions evaluate without a runtime error.
 */
package io.shardview.circuit.plan;
