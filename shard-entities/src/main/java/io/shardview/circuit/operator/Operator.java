package io.shardview.circuit.operator;

import io.shardview.circuit.ZSet;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * One node of a view's incremental dataflow: maps the deltas of its inputs in one step to its output
 * delta, updating whatever state it keeps. Steps run single-threaded per view.
 */
public interface Operator {
    /** The output delta of one step; inputs[i] is the (possibly empty) delta of input i. */
    ZSet step(ZSet[] inputs);

    /** Whether the operator emits rows even on a step whose inputs are all empty (its first step). */
    default boolean needsFirstStep() {
        return false;
    }

    /** Writes the operator's state (nothing for stateless operators). */
    default void writeState(DataOutput out) throws IOException {
    }

    /** Restores the state written by {@link #writeState}. */
    default void readState(DataInput in) throws IOException {
    }
}
