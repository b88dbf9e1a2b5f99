package io.shardview.metrics.chunk;

import java.util.Arrays;

/**
 * The decimal-aware codec: values that are short decimals (12.34) are stored as integer
 * mantissas at one decimal scale per chunk, then as Rice-coded residuals of the cheapest of three
 * predictors; timestamps as Rice-coded delta-of-delta.
 *
 * <p>Ideas borrowed from public schemes, written anew: the exact decimal round trip with
 * per-value exceptions from ALP (Afroozeh et al., SIGMOD 2024), decimal mantissas plus delta
 * coding from VictoriaMetrics. A value is a mantissa m at scale s only if {@code (double) m /
 * 10^s} reproduces its exact bits, with |m| < 2^53 so the division is of two exact doubles and
 * correctly rounded; everything else (NaN payloads such as the Prometheus stale marker, +-Inf,
 * -0.0, huge or non-decimal values) is an exception kept as raw 64 bits, so the codec is lossless.
 *
 * <p>Layout: tag byte ({@link #TAG} where residuals are Rice codes, {@link #PACKED_TAG} where they are bit-packed),
 * count (var-long). Timestamps: t0 (zig-zag var-long); if count > 1 the first delta (zig-zag var-long) and a block
 * ({@link RiceBlock} or {@link PackedBlock}) of zig-zag dod for the rest. Values: scale (5 bits), exception count
 * (var-long) and per exception its position gap (var-long) and 64 raw bits, predictor order (2 bits), first mantissa
 * (zig-zag var-long) and a block of the zig-zag residuals of points 1.. . An exception's mantissa slot holds the
 * previous mantissa (0 at position 0) so it disturbs the residuals little. Order 0 codes m[i]-m[0]
 * (noisy level), 1 codes m[i]-m[i-1] (random walk), 2 codes the delta-of-delta (counters).
 */
public final class DecimalChunk {
    /** Codec tag, the first byte of a decimal chunk whose residuals are Rice codes (the densest). */
    public static final byte TAG = 2;

    /** Codec tag, the first byte of a decimal chunk whose residuals are bit-packed (decoded several times faster). */
    public static final byte PACKED_TAG = 3;

    /** How a chunk codes its residuals. */
    public enum Residuals {
        /** {@link RiceBlock}: a bit or two a value fewer. */
        RICE,
        /** {@link PackedBlock}: decoded without reading a value's length first. */
        PACKED
    }

    static final int MAX_SCALE = 22; // 10^22 is the largest power of ten that is an exact double
    private static final double[] POW10 = new double[MAX_SCALE + 1];
    private static final double TWO_53 = 9007199254740992.0;
    private static final long NOT_DECIMAL = Long.MIN_VALUE;
    /** Rough bits an exception costs, used only to pick the scale. */
    private static final int EXCEPTION_BITS = 72;

    static {
        double p = 1;
        for (int i = 0; i <= MAX_SCALE; i++) {
            POW10[i] = p;
            p *= 10;
        }
    }

    private DecimalChunk() {}

    /** The mantissa of {@code v} at {@code scale}, or {@link #NOT_DECIMAL} if it is not exact. */
    static long mantissa(double v, int scale) {
        double scaled = v * POW10[scale];
        if (!(Math.abs(scaled) < TWO_53)) { // also false for NaN
            return NOT_DECIMAL;
        }
        long m = Math.round(scaled);
        boolean exact = Double.doubleToRawLongBits(m / POW10[scale]) == Double.doubleToRawLongBits(v);
        return exact ? m : NOT_DECIMAL;
    }

    /** The smallest scale at which {@code v} is an exact mantissa, or -1. */
    static int minimalScale(double v) {
        for (int s = 0; s <= MAX_SCALE; s++) {
            double scaled = v * POW10[s];
            if (!(Math.abs(scaled) < TWO_53)) {
                return -1;
            }
            if (mantissa(v, s) != NOT_DECIMAL) {
                return s;
            }
        }
        return -1;
    }

