package io.shardview.metrics.chunk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class RiceBlockTest {

    @Test
    void plannedSizeIsExactlyTheWrittenSizeAndBlocksRoundTrip() {
        for (long seed = 0; seed < 500; seed++) {
            Random rnd = new Random(seed);
            int n = rnd.nextInt(300);
            long[] z = new long[n];
            int shift = rnd.nextInt(64);
            boolean allZero = rnd.nextInt(20) == 0;
            for (int i = 0; i < n && !allZero; i++) {
                z[i] = switch (rnd.nextInt(10)) {
                    case 0 -> rnd.nextLong(); // outlier, often escaped
                    case 1 -> 0;
                    default -> rnd.nextLong() >>> shift;
                };
            }
            RiceBlock.Plan plan = RiceBlock.plan(z, n);
            BitWriter w = new BitWriter(8);
            RiceBlock.write(w, z, n, plan);
            assertEquals(plan.bits(), w.bitLength(), "seed " + seed);
            long[] back = new long[n];
            RiceBlock.read(new BitReader(w.toByteArray(), 0), back, 0, n);
            assertArrayEquals(z, back, "seed " + seed);
        }
    }

    @Test
    void chosenParameterIsNoWorseThanItsNeighbours() {
        Random rnd = new Random(5);
        for (int round = 0; round < 100; round++) {
            long[] z = new long[120];
            double scale = Math.pow(2, rnd.nextInt(30));
            for (int i = 0; i < z.length; i++) {
                z[i] = ZigZag.encode(Math.round(rnd.nextGaussian() * scale));
            }
            RiceBlock.Plan plan = RiceBlock.plan(z, z.length);
            for (int k = Math.max(0, plan.k() - 3); k <= Math.min(63, plan.k() + 3); k++) {
                BitWriter w = new BitWriter(8);
                RiceBlock.write(w, z, z.length, new RiceBlock.Plan(false, k, 0));
                assertTrue(plan.bits() <= w.bitLength(), "k=" + k + " beats planned k=" + plan.k());
            }
        }
    }
}
