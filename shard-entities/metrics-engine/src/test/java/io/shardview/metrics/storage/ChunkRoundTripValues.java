package io.shardview.metrics.storage;

import java.util.Random;

/** Adversarial values shared by the storage tests. */
final class ChunkRoundTripValues {
    private ChunkRoundTripValues() {}

    static double special(Random rnd) {
        return switch (rnd.nextInt(7)) {
            case 0 -> Double.longBitsToDouble(RollupSeries.STALE_MARKER_BITS);
            case 1 -> Double.longBitsToDouble(0x7ff8000000000000L | (rnd.nextLong() & 0xfffffffffffffL));
            case 2 -> Double.POSITIVE_INFINITY;
            case 3 -> Double.NEGATIVE_INFINITY;
            case 4 -> -0.0;
            case 5 -> Double.MIN_VALUE;
            default -> -Double.MAX_VALUE;
        };
    }
}
