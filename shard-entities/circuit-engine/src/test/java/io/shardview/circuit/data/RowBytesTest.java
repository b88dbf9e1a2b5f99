package io.shardview.circuit.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.shardview.circuit.pg.FixedChar;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Packed rows read back as written, and the one-pass packing of common rows writes the bytes the general one does. */
class RowBytesTest {
    @Test
    void randomRowsOfEveryTypePackAsTheGeneralFormAndReadBack() {
        Random random = new Random(11);
        for (int n = 0; n < 20_000; n++) {
            Object[] values = new Object[1 + random.nextInt(6)];
            for (int i = 0; i < values.length; i++) values[i] = value(random);
            Row row = Row.wrap(values);
            byte[] packed = RowBytes.encode(row);
            assertArrayEquals(RowBytes.encodeAny(row), packed, () -> "row " + row);
            assertEquals(row, RowBytes.decode(packed, values.length));
        }
    }

    private static Object value(Random random) {
        return switch (random.nextInt(11)) {
            case 0 -> null;
            case 1 -> random.nextLong();
            case 2 -> random.nextDouble() * 1e6;
            case 3 -> random.nextFloat();
            case 4 -> random.nextBoolean();
            case 5 -> LocalDate.ofEpochDay(random.nextInt(100_000));
            case 6 -> LocalDateTime.of(2026, 1 + random.nextInt(12), 1 + random.nextInt(28), random.nextInt(24), 7);
            case 7 -> text(random, 'a', 26); // ASCII: the one-pass form
            case 8 -> text(random, 0xE0, 400); // beyond ASCII (Latin-1, Greek, Cyrillic): the general form
            case 9 -> new BigDecimal(random.nextLong()).movePointLeft(random.nextInt(10));
            default -> FixedChar.of(text(random, 'a', 26), 300);
        };
    }

    /** A string of 0 to 300 characters (lengths past 127 take a 4-byte length) from {@code count} code points. */
    private static String text(Random random, int first, int count) {
        StringBuilder text = new StringBuilder();
        int length = random.nextInt(4) == 0 ? random.nextInt(300) : random.nextInt(20);
        for (int i = 0; i < length; i++) text.append((char) (first + random.nextInt(count)));
        return text.toString();
    }
}
