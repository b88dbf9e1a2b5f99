package io.shardview.http.edge;

import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import java.util.Map;
import java.util.Set;

/**
 * The answer to a request that cannot be served as HTTP at all, in the API's error model, before any endpoint sees it:
 * a request line or head the parser refused, an unknown method or version, a target or headers over the limits
 * ({@code shardview.http.parsing}), an HTTP/1.1 request without Host. Each is bad input, so each is a 4xx (never the
 * 501 or 505 a server may answer), and the connection closes after it, since what follows cannot be trusted to start a
 * request.
 */
final class MalformedRequests {
    /** An error the edge answers itself: its status, the API's machine code, a message and details. */
    record EdgeError(int status, String code, String message, Map<String, Object> details) {
        EdgeError(int status, String code, String message) {
            this(status, code, message, Map.of());
        }
    }

    private static final Set<String> METHODS =
            Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH", "TRACE", "CONNECT");

    private MalformedRequests() {}

    /** Why {@code head} cannot be served, or null when it can. */
    static EdgeError check(HttpRequest head, EdgeSettings settings) {
        if (head.decoderResult().isFailure())
            return parserRefused(head.decoderResult().cause(), settings);
        if (!METHODS.contains(head.method().name())) {
            return new EdgeError(
                    400,
                    "unsupported_method",
                    "unsupported HTTP method " + printable(head.method().name()));
        }
        HttpVersion version = head.protocolVersion();
        if (version.majorVersion() != 1 || version.minorVersion() > 1) {
            return new EdgeError(400, "unsupported_http_version", "unsupported HTTP version; use HTTP/1.1");
        }
        if (head.uri().length() > settings.maxUriLength()) return uriTooLong(settings);
        String target = RequestTarget.problem(head.uri());
        if (target != null) return new EdgeError(400, "bad_request", target);
        if (version.minorVersion() == 1 && !head.headers().contains(HttpHeaderNames.HOST)) {
            return new EdgeError(400, "bad_request", "the request has no Host header, which HTTP/1.1 requires");
        }
        if (head.headers().size() > settings.maxHeaderCount()) {
            return headersTooLarge("the request has more than " + settings.maxHeaderCount() + " headers");
        }
        for (Map.Entry<String, String> header : head.headers()) {
            if (header.getValue().length() > settings.maxHeaderValueLength()) {
                return headersTooLarge("the value of header " + printable(header.getKey()) + " is longer than "
                        + settings.maxHeaderValueLength() + " characters");
            }
        }
        return null;
    }

    /** The answer to what the parser refused: a line or head too long, a malformed line, header or length. */
    private static EdgeError parserRefused(Throwable cause, EdgeSettings settings) {
        if (cause instanceof TooLongHttpLineException) return uriTooLong(settings);
        if (cause instanceof TooLongHttpHeaderException || cause instanceof TooLongFrameException) {
            return headersTooLarge("the request's headers are larger than the node accepts");
        }
        String why = cause == null || cause.getMessage() == null ? "the request cannot be parsed" : cause.getMessage();
        return new EdgeError(400, "bad_request", "the request cannot be parsed: " + printable(why));
    }

    private static EdgeError uriTooLong(EdgeSettings settings) {
        return new EdgeError(
                414,
                "uri_too_long",
                "the request URI is longer than " + settings.maxUriLength()
                        + " characters (shardview.http.parsing.max-uri-length)",
                Map.of("limit", "max-uri-length", "max", settings.maxUriLength()));
    }

    private static EdgeError headersTooLarge(String why) {
        return new EdgeError(
                431,
                "headers_too_large",
                why + " (shardview.http.parsing limits header values, their count and the head's size)");
    }

    /** {@code text} cut short and with control characters shown as '?', fit to quote in a message. */
    static String printable(String text) {
        StringBuilder out = new StringBuilder(Math.min(text.length(), 80));
        for (int i = 0; i < text.length() && i < 80; i++) {
            char c = text.charAt(i);
            out.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
        if (text.length() > 80) out.append("...");
        return out.toString();
    }
}
