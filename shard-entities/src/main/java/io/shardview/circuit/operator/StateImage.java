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
}
