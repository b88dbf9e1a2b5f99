package io.shardview.metrics.ingest.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FloatLiteralTest {
    private static void assertSameAsJdk(String text) {
        assertEquals(
                Double.doubleToRawLongBits(Double.parseDouble(text)),
                Double.doubleToRawLongBits(FloatLiteral.parseDecimal(text)),
                text);
    }

    @Test
    void shortDecimalsGiveExactlyTheJdkDouble() {
        SplittableRandom rnd = new SplittableRandom(7);
        for (int i = 0; i < 200_000; i++) {
            int decimals = rnd.nextInt(0, 23);
            long mantissa = rnd.nextLong(1L << rnd.nextInt(1, 54));
            String digits = Long.toString(mantissa);
            if (decimals > 0) {
                String padded = "0".repeat(Math.max(0, decimals + 1 - digits.length())) + digits;
                digits = padded.substring(0, padded.length() - decimals) + "."
                        + padded.substring(padded.length() - decimals);
            }
            assertSameAsJdk((rnd.nextBoolean() ? "-" : "") + digits);
        }
    }

    @Test
    void edgeCasesAgreeWithTheJdk() {
        for (String text : new String[] {
            "0",
            "-0",
            "+0.0",
            "5.",
            ".5",
            "-.25",
            "0.1",
            "12.34",
            "100",
            "0.000001",
            "9007199254740992",
            "9007199254740993",
            "123456789012345678",
            "1234567890123456789",
            "0.30000000000000004",
            "1e3",
            "-2.5E-3",
            "1.7976931348623157e308",
            "4.9e-324",
            "00012.500",
            "1." + "0".repeat(30)
        }) {
            assertSameAsJdk(text);
        }
    }

    @Test
    void theFastPathLeavesWhatItCannotDoToTheGeneralParser() {
        assertTrue(Double.isNaN(FloatLiteral.parseShortDecimal("1e3")));
        assertTrue(Double.isNaN(FloatLiteral.parseShortDecimal("9007199254740993")));
        assertTrue(Double.isNaN(FloatLiteral.parseShortDecimal(".")));
        assertTrue(Double.isNaN(FloatLiteral.parseShortDecimal("1.2.3")));
    }

    @Test
    void nonDecimalsAreRejected() {
        for (String text : new String[] {"", ".", "-", "1.2.3", "0x10", "1.5f", "Infinity", "NaN", "1e", "--1", "1 "}) {
            assertThrows(NumberFormatException.class, () -> FloatLiteral.parseDecimal(text), text);
        }
    }
}
