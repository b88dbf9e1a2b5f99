package io.shardview.metrics.promql.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
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
    }

    /** Every magnitude: plain digits, no trailing zeros, no exponent, and the same double when read back. */
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
            String expected = v == Math.rint(v) && Math.abs(v) < 1e15
                    ? (v == 0 ? (1 / v < 0 ? "-0" : "0") : Long.toString((long) v))
                    : new BigDecimal(Double.toString(v)).stripTrailingZeros().toPlainString();
            assertEquals(expected, text, "bits " + Long.toHexString(Double.doubleToRawLongBits(v)));
        }
    }
}
