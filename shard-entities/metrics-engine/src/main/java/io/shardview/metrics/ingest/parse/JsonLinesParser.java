package io.shardview.metrics.ingest.parse;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import java.io.IOException;

/**
 * VictoriaMetrics JSON lines, the format of {@code /api/v1/import} and {@code /api/v1/export}:
 * one object per line, {@code {"metric":{"__name__":"m","k":"v"},"values":[...],"timestamps":[...]}}.
 * Values are JSON numbers, or the strings "NaN", "+Inf", "-Inf" for what JSON numbers cannot
 * hold (our export writes them so), or those words bare ({@code [1, NaN, Inf, -Inf]}), as VictoriaMetrics
 * writes and reads them; timestamps are integer milliseconds. Unknown keys are ignored,
 * up to {@value #MAX_DEPTH} levels deep (the format itself has two).
 */
public final class JsonLinesParser {
    private static final int MAX_DEPTH = 64;
    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(
                    StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
            .build();

    private final LabelSetBuilder labels;
    private final SampleBatchBuilder out;
    private double[] values = new double[64];
    private long[] timestamps = new long[64];

    private JsonLinesParser(SampleBatchBuilder out) {
        this.out = out;
        this.labels = new LabelSetBuilder(out.limits());
    }

    /** Parses the whole UTF-8 body into {@code out}, or throws naming the first bad line. */
    public static void parse(byte[] body, SampleBatchBuilder out) {
        parse(TextLines.decode(body), out);
    }

    /** Parses the whole body into {@code out}, or throws naming the first bad line. */
    public static void parse(String body, SampleBatchBuilder out) {
        JsonLinesParser parser = new JsonLinesParser(out);
        TextLines.forEach(body, line -> {
            if (!line.isBlank()) parser.parseLine(line.trim());
        });
    }

    private void parseLine(String line) throws IOException {
        try (JsonParser json = JSON.createParser(quoteBareSpecials(line))) {
            parseObject(json);
        } catch (StreamConstraintsException e) {
            throw new IllegalArgumentException(
                    "the JSON is nested deeper than " + MAX_DEPTH + " levels, or holds a number too long to read");
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("malformed JSON: " + JsonMessages.readable(e));
        }
    }

    /**
     * The line with each bare NaN or infinity that stands as an array element ({@code NaN}, {@code Inf},
     * {@code -Inf}, {@code +Inf}, {@code Infinity}, in any case) put in quotes, which JSON can parse and
     * {@link #readValues} reads; text inside strings is left alone.
     */
    static String quoteBareSpecials(String line) {
        if (!mayHoldSpecials(line)) return line;
        StringBuilder out = new StringBuilder(line.length() + 16);
        boolean inString = false;
        char previous = 0; // the last character outside strings that is not a space
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (inString) {
                out.append(c);
                if (c == '\\' && i + 1 < line.length()) out.append(line.charAt(++i));
                else if (c == '"') inString = false;
                continue;
            }
            if (c == '"') inString = true;
            if ((previous == '[' || previous == ',') && (c == '+' || c == '-' || Character.isLetter(c))) {
                int end = i;
                while (end < line.length() && (Character.isLetter(line.charAt(end)) || end == i)) end++;
                String word = line.substring(i, end);
                if (isSpecial(word)) {
                    out.append('"').append(word).append('"');
                    i = end - 1;
                    previous = 'x';
                    continue;
                }
            }
            out.append(c);
            if (!Character.isWhitespace(c)) previous = c;
        }
        return out.toString();
    }

    private static boolean mayHoldSpecials(String line) {
        for (int i = 0; i + 2 < line.length(); i++) {
            char c = Character.toLowerCase(line.charAt(i));
            if ((c == 'n' || c == 'i') && Character.toLowerCase(line.charAt(i + 1)) == (c == 'n' ? 'a' : 'n')) {
                return true;
            }
        }
        return false;
    }

