package io.shardview.http.ingest;

/**
 * Strict parsing of decimal floating-point literals: {@code [+-]digits[.digits][(e|E)[+-]digits]}
 * (or {@code .digits}). {@link Double#parseDouble} alone would also take hex floats, "Infinity"
 * and trailing {@code d}/{@code f} suffixes, which no ingest format allows.
 */
final class FloatLiteral {
  private FloatLiteral() {}

  /** The value, or NumberFormatException if {@code text} is not a decimal literal. */
  static double parseDecimal(String text) {
    if (!isDecimal(text)) throw new NumberFormatException("not a number: " + text);
    return Double.parseDouble(text);
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
