package io.shardview.circuit.data;

import java.io.DataInput;
import java.io.EOFException;
import java.io.IOException;

/**
 * A {@link DataInput} reading a byte array directly, for restoring snapshots. A DataInputStream over a
 * ByteArrayInputStream takes a lock per value read (its read methods are synchronized); a snapshot of
 * millions of rows reads tens of millions of values, so this reader has none.
 */
public final class ByteArrayInput extends SnapshotInput {
    private final byte[] bytes;
    private int pos;

    public ByteArrayInput(byte[] bytes) {
        this.bytes = bytes;
    }

    private int take(int n) throws EOFException {
        if (n < 0 || pos + n > bytes.length) throw new EOFException("snapshot ends at byte " + bytes.length);
        int at = pos;
        pos += n;
        return at;
    }

    @Override
    public void readFully(byte[] b, int off, int len) throws IOException {
        System.arraycopy(bytes, take(len), b, off, len);
    }

    @Override
    public int skipBytes(int n) {
        int skipped = Math.max(0, Math.min(n, bytes.length - pos));
        pos += skipped;
        return skipped;
    }

    @Override
    public byte readByte() throws IOException {
        return bytes[take(1)];
    }

    @Override
    public short readShort() throws IOException {
        int at = take(2);
        return (short) ((bytes[at] << 8) | (bytes[at + 1] & 0xFF));
    }

    @Override
    public int readInt() throws IOException {
        int at = take(4);
        return (bytes[at] << 24)
                | ((bytes[at + 1] & 0xFF) << 16)
                | ((bytes[at + 2] & 0xFF) << 8)
                | (bytes[at + 3] & 0xFF);
    }
}
