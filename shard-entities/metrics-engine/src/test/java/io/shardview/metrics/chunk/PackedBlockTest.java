package io.shardview.metrics.chunk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PackedBlockTest {

    @Test
    void everyWidthRoundTripsInThePlannedSizeAndTheChosenOneIsTheSmallest() {
        for (long seed = 0; seed < 400; seed++) {
            Random rnd = new Random(seed);
            int n = rnd.nextInt(300);
            long[] z = values(rnd, n);
            PackedBlock.Plan best = PackedBlock.plan(z, n);
            int longest = 0;
            for (int i = 0; i < n; i++) longest = Math.max(longest, 64 - Long.numberOfLeadingZeros(z[i]));
            for (int width = 0; width <= longest; width++) {
                PackedBlock.Plan plan = PackedBlock.planAt(z, n, width);
                assertTrue(best.bits() <= plan.bits(), "seed " + seed + ": width " + width + " beats " + best);
                assertRoundTrip(z, n, plan, "seed " + seed + " width " + width);
            }
            assertEquals(PackedBlock.planAt(z, n, best.width()), best, "seed " + seed);
        }
    }

    /** Each value is read at its own bit position where eight bytes lie ahead, and by the accumulator near the end. */
    @Test
    void valuesAreReadAtAnyBitOffsetAndUpToTheLastByte() {
        Random rnd = new Random(9);
        for (int round = 0; round < 300; round++) {
            int lead = rnd.nextInt(70); // bits written before the block
            int n = 1 + rnd.nextInt(40);
            long[] z = values(rnd, n);
            BitWriter w = new BitWriter(8);
            w.writeBits(rnd.nextLong(), Math.min(lead, 64));
            w.writeBits(rnd.nextLong(), Math.max(0, lead - 64));
            PackedBlock.write(w, z, n, PackedBlock.plan(z, n));
            w.writeBits(0x5A, 8); // a field after the block
            BitReader r = new BitReader(w.toByteArray(), 0);
            r.readBits(Math.min(lead, 64));
            r.readBits(Math.max(0, lead - 64));
            long[] back = new long[n + 2];
            PackedBlock.readUnlessZero(r, back, 1, n);
            assertArrayEquals(z, Arrays.copyOfRange(back, 1, n + 1), "round " + round);
            assertEquals(0x5A, r.readBits(8), "round " + round + ": the field after the block");
        }
    }

    @Test
    void aBlockOfZerosIsSevenBitsAndLeavesItsArrayUntouched() {
        long[] z = new long[50];
        PackedBlock.Plan plan = PackedBlock.plan(z, z.length);
        BitWriter w = new BitWriter(8);
        PackedBlock.write(w, z, z.length, plan);
        assertEquals(14, w.bitLength()); // width 0 and a var-long 0 patches
        long[] out = new long[50];
        Arrays.fill(out, 7);
        assertFalse(PackedBlock.readUnlessZero(new BitReader(w.toByteArray(), 0), out, 0, z.length));
    }

    private static long[] values(Random rnd, int n) {
        long[] z = new long[n];
        int shift = 1 + rnd.nextInt(63);
        boolean allZero = rnd.nextInt(20) == 0;
        for (int i = 0; i < n && !allZero; i++) {
            z[i] = switch (rnd.nextInt(12)) {
                case 0 -> rnd.nextLong(); // an outlier: a patch
                case 1 -> 0;
                default -> rnd.nextLong() >>> shift;
            };
        }
        return z;
    }

    private static void assertRoundTrip(long[] z, int n, PackedBlock.Plan plan, String where) {
        BitWriter w = new BitWriter(8);
        PackedBlock.write(w, z, n, plan);
        assertEquals(plan.bits(), w.bitLength(), where);
        long[] back = new long[n];
        boolean any = PackedBlock.readUnlessZero(new BitReader(w.toByteArray(), 0), back, 0, n);
        if (any) {
            assertArrayEquals(z, back, where);
        } else {
            assertTrue(Arrays.stream(z, 0, n).allMatch(v -> v == 0), where);
        }
    }
}
