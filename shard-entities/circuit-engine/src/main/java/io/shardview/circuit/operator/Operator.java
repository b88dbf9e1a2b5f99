package io.shardview.circuit.operator;

import io.shardview.circuit.budget.BudgetExceeded;
import io.shardview.circuit.budget.Work;
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
     * As {@link #step(ZSet[])}, metered: an operator whose output may be far larger than its inputs (a join)
     * checks {@code work} as it builds the output and stops with {@link BudgetExceeded}, its state unchanged,
     * as soon as the request passes its rows budget. The caller reports the output itself.
     */
    default ZSet step(ZSet[] inputs, Work work) {
        return step(inputs);
    }

    /**
     * The entries of state the operator holds (rows of its arrangements, groups, distinct rows), counted as they
     * come and go, never by walking the state: for the tenant's state budget. 0 for stateless operators.
     */
    default long stateRows() {
        return 0;
    }

    /** The estimated bytes of that state (see {@link io.shardview.circuit.data.Row#estimatedBytes}). */
    default long stateBytes() {
        return stateRows() * ENTRY_BYTES;
    }

    /**
     * The bytes an operator that does not weigh its entries one by one counts per entry: a hash-map entry, a
     * key row of a few values, and a count or an accumulator.
     */
    long ENTRY_BYTES = 160;

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
