package io.shardview.circuit.operator;

import java.io.DataOutput;
import java.io.IOException;

/**
 * An operator's state frozen when a snapshot is taken, written later (possibly on another thread)
 * exactly as {@link Operator#writeState} would have written it then.
 */
@FunctionalInterface
public interface StateImage {
    /** Writes the frozen state. */
    void write(DataOutput out) throws IOException;

    /** The images written one after the other (a two-input operator's: left, then right). */
    static StateImage inOrder(StateImage... parts) {
        return out -> {
            for (StateImage part : parts) part.write(out);
        };
    }
}
