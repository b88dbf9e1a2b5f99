package io.shardview.http.edge;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A whole answer: status, headers, content type and body. Immutable; {@link #withHeader} makes a copy.
 *
 * @param status the HTTP status
 * @param contentType the body's Content-Type, or null without a body
 * @param body the body's bytes (empty for none)
 * @param headers further headers as name, value pairs (Content-Type, Content-Length, Connection and Date are the
 *     connection's)
 */
public record EdgeResponse(int status, String contentType, byte[] body, List<String> headers) {
    /** The Content-Type of JSON bodies. */
    public static final String JSON = "application/json";

    public EdgeResponse {
        body = body == null ? new byte[0] : body;
        headers = List.copyOf(headers);
    }

    /** A JSON body. */
    public static EdgeResponse json(int status, byte[] body) {
        return new EdgeResponse(status, JSON, body, List.of());
    }

    /** A body of text in {@code contentType}, encoded as UTF-8. */
    public static EdgeResponse text(int status, String contentType, String body) {
        return new EdgeResponse(status, contentType, body.getBytes(StandardCharsets.UTF_8), List.of());
    }

    /** This answer with one more header. */
    public EdgeResponse withHeader(String name, String value) {
        List<String> more = new ArrayList<>(headers.size() + 2);
        more.addAll(headers);
        more.add(name);
        more.add(value);
        return new EdgeResponse(status, contentType, body, more);
    }

    /** A header's first value, or null. */
    public String header(String name) {
        for (int i = 0; i < headers.size(); i += 2) {
            if (headers.get(i).equalsIgnoreCase(name)) return headers.get(i + 1);
        }
        return null;
    }
}
