package io.shardview.circuit.data;

import java.io.DataInput;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Bytes written in chunks of {@value #CHUNK} bytes, never as one array, and read back as a stream or a
 * {@link DataInput} ({@link #input()}, for restoring a snapshot as {@link ByteArrayInput} does from an array). A
 * tenant's snapshot can be hundreds of megabytes; one array that size is a humongous allocation, and growing or
 * copying it is a single copy no safepoint interrupts, which holds every thread of the node at the next safepoint
 * until it ends (bench/RESULTS.md: up to 310 ms). Chunks stay under half of G1's smallest region, so none is
 * humongous.
 */
public final class ChunkedBytes extends OutputStream {
    public static final int CHUNK = 256 * 1024;

    private final List<byte[]> chunks = new ArrayList<>();
    private byte[] current = new byte[0];
    private int used;
    private long length;

    @Override
    public void write(int b) {
        if (used == current.length) next();
        current[used++] = (byte) b;
        length++;
    }

    @Override
    public void write(byte[] b, int off, int len) {
        while (len > 0) {
            if (used == current.length) next();
            int n = Math.min(len, current.length - used);
            System.arraycopy(b, off, current, used, n);
            used += n;
            off += n;
            len -= n;
            length += n;
        }
    }

    private void next() {
        current = new byte[CHUNK];
        chunks.add(current);
        used = 0;
    }

    public long length() {
        return length;
    }

    /** The bytes written, read back in order (a chunk at a time). */
    public InputStream open() {
        Input input = new Input();
        return new InputStream() {
            @Override
            public int read() throws IOException {
                return input.left == 0 ? -1 : input.readUnsignedByte();
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (len == 0) return 0;
                if (input.left == 0) return -1;
                int n = (int) Math.min(len, input.left);
                input.readFully(b, off, n);
                return n;
            }
        };
    }

    /** The bytes written, read from the start as values (unsynchronized, as {@link ByteArrayInput}). */
    public DataInput input() {
        return new Input();
    }

    /** The bytes as one array (a snapshot restored without having been stored: tests, never the store's path). */
    public byte[] toByteArray() {
        byte[] all = new byte[Math.toIntExact(length)];
        int at = 0;
        for (byte[] c : chunks) {
            int n = (int) Math.min(c.length, length - at);
            System.arraycopy(c, 0, all, at, n);
            at += n;
        }
        return all;
    }

    /**
     * Reads the chunks in order. A value within one chunk is read from it in place; one that crosses into the next
     * chunk is first gathered into a few bytes of its own.
     */
    private final class Input extends SnapshotInput {
        private final byte[] across = new byte[8];
        private byte[] chunk = chunks.isEmpty() ? new byte[0] : chunks.get(0);
        private int next = 1; // the index of the chunk after this one
        private int pos;
        private long left = length; // bytes not yet read
        private byte[] at; // where take's bytes are: chunk, or across

        /** The offset of the next n bytes in {@link #at}. */
        private int take(int n) throws EOFException {
            if (n > left) throw new EOFException("snapshot ends " + left + " bytes on");
            left -= n;
            if (pos + n <= chunk.length) {
                at = chunk;
                int start = pos;
                pos += n;
                return start;
            }
            copy(across, 0, n);
            at = across;
            return 0;
        }

        /** Moves n bytes on, crossing chunks, copying them to b unless it is null; left was checked and counted. */
        private void copy(byte[] b, int off, int n) {
            while (n > 0) {
                if (pos == chunk.length) {
                    chunk = chunks.get(next++);
                    pos = 0;
                }
                int k = Math.min(n, chunk.length - pos);
                if (b != null) System.arraycopy(chunk, pos, b, off, k);
                pos += k;
                off += k;
                n -= k;
            }
        }

        @Override
        public void readFully(byte[] b, int off, int len) throws IOException {
            if (len < 0 || len > left) throw new EOFException("snapshot ends " + left + " bytes on");
            left -= len;
            copy(b, off, len);
        }

        @Override
        public int skipBytes(int n) {
            int skipped = (int) Math.max(0, Math.min(n, left));
            left -= skipped;
            copy(null, 0, skipped);
            return skipped;
        }

        @Override
        public byte readByte() throws IOException {
            int i = take(1);
            return at[i];
        }

        @Override
        public short readShort() throws IOException {
            int i = take(2);
            return (short) ((at[i] << 8) | (at[i + 1] & 0xFF));
        }

        @Override
        public int readInt() throws IOException {
            int i = take(4);
            byte[] b = at;
            return (b[i] << 24) | ((b[i + 1] & 0xFF) << 16) | ((b[i + 2] & 0xFF) << 8) | (b[i + 3] & 0xFF);
        }
    }
}
