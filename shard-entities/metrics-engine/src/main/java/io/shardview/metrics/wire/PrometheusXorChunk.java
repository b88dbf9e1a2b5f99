package io.shardview.metrics.wire;

import io.shardview.metrics.chunk.BitReader;
import io.shardview.metrics.chunk.BitWriter;

/**
 * Prometheus's own XOR chunk (tsdb/chunkenc/xor.go), byte for byte, as remote read's streamed answers carry it: the
 * sample count (2 bytes, big-endian), the first timestamp as a signed varint and its value's 64 bits, the second
 * timestamp's delta as an unsigned varint, then each timestamp's delta-of-delta in Prometheus's buckets ({@code 0};
 * {@code 10} + 14 bits; {@code 110} + 17; {@code 1110} + 20; {@code 1111} + 64) and each value XORed with the one
 * before it ({@code 0}; {@code 10} + the bits inside the previous leading/trailing zeros; {@code 11} + 5 bits leading
 * zeros, capped at 31, + 6 bits significant bits, 64 written as 0, + the bits). It differs from the node's own
 * {@link io.shardview.metrics.chunk.XorChunk} in its header, varints and window encoding; a Prometheus chunk holds at most {@link #MAX_SAMPLES}.
 */
public final class PrometheusXorChunk {
    /** Samples per chunk, as Prometheus cuts its chunks. */
    public static final int MAX_SAMPLES = 120;

    private PrometheusXorChunk() {}

    /** The chunk of samples {@code [from, from + n)} of the parallel arrays (time order, 1 to 65,535 samples). */
    public static byte[] encode(long[] times, double[] values, int from, int n) {
        if (n < 1 || n > 0xFFFF) throw new IllegalArgumentException("a chunk holds 1 to 65535 samples, not " + n);
        Stream out = new Stream(16 + n * 2);
        out.writeBits(n, 16);
        long t = times[from];
        long v = Double.doubleToRawLongBits(values[from]);
        signedVarint(out, t);
        out.writeBits(v, 64);
        long delta = 0;
        int leading = 0xff; // none yet: the first XOR writes its own window
        int trailing = 0;
        for (int i = from + 1; i < from + n; i++) {
            long nextDelta = times[i] - t;
            if (i == from + 1) {
                unsignedVarint(out, nextDelta);
            } else {
                timestamp(out, nextDelta - delta);
            }
            long bits = Double.doubleToRawLongBits(values[i]);
            long xor = bits ^ v;
            if (xor == 0) {
                out.writeBit(false);
            } else {
                out.writeBit(true);
                int newLeading = Math.min(Long.numberOfLeadingZeros(xor), 31);
                int newTrailing = Long.numberOfTrailingZeros(xor);
                if (leading != 0xff && newLeading >= leading && newTrailing >= trailing) {
                    out.writeBit(false);
                    out.writeBits(xor >>> trailing, 64 - leading - trailing);
                } else {
                    leading = newLeading;
                    trailing = newTrailing;
                    int significant = 64 - leading - trailing;
                    out.writeBit(true);
                    out.writeBits(leading, 5);
                    out.writeBits(significant, 6); // 64 wraps to 0 in 6 bits, as Prometheus reads it back
                    out.writeBits(xor >>> trailing, significant);
                }
            }
            t = times[i];
            v = bits;
            delta = nextDelta;
        }
        return out.bytes();
    }

    /**
     * Prometheus's bstream, as far as its bytes show it: whole bytes are written by appending a byte after the one
     * written, so a chunk whose last write was of whole bytes at a byte boundary ends in one more, empty byte; bits
     * written one at a time never leave one.
     */
    private static final class Stream {
        private final BitWriter bits;
        private int lastWidth;

        Stream(int bytes) {
            bits = new BitWriter(bytes);
        }

        void writeBits(long value, int n) {
            bits.writeBits(value, n);
            lastWidth = n;
        }

        void writeBit(boolean bit) {
            bits.writeBit(bit);
            lastWidth = 1;
        }

