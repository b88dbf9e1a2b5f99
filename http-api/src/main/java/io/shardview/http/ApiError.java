package io.shardview.http;

import io.shardview.http.edge.EdgeErrors;
import io.shardview.http.edge.EdgeResponse;
import java.util.Map;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;

/**
 * The API's error model: {@code {"error": {"code", "message", "details"}}} with an HTTP status.
 * Every error the node answers goes through here, so all of them share one shape.
 */
public record ApiError(StatusCode status, String code, String message, Map<String, Object> details) {

    /** The JSON body, as docs/api.md defines it. */
    public record Body(Detail error) {}

    /** The inner object of the body. */
    public record Detail(String code, String message, Map<String, Object> details) {}

    public ApiError {
        details = details == null ? Map.of() : Map.copyOf(details);
    }

    /** An error of one of the API's codes. */
    public ApiError(ErrorCode error, String message, Map<String, Object> details) {
        this(error.status(), error.code(), message, details);
    }

    /** An error of one of the API's codes, with no details. */
    public static ApiError of(ErrorCode error, String message) {
        return new ApiError(error, message, Map.of());
    }

    /** An error of a status Pekko chose (a malformed request, an unmatched route): its code follows from it (404 -> not_found). */
    public static ApiError of(StatusCode status, String message) {
        return new ApiError(status, codeFor(status), message, Map.of());
    }

    /** The HTTP response carrying this error. */
    public HttpResponse toResponse() {
        return Json.response(status, body());
    }

    /** The edge's answer carrying this error. */
    public EdgeResponse toEdgeResponse() {
        return EdgeResponse.json(status.intValue(), Json.bytes(body()));
    }

    private Body body() {
        return new Body(new Detail(code, message, details));
    }

    /** The edge's own answers (a malformed request, a timeout, a bug) in this error model. */
    public static final EdgeErrors EDGE = new EdgeErrors() {
        @Override
        public EdgeResponse error(int status, String code, String message, Map<String, Object> details) {
            return new ApiError(StatusCodes.get(status), code, message, details).toEdgeResponse();
        }

        @Override
        public EdgeResponse internal(String what, Throwable error) {
            return Contained.internalApiError(what, error, false).toEdgeResponse();
        }
    };

    /** The machine code used for errors that carry no more specific one. */
    static String codeFor(StatusCode status) {
        int value = status.intValue();
        if (value == StatusCodes.BAD_REQUEST.intValue()) return "bad_request";
        if (value == StatusCodes.UNAUTHORIZED.intValue()) return "unauthorized";
        if (value == StatusCodes.FORBIDDEN.intValue()) return "forbidden";
        if (value == StatusCodes.NOT_FOUND.intValue()) return "not_found";
        if (value == StatusCodes.METHOD_NOT_ALLOWED.intValue()) return "method_not_allowed";
        if (value == StatusCodes.NOT_ACCEPTABLE.intValue()) return "not_acceptable";
        if (value == StatusCodes.CONFLICT.intValue()) return "conflict";
        if (value == StatusCodes.PAYLOAD_TOO_LARGE.intValue()) return "payload_too_large";
        if (value == StatusCodes.UNSUPPORTED_MEDIA_TYPE.intValue()) return "unsupported_media_type";
        if (value == StatusCodes.UNPROCESSABLE_ENTITY.intValue()) return "unprocessable";
        if (value == StatusCodes.TOO_MANY_REQUESTS.intValue()) return "too_many_requests";
        if (value == StatusCodes.SERVICE_UNAVAILABLE.intValue()) return "unavailable";
        if (value >= 500) return "internal_error";
        return "error_" + value;
    }
}