    private static boolean isSpecial(String word) {
        String unsigned = word.startsWith("+") || word.startsWith("-") ? word.substring(1) : word;
        String lower = unsigned.toLowerCase(java.util.Locale.ROOT);
        return lower.equals("inf")
                || lower.equals("infinity")
                || (lower.equals("nan") && unsigned.length() == word.length());
    }

    private void parseObject(JsonParser json) throws IOException {
        if (json.nextToken() != JsonToken.START_OBJECT) throw new IllegalArgumentException("expected a JSON object");
        labels.reset();
        boolean metricSeen = false;
        int valueCount = -1;
        int timestampCount = -1;
        while (json.nextToken() == JsonToken.FIELD_NAME) {
            String field = json.currentName();
            json.nextToken();
            switch (field) {
                case "metric" -> {
                    readMetric(json);
                    metricSeen = true;
                }
                case "values" -> valueCount = readValues(json);
                case "timestamps" -> timestampCount = readTimestamps(json);
                default -> json.skipChildren();
            }
        }
        if (json.nextToken() != null) throw new IllegalArgumentException("text after the JSON object");
        if (!metricSeen) throw new IllegalArgumentException("missing \"metric\"");
        if (valueCount < 0 || timestampCount < 0)
            throw new IllegalArgumentException("missing \"values\" or \"timestamps\"");
        if (valueCount != timestampCount) {
            throw new IllegalArgumentException(valueCount + " values but " + timestampCount + " timestamps");
        }
        int series = out.series(labels.build());
        for (int i = 0; i < valueCount; i++) out.add(series, timestamps[i], values[i]);
    }

    private void readMetric(JsonParser json) throws IOException {
        if (json.currentToken() != JsonToken.START_OBJECT)
            throw new IllegalArgumentException("\"metric\" must be an object");
        while (json.nextToken() == JsonToken.FIELD_NAME) {
            String name = json.currentName();
            if (json.nextToken() != JsonToken.VALUE_STRING) {
                throw new IllegalArgumentException("label " + name + " must have a string value");
            }
            labels.add(name, json.getText());
        }
    }

    private int readValues(JsonParser json) throws IOException {
        if (json.currentToken() != JsonToken.START_ARRAY)
            throw new IllegalArgumentException("\"values\" must be an array");
        int n = 0;
        for (JsonToken t = json.nextToken(); t != JsonToken.END_ARRAY; t = json.nextToken()) {
            if (n == values.length) {
                out.checkRoom(n + 1);
                values = java.util.Arrays.copyOf(values, n * 2);
            }
            if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT) {
                values[n++] = doubleValue(json);
            } else if (t == JsonToken.VALUE_STRING) {
                try {
                    values[n++] = FloatLiteral.parseWithSpecials(json.getText());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("invalid value \"" + json.getText() + "\"");
                }
            } else {
                throw new IllegalArgumentException("values must be numbers");
            }
        }
        return n;
    }

    /** Jackson throws a NumberFormatException (not a parse error) for a number it cannot convert. */
    private static double doubleValue(JsonParser json) throws IOException {
        try {
            return json.getDoubleValue();
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid value " + json.getText());
        }
    }

    private int readTimestamps(JsonParser json) throws IOException {
        if (json.currentToken() != JsonToken.START_ARRAY)
            throw new IllegalArgumentException("\"timestamps\" must be an array");
        int n = 0;
        for (JsonToken t = json.nextToken(); t != JsonToken.END_ARRAY; t = json.nextToken()) {
            if (t != JsonToken.VALUE_NUMBER_INT)
                throw new IllegalArgumentException("timestamps must be integer milliseconds");
            if (n == timestamps.length) {
                out.checkRoom(n + 1);
                timestamps = java.util.Arrays.copyOf(timestamps, n * 2);
            }
            timestamps[n++] = json.getLongValue();
        }
        return n;
    }
}
