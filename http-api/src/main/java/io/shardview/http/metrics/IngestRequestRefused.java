package io.shardview.http.metrics;

import io.shardview.http.ApiError;
import io.shardview.http.ErrorCode;
import java.util.Map;

/**
 * A metrics ingest request the edge refuses before a parser reads its body (a content type or encoding it does not
 * read, a body too large or not decodable, a bad parameter): the API error to answer. What a parser refuses is an
 * {@link io.shardview.metrics.ingest.parse.IngestException}.
 */
final class IngestRequestRefused extends RuntimeException {
    final ApiError error;

    IngestRequestRefused(ErrorCode code, String message, Map<String, Object> details) {
        super(message, null, false, false);
        this.error = new ApiError(code, message, details);
    }

    /** A request over the limit {@code limit} of value {@code max}. */
    static IngestRequestRefused overLimit(ErrorCode code, String limit, long max, String message) {
        return new IngestRequestRefused(code, message, Map.of("limit", limit, "max", max));
    }
}
