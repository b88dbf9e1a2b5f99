package io.shardview.http.ingest;

import java.util.Locale;

/**
 * Influx line protocol: {@code measurement[,tag=value...] field=value[,field=value...] [timestamp]}.
 *
 * <p>Field {@code f} of measurement {@code m} becomes metric {@code m_f}; tags become labels.
 * Floats, integers ({@code 12i}), unsigned ({@code 12u}) and booleans (1 or 0) are samples; string
 * fields carry no sample and are skipped, as VictoriaMetrics does. Timestamps are converted from
 * the request's precision to milliseconds (rounding down); a line without one takes {@code now}.
 * Escapes follow InfluxDB: a backslash makes the next comma, space or equals sign literal.
 */
public final class LineProtocolParser {
  /** Units of line timestamps. */
  public enum Precision {
    NS(1_000_000L, false), US(1_000L, false), MS(1L, false), S(1_000L, true);

    private final long factor;
    private final boolean multiply;

    Precision(long factor, boolean multiply) {
      this.factor = factor;
      this.multiply = multiply;
    }

    /** The precision named by the {@code precision} query parameter (ns, us, ms, s; also n, u). */
    public static Precision parse(String name) {
      return switch (name.toLowerCase(Locale.ROOT)) {
        case "ns", "n" -> NS;
        case "us", "u", "µs" -> US;
        case "ms" -> MS;
        case "s" -> S;
        default -> throw new IngestException("precision must be one of ns, us, ms, s; got " + name,
            java.util.Map.of("parameter", "precision"));
      };
    }

    long toMillis(long timestamp) {
      return multiply ? Math.multiplyExact(timestamp, factor) : Math.floorDiv(timestamp, factor);
    }
  }

  private static final char[] MEASUREMENT_STOPS = {',', ' '};
  private static final char[] KEY_STOPS = {'=', ',', ' '};
  private static final char[] VALUE_STOPS = {',', ' '};

  private final LabelSetBuilder labels = new LabelSetBuilder();
  private final java.util.List<String> tags = new java.util.ArrayList<>();
  private final java.util.List<String> fieldNames = new java.util.ArrayList<>();
  private final java.util.List<Double> fieldValues = new java.util.ArrayList<>();
  private final StringBuilder token = new StringBuilder();
  private final SampleBatch.Builder out;
  private final Precision precision;
  private final long nowMillis;

  private String line;
  private int pos;

  private LineProtocolParser(SampleBatch.Builder out, Precision precision, long nowMillis) {
    this.out = out;
    this.precision = precision;
    this.nowMillis = nowMillis;
  }

  /** Parses the whole body into {@code out}, or throws naming the first bad line. */
  public static void parse(String body, Precision precision, long nowMillis, SampleBatch.Builder out) {
    new LineProtocolParser(out, precision, nowMillis).parseBody(body);
  }

  private void parseBody(String body) {
    TextLines.forEach(body, this::parseLine);
  }

  private void parseLine(String text) {
    line = text;
    pos = 0;
    skipSpaces();
    if (pos == line.length() || line.charAt(pos) == '#') return;

    String measurement = readToken(MEASUREMENT_STOPS, false);
    if (measurement.isEmpty()) throw new IllegalArgumentException("missing measurement");
    tags.clear();
    while (peek() == ',') {
      pos++;
      String key = readToken(KEY_STOPS, false);
      expect('=', "tag " + key + " has no value");
      String value = readToken(VALUE_STOPS, false);
      if (key.isEmpty() || value.isEmpty()) throw new IllegalArgumentException("empty tag key or value");
      if (key.equals(LabelSetBuilder.METRIC_NAME)) throw new IllegalArgumentException("tag __name__ is reserved");
      tags.add(key);
      tags.add(value);
    }
    if (peek() != ' ') throw new IllegalArgumentException("missing fields");
    skipSpaces();

    fieldNames.clear();
    fieldValues.clear();
    while (true) {
      String field = readToken(KEY_STOPS, false);
      if (field.isEmpty()) throw new IllegalArgumentException("empty field name");
      expect('=', "field " + field + " has no value");
      Double value = readFieldValue(field);
      if (value != null) {
        fieldNames.add(field);
        fieldValues.add(value);
      }
      if (peek() != ',') break;
      pos++;
    }

    long timestamp = readTimestamp();
    for (int i = 0; i < fieldNames.size(); i++) {
      labels.reset();
      for (int t = 0; t < tags.size(); t += 2) labels.add(tags.get(t), tags.get(t + 1));
      labels.add(LabelSetBuilder.METRIC_NAME, measurement + "_" + fieldNames.get(i));
      out.add(out.series(labels.build()), timestamp, fieldValues.get(i));
    }
  }

  private long readTimestamp() {
    skipSpaces();
    if (pos == line.length()) return nowMillis;
    String ts = readToken(VALUE_STOPS, true);
    skipSpaces();
    if (pos != line.length()) throw new IllegalArgumentException("unexpected text after the timestamp");
    try {
      return precision.toMillis(Long.parseLong(ts));
    } catch (NumberFormatException | ArithmeticException e) {
      throw new IllegalArgumentException("bad timestamp " + ts);
    }
  }

  /** A numeric sample value, or null for a string field (which has none). */
  private Double readFieldValue(String field) {
    if (peek() == '"') {
      pos++;
      while (pos < line.length() && line.charAt(pos) != '"') {
        pos += line.charAt(pos) == '\\' ? 2 : 1;
      }
      if (pos >= line.length()) throw new IllegalArgumentException("unterminated string in field " + field);
      pos++;
      return null;
    }
    String raw = readToken(VALUE_STOPS, true);
    if (raw.isEmpty()) throw new IllegalArgumentException("field " + field + " has no value");
    switch (raw) {
      case "t", "T", "true", "True", "TRUE": return 1.0;
      case "f", "F", "false", "False", "FALSE": return 0.0;
      default: break;
    }
    char last = raw.charAt(raw.length() - 1);
    try {
      if (last == 'i') return (double) Long.parseLong(raw.substring(0, raw.length() - 1));
      if (last == 'u') return unsigned(raw.substring(0, raw.length() - 1));
      return FloatLiteral.parseDecimal(raw);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("field " + field + " has an invalid value " + raw);
    }
  }

  private static double unsigned(String digits) {
    if (digits.startsWith("-") || digits.startsWith("+")) throw new NumberFormatException(digits);
    return Double.parseDouble(Long.toUnsignedString(Long.parseUnsignedLong(digits)));
  }

  private String readToken(char[] stops, boolean raw) {
    token.setLength(0);
    while (pos < line.length()) {
      char c = line.charAt(pos);
      if (!raw && c == '\\' && pos + 1 < line.length() && isEscapable(line.charAt(pos + 1))) {
        token.append(line.charAt(pos + 1));
        pos += 2;
        continue;
      }
      for (char stop : stops) {
        if (c == stop) return token.toString();
      }
      token.append(c);
      pos++;
    }
    return token.toString();
  }

  private static boolean isEscapable(char c) {
    return c == ',' || c == ' ' || c == '=' || c == '\\' || c == '"';
  }

  private char peek() {
    return pos < line.length() ? line.charAt(pos) : '\n';
  }

  private void expect(char c, String message) {
    if (peek() != c) throw new IllegalArgumentException(message);
    pos++;
  }

  private void skipSpaces() {
    while (pos < line.length() && (line.charAt(pos) == ' ' || line.charAt(pos) == '\t')) pos++;
  }
}
