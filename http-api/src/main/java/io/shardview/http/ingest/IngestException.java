package io.shardview.http.ingest;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A request body that cannot be ingested: nothing of it is applied. Either bad data (400
 * {@code bad_data}: malformed, or a series over a per-series limit) or a request over a per-request
 * limit (413, with its own code). {@code details} locate the fault ({@code line} for text formats,
 * first line is 1; {@code timeseries} for remote_write, first is 0) and name the limit and its value.
 */
public final class IngestException extends RuntimeException {
    /** How the HTTP layer answers it. */
    public enum Kind {
        /** 400: the data is malformed, or a series breaks a per-series limit. */
        BAD_DATA,
        /** 413: the request as a whole is over a limit; a smaller request would be taken. */
        TOO_LARGE,
        /** 415: the body's content type or content encoding is not one the endpoint reads. */
        UNSUPPORTED_MEDIA_TYPE
    }

    private final Kind kind;
    private final String code;
    private final Map<String, Object> details;

    private IngestException(Kind kind, String code, String message, Map<String, Object> details) {
        super(message, null, false, false);
        this.kind = kind;
        this.code = code;
        this.details = Map.copyOf(details);
    }

    public IngestException(String message, Map<String, Object> details) {
        this(Kind.BAD_DATA, "bad_data", message, details);
    }

    /** A fault on line {@code line} (1-based) of a text body. */
    public static IngestException atLine(int line, String message) {
        return new IngestException("line " + line + ": " + message, Map.of("line", line));
    }

    /** A series over the per-series limit {@code limit} of value {@code max} (400, bad_data). */
    static IngestException seriesLimit(String limit, long max, String message) {
        return new IngestException(Kind.BAD_DATA, "bad_data", message, Map.of("limit", limit, "max", max));
    }

    /** A request over the per-request limit {@code limit} of value {@code max} (413, {@code code}). */
    public static IngestException requestLimit(String code, String limit, long max, String message) {
        return new IngestException(Kind.TOO_LARGE, code, message, Map.of("limit", limit, "max", max));
    }

    /** A body the endpoint does not read (415, unsupported_media_type); {@code accepted} names what it reads. */
    public static IngestException unsupportedMediaType(String message, String accepted) {
        return new IngestException(
                Kind.UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type", message, Map.of("accepted", accepted));
    }

    /**
     * This fault, located at {@code index} of {@code where} ("line", "timeseries"): the message names the
     * place first. A request-wide fault keeps no place.
     */
    IngestException at(String where, int index) {
        if (kind != Kind.BAD_DATA || details.containsKey(where)) return this;
        Map<String, Object> located = new LinkedHashMap<>();
        located.put(where, index);
        located.putAll(details);
        return new IngestException(kind, code, where + " " + index + ": " + getMessage(), located);
    }

    public Kind kind() {
        return kind;
    }

    /** The error model's machine code. */
    public String code() {
        return code;
    }

    /** Where the fault is and which limit it broke, for the error's {@code details}. */
    public Map<String, Object> details() {
        return details;
    }
}
