/**
 * The compiler from a logical plan to a view's dataflow: each plan node becomes operators, each row expression an
 * evaluable closure with PostgreSQL NULL semantics.
 */
package io.shardview.circuit.compiler;