    /** Encodes points {@code [from, from+n)} of the two parallel arrays, residuals bit-packed. */
    public static byte[] encode(long[] ts, double[] values, int from, int n) {
        return encode(ts, values, from, n, Residuals.PACKED);
    }

    /** Encodes points {@code [from, from+n)} of the two parallel arrays, residuals coded as {@code residuals} says. */
    public static byte[] encode(long[] ts, double[] values, int from, int n, Residuals residuals) {
        if (n > Chunks.MAX_POINTS) {
            throw new IllegalArgumentException("chunk of " + n + " points exceeds " + Chunks.MAX_POINTS);
        }
        BitWriter w = new BitWriter(16 + n);
        w.writeBits(residuals == Residuals.RICE ? TAG : PACKED_TAG, 8);
        w.writeVarLong(n);
        if (n == 0) {
            return w.toByteArray();
        }
        writeTimestamps(w, ts, from, n, residuals);
        writeValues(w, values, from, n, residuals);
        return w.toByteArray();
    }

    private static void writeTimestamps(BitWriter w, long[] ts, int from, int n, Residuals residuals) {
        w.writeVarLong(ZigZag.encode(ts[from]));
        if (n == 1) {
            return;
        }
        long prevDelta = ts[from + 1] - ts[from];
        w.writeVarLong(ZigZag.encode(prevDelta));
        long[] z = new long[n - 2];
        for (int i = 2; i < n; i++) {
            long delta = ts[from + i] - ts[from + i - 1];
            z[i - 2] = ZigZag.encode(delta - prevDelta);
            prevDelta = delta;
        }
        plan(z, n - 2, residuals).write(w, z, n - 2);
    }

    private static BlockPlan plan(long[] z, int n, Residuals residuals) {
        return residuals == Residuals.RICE ? RiceBlock.plan(z, n) : PackedBlock.plan(z, n);
    }

    private static void writeValues(BitWriter w, double[] values, int from, int n, Residuals residuals) {
        int scale = chooseScale(values, from, n);
        long[] m = new long[n];
        boolean[] exception = new boolean[n];
        int exceptions = 0;
        for (int i = 0; i < n; i++) {
            long mi = mantissa(values[from + i], scale);
            if (mi == NOT_DECIMAL) {
                exception[i] = true;
                exceptions++;
                mi = i == 0 ? 0 : m[i - 1];
            }
            m[i] = mi;
        }
        w.writeBits(scale, 5);
        w.writeVarLong(exceptions);
        int last = 0;
        for (int i = 0; i < n; i++) {
            if (exception[i]) {
                w.writeVarLong(i - last);
                w.writeBits(Double.doubleToRawLongBits(values[from + i]), 64);
                last = i;
            }
        }
        long[][] byOrder = residuals(m, n);
        int bestOrder = 0;
        BlockPlan best = null;
        for (int order = 0; order <= 2; order++) {
            BlockPlan plan = plan(byOrder[order], n - 1, residuals);
            if (best == null || plan.bits() < best.bits()) {
                best = plan;
                bestOrder = order;
            }
        }
        w.writeBits(bestOrder, 2);
        w.writeVarLong(ZigZag.encode(m[0]));
        best.write(w, byOrder[bestOrder], n - 1);
    }

    /** Zig-zag residuals of m[1..n) under each predictor order (indexed by order), in one pass. */
    private static long[][] residuals(long[] m, int n) {
        long[] level = new long[Math.max(0, n - 1)];
        long[] walk = new long[level.length];
        long[] counter = new long[level.length];
        long prevDelta = 0;
        for (int i = 1; i < n; i++) {
            long delta = m[i] - m[i - 1];
            level[i - 1] = ZigZag.encode(m[i] - m[0]);
            walk[i - 1] = ZigZag.encode(delta);
            counter[i - 1] = ZigZag.encode(delta - prevDelta);
            prevDelta = delta;
        }
        return new long[][] {level, walk, counter};
    }

