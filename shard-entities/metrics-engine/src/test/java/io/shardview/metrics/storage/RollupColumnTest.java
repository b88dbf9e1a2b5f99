package io.shardview.metrics.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardview.metrics.chunk.Chunks;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RollupColumnTest {
    private static long[] starts(int n) {
        long[] t = new long[n];
        for (int i = 0; i < n; i++) {
            t[i] = ShardStorageTest.T0 + i * 300_000L;
        }
        return t;
    }

    private static void assertRoundTrips(long[] starts, double[] sums, String where) {
        byte[] column = RollupColumn.encodeSums(starts, sums, 0, sums.length);
        Points back = RollupColumn.decode(column);
        assertEquals(sums.length, RollupColumn.count(column), where);
        assertArrayEquals(starts, back.timestamps(), where);
        for (int i = 0; i < sums.length; i++) {
            assertEquals(
                    Double.doubleToRawLongBits(sums[i]),
                    Double.doubleToRawLongBits(back.values()[i]),
                    where + " at " + i);
        }
    }

    /** Sums of 30 two-decimal values, as a 5 min bucket of 10 s CPU percentages holds. */
    private static double[] decimalSums(Random rnd, int n) {
        double[] sums = new double[n];
        double level = 50;
        for (int i = 0; i < n; i++) {
            double sum = 0;
            for (int p = 0; p < 30; p++) {
                level = Math.max(0, Math.min(100, level + rnd.nextGaussian()));
                sum += Math.round(level * 100) / 100.0;
            }
            sums[i] = sum;
        }
        return sums;
    }

    @Test
    void sumsOfShortDecimalsTakeTheSplitFormAndCostFarLessThanAPlainChunk() {
        double[] sums = decimalSums(new Random(1), 1024);
        long[] t = starts(sums.length);
        byte[] column = RollupColumn.encodeSums(t, sums, 0, sums.length);
        byte[] plain = Chunks.encode(t, sums, 0, sums.length);
        assertEquals(RollupColumn.SPLIT_TAG, column[0]);
        assertTrue(column.length * 2 < plain.length, column.length + " vs plain " + plain.length);
        assertRoundTrips(t, sums, "decimal sums");
    }

    @Test
    void theLikelyScaleFindsTheSmallestSplitOfDecimalSums() {
        for (int seed = 0; seed < 20; seed++) {
            Random rnd = new Random(seed);
            double[] sums = decimalSums(rnd, 32 + rnd.nextInt(1000));
            if (seed % 2 == 1) { // sums of 3-decimal values
                for (int i = 0; i < sums.length; i++)
                    sums[i] = Math.round(sums[i] * 1000 + rnd.nextInt(10)) / 1000.0 * 3 + 0.001;
            }
            long[] t = starts(sums.length);
            int exhaustive = Chunks.encode(t, sums, 0, sums.length).length;
            for (int s = 0; s <= 6; s++) {
                byte[] split = RollupColumn.split(t, sums, 0, sums.length, s);
                if (split != null) exhaustive = Math.min(exhaustive, split.length);
            }
            assertEquals(exhaustive, RollupColumn.encodeSums(t, sums, 0, sums.length).length, "seed " + seed);
            assertRoundTrips(t, sums, "seed " + seed);
        }
    }

    @Test
    void adversarialSumsRoundTripBitExactly() {
        double[][] cases = {
            {Double.NaN, 1.5, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY},
            {-0.0, 0.0, -0.0, 1e-300, -1e-300, Double.MIN_VALUE},
            {1e300, -1e300, 9.007199254740993E15, 1e17},
            {-0.004, 0.004, -0.0049999, 0.0050001, -12.345, 12.345},
            {0.1 + 0.2, 0.3, 1.0 / 3, -2.0 / 3, Math.PI, Math.E},
            {Double.longBitsToDouble(RollupSeries.STALE_MARKER_BITS), 1},
        };
        for (double[] sums : cases) {
            assertRoundTrips(starts(sums.length), sums, java.util.Arrays.toString(sums));
        }
        Random rnd = new Random(7);
        for (int round = 0; round < 200; round++) {
            int n = 1 + rnd.nextInt(64);
            double[] sums = new double[n];
            for (int i = 0; i < n; i++) {
                sums[i] = switch (rnd.nextInt(4)) {
                    case 0 -> Double.longBitsToDouble(rnd.nextLong());
                    case 1 -> rnd.nextInt(2_000_001) / 1000.0 - 1000;
                    case 2 -> (rnd.nextInt(200) - 100) * 0.01 + (rnd.nextInt(200) - 100) * 0.01;
                    default -> rnd.nextGaussian() * Math.pow(10, rnd.nextInt(40) - 20);
                };
            }
            assertRoundTrips(starts(n), sums, "random round " + round);
        }
    }

    @Test
    void aFrozenBlockOfSumsReadsBackTheSameBuckets() {
        double[] sums = decimalSums(new Random(3), 40);
        RollupSeries r = new RollupSeries(300_000L);
        long[] t = starts(sums.length);
        for (int i = 0; i < sums.length; i++) {
            r.append(t[i], sums[i]);
        }
        FrozenRollups block = FrozenRollups.encode(r, 0, sums.length);
        java.util.List<RollupBucket> out = new java.util.ArrayList<>();
        block.decodeInto(300_000L, Long.MIN_VALUE, Long.MAX_VALUE, out);
        assertEquals(r.range(Long.MIN_VALUE, Long.MAX_VALUE), out);
    }
}
