package io.shardview.http.tenant;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import io.shardview.entity.tenant.TenantProtocol.IngestOp;
import io.shardview.http.ApiError;
import io.shardview.http.ErrorCode;
import io.shardview.metrics.ingest.parse.JsonMessages;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The body of {@code POST /v1/tenants/{t}/ingest}, checked for shape at the edge: JSON
 * {@code {"ops": [...], "batch_id": "..."}} or NDJSON with one op per line. Numbers keep their
 * exact value (integers as Long, others as BigDecimal with the scale as written: 1.50 stays 1.50, as
 * PostgreSQL keeps a numeric literal's scale); the entity checks them against the schema. The JSON
 * may nest at most {@code max-json-depth} levels and a string hold at most {@code max-value-bytes}
 * (a 400 naming the limit; Jackson's own limits would otherwise answer in its own words).
 */
record IngestBody(List<IngestOp> ops, String batchId) {
    /** One reader per set of limits (a node has one): Jackson enforces depth and string length as it reads. */
    private static final Map<TenantBodyLimits, JsonFactory> READERS = new ConcurrentHashMap<>();

    /** A body that is not a batch of ops: the API error to answer. */
    static final class Invalid extends Exception {
        final ApiError error;

        Invalid(ApiError error) {
            super(error.message(), null, false, false);
            this.error = error;
        }
    }

    private static JsonFactory reader(TenantBodyLimits limits) {
        return READERS.computeIfAbsent(limits, l -> JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(l.maxJsonDepth())
                        .maxStringLength(l.maxValueBytes())
                        .maxNameLength(l.maxValueBytes())
                        .build())
                .build());
    }

    /** {@link #fromJson(byte[], int, TenantBodyLimits)} of the text's UTF-8. */
    static IngestBody fromJson(String body, int maxOps, TenantBodyLimits limits) throws Invalid {
        return fromJson(body.getBytes(StandardCharsets.UTF_8), maxOps, limits);
    }

    /**
     * JSON {@code {"ops": [...], "batch_id": "..."}}, read with a streaming parser (no tree) straight from the body's
     * bytes, which are valid UTF-8 (checked before).
     */
    static IngestBody fromJson(byte[] body, int maxOps, TenantBodyLimits limits) throws Invalid {
        List<IngestOp> ops = null;
        try (JsonParser parser = reader(limits).createParser(body)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw invalid("the body must be a JSON object with \"ops\"", Map.of());
            }
            boolean opsNotArray = false;
            String batchId = null;
            boolean batchIdNotText = false;
            for (JsonToken token = parser.nextToken(); token == JsonToken.FIELD_NAME; token = parser.nextToken()) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                if (name.equals("ops") && value == JsonToken.START_ARRAY) {
                    ops = new ArrayList<>();
                    Names names = new Names();
                    for (JsonToken op = parser.nextToken(); op != JsonToken.END_ARRAY; op = parser.nextToken()) {
                        checkSize(ops.size() + 1, maxOps);
                        ops.add(op(parser, ops.size(), limits, names));
                    }
                } else if (name.equals("ops")) {
                    opsNotArray = true;
                    parser.skipChildren();
                } else if (name.equals("batch_id")) {
                    batchId = value == JsonToken.VALUE_STRING
                            ? checkedText(parser.getText(), parser, 0, "batch_id")
                            : null;
                    batchIdNotText = value != JsonToken.VALUE_STRING && value != JsonToken.VALUE_NULL;
                    parser.skipChildren();
                } else {
                    parser.skipChildren();
                }
            }
            if (parser.nextToken() != null)
                throw malformed(parser.currentTokenLocation().getLineNr(), 0, "trailing content");
            if (ops == null || opsNotArray) throw invalid("\"ops\" must be an array of operations", Map.of());
            if (batchIdNotText) throw invalid("\"batch_id\" must be a string", Map.of());
            return new IngestBody(ops, batchId);
        } catch (StreamConstraintsException e) {
            throw overLimit(e, limits, lineOf(e), ops == null ? 0 : ops.size());
        } catch (JsonProcessingException e) {
            throw malformed(e, lineOf(e), ops == null ? 0 : ops.size());
        } catch (IOException e) {
            throw new IllegalStateException("reading an array cannot fail", e);
        }
    }

    /** {@link #fromNdjson(byte[], String, int, TenantBodyLimits)} of the text's UTF-8. */
    static IngestBody fromNdjson(String body, String idempotencyKey, int maxOps, TenantBodyLimits limits)
            throws Invalid {
        return fromNdjson(body.getBytes(StandardCharsets.UTF_8), idempotencyKey, maxOps, limits);
    }

    /**
     * NDJSON, read with one streaming parser over the whole body's bytes, which are valid UTF-8 (checked before; no
     * String of the body, no tree per line): each op must be a JSON object on a line of its own.
     */
    static IngestBody fromNdjson(byte[] body, String idempotencyKey, int maxOps, TenantBodyLimits limits)
            throws Invalid {
        List<IngestOp> parsed = new ArrayList<>();
        Names names = new Names();
        int opLine = 0; // the line of the op being read, 0 between ops
        try (JsonParser parser = reader(limits).createParser(body)) {
            int previousLine = 0;
            for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
                int line = parser.currentTokenLocation().getLineNr();
                opLine = line;
                if (line == previousLine) throw malformed(line, parsed.size() - 1, "a second value on the line");
                checkSize(parsed.size() + 1, maxOps);
                parsed.add(op(parser, parsed.size(), limits, names));
                previousLine = parser.currentLocation().getLineNr();
                if (previousLine != line) throw malformed(line, parsed.size() - 1, "the op does not end on its line");
                opLine = 0;
            }
        } catch (StreamConstraintsException e) {
            throw overLimit(e, limits, opLine > 0 ? opLine : lineOf(e), parsed.size());
        } catch (JsonProcessingException e) {
            // An op cut short shows up where the parser gives up, possibly on a later line: name the op's line.
            throw malformed(e, opLine > 0 ? opLine : lineOf(e), parsed.size());
        } catch (IOException e) {
            throw new IllegalStateException("reading an array cannot fail", e);
        }
        String key = idempotencyKey == null || idempotencyKey.isBlank() ? null : idempotencyKey.trim();
        return new IngestBody(parsed, key);
    }

    private static Invalid malformed(JsonProcessingException e, int line, int index) {
        return malformed(line, index, JsonMessages.readable(e));
    }

    /** Jackson stopped at one of our limits (or at its own on a number's digits): named in our words. */
    private static Invalid overLimit(StreamConstraintsException e, TenantBodyLimits limits, int line, int index) {
        String message = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
        if (message.contains("nesting depth")) {
            return valueLimit(
                    line,
                    index,
                    "the JSON nests deeper than max-json-depth = " + limits.maxJsonDepth() + " levels",
                    "max-json-depth",
                    limits.maxJsonDepth());
        }
        if (message.contains("Number value length")) {
            return invalid(
                    "line " + line + ": a number has more digits than can be read",
                    Map.of("index", index, "line", line));
        }
        return valueLimit(
                line,
                index,
                "a string is longer than max-value-bytes = " + limits.maxValueBytes() + " bytes",
                "max-value-bytes",
                limits.maxValueBytes());
    }

    private static Invalid valueLimit(int line, int index, String why, String limit, int max) {
        return invalid("line " + line + ": " + why, Map.of("index", index, "line", line, "limit", limit, "max", max));
    }

    private static int lineOf(JsonProcessingException e) {
        return e.getLocation() == null ? 0 : e.getLocation().getLineNr();
    }

    private static Invalid malformed(int line, int index, String why) {
        return invalid("line " + line + ": malformed JSON: " + why, Map.of("index", index, "line", line));
    }

    /** One op, the parser on its first token; the checks run in the same order as for a tree. */
    private static IngestOp op(JsonParser parser, int index, TenantBodyLimits limits, Names names)
            throws Invalid, IOException {
        if (parser.currentToken() != JsonToken.START_OBJECT) {
            parser.skipChildren();
            throw invalid("op " + index + " must be a JSON object", Map.of("index", index));
        }
        Field op = null;
        Field table = null;
        Field row = null;
        Field key = null;
        for (JsonToken token = parser.nextToken(); token == JsonToken.FIELD_NAME; token = parser.nextToken()) {
            String name = parser.currentName();
            JsonToken value = parser.nextToken();
            switch (name) {
                case "op" -> op = Field.scalar(parser, value, index, names);
                case "table" -> table = Field.scalar(parser, value, index, names);
                case "row" -> row = Field.values(parser, value, index, limits);
                case "key" -> key = Field.values(parser, value, index, limits);
                default -> parser.skipChildren();
            }
        }
        String opName = text(op, "op", index);
        String tableName = text(table, "table", index);
        IngestOp.Kind kind = IngestOp.Kind.named(opName);
        if (kind == null) {
            throw invalid(
                    "op " + index + ": unknown op '" + opName + "' (insert, update, upsert, delete)",
                    Map.of("index", index));
        }
        Map<String, Object> rowValues = values(row, "row", index);
        Map<String, Object> keyValues = values(key, "key", index);
        if (kind != IngestOp.Kind.DELETE && rowValues == null) {
            throw invalid("op " + index + ": " + opName + " needs a \"row\"", Map.of("index", index));
        }
        if (kind == IngestOp.Kind.DELETE && rowValues == null && keyValues == null) {
            throw invalid(
                    "op " + index + ": delete needs a \"key\" (or a whole \"row\" for a table without primary key)",
                    Map.of("index", index));
        }
        return new IngestOp(kind, tableName, rowValues, keyValues);
    }

    /** A field of an op as read: a string, column values, or what was wrong with it (reported in order later). */
    private record Field(String text, Map<String, Object> values, boolean notObject, String nestedColumn) {
        static Field scalar(JsonParser parser, JsonToken token, int index, Names names) throws IOException, Invalid {
            String text = token == JsonToken.VALUE_STRING ? names.of(parser, index) : null;
            parser.skipChildren();
            return new Field(text, null, false, null);
        }

        static Field values(JsonParser parser, JsonToken token, int index, TenantBodyLimits limits)
                throws Invalid, IOException {
            if (token == JsonToken.VALUE_NULL) return null;
            if (token != JsonToken.START_OBJECT) {
                parser.skipChildren();
                return new Field(null, null, true, null);
            }
            ColumnValues values = new ColumnValues();
            String nested = null;
            for (JsonToken t = parser.nextToken(); t == JsonToken.FIELD_NAME; t = parser.nextToken()) {
                String column = checkedText(parser.currentName(), parser, index, "a column name");
                JsonToken value = parser.nextToken();
                if (value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY) {
                    if (nested == null) nested = column;
                    parser.skipChildren();
                } else {
                    values.set(column, scalarValue(parser, value, index, limits));
                }
            }
            return new Field(null, values, false, nested);
        }
    }

    /**
     * The op and table names of a body, mostly the same few from op to op: each read once as a String, then found
     * again by comparing the parser's characters (no String an op).
     */
    private static final class Names {
        private final String[] recent = new String[4];
        private int next;

        String of(JsonParser parser, int index) throws IOException, Invalid {
            char[] chars = parser.getTextCharacters();
            int offset = parser.getTextOffset();
            int length = parser.getTextLength();
            for (String name : recent) {
                if (name != null && same(name, chars, offset, length)) return name;
            }
            String name = checkedText(new String(chars, offset, length), parser, index, "a name");
            recent[next++ & (recent.length - 1)] = name;
            return name;
        }

        private static boolean same(String name, char[] chars, int offset, int length) {
            if (name.length() != length) return false;
            for (int i = 0; i < length; i++) if (name.charAt(i) != chars[offset + i]) return false;
            return true;
        }
    }

    private static Object scalarValue(JsonParser parser, JsonToken token, int index, TenantBodyLimits limits)
            throws IOException, Invalid {
        return switch (token) {
            case VALUE_NULL -> null;
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            case VALUE_STRING -> text(parser, index, limits);
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> number(parser, token, index);
            default -> parser.getDecimalValue();
        };
    }

    /**
     * A number as written. Jackson reads {@code 1e-49999999999999999999999900} as a token but throws a
     * NumberFormatException (not a parse error) when asked for its value: a 400 here, not a 500.
     */
    private static Object number(JsonParser parser, JsonToken token, int index) throws IOException, Invalid {
        try {
            if (token == JsonToken.VALUE_NUMBER_FLOAT) return parser.getDecimalValue();
            return parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                    ? new BigDecimal(parser.getBigIntegerValue())
                    : (Object) parser.getLongValue();
        } catch (NumberFormatException e) {
            int line = parser.currentTokenLocation().getLineNr();
            throw invalid(
                    "op " + index + ": the number " + abbreviated(parser.getText())
                            + " cannot be read (its exponent is out of range)",
                    Map.of("index", index, "line", line));
        }
    }

    private static String abbreviated(String text) {
        return text.length() <= 40 ? text : text.substring(0, 40) + "...";
    }

    /**
     * A string value within max-value-bytes of UTF-8 (Jackson already stopped any longer in chars) that
     * is text: a JSON escape can write half of a surrogate pair, which no UTF-8 store can hold.
     */
    private static String text(JsonParser parser, int index, TenantBodyLimits limits) throws IOException, Invalid {
        String text = checkedText(parser.getText(), parser, index, "a string");
        if ((long) text.length() * 3 > limits.maxValueBytes()
                && text.getBytes(StandardCharsets.UTF_8).length > limits.maxValueBytes()) {
            throw valueLimit(
                    parser.currentTokenLocation().getLineNr(),
                    index,
                    "a string is longer than max-value-bytes = " + limits.maxValueBytes() + " bytes",
                    "max-value-bytes",
                    limits.maxValueBytes());
        }
        return text;
    }

    /**
     * {@code text} if it is text: a JSON escape can write half of a surrogate pair ({@code \\ud800}), which
     * no UTF-8 store can hold (the journal's CBOR refused such a batch_id, and the tenant stopped).
     */
    static String checkedText(String text, JsonParser parser, int index, String what) throws Invalid {
        int unpaired = unpairedSurrogate(text);
        if (unpaired < 0) return text;
        int line = parser.currentTokenLocation().getLineNr();
        throw invalid(
                "op " + index + ": " + what + " holds an unpaired UTF-16 surrogate (\\u"
                        + Integer.toHexString(text.charAt(unpaired)) + "), which is not text",
                Map.of("index", index, "line", line));
    }

    /** The index of the first half of a surrogate pair standing alone in {@code text}, or -1. */
    static int unpairedSurrogate(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!Character.isSurrogate(c)) continue;
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else {
                return i;
            }
        }
        return -1;
    }

    private static String text(Field field, String name, int index) throws Invalid {
        if (field == null || field.text() == null) {
            throw invalid("op " + index + ": \"" + name + "\" must be a string", Map.of("index", index));
        }
        return field.text();
    }

    private static Map<String, Object> values(Field field, String name, int index) throws Invalid {
        if (field == null) return null;
        if (field.notObject())
            throw invalid("op " + index + ": \"" + name + "\" must be an object", Map.of("index", index));
        if (field.nestedColumn() != null) {
            throw invalid(
                    "op " + index + ": column " + field.nestedColumn() + " has a nested value; values are scalars",
                    Map.of("index", index, "column", field.nestedColumn()));
        }
        return field.values();
    }

    private static void checkSize(int ops, int maxOps) throws Invalid {
        if (ops > maxOps) {
            throw new Invalid(new ApiError(
                    ErrorCode.TOO_MANY_OPS,
                    "a batch may hold at most " + maxOps + " ops",
                    Map.of("limit", "batch-max-ops", "max", maxOps)));
        }
    }

    private static Invalid invalid(String message, Map<String, Object> details) {
        return new Invalid(new ApiError(ErrorCode.INVALID_BATCH, message, details));
    }
}
