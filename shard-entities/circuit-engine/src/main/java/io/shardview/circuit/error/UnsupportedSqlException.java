package io.shardview.circuit.error;

/** A SQL construct the incremental engine cannot maintain; the message names it. */
public final class UnsupportedSqlException extends RuntimeException {
    public UnsupportedSqlException(String construct) {
        super("unsupported SQL construct: " + construct, null, false, false);
    }
}
