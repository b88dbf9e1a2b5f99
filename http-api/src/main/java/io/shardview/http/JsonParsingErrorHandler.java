package io.shardview.http;

import java.util.Map;
import org.apache.pekko.event.LoggingAdapter;
import org.apache.pekko.http.ParsingErrorHandler;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.scaladsl.model.ErrorInfo;
import org.apache.pekko.http.scaladsl.model.StatusCode;
import org.apache.pekko.http.scaladsl.settings.ServerSettings;

/**
 * Pekko HTTP's answer to a request it cannot even parse (a URI or headers over the parser's limits, a
 * malformed request line), in the API's error model instead of Pekko's plain text. Pekko calls it
 * before any route runs, so neither the routes nor {@link ErrorHandling} see these requests; it is
 * named by {@code pekko.http.server.parsing.error-handler} in config/http.conf.
 *
 * <p>Pekko answers an unknown method with 501 and an unknown HTTP version with 505; both are bad input,
 * and a 5xx is never the answer to bad input (docs/api.md), so they are 400s here.
 */
public final class JsonParsingErrorHandler extends ParsingErrorHandler {
    @Override
    public HttpResponse handle(StatusCode status, ErrorInfo info, LoggingAdapter log, ServerSettings settings) {
        if (log.isDebugEnabled())
            log.debug("unparsable request answered {}: {}", status.intValue(), info.formatPretty());
        return error(status, info, settings).toResponse();
    }

    private static ApiError error(StatusCode status, ErrorInfo info, ServerSettings settings) {
        int max;
        // Pekko answers too many headers with 400; they are as much "header fields too large" as a long one.
        boolean tooManyHeaders =
                summary(info).matches("HTTP message contains more than the configured limit of \\d+ headers");
        switch (tooManyHeaders ? 431 : status.intValue()) {
            case 414:
                max = settings.parserSettings().maxUriLength();
                return new ApiError(
                        ErrorCode.URI_TOO_LONG,
                        "the request URI is longer than " + max
                                + " characters (pekko.http.server.parsing.max-uri-length)",
                        Map.of("limit", "max-uri-length", "max", max));
            case 431:
                return new ApiError(
                        ErrorCode.HEADERS_TOO_LARGE,
                        summary(info) + " (pekko.http.server.parsing limits header" + " names, values and their count)",
                        Map.of());
            case 413:
                return new ApiError(ErrorCode.PAYLOAD_TOO_LARGE, summary(info), Map.of());
            case 501:
                return new ApiError(ErrorCode.UNSUPPORTED_METHOD, "unsupported HTTP method", Map.of());
            case 505:
                return new ApiError(
                        ErrorCode.UNSUPPORTED_HTTP_VERSION, "unsupported HTTP version; use HTTP/1.1", Map.of());
            default:
                return status.intValue() >= 500
                        ? new ApiError(ErrorCode.BAD_REQUEST, summary(info), Map.of())
                        : new ApiError(status, ApiError.codeFor(status), summary(info), Map.of());
        }
    }

    /** Pekko's one-line summary, without the client address it may append. */
    private static String summary(ErrorInfo info) {
        String text =
                info.summary() == null || info.summary().isBlank() ? "the request cannot be parsed" : info.summary();
        int newline = text.indexOf('\n');
        if (newline >= 0) text = text.substring(0, newline);
        int from = text.indexOf(" from ");
        return (from > 0 && text.substring(from).matches(" from \\S*[:/]\\S*$") ? text.substring(0, from) : text)
                .trim();
    }
}
