package io.shardview.metrics.chunk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Property tests: every codec reproduces every timestamp and every value bit pattern exactly. */
class ChunkRoundTripTest {
    static final long STALE_MARKER = 0x7ff0000000000002L;

    enum Codec {
        XOR(XorChunk::encode, XorChunk::iterator),
        DECIMAL(DecimalChunk::encode, DecimalChunk::iterator),
        DECIMAL_RICE(
                (ts, vs, from, n) -> DecimalChunk.encode(ts, vs, from, n, DecimalChunk.Residuals.RICE),
                DecimalChunk::iterator),
        CHOSEN(Chunks::encode, Chunks::iterator);

        final Encoder encoder;
        final Function<byte[], ChunkIterator> reader;

        Codec(Encoder encoder, Function<byte[], ChunkIterator> reader) {
            this.encoder = encoder;
            this.reader = reader;
        }
    }

    interface Encoder {
        byte[] encode(long[] ts, double[] values, int from, int n);
    }

    enum TimeShape {
        REGULAR,
        JITTER,
        REPEATED,
        LONG_GAPS,
        JUMPING,
        EXTREME
    }

    enum ValueShape {
        DECIMAL_WALK,
        INTEGER_COUNTER,
        CONSTANT,
        RANDOM_BITS,
        SPECIALS,
        MIXED,
        HUGE_AND_TINY
    }

    /** The XOR lower bound never exceeds the real size, so skipping XOR never changes the choice. */
    @org.junit.jupiter.api.Test
    void theXorLowerBoundHoldsAndTheChoiceIsTheSmallerCodec() {
        for (long seed = 1; seed <= 400; seed++) {
            Random rnd = new Random(seed);
            TimeShape tShape = TimeShape.values()[rnd.nextInt(TimeShape.values().length)];
            ValueShape vShape = ValueShape.values()[rnd.nextInt(ValueShape.values().length)];
            int n = rnd.nextInt(10) == 0 ? rnd.nextInt(3) : 1 + rnd.nextInt(400);
            long[] ts = new long[n];
            double[] vs = new double[n];
            fillTimes(rnd, tShape, ts);
            fillValues(rnd, vShape, vs);
            String where = "seed " + seed + " " + tShape + "/" + vShape + " n=" + n;
            byte[] xor = XorChunk.encode(ts, vs, 0, n);
            byte[] decimal = DecimalChunk.encode(ts, vs, 0, n);
            assertTrue(XorChunk.minEncodedBytes(vs, 0, n) <= xor.length, where);
            // counting stops early once the bound reaches the decimal chunk's size: the same comparison
            assertEquals(
                    XorChunk.minEncodedBytes(vs, 0, n) < decimal.length,
                    XorChunk.minEncodedBytes(vs, 0, n, decimal.length) < decimal.length,
                    where);
            assertTrue(
                    java.util.Arrays.equals(xor.length < decimal.length ? xor : decimal, Chunks.encode(ts, vs, 0, n)),
                    where);
        }
    }

    @ParameterizedTest
    @EnumSource(Codec.class)
    void randomSeriesOfEveryShapeRoundTripBitExactly(Codec codec) {
        for (long seed = 1; seed <= 400; seed++) {
            Random rnd = new Random(seed);
            TimeShape tShape = TimeShape.values()[rnd.nextInt(TimeShape.values().length)];
            ValueShape vShape = ValueShape.values()[rnd.nextInt(ValueShape.values().length)];
            int n = rnd.nextInt(10) == 0 ? rnd.nextInt(3) : 1 + rnd.nextInt(400);
            int from = rnd.nextInt(3);
            long[] ts = new long[from + n];
            double[] vs = new double[from + n];
            fillTimes(rnd, tShape, ts);
            fillValues(rnd, vShape, vs);
            assertRoundTrip(codec, ts, vs, from, n, "seed " + seed + " " + tShape + "/" + vShape + " n=" + n);
        }
    }

