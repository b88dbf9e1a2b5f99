package io.shardview.metrics.chunk;

import java.util.Arrays;

/**
 * A block of unsigned residuals coded with one Golomb-Rice parameter k chosen per block.
 *
 * <p>Why Rice: residuals of decimal mantissas and timestamps are roughly two-sided geometric, for
 * which a Rice code with the best k is within a few percent of the entropy, and it needs no table
 * (a general-purpose compressor pays a frame and table header that dominates 120-point chunks).
 *
 * <p>Layout: 1 bit "all zero" (then nothing more), else 6 bits k and per residual z the quotient
 * {@code z >>> k} in unary and the k low bits. A quotient of {@link #ESCAPE} or more is written as
 * unary(ESCAPE), 6 bits (bit length - 1) and the bits, which bounds the cost of outliers (jumps).
 */
final class RiceBlock {
    static final int ESCAPE = 20;

    private RiceBlock() {}

    /** The parameter chosen for a block and the bits the block will take with it. */
    record Plan(boolean allZero, int k, long bits) implements BlockPlan {
        @Override
        public void write(BitWriter w, long[] z, int n) {
            RiceBlock.write(w, z, n, this);
        }
    }

    /**
     * Chooses k among floor(log2(mean)) - 1 .. + 1 (for geometric-like residuals the optimum is
     * within one of log2 of the mean), summing the quotients of all three candidates in one pass.
     */
    static Plan plan(long[] z, int n) {
        double mean = 0;
        long any = 0;
        for (int i = 0; i < n; i++) {
            mean += unsignedToDouble(z[i]);
            any |= z[i];
        }
        if (any == 0) {
            return new Plan(true, 0, 1);
        }
        mean /= n;
        int k0 = Math.max(0, (mean < 1 ? 0 : (int) Math.floor(Math.log(mean) / Math.log(2))) - 1);
        if (k0 + 2 > 63) {
            return exactPlan(z, n, k0, 63);
        }
        long s0 = 0;
        long s1 = 0;
        long s2 = 0;
        boolean escapes = false;
        for (int i = 0; i < n; i++) {
            long q = z[i] >>> k0;
            s0 += q;
            s1 += q >>> 1;
            s2 += q >>> 2;
            escapes |= q >= ESCAPE;
        }
        if (escapes) { // outliers are written differently: cost them exactly (rare)
            return exactPlan(z, n, k0, k0 + 2);
        }
        // Without escapes a block costs 1 + 6 + sum(q + 1 + k) bits.
        long c0 = 7 + s0 + (long) n * (1 + k0);
        long c1 = 7 + s1 + (long) n * (2 + k0);
        long c2 = 7 + s2 + (long) n * (3 + k0);
        if (c0 <= c1 && c0 <= c2) {
            return new Plan(false, k0, c0);
        }
        return c1 <= c2 ? new Plan(false, k0 + 1, c1) : new Plan(false, k0 + 2, c2);
    }

    private static Plan exactPlan(long[] z, int n, int fromK, int toK) {
        Plan best = null;
        for (int k = fromK; k <= toK; k++) {
            long bits = 7;
            for (int i = 0; i < n; i++) {
                long q = z[i] >>> k;
                bits += q < ESCAPE ? q + 1 + k : ESCAPE + 1 + 6 + 64 - Long.numberOfLeadingZeros(z[i]);
            }
            if (best == null || bits < best.bits()) {
                best = new Plan(false, k, bits);
            }
        }
        return best;
    }

    /** Writes {@code z[0..n)} as planned by {@link #plan}. */
    static void write(BitWriter w, long[] z, int n, Plan plan) {
        w.writeBit(plan.allZero());
        if (plan.allZero()) {
            return;
        }
        int k = plan.k();
        w.writeBits(k, 6);
        for (int i = 0; i < n; i++) {
            long q = z[i] >>> k;
            if (q < ESCAPE && q + 1 + k <= 64) {
                // q ones, a zero, then the k low bits, as one field
                long low = k == 0 ? 0 : z[i] & (-1L >>> (64 - k));
                w.writeBits((((1L << q) - 1) << (k + 1)) | low, (int) q + 1 + k);
            } else if (q < ESCAPE) {
                w.writeUnary((int) q);
                w.writeBits(z[i], k);
            } else {
                int len = 64 - Long.numberOfLeadingZeros(z[i]);
                w.writeUnary(ESCAPE);
                w.writeBits(len - 1, 6);
                w.writeBits(z[i], len);
            }
        }
    }

    /** Reads {@code n} residuals into {@code out} from index {@code at}. */
    static void read(BitReader r, long[] out, int at, int n) {
        if (!readUnlessZero(r, out, at, n)) {
            Arrays.fill(out, at, at + n, 0L);
        }
    }

    /**
     * Reads {@code n} residuals into {@code out} from index {@code at}, or, for a block of zeros (regular timestamps),
     * writes nothing and answers false.
     */
    static boolean readUnlessZero(BitReader r, long[] out, int at, int n) {
        if (r.readBit()) {
            return false;
        }
        int k = (int) r.readBits(6);
        for (int i = at; i < at + n; i++) {
            int q = r.readUnary();
            if (q < ESCAPE) {
                out[i] = ((long) q << k) | r.readBits(k);
            } else if (q == ESCAPE) {
                out[i] = r.readBits((int) r.readBits(6) + 1);
            } else {
                throw new IllegalArgumentException("corrupt chunk: Rice quotient " + q);
            }
        }
        return true;
    }

    private static double unsignedToDouble(long v) {
        return v >= 0 ? v : (v >>> 1) * 2.0;
    }
}
