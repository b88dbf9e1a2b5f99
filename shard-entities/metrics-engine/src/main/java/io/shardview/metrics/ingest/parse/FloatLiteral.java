package io.shardview.metrics.ingest.parse;

/**
 * Strict parsing of decimal floating-point literals: {@code [+-]digits[.digits][(e|E)[+-]digits]}
 * (or {@code .digits}). {@link Double#parseDouble} alone would also take hex floats, "Infinity"
 * and trailing {@code d}/{@code f} suffixes, which no ingest format allows.
 */
final class FloatLiteral {
    private FloatLiteral() {}

    /** Powers of ten that a double holds exactly. */
    private static final double[] EXACT_POWERS_OF_TEN = {
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19,
        1e20, 1e21, 1e22
    };

    private static final long MAX_EXACT_MANTISSA = 1L << 53;

    /** The value, or NumberFormatException if {@code text} is not a decimal literal. */
    static double parseDecimal(String text) {
        double fast = parseShortDecimal(text);
        if (!Double.isNaN(fast)) return fast;
        if (!isDecimal(text)) throw new NumberFormatException("not a number: " + text);
        return Double.parseDouble(text);
    }

    /**
     * The common case of metrics ({@code 12.34}, {@code -0.5}, {@code 1024}) without the general
     * parser: digits m with s decimals, no exponent, m and 10^s both exact doubles, so the one
     * division m / 10^s is correctly rounded, the same double as {@link Double#parseDouble}
     * (Clinger's fast path). NaN when the text is anything else: the caller takes the long way.
     */
    static double parseShortDecimal(String text) {
        // A character outside Latin-1 becomes '?', which no decimal has: that text takes the long way.
        byte[] bytes = text.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        return parseShortDecimal(bytes, 0, bytes.length);
    }

    /** As {@link #parseShortDecimal(String)}, over the ASCII text in bytes[from, to). */
    static double parseShortDecimal(byte[] bytes, int from, int to) {
        int i = from;
        boolean negative = false;
        if (i < to && (bytes[i] == '+' || bytes[i] == '-')) negative = bytes[i++] == '-';
        long mantissa = 0;
        int digits = 0;
        int decimals = -1; // -1: no point seen
        for (; i < to; i++) {
            byte c = bytes[i];
            if (c >= '0' && c <= '9') {
                if (++digits > 18) return Double.NaN; // could overflow a long
                mantissa = mantissa * 10 + (c - '0');
                if (decimals >= 0) decimals++;
            } else if (c == '.' && decimals < 0) {
                decimals = 0;
            } else {
                return Double.NaN;
            }
        }
        if (digits == 0 || mantissa > MAX_EXACT_MANTISSA || decimals >= EXACT_POWERS_OF_TEN.length) return Double.NaN;
        double value = decimals <= 0 ? mantissa : mantissa / EXACT_POWERS_OF_TEN[decimals];
        return negative ? -value : value;
    }

    /** As {@link #parseDecimal}, also taking Prometheus' NaN, Inf, +Inf and -Inf (any case). */
    static double parseWithSpecials(String text) {
        String unsigned = text.startsWith("+") || text.startsWith("-") ? text.substring(1) : text;
        if (unsigned.equalsIgnoreCase("inf") || unsigned.equalsIgnoreCase("infinity")) {
            return text.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        }
        if (text.equalsIgnoreCase("nan")) return Double.NaN;
        return parseDecimal(text);
    }

    static boolean isDecimal(String s) {
        int i = 0;
        int n = s.length();
        if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) i++;
        int intDigits = 0;
        while (i < n && isDigit(s.charAt(i))) {
            i++;
            intDigits++;
        }
        int fracDigits = 0;
        if (i < n && s.charAt(i) == '.') {
            i++;
            while (i < n && isDigit(s.charAt(i))) {
                i++;
                fracDigits++;
            }
        }
        if (intDigits + fracDigits == 0) return false;
        if (i < n && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
            i++;
            if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) i++;
            int expDigits = 0;
            while (i < n && isDigit(s.charAt(i))) {
                i++;
                expDigits++;
            }
            if (expDigits == 0) return false;
        }
        return i == n;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
