package io.shardview.metrics.chunk;

/**
 * A block of unsigned residuals bit-packed at one width, with the few that do not fit patched in after them.
 *
 * <p>Why not only Rice ({@link RiceBlock}): a Rice code's length is known only once its unary quotient is read, so a
 * block decodes one value after another, about 15 cycles each; values of one width decode with a shift and a mask
 * each, several times faster, and a PromQL query over a day of a thousand series spends most of its time decoding. The
 * cost is size: a width must hold the block's largest value, which the patches bound (the best width is chosen with
 * them priced in), a bit or two a value above a Rice code on typical residuals.
 *
 * <p>Layout: 7 bits width b (0..64); {@code n} values of b bits, each a value's low bits; the number of patches
 * (var-long); if any, 7 bits h (1..64-b) and per patch the value's index ({@link #indexBits} of n) and its high bits
 * {@code z >>> b} in h bits, indexes ascending. Width 0 and no patches is a block of zeros (regular timestamps).
 */
final class PackedBlock {
    private PackedBlock() {}

    /** The width chosen for a block, its patches and the high bits' width, and the bits the block will take. */
    record Plan(int width, int patches, int highWidth, long bits) implements BlockPlan {
        @Override
        public void write(BitWriter w, long[] z, int n) {
            PackedBlock.write(w, z, n, this);
        }
    }

    /**
     * Chooses the width that makes the block smallest, from the histogram of the values' bit lengths: a value longer
     * than the width is a patch, which costs its index and the high bits of the longest value.
     */
    static Plan plan(long[] z, int n) {
        int[] ofLength = new int[65];
        int longest = 0;
        for (int i = 0; i < n; i++) {
            int len = 64 - Long.numberOfLeadingZeros(z[i]);
            ofLength[len]++;
            longest = Math.max(longest, len);
        }
        int indexBits = indexBits(n);
        Plan best = null;
        int longer = 0; // values longer than the width being priced
        for (int width = longest; width >= 0; width--) {
            long bits = 7 + (long) n * width + varLongBits(longer);
            if (longer > 0) {
                bits += 7 + (long) longer * (indexBits + longest - width);
            }
            if (best == null || bits < best.bits()) {
                best = new Plan(width, longer, longer > 0 ? longest - width : 0, bits);
            }
            longer += ofLength[width];
        }
        return best;
    }

    /** The plan of a block of {@code z[0..n)} at {@code width}, whether or not the best. */
    static Plan planAt(long[] z, int n, int width) {
        int longest = 0;
        int patches = 0;
        for (int i = 0; i < n; i++) {
            int len = 64 - Long.numberOfLeadingZeros(z[i]);
            longest = Math.max(longest, len);
            patches += len > width ? 1 : 0;
        }
        int highWidth = patches > 0 ? longest - width : 0;
        long bits = 7 + (long) n * width + varLongBits(patches);
        if (patches > 0) {
            bits += 7 + (long) patches * (indexBits(n) + highWidth);
        }
        return new Plan(width, patches, highWidth, bits);
    }

    /** Writes {@code z[0..n)} as planned by {@link #plan} or {@link #planAt}. */
    static void write(BitWriter w, long[] z, int n, Plan plan) {
        int width = plan.width();
        w.writeBits(width, 7);
        for (int i = 0; i < n; i++) {
            w.writeBits(z[i], width);
        }
        w.writeVarLong(plan.patches());
        if (plan.patches() == 0) {
            return;
        }
        w.writeBits(plan.highWidth(), 7);
        int indexBits = indexBits(n);
        for (int i = 0; i < n; i++) {
            long high = width == 64 ? 0 : z[i] >>> width;
            if (high != 0) {
                w.writeBits(i, indexBits);
                w.writeBits(high, plan.highWidth());
            }
        }
    }

    /**
     * Reads {@code n} residuals into {@code out} from index {@code at}, or, for a block of zeros, writes nothing and
     * answers false.
     */
    static boolean readUnlessZero(BitReader r, long[] out, int at, int n) {
        int width = (int) r.readBits(7);
        if (width > 64) {
            throw new IllegalArgumentException("corrupt chunk: packed width " + width);
        }
        r.readPacked(out, at, n, width);
        long patches = r.readVarLong();
        if (patches < 0 || patches > n) {
            throw new IllegalArgumentException("corrupt chunk: " + patches + " patches of " + n + " values");
        }
        if (width == 0 && patches == 0) {
            return false;
        }
        if (patches == 0) {
            return true;
        }
        int highWidth = (int) r.readBits(7);
        if (highWidth == 0 || width + highWidth > 64) {
            throw new IllegalArgumentException("corrupt chunk: patch of " + highWidth + " bits over " + width);
        }
        int indexBits = indexBits(n);
        for (long p = 0; p < patches; p++) {
            long index = r.readBits(indexBits);
            if (index >= n) {
                throw new IllegalArgumentException("corrupt chunk: patch at " + index + " of " + n);
            }
            out[at + (int) index] |= r.readBits(highWidth) << width;
        }
        return true;
    }

    /** Bits of a patch's index in a block of {@code n} values. */
    static int indexBits(int n) {
        return n <= 1 ? 0 : 32 - Integer.numberOfLeadingZeros(n - 1);
    }

    private static int varLongBits(long value) {
        return 7 + 64 - Long.numberOfLeadingZeros(value);
    }
}
