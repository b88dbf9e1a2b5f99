package io.shardview.metrics.promql.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FloatFormatTest {

    @Test
    void prometheusNotationOfKnownValues() {
        assertEquals("0.1", FloatFormat.format(0.1));
        assertEquals("1234.5678", FloatFormat.format(1234.5678));
        assertEquals("-0.0025", FloatFormat.format(-0.0025));
        assertEquals("0.00001", FloatFormat.format(1e-5));
        assertEquals("12345678.5", FloatFormat.format(12345678.5));
        assertEquals("1000000000000000000000", FloatFormat.format(1e21));
        assertEquals("42", FloatFormat.format(42));
        assertEquals("-0", FloatFormat.format(-0.0));
        assertEquals("+Inf", FloatFormat.format(Double.POSITIVE_INFINITY));
        assertEquals("NaN", FloatFormat.format(Double.NaN));
        // Go's shortest digits where Java 17's Double.toString gives more (1.9999999999999998E23,
        // 6.8479835487449702E18)
        assertEquals("200000000000000000000000", FloatFormat.format(2e23));
        assertEquals("6847983548744970000", FloatFormat.format(Double.longBitsToDouble(0x43d7c23b3058aa6cL)));
    }

    /** Every magnitude: plain digits, no exponent, no trailing zeros, the same double when read back, and shortest. */
    @Test
    void randomValuesOfEveryMagnitudeArePlainAndReadBackExactly() {
        Random rnd = new Random(7);
        for (int i = 0; i < 200_000; i++) {
            double v =
                    switch (i % 3) {
                        case 0 -> Double.longBitsToDouble(rnd.nextLong());
                        case 1 -> (rnd.nextDouble() - 0.5) * Math.pow(10, rnd.nextInt(40) - 20);
                        default -> Math.round(rnd.nextDouble() * 1e6) / Math.pow(10, rnd.nextInt(9));
                    };
            if (Double.isNaN(v) || Double.isInfinite(v)) continue;
            String text = FloatFormat.format(v);
            assertEquals(v, Double.parseDouble(text), text);
            String where = text + ", bits " + Long.toHexString(Double.doubleToRawLongBits(v));
            assertFalse(text.contains("E") || text.contains("e"), where);
            BigDecimal decimal = new BigDecimal(text);
            if (text.contains(".")) assertFalse(text.endsWith("0"), where);
            // Shortest: the nearest decimal of one significant digit fewer does not read back as v.
            int digits = decimal.stripTrailingZeros().precision();
            if (digits > 1) {
                BigDecimal shorter = decimal.round(new MathContext(digits - 1, RoundingMode.HALF_EVEN));
                assertNotEquals(v, shorter.doubleValue(), where);
            }
        }
    }
}
