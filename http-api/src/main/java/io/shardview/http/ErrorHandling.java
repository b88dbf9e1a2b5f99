package io.shardview.http;

import java.nio.charset.StandardCharsets;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.ExceptionHandler;
import org.apache.pekko.http.javadsl.server.RejectionHandler;
import org.apache.pekko.http.scaladsl.model.EntityStreamSizeException;

/**
 * Turns Pekko HTTP rejections and unexpected exceptions into the API's JSON error model.
 *
 * <p>Rejections keep Pekko's status and wording (405 lists the allowed methods in its message and
 * its Allow header), only the body becomes JSON. An exception is a bug: 500 with a request id, logged with its
 * stack trace under that id ({@link Contained}), and a body that leaks nothing of it.
 */
public final class ErrorHandling {
    /** Pekko's default rejection handling with JSON bodies. */
    public static final RejectionHandler REJECTIONS =
            RejectionHandler.defaultHandler().mapRejectionResponse(ErrorHandling::asJsonError);

    /** Exceptions that escape a route. */
    public static final ExceptionHandler EXCEPTIONS = ExceptionHandler.newBuilder()
            .match(
                    EntityStreamSizeException.class,
                    e -> org.apache.pekko.http.javadsl.server.Directives.complete(ApiError.of(
                                    ErrorCode.PAYLOAD_TOO_LARGE, "request body is larger than " + e.limit() + " bytes")
                            .toResponse()))
            .matchAny(e ->
                    org.apache.pekko.http.javadsl.server.Directives.complete(Contained.internalError("route", e, true)))
            .build();

    private ErrorHandling() {}

    private static HttpResponse asJsonError(HttpResponse response) {
        if (!(response.entity() instanceof HttpEntity.Strict strict)) return response;
        String text = strict.getData().decodeString(StandardCharsets.UTF_8).trim();
        if (text.startsWith("{")) return response; // already the JSON error model
        HttpResponse json = ApiError.of(response.status(), text).toResponse();
        return json.withHeaders(response.getHeaders());
    }
}
