package io.shardview.metrics.chunk;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Reads bit fields most-significant-bit first, the inverse of {@link BitWriter}.
 *
 * <p>Reading past the end yields zero bits; codecs carry explicit counts so a well-formed chunk
 * never does, and a truncated one fails its count or bounds checks instead of looping forever.
 */
public final class BitReader {
    private static final VarHandle BIG_ENDIAN_LONG =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private final byte[] buf;
    private int pos; // next byte to load into the accumulator
    private long acc; // buffered bits, right-aligned
    private int accBits;

    /** Reads {@code buf} starting at byte {@code offset}. */
    public BitReader(byte[] buf, int offset) {
        this.buf = buf;
        this.pos = offset;
    }

    /** Reads {@code n} bits, 0 <= n <= 64, as an unsigned value. */
    public long readBits(int n) {
        if (n > 56) {
            long hi = readBits(n - 32);
            return (hi << 32) | readBits(32);
        }
        if (n == 0) {
            return 0;
        }
        if (accBits < n) {
            refill();
        }
        accBits -= n;
        return (acc >>> accBits) & (-1L >>> (64 - n));
    }

    /**
     * Reads {@code n} values of {@code width} bits each (0..64) into {@code out} from index {@code at}. Where eight
     * bytes lie ahead, each value is one load at its bit position, a shift and a mask: no value waits for the one
     * before it to be read, which a loop of {@link #readBits} (a refill every few values) would.
     */
    public void readPacked(long[] out, int at, int n, int width) {
        if (width == 0 || width > 56) {
            for (int i = at; i < at + n; i++) out[i] = readBits(width);
            return;
        }
        long bit = (long) pos * 8 - accBits; // the next unread bit
        long lastWord = (long) buf.length - Long.BYTES; // the last byte a load of eight may start at
        int fast = (bit >>> 3) > lastWord ? 0 : (int) Math.min(n, ((lastWord << 3) + 7 - bit) / width + 1);
        int shift = 64 - width;
        for (int i = at; i < at + fast; i++) {
            long word = (long) BIG_ENDIAN_LONG.get(buf, (int) (bit >>> 3));
            out[i] = (word << (bit & 7)) >>> shift;
            bit += width;
        }
        seek(bit);
        for (int i = at + fast; i < at + n; i++) out[i] = readBits(width);
    }

    /** Moves to absolute bit position {@code bit}. */
    private void seek(long bit) {
        pos = (int) (bit >>> 3);
        acc = 0;
        accBits = 0;
        int within = (int) (bit & 7);
        if (within > 0) {
            refill();
            accBits -= within;
        }
    }

    /** Reads a value written by {@link BitWriter#writeVarLong}. */
    public long readVarLong() {
        int len = (int) readBits(7);
        if (len > 64) {
            throw new IllegalArgumentException("corrupt chunk: var-long of " + len + " bits");
        }
        return readBits(len);
    }

    /** Reads one bit. */
    public boolean readBit() {
        return readBits(1) != 0;
    }

    /** Reads a unary code: the number of one-bits before the next zero-bit. */
    public int readUnary() {
        int count = 0;
        while (true) {
            if (accBits == 0) {
                refill();
            }
            long top = acc << (64 - accBits); // pending bits, left-aligned; garbage above them shifted out
            int ones = Long.numberOfLeadingZeros(~top);
            if (ones < accBits) {
                accBits -= ones + 1;
                return count + ones;
            }
            count += accBits;
            accBits = 0;
        }
    }

    /** Tops the accumulator up with whole bytes to 57-64 bits: eight bytes in one load where the buffer holds them. */
    private void refill() {
        if (pos + Long.BYTES <= buf.length) {
            int bytes = (64 - accBits) >>> 3;
            long word = (long) BIG_ENDIAN_LONG.get(buf, pos);
            acc = bytes == Long.BYTES ? word : (acc << (bytes << 3)) | (word >>> (64 - (bytes << 3)));
            pos += bytes;
            accBits += bytes << 3;
            return;
        }
        while (accBits <= 56) {
            int b = pos < buf.length ? buf[pos] & 0xFF : 0;
            pos++;
            acc = (acc << 8) | b;
            accBits += 8;
        }
    }
}
