package io.shardview.circuit.operator;

import io.shardview.circuit.data.ZSet;
import io.shardview.circuit.error.EvaluationException;
import java.io.ByteArrayOutputStream;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * One node of a view's incremental dataflow: maps the deltas of its inputs in one step to its output
 * delta, updating whatever state it keeps. Steps run single-threaded per view.
 *
 * <p>Steps are undoable, so a batch whose evaluation fails somewhere changes nothing: a step that
 * throws leaves the state as it was, and {@link #undo} reverts a step that completed.
 */
public interface Operator {
    /**
     * The output delta of one step; inputs[i] is the (possibly empty) delta of input i. If it throws
     * (an {@link EvaluationException} for an SQL runtime error), the state is unchanged.
     */
    ZSet step(ZSet[] inputs);

    /**
     * Reverts the state change of the latest completed step, given that step's inputs (steps are
     * undone newest first). Never evaluates an expression, so it cannot fail. Nothing for stateless
     * operators.
     */
    default void undo(ZSet[] inputs) {}

    /** Whether the operator emits rows even on a step whose inputs are all empty (its first step). */
    default boolean needsFirstStep() {
        return false;
    }

    /** Writes the operator's state (nothing for stateless operators). */
    default void writeState(DataOutput out) throws IOException {}

    /**
     * The state as it is now, for a snapshot written later while steps go on. By default the state is
     * encoded now; operators whose state is a map of immutable rows to counts copy references instead.
     */
    default StateImage stateImage() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            writeState(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        byte[] encoded = bytes.toByteArray();
        return out -> out.write(encoded);
    }

    /** Restores the state written by {@link #writeState}. */
    default void readState(DataInput in) throws IOException {}
}
