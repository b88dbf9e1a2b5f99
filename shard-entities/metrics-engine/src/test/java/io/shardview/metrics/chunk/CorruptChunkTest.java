package io.shardview.metrics.chunk;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Damaged chunks fail with IllegalArgumentException or decode to bounded garbage, never worse. */
class CorruptChunkTest {

    @Test
    void truncatedAndBitFlippedChunksFailCleanly() {
        for (long seed = 0; seed < 300; seed++) {
            Random rnd = new Random(seed);
            long[] ts = new long[1 + rnd.nextInt(200)];
            double[] vs = new double[ts.length];
            ChunkRoundTripTest.fillTimes(rnd, ChunkRoundTripTest.TimeShape.values()[rnd.nextInt(6)], ts);
            ChunkRoundTripTest.fillValues(rnd, ChunkRoundTripTest.ValueShape.values()[rnd.nextInt(7)], vs);
            byte[] chunk =
                    switch (rnd.nextInt(3)) {
                        case 0 -> XorChunk.encode(ts, vs, 0, ts.length);
                        case 1 -> DecimalChunk.encode(ts, vs, 0, ts.length, DecimalChunk.Residuals.RICE);
                        default -> DecimalChunk.encode(ts, vs, 0, ts.length, DecimalChunk.Residuals.PACKED);
                    };
            byte[] damaged = rnd.nextBoolean() ? Arrays.copyOf(chunk, rnd.nextInt(chunk.length)) : flipBits(chunk, rnd);
            decodeBounded(damaged, "seed " + seed);
        }
    }

    @Test
    void randomBytesBehindAValidTagFailCleanly() {
        Random rnd = new Random(1);
        for (int i = 0; i < 500; i++) {
            byte[] bytes = new byte[1 + rnd.nextInt(64)];
            rnd.nextBytes(bytes);
            bytes[0] = new byte[] {XorChunk.TAG, DecimalChunk.TAG, DecimalChunk.PACKED_TAG}[rnd.nextInt(3)];
            decodeBounded(bytes, "case " + i);
        }
    }

    private static byte[] flipBits(byte[] chunk, Random rnd) {
        byte[] out = chunk.clone();
        for (int f = 0; f < 1 + rnd.nextInt(4); f++) {
            int bit = 8 + rnd.nextInt(Math.max(1, out.length * 8 - 8)); // keep the tag
            if (bit / 8 < out.length) {
                out[bit / 8] ^= (byte) (0x80 >>> (bit % 8));
            }
        }
        return out;
    }

    private static void decodeBounded(byte[] chunk, String where) {
        try {
            ChunkIterator it = Chunks.iterator(chunk);
            long points = 0;
            while (it.next()) {
                points++;
            }
            assertTrue(points <= Chunks.MAX_POINTS, where);
        } catch (IllegalArgumentException expected) {
            // a detected corruption
        }
    }
}