    @ParameterizedTest
    @EnumSource(Codec.class)
    void adversarialValuesRoundTripBitExactly(Codec codec) {
        double[] special = {
            Double.longBitsToDouble(STALE_MARKER),
            Double.NaN,
            Double.longBitsToDouble(0xfff8000000000001L),
            Double.longBitsToDouble(0x7ff0000000000001L),
            Double.POSITIVE_INFINITY,
            Double.NEGATIVE_INFINITY,
            -0.0,
            0.0,
            Double.MIN_VALUE,
            -Double.MIN_VALUE,
            Double.MAX_VALUE,
            -Double.MAX_VALUE,
            Double.MIN_NORMAL,
            1e-300,
            1e300,
            0.1 + 0.2,
            12.34,
            -12.34,
            9007199254740993.0,
            9007199254740992.0,
            4503599627370495.5,
            1e22,
            1e23,
            0.5,
            123456789012.25
        };
        long[] ts = new long[special.length];
        for (int i = 0; i < ts.length; i++) {
            ts[i] = 1_700_000_000_000L + 10_000L * i;
        }
        assertRoundTrip(codec, ts, special, 0, special.length, "all specials");
        for (int i = 0; i < special.length; i++) {
            assertRoundTrip(
                    codec,
                    new long[] {ts[i]},
                    new double[] {special[i]},
                    0,
                    1,
                    "single " + Double.doubleToRawLongBits(special[i]));
        }
    }

    @ParameterizedTest
    @EnumSource(Codec.class)
    void extremeTimestampsRoundTrip(Codec codec) {
        long[] ts = {Long.MIN_VALUE, Long.MAX_VALUE, 0, -1, Long.MAX_VALUE, Long.MIN_VALUE, 1, 1, 1};
        double[] vs = new double[ts.length];
        assertRoundTrip(codec, ts, vs, 0, ts.length, "extreme timestamps");
    }

    @org.junit.jupiter.api.Test
    void decimalCodecIsChosenAndSmallerForTwoDecimalRandomWalk() {
        Random rnd = new Random(7);
        long[] ts = new long[120];
        double[] vs = new double[120];
        long cents = 5000;
        for (int i = 0; i < ts.length; i++) {
            ts[i] = 1_700_000_000_000L + 10_000L * i;
            cents = Math.max(0, Math.min(10000, cents + rnd.nextInt(201) - 100));
            vs[i] = cents / 100.0;
        }
        byte[] xor = XorChunk.encode(ts, vs, 0, ts.length);
        byte[] dec = DecimalChunk.encode(ts, vs, 0, ts.length);
        assertTrue(dec.length * 2 < xor.length, "decimal " + dec.length + " vs xor " + xor.length);
        assertEquals(DecimalChunk.PACKED_TAG, Chunks.encode(ts, vs)[0]);
    }

    @org.junit.jupiter.api.Test
    void xorCodecIsChosenForRandomBitPatterns() {
        Random rnd = new Random(3);
        long[] ts = new long[120];
        double[] vs = new double[120];
        for (int i = 0; i < ts.length; i++) {
            ts[i] = 1_700_000_000_000L + 10_000L * i;
            vs[i] = rnd.nextDouble();
        }
        byte[] chosen = Chunks.encode(ts, vs);
        assertEquals(XorChunk.TAG, chosen[0]);
        assertTrue(chosen.length <= DecimalChunk.encode(ts, vs, 0, 120).length);
    }

    @org.junit.jupiter.api.Test
    void countIsReadFromTheHeaderOfEitherCodec() {
        long[] ts = {1, 2, 3};
        double[] vs = {1.5, 2.5, 3.5};
        assertEquals(3, Chunks.count(XorChunk.encode(ts, vs, 0, 3)));
        assertEquals(3, Chunks.count(DecimalChunk.encode(ts, vs, 0, 3)));
        assertEquals(3, Chunks.count(DecimalChunk.encode(ts, vs, 0, 3, DecimalChunk.Residuals.RICE)));
        assertFalse(Chunks.iterator(XorChunk.encode(ts, vs, 0, 0)).next());
    }

