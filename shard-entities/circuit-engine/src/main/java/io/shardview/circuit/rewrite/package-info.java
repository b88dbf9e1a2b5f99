/**
 * Rewrites of the logical plan before and around Calcite's decorrelator, each for one subquery shape it gets wrong
 * or PostgreSQL reads differently (IN, NOT IN, EXISTS, scalar and ordered-first subqueries), or that must be
 * refused.
 */
package io.shardview.circuit.rewrite;
