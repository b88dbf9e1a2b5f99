package io.shardview.metrics.chunk;

/**
 * The Gorilla baseline codec (Pelkonen et al., VLDB 2015): timestamps as delta-of-delta in
 * milliseconds with variable-width buckets, values as XOR against the previous value's bits.
 *
 * <p>Layout: tag byte {@link #TAG}, point count (var-long), first timestamp (zig-zag var-long),
 * first value (64 raw bits), then per further point a timestamp field and a value field.
 * Timestamp field, dod = (t[i]-t[i-1]) - (t[i-1]-t[i-2]) with the delta before the first taken as 0:
 * {@code 0} for dod 0; {@code 10}+14 bits, {@code 110}+17 bits, {@code 1110}+20 bits (two's
 * complement); {@code 1111}+64 bits otherwise. Value field: {@code 0} if the bits repeat; {@code 10}
 * + the meaningful bits when they fit the previous leading/trailing-zero window; {@code 11} + 5 bits
 * leading zeros + 6 bits (length-1) + the meaningful bits otherwise. All arithmetic wraps, so any
 * sequence of longs and any double bit pattern round-trips exactly.
 */
public final class XorChunk {
    /** Codec tag, the first byte of every XOR chunk. */
    public static final byte TAG = 1;

    private XorChunk() {}

    /** Encodes points {@code [from, from+n)} of the two parallel arrays. */
    public static byte[] encode(long[] ts, double[] values, int from, int n) {
        if (n > Chunks.MAX_POINTS) {
            throw new IllegalArgumentException("chunk of " + n + " points exceeds " + Chunks.MAX_POINTS);
        }
        BitWriter w = new BitWriter(16 + n * 2);
        w.writeBits(TAG, 8);
        w.writeVarLong(n);
        if (n == 0) {
            return w.toByteArray();
        }
        long prevT = ts[from];
        long prevBits = Double.doubleToRawLongBits(values[from]);
        w.writeVarLong(ZigZag.encode(prevT));
        w.writeBits(prevBits, 64);
        long prevDelta = 0;
        int prevLead = -1;
        int prevTrail = 0;
        for (int i = from + 1; i < from + n; i++) {
            long delta = ts[i] - prevT;
            writeDod(w, delta - prevDelta);
            prevDelta = delta;
            prevT = ts[i];

            long bits = Double.doubleToRawLongBits(values[i]);
            long xor = bits ^ prevBits;
            prevBits = bits;
            if (xor == 0) {
                w.writeBit(false);
                continue;
            }
            int lead = Math.min(Long.numberOfLeadingZeros(xor), 31);
            int trail = Long.numberOfTrailingZeros(xor);
            if (prevLead >= 0 && lead >= prevLead && trail >= prevTrail) {
                w.writeBits(0b10, 2);
                w.writeBits(xor >>> prevTrail, 64 - prevLead - prevTrail);
            } else {
                int sig = 64 - lead - trail;
                w.writeBits(0b11, 2);
                w.writeBits(lead, 5);
                w.writeBits(sig - 1, 6);
                w.writeBits(xor >>> trail, sig);
                prevLead = lead;
                prevTrail = trail;
            }
        }
        return w.toByteArray();
    }

    /**
     * A lower bound of {@link #encode}'s length for these values, whatever the timestamps: the header
     * with each var-long at its shortest, at least one bit per timestamp field, and per value field
     * one bit for a repeat, else two control bits plus the span of the XOR's meaningful bits (both
     * value encodings write at least that span). Cheap: one pass of bit counting, no writing.
     */
    static int minEncodedBytes(double[] values, int from, int n) {
        return minEncodedBytes(values, from, n, Integer.MAX_VALUE);
    }

    /**
     * As {@link #minEncodedBytes(double[], int, int)}, but stops counting once the bound reaches
     * {@code enough} bytes (and then returns at least that): the caller only asks whether the XOR
     * encoding could be smaller than a chunk it has.
     */
    static int minEncodedBytes(double[] values, int from, int n, int enough) {
        if (n == 0) {
            return 2;
        }
        long bits = 8 + 8 + 8 + 64; // tag, count, first timestamp, first value
        long enoughBits = 8L * enough;
        long prev = Double.doubleToRawLongBits(values[from]);
        for (int i = from + 1; i < from + n && bits < enoughBits; i++) {
            long cur = Double.doubleToRawLongBits(values[i]);
            long xor = cur ^ prev;
            prev = cur;
            bits += 1 + (xor == 0 ? 1 : 2 + 64 - Long.numberOfLeadingZeros(xor) - Long.numberOfTrailingZeros(xor));
        }
        return (int) ((bits + 7) / 8);
    }

    private static void writeDod(BitWriter w, long dod) {
        if (dod == 0) {
            w.writeBit(false);
        } else if (fits(dod, 14)) {
            w.writeBits(0b10, 2);
            w.writeBits(dod, 14);
        } else if (fits(dod, 17)) {
            w.writeBits(0b110, 3);
            w.writeBits(dod, 17);
        } else if (fits(dod, 20)) {
            w.writeBits(0b1110, 4);
            w.writeBits(dod, 20);
        } else {
            w.writeBits(0b1111, 4);
            w.writeBits(dod, 64);
        }
    }

    private static boolean fits(long v, int bits) {
        return v >= -(1L << (bits - 1)) && v < (1L << (bits - 1));
    }

    /** Returns a cursor over an XOR chunk produced by {@link #encode}. */
    public static ChunkIterator iterator(byte[] chunk) {
        return new Iter(chunk);
    }

    private static final class Iter implements ChunkIterator {
        private final BitReader r;
        private final int count;
        private int read;
        private long t;
        private long delta;
        private long bits;
        private int lead = -1;
        private int trail;

        Iter(byte[] chunk) {
            if (chunk.length == 0 || chunk[0] != TAG) {
                throw new IllegalArgumentException("not an XOR chunk");
            }
            r = new BitReader(chunk, 1);
            long n = r.readVarLong();
            if (n < 0 || n > Chunks.MAX_POINTS) {
                throw new IllegalArgumentException("corrupt XOR chunk: count " + n);
            }
            count = (int) n;
        }

        @Override
        public boolean next() {
            if (read >= count) {
                return false;
            }
            if (read++ == 0) {
                t = ZigZag.decode(r.readVarLong());
                bits = r.readBits(64);
                return true;
            }
            delta += readDod();
            t += delta;
            if (r.readBit()) {
                if (!r.readBit()) {
                    if (lead < 0) {
                        throw new IllegalArgumentException("corrupt XOR chunk: window reused before set");
                    }
                    bits ^= r.readBits(64 - lead - trail) << trail;
                } else {
                    lead = (int) r.readBits(5);
                    int sig = (int) r.readBits(6) + 1;
                    trail = 64 - lead - sig;
                    if (trail < 0) {
                        throw new IllegalArgumentException("corrupt XOR chunk: window exceeds 64 bits");
                    }
                    bits ^= r.readBits(sig) << trail;
                }
            }
            return true;
        }

        private long readDod() {
            if (!r.readBit()) {
                return 0;
            }
            if (!r.readBit()) {
                return signed(r.readBits(14), 14);
            }
            if (!r.readBit()) {
                return signed(r.readBits(17), 17);
            }
            if (!r.readBit()) {
                return signed(r.readBits(20), 20);
            }
            return r.readBits(64);
        }

        private static long signed(long v, int bits) {
            return (v << (64 - bits)) >> (64 - bits);
        }

        @Override
        public long timestamp() {
            return t;
        }

        @Override
        public double value() {
            return Double.longBitsToDouble(bits);
        }
    }
}
