package io.shardview.circuit.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.DataOutput;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UTFDataFormatException;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ByteArrayOutputTest {
    /** Writes a mix of every kind of value the interface has, drawn from {@code seed}. */
    private static void writeMix(DataOutput out, long seed) throws IOException {
        Random random = new Random(seed);
        for (int i = 0; i < 2_000; i++) {
            switch (random.nextInt(12)) {
                case 0 -> out.write(random.nextInt());
                case 1 -> out.writeBoolean(random.nextBoolean());
                case 2 -> out.writeShort(random.nextInt());
                case 3 -> out.writeChar(random.nextInt());
                case 4 -> out.writeInt(random.nextInt());
                case 5 -> out.writeLong(random.nextLong());
                case 6 -> out.writeFloat(random.nextFloat() * 1e6f - 5e5f);
                case 7 -> out.writeDouble(random.nextGaussian() * 1e12);
                case 8 -> out.writeUTF("naïve café \u20ac \uD83D\uDE00 \u0000 " + random.nextInt());
                case 9 -> out.writeBytes("ascii " + random.nextInt());
                case 10 -> out.writeChars("chars é " + random.nextInt());
                default -> {
                    byte[] b = new byte[random.nextInt(300)];
                    random.nextBytes(b);
                    out.write(b, b.length / 3, b.length / 2);
                    out.write(b);
                }
            }
        }
    }

    @Test
    void writesTheBytesADataOutputStreamWrites() throws IOException {
        for (long seed = 0; seed < 20; seed++) {
            ByteArrayOutputStream expected = new ByteArrayOutputStream();
            writeMix(new DataOutputStream(expected), seed);
            ByteArrayOutput actual = new ByteArrayOutput(1); // grows from the smallest array
            writeMix(actual, seed);
            assertArrayEquals(expected.toByteArray(), actual.toByteArray(), "seed " + seed);
            assertEquals(expected.size(), actual.size());
        }
    }

    @Test
    void aZSetWrittenHereReadsBackThroughTheCodec() throws IOException {
        ZSet z = new ZSet(4);
        z.add(Row.wrap(new Object[] {1L, "ann", null, 2.5}), 1);
        z.add(Row.wrap(new Object[] {2L, "bøb", true, new BigDecimal("-12.340")}), -2);
        z.add(Row.wrap(new Object[] {3L, "", LocalDate.of(2026, 11, 26), 1.5f}), 3);
        ByteArrayOutput out = new ByteArrayOutput(8);
        RowCodec.writeZSet(out, z);
        assertEquals(
                z.entries(),
                RowCodec.readZSet(new ByteArrayInput(out.toByteArray())).entries());
    }

    @Test
    void aNameTooLongForModifiedUtf8IsRefusedAsDataOutputStreamRefusesIt() {
        String tooLong = "é".repeat(40_000); // 80,000 bytes of modified UTF-8
        assertThrows(UTFDataFormatException.class, () -> new ByteArrayOutput(16).writeUTF(tooLong));
    }
}
