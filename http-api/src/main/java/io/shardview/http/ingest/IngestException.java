package io.shardview.http.ingest;

import io.shardview.http.ErrorCode;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A request body that cannot be ingested: nothing of it is applied. Either bad data (400
 * {@code bad_data}: malformed, or a series over a per-series limit) or a request over a per-request
 * limit (413, with its own code). {@code details} locate the fault ({@code line} for text formats,
 * first line is 1; {@code timeseries} for remote_write, first is 0) and name the limit and its value.
 */
public final class IngestException extends RuntimeException {
    private final ErrorCode error;
    private final Map<String, Object> details;

    private IngestException(ErrorCode error, String message, Map<String, Object> details) {
        super(message, null, false, false);
        this.error = error;
        this.details = Map.copyOf(details);
    }

    public IngestException(String message, Map<String, Object> details) {
        this(ErrorCode.BAD_DATA, message, details);
    }

    /** A fault on line {@code line} (1-based) of a text body. */
    public static IngestException atLine(int line, String message) {
        return new IngestException("line " + line + ": " + message, Map.of("line", line));
    }

    /** A series over the per-series limit {@code limit} of value {@code max} (400, bad_data). */
    static IngestException seriesLimit(String limit, long max, String message) {
        return new IngestException(ErrorCode.BAD_DATA, message, Map.of("limit", limit, "max", max));
    }

    /** A request over the per-request limit {@code limit} of value {@code max} ({@code error}, a 413). */
    public static IngestException requestLimit(ErrorCode error, String limit, long max, String message) {
        return new IngestException(error, message, Map.of("limit", limit, "max", max));
    }

    /** A body the endpoint does not read (415, unsupported_media_type); {@code accepted} names what it reads. */
    public static IngestException unsupportedMediaType(String message, String accepted) {
        return new IngestException(ErrorCode.UNSUPPORTED_MEDIA_TYPE, message, Map.of("accepted", accepted));
    }

    /**
     * This fault, located at {@code index} of {@code where} ("line", "timeseries"): the message names the
     * place first. A request-wide fault keeps no place.
     */
    IngestException at(String where, int index) {
        if (error != ErrorCode.BAD_DATA || details.containsKey(where)) return this;
        Map<String, Object> located = new LinkedHashMap<>();
        located.put(where, index);
        located.putAll(details);
        return new IngestException(error, where + " " + index + ": " + getMessage(), located);
    }

    /** The error model's code, and with it the status the request is answered with. */
    public ErrorCode error() {
        return error;
    }

    /** Where the fault is and which limit it broke, for the error's {@code details}. */
    public Map<String, Object> details() {
        return details;
    }
}
