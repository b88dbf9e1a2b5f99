package io.shardview.metrics.chunk;

import java.util.Arrays;

/**
 * Appends bit fields most-significant-bit first into a growable byte array.
 *
 * <p>Bits are gathered in a 64-bit accumulator and flushed a whole byte at a time, so the common
 * case (short fields) touches the array once per 8 bits written.
 */
public final class BitWriter {
    private byte[] buf;
    private int bytes; // complete bytes in buf
    private long acc; // pending bits, right-aligned
    private int accBits; // number of pending bits, always < 8 between calls

    /** Creates a writer with room for about {@code initialBytes} before growing. */
    public BitWriter(int initialBytes) {
        buf = new byte[Math.max(16, initialBytes)];
    }

    /** Writes the low {@code n} bits of {@code value}, 0 <= n <= 64. */
    public void writeBits(long value, int n) {
        if (n > 56) { // the accumulator holds at most 7 pending bits, so split wide fields
            writeBits(value >>> 32, n - 32);
            writeBits(value, 32);
            return;
        }
        if (n == 0) {
            return;
        }
        acc = (acc << n) | (value & (-1L >>> (64 - n)));
        accBits += n;
        if (accBits >= 8) {
            ensure(8);
            while (accBits >= 8) {
                accBits -= 8;
                buf[bytes++] = (byte) (acc >>> accBits);
            }
        }
    }

    /** Writes one bit. */
    public void writeBit(boolean bit) {
        writeBits(bit ? 1 : 0, 1);
    }

    /** Writes {@code count} one-bits followed by a zero-bit (unary code of {@code count}). */
    public void writeUnary(int count) {
        while (count >= 32) {
            writeBits(0xFFFF_FFFFL, 32);
            count -= 32;
        }
        writeBits(((1L << count) - 1) << 1, count + 1);
    }

    /** Writes an unsigned value as a 7-bit bit-length followed by that many bits (7 bits for 0). */
    public void writeVarLong(long value) {
        int len = 64 - Long.numberOfLeadingZeros(value);
        writeBits(len, 7);
        writeBits(value, len);
    }

    /** Number of bits written so far. */
    public long bitLength() {
        return (long) bytes * 8 + accBits;
    }

    /** Returns the written bits, the last byte zero-padded. */
    public byte[] toByteArray() {
        byte[] out = Arrays.copyOf(buf, bytes + (accBits > 0 ? 1 : 0));
        if (accBits > 0) {
            out[bytes] = (byte) (acc << (8 - accBits));
        }
        return out;
    }

    private void ensure(int more) {
        if (bytes + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, bytes + more));
        }
    }
}
