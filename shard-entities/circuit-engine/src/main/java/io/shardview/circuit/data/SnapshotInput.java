package io.shardview.circuit.data;

import java.io.DataInput;
import java.io.DataInputStream;
import java.io.IOException;

/**
 * What a {@link DataInput} for restoring snapshots derives from its few primitive reads (a byte, a short, an int, a
 * run of bytes), in big-endian order as {@link java.io.DataOutputStream} wrote them. Its readers ({@link
 * ByteArrayInput}, {@link ChunkedBytes#input()}) take no lock per value, as a DataInputStream does.
 */
abstract class SnapshotInput implements DataInput {
    @Override
    public void readFully(byte[] b) throws IOException {
        readFully(b, 0, b.length);
    }

    @Override
    public boolean readBoolean() throws IOException {
        return readByte() != 0;
    }

    @Override
    public int readUnsignedByte() throws IOException {
        return readByte() & 0xFF;
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

    /** Not part of the snapshot format, which writes strings with writeUTF only (and DataInput's is deprecated). */
    @Override
    public String readLine() {
        throw new UnsupportedOperationException("snapshots hold no text lines");
    }

    @Override
    public String readUTF() throws IOException {
        return DataInputStream.readUTF(this);
    }
}
