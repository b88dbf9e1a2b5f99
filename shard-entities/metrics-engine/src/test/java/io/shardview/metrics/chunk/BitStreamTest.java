package io.shardview.metrics.chunk;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

class BitStreamTest {

    @Test
    void randomFieldsOfEveryWidthReadBackAsWritten() {
        for (long seed = 0; seed < 50; seed++) {
            Random rnd = new Random(seed);
            int fields = 1 + rnd.nextInt(500);
            int[] kind = new int[fields];
            int[] width = new int[fields];
            long[] expected = new long[fields];
            BitWriter w = new BitWriter(1);
            for (int i = 0; i < fields; i++) {
                kind[i] = rnd.nextInt(3);
                width[i] = rnd.nextInt(65);
                long v = rnd.nextLong();
                switch (kind[i]) {
                    case 0 -> {
                        w.writeBits(v, width[i]);
                        expected[i] = width[i] == 0 ? 0 : v & (-1L >>> (64 - width[i]));
                    }
                    case 1 -> {
                        w.writeUnary(width[i] * 2); // up to 128 ones: crosses the 32-bit split
                        expected[i] = width[i] * 2;
                    }
                    default -> {
                        expected[i] = v >>> rnd.nextInt(64);
                        w.writeVarLong(expected[i]);
                    }
                }
            }
            // At an offset into a larger array, as chunks are read: the reader loads eight bytes at a time while the
            // array holds them, then byte by byte, then zero bits past its end.
            byte[] written = w.toByteArray();
            int offset = rnd.nextInt(9);
            byte[] buf = new byte[offset + written.length];
            rnd.nextBytes(buf);
            System.arraycopy(written, 0, buf, offset, written.length);
            BitReader r = new BitReader(buf, offset);
            for (int i = 0; i < fields; i++) {
                String where = "seed " + seed + " field " + i;
                long actual =
                        switch (kind[i]) {
                            case 0 -> r.readBits(width[i]);
                            case 1 -> r.readUnary();
                            default -> r.readVarLong();
                        };
                assertEquals(expected[i], actual, where);
            }
            assertEquals(0, r.readBits(64), "past the end: zero bits");
        }
    }

    @Test
    void bitLengthCountsEveryBitWritten() {
        BitWriter w = new BitWriter(1);
        w.writeBits(5, 3);
        w.writeUnary(40);
        w.writeBits(-1L, 64);
        assertEquals(3 + 41 + 64, w.bitLength());
        assertEquals((3 + 41 + 64 + 7) / 8, w.toByteArray().length);
    }
}
