package io.shardview.persistence;

import java.io.IOException;
import java.io.OutputStream;

/**
 * A serializer that can write an object's bytes to a stream instead of returning them as one array: exactly the bytes
 * {@code toBinary} returns, so what it wrote reads back through the usual {@code fromBinary}. The local snapshot
 * store ({@link StreamingSnapshotStore}) writes snapshots so, to their file, in pieces.
 */
public interface StreamingSerializer {
    /** Whether {@link #toStream} can write this object (else the caller uses {@code toBinary}). */
    boolean streams(Object o);

    /** Writes {@code toBinary(o)}'s bytes to {@code out}, leaving it open. */
    void toStream(Object o, OutputStream out) throws IOException;
}
