package io.shardview.metrics.storage;

import io.shardview.metrics.chunk.Chunks;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * One column of a block of rollup buckets, with the bucket starts as timestamps: a chunk of the
 * chunk codecs, or, for sums, a split form that is usually much smaller. A sum of short decimals
 * (12.34 + 56.78 + ...) is almost never a short decimal itself because of binary rounding, so the
 * decimal codec stores most sums as 64-bit exceptions (measured: 6.9 B per 5 min bucket of the
 * cpu-only data). The split form stores the sum rounded to {@code s} decimals as an integer
 * mantissa column and the exact difference, in units in the last place, from that rounded value as
 * a second column (mostly 0 or +-1): 2.6 B per bucket on the same data. It is used only when every
 * value decodes back to its exact bits and it is smaller; otherwise the plain chunk is kept.
 *
 * <p>Split layout: tag {@link #SPLIT_TAG} (distinct from the chunk codec tags), scale s, the
 * mantissa chunk's length (4 bytes), the mantissa chunk, the residual chunk.
 */
final class RollupColumn {
    static final byte SPLIT_TAG = 16;
    private static final int MAX_SCALE = 6;
    private static final double[] POW10 = {1, 10, 100, 1e3, 1e4, 1e5, 1e6};
    /** Mantissas and residuals are held as doubles by the chunk codecs: exact below 2^53. */
    private static final double EXACT = 0x1p53;

    private RollupColumn() {}

    /** A plain chunk of buckets [from, from+n). */
    static byte[] encode(long[] starts, double[] values, int from, int n) {
        return Chunks.encode(starts, values, from, n);
    }

    /**
     * The smallest of the plain chunk and the split forms at the likely scales and the next one, for a
     * column of sums. A sum's likely scale is the least at which it is within a few units in the last
     * place of a decimal of that scale; sampled sums give the range tried: trying every scale costs fifteen encodings
     * per column (measured as a quarter of the storage's append work), and beyond the scale of the
     * summed decimals the mantissas only grow.
     */
    static byte[] encodeSums(long[] starts, double[] values, int from, int n) {
        byte[] best = Chunks.encode(starts, values, from, n);
        long scales = likelyScales(values, from, n);
        int low = (int) (scales >> 32);
        int high = (int) scales;
        for (int s = low; s >= 0 && s <= Math.min(MAX_SCALE, high + 1); s++) {
            byte[] split = split(starts, values, from, n, s);
            if (split != null && split.length < best.length) {
                best = split;
            }
        }
        return best;
    }

    private static final int SAMPLES = 8;
    /** Rounding in a sum of a few hundred decimals stays far below this; a wrong scale is off by ~10^10 ulps. */
    private static final long NEAR_ULPS = 1 << 12;

    /**
     * Of up to {@link #SAMPLES} values spread over the range, the least and the greatest of the least
     * scale each is near a decimal of (packed as least << 32 | greatest); -1 in both if one is near none.
     */
    static long likelyScales(double[] values, int from, int n) {
        int low = MAX_SCALE;
        int high = 0;
        int step = Math.max(1, n / SAMPLES);
        for (int i = from; i < from + n; i += step) {
            int s = nearScale(values[i]);
            if (s < 0) {
                return -1L;
            }
            low = Math.min(low, s);
            high = Math.max(high, s);
        }
        return (long) low << 32 | high;
    }

    private static int nearScale(double v) {
        for (int s = 0; s <= MAX_SCALE; s++) {
            double mantissa = Math.rint(v * POW10[s]);
            if (!(Math.abs(mantissa) < EXACT)) {
                return -1;
            }
            if (Math.abs(Double.doubleToRawLongBits(v) - Double.doubleToRawLongBits(mantissa / POW10[s]))
                    <= NEAR_ULPS) {
                return s;
            }
        }
        return -1;
    }

    /** The split form at {@code scale}, or null if some value has none. */
    static byte[] split(long[] starts, double[] values, int from, int n, int scale) {
        long[] ts = Arrays.copyOfRange(starts, from, from + n);
        double[] mantissas = new double[n];
        double[] residuals = new double[n];
        for (int i = 0; i < n; i++) {
            double v = values[from + i];
            double mantissa = Math.rint(v * POW10[scale]);
            if (!(Math.abs(mantissa) < EXACT)) {
                return null; // NaN, infinities and huge sums stay in the plain chunk
            }
            long residual = Double.doubleToRawLongBits(v) - Double.doubleToRawLongBits(mantissa / POW10[scale]);
            if (Math.abs(residual) >= (1L << 53) || bits(mantissa, scale, residual) != Double.doubleToRawLongBits(v)) {
                return null; // e.g. a sign change between the sum and its rounding
            }
            mantissas[i] = mantissa;
            residuals[i] = residual;
        }
        byte[] m = Chunks.encode(ts, mantissas, 0, n);
        byte[] r = Chunks.encode(ts, residuals, 0, n);
        return ByteBuffer.allocate(6 + m.length + r.length)
                .put(SPLIT_TAG)
                .put((byte) scale)
                .putInt(m.length)
                .put(m)
                .put(r)
                .array();
    }

    private static long bits(double mantissa, int scale, long residual) {
        return Double.doubleToRawLongBits(mantissa / POW10[scale]) + residual;
    }

    /** Decodes a column written by either method. */
    static Points decode(byte[] column) {
        if (column.length == 0 || column[0] != SPLIT_TAG) {
            return Points.decode(column);
        }
        ByteBuffer in = ByteBuffer.wrap(column);
        in.get();
        int scale = in.get();
        int length = in.getInt();
        if (scale < 0 || scale > MAX_SCALE || length < 1 || length > column.length - 6) {
            throw new IllegalArgumentException("corrupt rollup column");
        }
        Points mantissas = Points.decode(Arrays.copyOfRange(column, 6, 6 + length));
        Points residuals = Points.decode(Arrays.copyOfRange(column, 6 + length, column.length));
        if (residuals.size() != mantissas.size()) {
            throw new IllegalArgumentException("corrupt rollup column: parts differ in length");
        }
        double[] values = new double[mantissas.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = Double.longBitsToDouble(
                    bits(mantissas.values()[i], scale, (long) residuals.values()[i]));
        }
        return new Points(mantissas.timestamps(), values);
    }

    /** Number of buckets in a column, from its header. */
    static int count(byte[] column) {
        if (column.length == 0 || column[0] != SPLIT_TAG) {
            return Chunks.count(column);
        }
        return Chunks.count(Arrays.copyOfRange(column, 6, column.length));
    }
}
