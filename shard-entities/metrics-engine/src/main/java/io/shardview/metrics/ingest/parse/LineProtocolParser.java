package io.shardview.metrics.ingest.parse;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Influx line protocol: {@code measurement[,tag=value...] field=value[,field=value...] [timestamp]}.
 *
 * <p>Field {@code f} of measurement {@code m} becomes metric {@code m_f}; tags become labels.
 * Floats, integers ({@code 12i}), unsigned ({@code 12u}) and booleans (1 or 0) are samples; string
 * fields carry no sample and are skipped, as VictoriaMetrics does. Timestamps are converted from
 * the request's precision to milliseconds (rounding down); a line without one takes {@code now}.
 * Escapes follow InfluxDB: a backslash makes the next comma, space or equals sign literal.
 *
 * <p>The body is parsed as UTF-8 bytes in place: structure characters are ASCII, which never
 * occur inside a multi-byte UTF-8 sequence, and names and values become strings only when a
 * series key is first met in the request (a body repeats each key once per timestamp).
 */
public final class LineProtocolParser {
    /** Units of line timestamps. */
    public enum Precision {
        NS(1_000_000L, false),
        US(1_000L, false),
        MS(1L, false),
        S(1_000L, true);

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
                default -> throw IngestException.invalidParameter(
                        "precision", "precision must be one of ns, us, ms, s; got " + name);
            };
        }

        long toMillis(long timestamp) {
            return multiply ? Math.multiplyExact(timestamp, factor) : Math.floorDiv(timestamp, factor);
        }
    }

    private static final byte[] MEASUREMENT_STOPS = {',', ' '};
    /** Fields of a key looked up by comparing bytes before the map is asked (lines usually carry a few). */
    private static final int BYTE_COMPARED_FIELDS = 16;

    private static final byte[] KEY_STOPS = {'=', ',', ' '};
    private static final byte[] VALUE_STOPS = {',', ' '};

    private final LabelSetBuilder labels;
    /** The numeric fields of the current line: series indexes and values. */
    private int[] fieldSeries = new int[16];

    private double[] fieldValues = new double[16];
    private int fieldCount;
    /**
     * Series keys (the raw text before the fields: measurement and tags) seen in this request, a hash
     * table of chains. A repeated key skips tag parsing and label building.
     */
    private SeriesKey[] seriesKeys = new SeriesKey[64];

    private int seriesKeyCount;
    /**
     * The key of the previous line. Bodies repeat their keys in the same order at every timestamp,
     * so the key that followed a key last time is tried first, by comparing bytes without hashing.
     */
    private SeriesKey previousKey;

    private final SampleBatchBuilder out;
    private final Precision precision;
    private final long nowMillis;

    private byte[] buf;
    private int pos;
    /** End (exclusive) of the current line. */
    private int end;

    private LineProtocolParser(SampleBatchBuilder out, Precision precision, long nowMillis) {
        this.out = out;
        this.precision = precision;
        this.nowMillis = nowMillis;
        this.labels = new LabelSetBuilder(out.limits());
    }

    /** Parses the whole body into {@code out}, or throws naming the first bad line. */
    public static void parse(String body, Precision precision, long nowMillis, SampleBatchBuilder out) {
        parse(body.getBytes(StandardCharsets.UTF_8), precision, nowMillis, out);
    }

    /** Parses the whole UTF-8 body into {@code out}, or throws naming the first bad line. */
    public static void parse(byte[] body, Precision precision, long nowMillis, SampleBatchBuilder out) {
        LineProtocolParser parser = new LineProtocolParser(out, precision, nowMillis);
        parser.buf = body;
        TextLines.forEach(body, parser::parseLine);
    }

    private void parseLine(int start, int lineEnd) {
        pos = start;
        end = lineEnd;
        skipSpaces();
        if (pos == end || buf[pos] == '#') return;

        SeriesKey key = seriesKey();
        if (peek() != ' ') throw new IllegalArgumentException("missing fields");
        skipSpaces();

        fieldCount = 0;
        for (int ordinal = 0; ; ordinal++) {
            int nameStart = pos;
            int known = key.fieldAt(ordinal, nameStart);
            if (known >= 0) { // the field this key had at this place before: its name is not scanned again
                pos += key.fieldNames[ordinal].length + 1;
                if (peek() == '"') {
                    skipString(nameStart, pos - 1, true);
                } else {
                    addField(known, readNumber(nameStart, pos - 1, true));
                }
            } else {
                boolean escaped = scan(KEY_STOPS, false);
                if (pos == nameStart) throw new IllegalArgumentException("empty field name");
                int nameEnd = pos;
                if (peek() != '=')
                    throw new IllegalArgumentException("field " + text(nameStart, nameEnd, escaped) + " has no value");
                pos++;
                if (peek() == '"') {
                    skipString(nameStart, nameEnd, escaped);
                } else {
                    double value = readNumber(nameStart, nameEnd, escaped);
                    addField(key.series(nameStart, nameEnd, escaped), value);
                }
            }
            if (peek() != ',') break;
            pos++;
        }

        long timestamp = readTimestamp();
        for (int i = 0; i < fieldCount; i++) {
            out.add(fieldSeries[i], timestamp, fieldValues[i]);
        }
    }

    private void addField(int series, double value) {
        if (fieldCount == fieldSeries.length) {
            out.checkRoom(fieldCount + 1); // a line repeating one field must not grow past the samples limit
            fieldSeries = Arrays.copyOf(fieldSeries, fieldCount * 2);
            fieldValues = Arrays.copyOf(fieldValues, fieldCount * 2);
        }
        fieldSeries[fieldCount] = series;
        fieldValues[fieldCount++] = value;
    }

    /**
     * The measurement and tags of this line, parsed at the first sight of their exact bytes in this
     * request. The bytes are hashed as they are scanned and compared in place.
     */
    private SeriesKey seriesKey() {
        SeriesKey predicted = previousKey == null ? null : previousKey.successor;
        if (predicted != null && predicted.isAt(pos)) {
            pos += predicted.bytes.length;
            previousKey = predicted;
            return predicted;
        }
        SeriesKey key = lookUpOrParseKey();
        if (key.remembered) {
            if (previousKey != null) previousKey.successor = key;
            previousKey = key;
        }
        return key;
    }

    private SeriesKey lookUpOrParseKey() {
        int start = pos;
        int keyEnd = start;
        int hash = 0;
        while (keyEnd < end && buf[keyEnd] != ' ') {
            hash = 31 * hash + buf[keyEnd];
            keyEnd += buf[keyEnd] == '\\' && keyEnd + 1 < end && isEscapable(buf[keyEnd + 1]) ? 2 : 1;
        }
        for (SeriesKey k = seriesKeys[hash & (seriesKeys.length - 1)]; k != null; k = k.next) {
            if (k.hash == hash && Arrays.equals(buf, start, keyEnd, k.bytes, 0, k.bytes.length)) {
                pos = keyEnd;
                return k;
            }
        }
        String measurement = readToken(MEASUREMENT_STOPS);
        if (measurement.isEmpty()) throw new IllegalArgumentException("missing measurement");
        List<String> tags = new ArrayList<>();
        while (peek() == ',') {
            pos++;
            String name = readToken(KEY_STOPS);
            if (peek() != '=') throw new IllegalArgumentException("tag " + name + " has no value");
            pos++;
            String value = readToken(VALUE_STOPS);
            if (name.isEmpty() || value.isEmpty()) throw new IllegalArgumentException("empty tag key or value");
            if (name.equals(LabelSetBuilder.METRIC_NAME))
                throw new IllegalArgumentException("tag __name__ is reserved");
            // Checked as read, so a line of a million tags is refused at its limit, not held first.
            labels.checkName(name);
            labels.checkValue(name, value);
            if (tags.size() / 2 + 1 >= out.limits().maxLabelsPerSeries())
                throw LabelSetBuilder.tooManyLabels(out.limits());
            tags.add(name);
            tags.add(value);
        }
        SeriesKey key =
                new SeriesKey(Arrays.copyOfRange(buf, start, keyEnd), hash, measurement, tags.toArray(String[]::new));
        if (pos == keyEnd) remember(key); // else the line has no fields: rejected by the caller
        return key;
    }

    private void remember(SeriesKey key) {
        key.remembered = true;
        if (++seriesKeyCount > seriesKeys.length / 2) {
            SeriesKey[] old = seriesKeys;
            seriesKeys = new SeriesKey[old.length * 2];
            for (SeriesKey chain : old) {
                for (SeriesKey k = chain, next; k != null; k = next) {
                    next = k.next;
                    int slot = k.hash & (seriesKeys.length - 1);
                    k.next = seriesKeys[slot];
                    seriesKeys[slot] = k;
                }
            }
        }
        int slot = key.hash & (seriesKeys.length - 1);
        key.next = seriesKeys[slot];
        seriesKeys[slot] = key;
    }

    /**
     * A measurement with its tags, and the batch's series index of each of its fields met so far
     * (by the field's raw bytes); chained by the hash of its bytes in {@link #seriesKeys}.
     */
    private final class SeriesKey {
        private final byte[] bytes;
        private final int hash;
        private SeriesKey next;
        /** The key of the line after the last line with this key; see {@link #previousKey}. */
        private SeriesKey successor;
        /** Whether the key is in {@link #seriesKeys} (a key of a line without fields is not). */
        private boolean remembered;

        private final String measurement;
        private final String[] tags;
        private byte[][] fieldNames = new byte[4][];
        private int[] fieldSeries = new int[4];
        private int fields;
        private final Map<String, Integer> seriesOfField = new HashMap<>();

        SeriesKey(byte[] bytes, int hash, String measurement, String[] tags) {
            this.bytes = bytes;
            this.hash = hash;
            this.measurement = measurement;
            this.tags = tags;
        }

        /**
         * Whether buf holds exactly this key at {@code at}, followed by the space before the fields:
         * equal bytes scan to the same end, escapes included.
         */
        boolean isAt(int at) {
            int to = at + bytes.length;
            return to < end && buf[to] == ' ' && Arrays.equals(buf, at, to, bytes, 0, bytes.length);
        }

        /**
         * The series of the field named at {@code at} if that name is the {@code ordinal}-th one this
         * key met (lines of a key usually list their fields in the same order), else -1.
         */
        int fieldAt(int ordinal, int at) {
            if (ordinal >= fields) return -1;
            byte[] name = fieldNames[ordinal];
            int to = at + name.length;
            return to < end && buf[to] == '=' && Arrays.equals(buf, at, to, name, 0, name.length)
                    ? fieldSeries[ordinal]
                    : -1;
        }

        /** The series of the field named by buf[from, to). */
        int series(int from, int to, boolean escaped) {
            // A key's first few fields are compared as bytes, in place; past them, the map: scanning every name
            // for every new one was quadratic, and a line of 100,000 fields held a request for 20 s.
            for (int i = 0; i < Math.min(fields, BYTE_COMPARED_FIELDS); i++) {
                if (Arrays.equals(buf, from, to, fieldNames[i], 0, fieldNames[i].length)) return fieldSeries[i];
            }
            String field = text(from, to, escaped);
            Integer known = seriesOfField.get(field);
            if (known != null) return known; // a field past the compared ones, already in fieldNames
            labels.reset();
            for (int t = 0; t < tags.length; t += 2) labels.add(tags[t], tags[t + 1]);
            labels.add(LabelSetBuilder.METRIC_NAME, measurement + "_" + field);
            int series = out.series(labels.build());
            seriesOfField.put(field, series);
            if (fields == fieldNames.length) {
                fieldNames = Arrays.copyOf(fieldNames, fields * 2);
                fieldSeries = Arrays.copyOf(fieldSeries, fields * 2);
            }
            fieldNames[fields] = Arrays.copyOfRange(buf, from, to);
            fieldSeries[fields++] = series;
            return series;
        }
    }

    private long readTimestamp() {
        skipSpaces();
        if (pos == end) return nowMillis;
        int start = pos;
        skipValue();
        int tsEnd = pos;
        skipSpaces();
        if (pos != end) throw new IllegalArgumentException("unexpected text after the timestamp");
        long digits = plainDigits(start, tsEnd);
        if (digits >= 0 && precision != Precision.S) return precision.toMillis(digits);
        String ts = text(start, tsEnd, false);
        try {
            return precision.toMillis(Long.parseLong(ts));
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("bad timestamp " + ts);
        }
    }

    /**
     * The value of buf[from, to) if it is 1 to 18 ASCII digits (no sign), which cannot overflow;
     * else -1, and the caller parses the text the general way.
     */
    private long plainDigits(int from, int to) {
        if (to == from || to - from > 18) return -1;
        long v = 0;
        for (int i = from; i < to; i++) {
            int d = buf[i] - '0';
            if (d < 0 || d > 9) return -1;
            v = v * 10 + d;
        }
        return v;
    }

    private void skipString(int nameStart, int nameEnd, boolean escaped) {
        pos++;
        while (pos < end && buf[pos] != '"') {
            pos += buf[pos] == '\\' ? 2 : 1;
        }
        if (pos >= end) {
            throw new IllegalArgumentException("unterminated string in field " + text(nameStart, nameEnd, escaped));
        }
        pos++;
    }

    /** A numeric field value (float, integer, unsigned or boolean). */
    private double readNumber(int nameStart, int nameEnd, boolean escaped) {
        int start = pos;
        skipValue();
        if (pos == start) {
            throw new IllegalArgumentException("field " + text(nameStart, nameEnd, escaped) + " has no value");
        }
        double fast = FloatLiteral.parseShortDecimal(buf, start, pos);
        if (!Double.isNaN(fast)) return fast;
        String raw = text(start, pos, false);
        try {
            return numericValue(raw);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "field " + text(nameStart, nameEnd, escaped) + " has an invalid value " + raw);
        }
    }

    private static double numericValue(String raw) {
        switch (raw) {
            case "t", "T", "true", "True", "TRUE":
                return 1.0;
            case "f", "F", "false", "False", "FALSE":
                return 0.0;
            default:
                break;
        }
        char last = raw.charAt(raw.length() - 1);
        if (last == 'i') return (double) Long.parseLong(raw.substring(0, raw.length() - 1));
        if (last == 'u') return unsigned(raw.substring(0, raw.length() - 1));
        return FloatLiteral.parseDecimal(raw);
    }

    private static double unsigned(String digits) {
        if (digits.startsWith("-") || digits.startsWith("+")) throw new NumberFormatException(digits);
        return Double.parseDouble(Long.toUnsignedString(Long.parseUnsignedLong(digits)));
    }

    /**
     * Moves {@code pos} to the next stop byte (or the line end); unless {@code raw}, a backslash
     * before an escapable character makes it literal. Answers whether the token had such escapes.
     */
    private boolean scan(byte[] stops, boolean raw) {
        boolean escaped = false;
        while (pos < end) {
            byte c = buf[pos];
            if (!raw && c == '\\' && pos + 1 < end && isEscapable(buf[pos + 1])) {
                escaped = true;
                pos += 2;
                continue;
            }
            for (byte stop : stops) {
                if (c == stop) return escaped;
            }
            pos++;
        }
        return escaped;
    }

    /** Moves {@code pos} to the next comma or space (or the line end): a value has no escapes. */
    private void skipValue() {
        while (pos < end && buf[pos] != ',' && buf[pos] != ' ') pos++;
    }

    private String readToken(byte[] stops) {
        int start = pos;
        boolean escaped = scan(stops, false);
        return text(start, pos, escaped);
    }

    /** The text of buf[from, to), with escapes resolved if it has any. */
    private String text(int from, int to, boolean escaped) {
        if (!escaped) return TextLines.utf8(buf, from, to - from);
        byte[] unescaped = new byte[to - from];
        int n = 0;
        for (int i = from; i < to; i++) {
            if (buf[i] == '\\' && i + 1 < to && isEscapable(buf[i + 1])) i++;
            unescaped[n++] = buf[i];
        }
        return TextLines.utf8(unescaped, 0, n);
    }

    private static boolean isEscapable(byte c) {
        return c == ',' || c == ' ' || c == '=' || c == '\\' || c == '"';
    }

    private byte peek() {
        return pos < end ? buf[pos] : (byte) '\n';
    }

    private void skipSpaces() {
        while (pos < end && (buf[pos] == ' ' || buf[pos] == '\t')) pos++;
    }
}
