package io.shardview.persistence;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * A serializer that can write an object's bytes to a stream instead of returning them as one array: exactly the bytes
 * {@code toBinary} returns, so what it wrote reads back through the usual {@code fromBinary}; and that can read them
 * back from a stream. The local snapshot store ({@link StreamingSnapshotStore}) writes and reads snapshots so, in
 * pieces.
 */
public interface StreamingSerializer {
    /** Whether {@link #toStream} can write this object (else the caller uses {@code toBinary}). */
    boolean streams(Object o);

    /** Writes {@code toBinary(o)}'s bytes to {@code out}, leaving it open. */
    void toStream(Object o, OutputStream out) throws IOException;

    /** Whether {@link #fromStream} can read what was written under this manifest (else the caller uses fromBinary). */
    boolean readsStreams(String manifest);

    /** Reads an object from what {@code toBinary} wrote, to the stream's end (as {@code fromBinary} does). */
    Object fromStream(InputStream in, String manifest) throws IOException;
}
