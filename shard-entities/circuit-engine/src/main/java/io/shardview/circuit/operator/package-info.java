/**
 * The incremental operators, one per file: each maps its inputs' deltas to its output delta in one step, keeps the
 * state it needs (indexes, accumulators), undoes a step of a batch that failed, and writes its state to snapshots.
 */
package io.shardview.circuit.operator;
