/**
 * A batch of ops (insert, update, upsert, delete) validated against the tables without changing them: its net
 * delta per table, or the first op that fails and why.
 */
package io.shardview.circuit.batch;