    /**
     * Picks the scale trading mantissa width (each extra digit costs about log2(10) bits per point)
     * against exceptions (values needing a finer scale, about 72 bits each).
     *
     * <p>Values usually share one scale, so each value is first tried at the finest scale seen so
     * far (one multiply, round and divide); only a value that fails gets its own minimal scale
     * searched. A value exact at the running scale is counted there, an upper bound of its
     * minimal scale, which can only make the choice err towards a finer scale, never lose data.
     */
    private static int chooseScale(double[] values, int from, int n) {
        int[] atScale = new int[MAX_SCALE + 1]; // values known exact at this scale (and finer)
        int running = 0;
        for (int i = from; i < from + n; i++) {
            if (mantissa(values[i], running) != NOT_DECIMAL) {
                atScale[running]++;
                continue;
            }
            int s = minimalScale(values[i]);
            if (s >= 0) {
                atScale[s]++;
                running = Math.max(running, s);
            }
        }
        int best = 0;
        double bestCost = Double.MAX_VALUE;
        int covered = 0;
        for (int s = 0; s <= running; s++) {
            covered += atScale[s];
            double cost = (double) (n - covered) * EXCEPTION_BITS + 3.33 * s * n;
            if (cost < bestCost) {
                bestCost = cost;
                best = s;
            }
        }
        return best;
    }

    /** Returns a cursor over a decimal chunk produced by {@link #encode}. */
    public static ChunkIterator iterator(byte[] chunk) {
        return new Iter(chunk);
    }

    /**
     * Decodes every point of {@code chunk} into {@code ts} and {@code values} from index {@code at} (which have room
     * for {@link Chunks#count} of them); returns how many.
     */
    static int decodeInto(byte[] chunk, long[] ts, double[] values, int at) {
        if (chunk.length == 0 || (chunk[0] != TAG && chunk[0] != PACKED_TAG)) {
            throw new IllegalArgumentException("not a decimal chunk");
        }
        boolean packed = chunk[0] == PACKED_TAG;
        BitReader r = new BitReader(chunk, 1);
        long count = r.readVarLong();
        if (count < 0 || count > Chunks.MAX_POINTS) { // points can cost ~0 bits: bound the allocation
            throw new IllegalArgumentException("corrupt decimal chunk: count " + count);
        }
        int n = (int) count;
        if (n > 0) {
            readTimestamps(r, ts, at, n, packed);
            readValues(r, values, at, n, packed);
        }
        return n;
    }

    /** Timestamps: the Rice-coded delta-of-deltas are read into {@code ts} itself and summed up in place. */
    private static void readTimestamps(BitReader r, long[] ts, int at, int n, boolean packed) {
        ts[at] = ZigZag.decode(r.readVarLong());
        if (n == 1) {
            return;
        }
        long delta = ZigZag.decode(r.readVarLong());
        ts[at + 1] = ts[at] + delta;
        if (!readBlockUnlessZero(r, ts, at + 2, n - 2, packed)) { // every delta the same
            for (int i = at + 2; i < at + n; i++) {
                ts[i] = ts[i - 1] + delta;
            }
            return;
        }
        for (int i = at + 2; i < at + n; i++) {
            delta += ZigZag.decode(ts[i]);
            ts[i] = ts[i - 1] + delta;
        }
    }

    private static boolean readBlockUnlessZero(BitReader r, long[] out, int at, int n, boolean packed) {
        return packed ? PackedBlock.readUnlessZero(r, out, at, n) : RiceBlock.readUnlessZero(r, out, at, n);
    }

