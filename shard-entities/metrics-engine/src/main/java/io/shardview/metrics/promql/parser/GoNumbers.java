package io.shardview.metrics.promql.parser;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Go's {@code strconv.ParseInt(s, 0, 64)} and {@code strconv.ParseFloat(s, 64)} as Prometheus applies them to numbers
 * in queries and in API parameters. Java's own parsers accept other spellings ({@code 1d}, {@code 1f}, surrounding
 * blanks) and read {@code 0755} as decimal where Go reads octal, so the syntax is checked here first. Digit
 * separators ({@code 1_000}) are not accepted.
 */
final class GoNumbers {
    private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");
    private static final Pattern HEX_FLOAT =
            Pattern.compile("[+-]?0[xX]([0-9a-fA-F]+\\.?[0-9a-fA-F]*|\\.[0-9a-fA-F]+)[pP][+-]?\\d+");

    private GoNumbers() {}

    /** A number literal of a query: an integer in base 10, 16 (0x) or 8 (leading 0), else a float. */
    static double parseLiteral(String text) {
        Long asInt = parseInt(text);
        return asInt != null ? asInt : parseFloat(text);
    }

    /** {@code strconv.ParseInt(text, 0, 64)}, or null where Go returns an error. */
    static Long parseInt(String text) {
        String digits = text;
        boolean negative = false;
        if (!digits.isEmpty() && (digits.charAt(0) == '+' || digits.charAt(0) == '-')) {
            negative = digits.charAt(0) == '-';
            digits = digits.substring(1);
        }
        int radix = 10;
        if (digits.length() > 2 && (digits.startsWith("0x") || digits.startsWith("0X"))) {
            radix = 16;
            digits = digits.substring(2);
        } else if (digits.length() > 1 && digits.charAt(0) == '0') {
            radix = 8;
            digits = digits.substring(1);
        }
        if (digits.isEmpty() || digits.charAt(0) == '+' || digits.charAt(0) == '-') {
            return null;
        }
        try {
            return Long.parseLong(negative ? "-" + digits : digits, radix);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /**
     * {@code strconv.ParseFloat(text, 64)}: decimal, hexadecimal with a {@code p} exponent, {@code Inf},
     * {@code Infinity}, {@code NaN} (any case, optionally signed).
     *
     * @throws NumberFormatException with Go's message ({@code strconv.ParseFloat: parsing "x": invalid syntax}, or
     *     {@code value out of range} for a finite number too large for a double)
     */
    static double parseFloat(String text) {
        String unsigned = text.startsWith("+") || text.startsWith("-") ? text.substring(1) : text;
        double sign = text.startsWith("-") ? -1 : 1;
        switch (unsigned.toLowerCase(Locale.ROOT)) {
            case "inf", "infinity" -> {
                return sign * Double.POSITIVE_INFINITY;
            }
            case "nan" -> {
                return Double.NaN;
            }
            default -> {}
        }
        if (!DECIMAL.matcher(text).matches() && !HEX_FLOAT.matcher(text).matches()) {
            throw new NumberFormatException("strconv.ParseFloat: parsing " + GoText.quote(text) + ": invalid syntax");
        }
        double value = Double.parseDouble(text);
        if (Double.isInfinite(value)) {
            throw new NumberFormatException(
                    "strconv.ParseFloat: parsing " + GoText.quote(text) + ": value out of range");
        }
        return value;
    }
}