    static void assertRoundTrip(Codec codec, long[] ts, double[] vs, int from, int n, String what) {
        byte[] chunk = codec.encoder.encode(ts, vs, from, n);
        ChunkIterator it = codec.reader.apply(chunk);
        for (int i = from; i < from + n; i++) {
            if (!it.next()) {
                fail(codec + " " + what + ": ended after " + (i - from) + " points");
            }
            assertEquals(ts[i], it.timestamp(), codec + " " + what + ": timestamp " + i);
            long expected = Double.doubleToRawLongBits(vs[i]);
            long actual = Double.doubleToRawLongBits(it.value());
            if (expected != actual) {
                fail(codec + " " + what + ": value " + i + " expected bits " + Long.toHexString(expected) + " got "
                        + Long.toHexString(actual));
            }
        }
        assertFalse(it.next(), codec + " " + what + ": extra points");
        assertEquals(n, Chunks.count(chunk), codec + " " + what + ": header count");
        // Decoded straight into arrays, behind other points, the same points bit for bit, nothing written past them.
        long[] intoTs = new long[n + 5];
        double[] intoValues = new double[n + 5];
        Arrays.fill(intoTs, -7);
        Arrays.fill(intoValues, -7.5);
        assertEquals(n, Chunks.decodeInto(chunk, intoTs, intoValues, 3), codec + " " + what + ": decodeInto count");
        for (int i = 0; i < n; i++) {
            assertEquals(ts[from + i], intoTs[3 + i], codec + " " + what + ": decodeInto timestamp " + i);
            assertEquals(
                    Double.doubleToRawLongBits(vs[from + i]),
                    Double.doubleToRawLongBits(intoValues[3 + i]),
                    codec + " " + what + ": decodeInto value " + i);
        }
        for (int i : new int[] {0, 1, 2, n + 3, n + 4}) {
            assertEquals(-7, intoTs[i], codec + " " + what + ": decodeInto wrote outside at " + i);
            assertEquals(-7.5, intoValues[i], codec + " " + what + ": decodeInto wrote outside at " + i);
        }
    }

    static void fillTimes(Random rnd, TimeShape shape, long[] ts) {
        long t = 1_600_000_000_000L + rnd.nextInt(1_000_000_000);
        for (int i = 0; i < ts.length; i++) {
            switch (shape) {
                case REGULAR -> t += 10_000;
                case JITTER -> t += 15_000 + rnd.nextInt(41) - 20;
                case REPEATED -> t += rnd.nextInt(3) == 0 ? 0 : 1000;
                case LONG_GAPS -> t += rnd.nextInt(20) == 0 ? 86_400_000L * (1 + rnd.nextInt(400)) : 10_000;
                case JUMPING -> t += rnd.nextInt(2_000_001) - 1_000_000;
                case EXTREME -> t = rnd.nextLong();
            }
            ts[i] = t;
        }
    }

    static void fillValues(Random rnd, ValueShape shape, double[] vs) {
        long level = rnd.nextInt(100_000);
        int scale = rnd.nextInt(5);
        double pow = Math.pow(10, scale);
        for (int i = 0; i < vs.length; i++) {
            switch (shape) {
                case DECIMAL_WALK -> {
                    level += rnd.nextInt(2001) - 1000;
                    vs[i] = level / pow;
                }
                case INTEGER_COUNTER -> {
                    level += rnd.nextInt(5000);
                    vs[i] = level;
                }
                case CONSTANT -> vs[i] = level / pow;
                case RANDOM_BITS -> vs[i] = Double.longBitsToDouble(rnd.nextLong());
                case SPECIALS -> vs[i] = special(rnd);
                case MIXED -> vs[i] = rnd.nextInt(8) == 0 ? special(rnd) : (level += rnd.nextInt(21) - 10) / pow;
                case HUGE_AND_TINY -> vs[i] = (rnd.nextBoolean() ? 1 : -1)
                        * (rnd.nextInt(1000) / 100.0)
                        * Math.pow(10, rnd.nextInt(600) - 300);
            }
        }
    }

    static double special(Random rnd) {
        return switch (rnd.nextInt(8)) {
            case 0 -> Double.longBitsToDouble(STALE_MARKER);
            case 1 -> Double.longBitsToDouble(0x7ff8000000000000L | (rnd.nextLong() & 0xfffffffffffffL));
            case 2 -> Double.POSITIVE_INFINITY;
            case 3 -> Double.NEGATIVE_INFINITY;
            case 4 -> -0.0;
            case 5 -> Double.MIN_VALUE;
            case 6 -> Double.MAX_VALUE;
            default -> 0.0;
        };
    }
}