    private static void readValues(BitReader r, double[] values, int at, int n, boolean packed) {
        int scale = (int) r.readBits(5);
        if (scale > MAX_SCALE) {
            throw new IllegalArgumentException("corrupt decimal chunk: scale " + scale);
        }
        int exceptions = (int) r.readVarLong();
        if (exceptions < 0 || exceptions > n) {
            throw new IllegalArgumentException("corrupt decimal chunk: exceptions " + exceptions);
        }
        int[] exPos = new int[exceptions];
        long[] exBits = new long[exceptions];
        int pos = 0;
        for (int e = 0; e < exceptions; e++) {
            pos += (int) r.readVarLong();
            if (pos < 0 || pos >= n) {
                throw new IllegalArgumentException("corrupt decimal chunk: exception at " + pos);
            }
            exPos[e] = pos;
            exBits[e] = r.readBits(64);
        }
        int order = (int) r.readBits(2);
        long m0 = ZigZag.decode(r.readVarLong());
        long[] z = residuals(n - 1);
        if (!readBlockUnlessZero(r, z, 0, n - 1, packed)) Arrays.fill(z, 0, n - 1, 0L);
        mantissas(z, m0, order, n);
        values[at] = m0 / POW10[scale];
        if (scale == 0) { // m / 1.0 is m: no division
            for (int i = 1; i < n; i++) values[at + i] = z[i - 1];
        } else {
            double p = POW10[scale];
            for (int i = 1; i < n; i++) values[at + i] = z[i - 1] / p;
        }
        for (int e = 0; e < exceptions; e++) {
            values[at + exPos[e]] = Double.longBitsToDouble(exBits[e]);
        }
    }

    /** Residuals of at most this many points are read into the thread's own array, not a new one. */
    private static final int SCRATCH_POINTS = 1 << 13;

    private static final ThreadLocal<long[]> SCRATCH = ThreadLocal.withInitial(() -> new long[SCRATCH_POINTS]);

    /**
     * An array for {@code n} residuals: the thread's own when they fit, else a new one. A query decodes chunk after
     * chunk, each read out before the next; a new array for each was three quarters of what one shard's part of a
     * day-long rate query allocated, and a tenth of its time (bench/RESULTS.md, {@code ShardQueryBench}).
     */
    private static long[] residuals(int n) {
        return n <= SCRATCH_POINTS ? SCRATCH.get() : new long[n];
    }

    /** Turns the zig-zag residuals of points 1.. in {@code z} into their mantissas, in place, one loop per order. */
    private static void mantissas(long[] z, long m0, int order, int n) {
        switch (order) {
            case 0 -> {
                for (int i = 0; i < n - 1; i++) z[i] = m0 + ZigZag.decode(z[i]);
            }
            case 1 -> {
                long m = m0;
                for (int i = 0; i < n - 1; i++) z[i] = m += ZigZag.decode(z[i]);
            }
            default -> {
                long m = m0;
                long delta = 0;
                for (int i = 0; i < n - 1; i++) {
                    delta += ZigZag.decode(z[i]);
                    z[i] = m += delta;
                }
            }
        }
    }

    /** Decodes eagerly into arrays: chunks are small, and decoding in one pass keeps it simple. */
    private static final class Iter implements ChunkIterator {
        private final long[] ts;
        private final double[] values;
        private int i = -1;

        Iter(byte[] chunk) {
            int n = Chunks.count(chunk);
            ts = new long[n];
            values = new double[n];
            decodeInto(chunk, ts, values, 0);
        }

        @Override
        public boolean next() {
            return ++i < ts.length;
        }

        @Override
        public int copyRest(long[] into, double[] intoValues, int at) {
            int from = i + 1;
            int n = Math.max(0, ts.length - from);
            System.arraycopy(ts, from, into, at, n);
            System.arraycopy(values, from, intoValues, at, n);
            i = ts.length;
            return n;
        }

        @Override
        public long timestamp() {
            return ts[i];
        }

        @Override
        public double value() {
            return values[i];
        }
    }
}
