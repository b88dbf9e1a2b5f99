package io.shardview.circuit.data;

import java.io.DataInput;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;

/**
 * A {@link DataInput} reading a byte array directly, for restoring snapshots. A DataInputStream over a
 * ByteArrayInputStream takes a lock per value read (its read methods are synchronized); a snapshot of
 * millions of rows reads tens of millions of values, so this reader has none.
 */
public final class ByteArrayInput implements DataInput {
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
    public void readFully(byte[] b) throws IOException {
        readFully(b, 0, b.length);
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
    public boolean readBoolean() throws IOException {
        return bytes[take(1)] != 0;
    }

    @Override
    public byte readByte() throws IOException {
        return bytes[take(1)];
    }

    @Override
    public int readUnsignedByte() throws IOException {
        return bytes[take(1)] & 0xFF;
    }

    @Override
    public short readShort() throws IOException {
        int at = take(2);
        return (short) ((bytes[at] << 8) | (bytes[at + 1] & 0xFF));
    }

    @Override
    public int readUnsignedShort() throws IOException {
        return readShort() & 0xFFFF;
    }

    @Override
    public char readChar() throws IOException {
        return (char) readShort();
    }

    @Override
    public int readInt() throws IOException {
        int at = take(4);
        return (bytes[at] << 24)
                | ((bytes[at + 1] & 0xFF) << 16)
                | ((bytes[at + 2] & 0xFF) << 8)
                | (bytes[at + 3] & 0xFF);
    }

    @Override
    public long readLong() throws IOException {
        return ((long) readInt() << 32) | (readInt() & 0xFFFFFFFFL);
    }

    @Override
    public float readFloat() throws IOException {
        return Float.intBitsToFloat(readInt());
    }

    @Override
    public double readDouble() throws IOException {
        return Double.longBitsToDouble(readLong());
    }

    @Override
    public String readLine() {
        throw new UnsupportedOperationException("snapshots hold no text lines");
    }

    @Override
    public String readUTF() throws IOException {
        return DataInputStream.readUTF(this);
    }
}
