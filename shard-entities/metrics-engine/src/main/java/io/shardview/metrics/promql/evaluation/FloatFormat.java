package io.shardview.metrics.promql.evaluation;

import com.fasterxml.jackson.core.io.NumberOutput;
import java.math.BigDecimal;

/**
 * Numbers as Prometheus writes them in results and in count_values' labels (Go's {@code FormatFloat(v, 'f', -1, 64)}):
 * the shortest decimal that reads back as the same double, never in exponent form; {@code NaN}, {@code +Inf},
 * {@code -Inf}.
 */
public final class FloatFormat {
    private FloatFormat() {}

    /** {@code value} in Prometheus's notation. */
    public static String format(double value) {
        if (Double.isNaN(value)) return "NaN";
        if (value == Double.POSITIVE_INFINITY) return "+Inf";
        if (value == Double.NEGATIVE_INFINITY) return "-Inf";
        if (value == 0) return 1 / value < 0 ? "-0" : "0";
        if (value == Math.rint(value) && Math.abs(value) < 1e15) return Long.toString((long) value);
        // The shortest digits that read back as the same double, nearest to it where several are as short (Go's
        // choice; Java 17's Double.toString sometimes gives more digits, 4.9E-324 for 5e-324), by Jackson's Schubfach,
        // in Double.toString's notation. Without an exponent (1e-3 <= |value| < 1e7) they are plain already and, not
        // being an integer, end in a non-zero digit: nothing to strip.
        String shortest = NumberOutput.toString(value, true);
        if (shortest.indexOf('E') < 0) return shortest;
        return new BigDecimal(shortest).stripTrailingZeros().toPlainString();
    }

    /** A time in milliseconds as Prometheus writes it: seconds, with the milliseconds as a fraction when not 0. */
    public static String seconds(long millis) {
        long seconds = Math.floorDiv(millis, 1000);
        long fraction = Math.floorMod(millis, 1000);
        if (fraction == 0) return Long.toString(seconds);
        String digits = String.format("%03d", fraction);
        while (digits.endsWith("0")) digits = digits.substring(0, digits.length() - 1);
        return seconds + "." + digits;
    }
}
