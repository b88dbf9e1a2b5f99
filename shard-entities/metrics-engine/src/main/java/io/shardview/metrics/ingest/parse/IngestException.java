package io.shardview.metrics.ingest.parse;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A request body that cannot be ingested: nothing of it is applied. Its {@link Kind} says what is wrong (the edge
 * answers each kind with one status); {@code details} locate the fault ({@code line} for text formats, first line
 * is 1; {@code timeseries} for remote_write, first is 0) and name the limit and its value, or the parameter.
 */
public final class IngestException extends RuntimeException {
    /** What is wrong with the request. */
    public enum Kind {
        /** The body does not follow its format: located at its line or timeseries. */
        MALFORMED,
        /** A parameter the parser takes beside the body (the line protocol's precision) is not one it knows. */
        INVALID_PARAMETER,
        /** A series breaks a per-series limit (labels, label name or value bytes): located, naming the limit. */
        SERIES_LIMIT,
        /** The request holds more samples than max-samples-per-request. */
        TOO_MANY_SAMPLES,
        /** The request holds more series than max-series-per-request. */
        TOO_MANY_SERIES,
        /** The body inflates to more bytes than max-decoded-request-bytes. */
        TOO_LARGE
    }

    private final Kind kind;
    private final Map<String, Object> details;

    private IngestException(Kind kind, String message, Map<String, Object> details) {
        super(message, null, false, false);
        this.kind = kind;
        this.details = Map.copyOf(details);
    }

    /** A body that does not follow its format, its fault not located yet. */
    static IngestException malformed(String message) {
        return new IngestException(Kind.MALFORMED, message, Map.of());
    }

    /** A fault on line {@code line} (1-based) of a text body. */
    static IngestException atLine(int line, String message) {
        return new IngestException(Kind.MALFORMED, "line " + line + ": " + message, Map.of("line", line));
    }

    /** Parameter {@code parameter} is not one the parser knows. */
    static IngestException invalidParameter(String parameter, String message) {
        return new IngestException(Kind.INVALID_PARAMETER, message, Map.of("parameter", parameter));
    }

    /** A series over the per-series limit {@code limit} of value {@code max}. */
    static IngestException seriesLimit(String limit, long max, String message) {
        return new IngestException(Kind.SERIES_LIMIT, message, Map.of("limit", limit, "max", max));
    }

    /** A request over the per-request limit {@code limit} of value {@code max}. */
    static IngestException requestLimit(Kind kind, String limit, long max, String message) {
        return new IngestException(kind, message, Map.of("limit", limit, "max", max));
    }

    /**
     * This fault, located at {@code index} of {@code where} ("line", "timeseries"): the message names the
     * place first. A request-wide fault keeps no place.
     */
    IngestException at(String where, int index) {
        boolean inOnePlace = kind == Kind.MALFORMED || kind == Kind.SERIES_LIMIT;
        if (!inOnePlace || details.containsKey(where)) return this;
        Map<String, Object> located = new LinkedHashMap<>();
        located.put(where, index);
        located.putAll(details);
        return new IngestException(kind, where + " " + index + ": " + getMessage(), located);
    }

    /** What is wrong, and with it the status the edge answers. */
    public Kind kind() {
        return kind;
    }

    /** Where the fault is and which limit it broke, for the error's {@code details}. */
    public Map<String, Object> details() {
        return details;
    }
}