        byte[] bytes() {
            byte[] out = bits.toByteArray();
            boolean emptyTail = bits.bitLength() % 8 == 0 && lastWidth % 8 == 0;
            return emptyTail ? java.util.Arrays.copyOf(out, out.length + 1) : out;
        }
    }

    /** A chunk's samples: times and values. */
    public record Samples(long[] times, double[] values) {}

    /** The samples of a chunk {@link #encode} (or Prometheus) wrote; an IllegalArgumentException for a cut one. */
    public static Samples decode(byte[] chunk) {
        if (chunk.length < 2) throw new IllegalArgumentException("a chunk of " + chunk.length + " bytes");
        int n = ((chunk[0] & 0xff) << 8) | (chunk[1] & 0xff);
        long[] times = new long[n];
        double[] values = new double[n];
        if (n == 0) return new Samples(times, values);
        // Enough zero bytes after the chunk that a reader running past its end reads zeros, caught by the count.
        BitReader in = new BitReader(java.util.Arrays.copyOf(chunk, chunk.length + 16), 2);
        long u = uvarint(in);
        long t = (u >>> 1) ^ -(u & 1);
        long v = in.readBits(64);
        times[0] = t;
        values[0] = Double.longBitsToDouble(v);
        long delta = 0;
        int leading = 0;
        int trailing = 0;
        for (int i = 1; i < n; i++) {
            delta = i == 1 ? uvarint(in) : delta + deltaOfDelta(in);
            t += delta;
            if (in.readBits(1) == 1) {
                if (in.readBits(1) == 1) {
                    leading = (int) in.readBits(5);
                    int significant = (int) in.readBits(6);
                    if (significant == 0) significant = 64;
                    trailing = 64 - leading - significant;
                }
                v ^= in.readBits(64 - leading - trailing) << trailing;
            }
            times[i] = t;
            values[i] = Double.longBitsToDouble(v);
        }
        return new Samples(times, values);
    }

    private static long deltaOfDelta(BitReader in) {
        int width;
        if (in.readBits(1) == 0) return 0;
        else if (in.readBits(1) == 0) width = 14;
        else if (in.readBits(1) == 0) width = 17;
        else if (in.readBits(1) == 0) width = 20;
        else return in.readBits(64);
        long bits = in.readBits(width);
        return bits > 1L << (width - 1) ? bits - (1L << width) : bits;
    }

    private static long uvarint(BitReader in) {
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            long b = in.readBits(8);
            value |= (b & 0x7f) << shift;
            if (b < 0x80) return value;
        }
        throw new IllegalArgumentException("a varint longer than 10 bytes");
    }

    /** A delta-of-delta in Prometheus's buckets. */
    private static void timestamp(Stream out, long dod) {
        if (dod == 0) {
            out.writeBit(false);
        } else if (fits(dod, 14)) {
            out.writeBits(0b10, 2);
            out.writeBits(dod, 14);
        } else if (fits(dod, 17)) {
            out.writeBits(0b110, 3);
            out.writeBits(dod, 17);
        } else if (fits(dod, 20)) {
            out.writeBits(0b1110, 4);
            out.writeBits(dod, 20);
        } else {
            out.writeBits(0b1111, 4);
            out.writeBits(dod, 64);
        }
    }

    /** Prometheus's bitRange: -(2^(n-1) - 1) <= x <= 2^(n-1). */
    private static boolean fits(long x, int n) {
        return -((1L << (n - 1)) - 1) <= x && x <= 1L << (n - 1);
    }

    /** Go's binary.PutVarint: zig-zag, then 7 bits a byte, low first. */
    private static void signedVarint(Stream out, long value) {
        unsignedVarint(out, (value << 1) ^ (value >> 63));
    }

    /** Go's binary.PutUvarint. */
    private static void unsignedVarint(Stream out, long value) {
        while (Long.compareUnsigned(value, 0x80) >= 0) {
            out.writeBits((value & 0x7f) | 0x80, 8);
            value >>>= 7;
        }
        out.writeBits(value, 8);
    }
}
