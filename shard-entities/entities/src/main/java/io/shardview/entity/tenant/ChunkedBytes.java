package io.shardview.entity.tenant;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Bytes written in chunks of {@value #CHUNK} bytes, never as one array: a tenant's snapshot can be hundreds of
 * megabytes; one array that size is a humongous allocation, and growing or copying it is a single copy no
 * safepoint interrupts, which holds every thread of the node at the next safepoint until it ends (bench/RESULTS.md:
 * up to 310 ms). Chunks stay under half of G1's smallest region, so none is humongous.
 */
final class ChunkedBytes extends OutputStream {
    static final int CHUNK = 256 * 1024;

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

    long length() {
        return length;
    }

    /** The bytes written, read back in order (a chunk at a time). */
    InputStream open() {
        return new InputStream() {
            private int chunk;
            private int at;
            private long left = length;

            @Override
            public int read() {
                if (left == 0) return -1;
                byte b = chunks.get(chunk)[at++];
                advance(1);
                return b & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (len == 0) return 0;
                if (left == 0) return -1;
                int n = (int) Math.min(Math.min(len, CHUNK - at), left);
                System.arraycopy(chunks.get(chunk), at, b, off, n);
                at += n;
                advance(n);
                return n;
            }

            private void advance(int n) {
                left -= n;
                if (at == CHUNK) {
                    chunk++;
                    at = 0;
                }
            }
        };
    }

    /** The bytes as one array (a snapshot restored without having been stored: tests, never the store's path). */
    byte[] toByteArray() {
        byte[] all = new byte[Math.toIntExact(length)];
        int at = 0;
        for (byte[] c : chunks) {
            int n = (int) Math.min(c.length, length - at);
            System.arraycopy(c, 0, all, at, n);
            at += n;
        }
        return all;
    }
}
