/**
 * PostgreSQL semantics: the column types, their values and comparison, the scalar operations and casts as
 * PostgreSQL computes them, and the Calcite type system, coercion and constant reduction made to follow
 * PostgreSQL.
 */
package io.shardview.circuit.pg;
