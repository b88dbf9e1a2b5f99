package io.shardview.http;

import io.shardview.circuit.error.RejectionKind;
import io.shardview.metrics.ingest.parse.IngestException;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;

/**
 * Every error the API answers with a code of its own, and the HTTP status that goes with it: the one table where an
 * error becomes a status (docs/api.md lists the codes). An error is built from its code ({@link ApiError}); only
 * statuses Pekko chose itself (a malformed request, an unmatched route) get a code from {@link ApiError#codeFor}.
 */
public enum ErrorCode {
    BAD_REQUEST("bad_request", StatusCodes.BAD_REQUEST),
    INVALID("invalid", StatusCodes.BAD_REQUEST),
    SYNTAX_ERROR("syntax_error", StatusCodes.BAD_REQUEST),
    INVALID_TENANT("invalid_tenant", StatusCodes.BAD_REQUEST),
    INVALID_BATCH("invalid_batch", StatusCodes.BAD_REQUEST),
    BAD_DATA("bad_data", StatusCodes.BAD_REQUEST),
    UNSUPPORTED_METHOD("unsupported_method", StatusCodes.BAD_REQUEST),
    UNSUPPORTED_HTTP_VERSION("unsupported_http_version", StatusCodes.BAD_REQUEST),
    /** No token, or one the node does not know (with WWW-Authenticate: Bearer). */
    UNAUTHORIZED("unauthorized", StatusCodes.UNAUTHORIZED),
    /** A valid token that does not grant the route: another tenant's, or a tenant's on an admin route. */
    FORBIDDEN("forbidden", StatusCodes.FORBIDDEN),
    NOT_FOUND("not_found", StatusCodes.NOT_FOUND),
    CONFLICT("conflict", StatusCodes.CONFLICT),
    HISTORY_GONE("history_gone", StatusCodes.GONE),
    PAYLOAD_TOO_LARGE("payload_too_large", StatusCodes.PAYLOAD_TOO_LARGE),
    TOO_MANY_OPS("too_many_ops", StatusCodes.PAYLOAD_TOO_LARGE),
    SQL_TOO_LARGE("sql_too_large", StatusCodes.PAYLOAD_TOO_LARGE),
    TOO_MANY_SAMPLES("too_many_samples", StatusCodes.PAYLOAD_TOO_LARGE),
    TOO_MANY_SERIES_IN_REQUEST("too_many_series_in_request", StatusCodes.PAYLOAD_TOO_LARGE),
    URI_TOO_LONG("uri_too_long", StatusCodes.URI_TOO_LONG),
    UNSUPPORTED_MEDIA_TYPE("unsupported_media_type", StatusCodes.UNSUPPORTED_MEDIA_TYPE),
    UNSUPPORTED("unsupported", StatusCodes.UNPROCESSABLE_ENTITY),
    EVALUATION_ERROR("evaluation_error", StatusCodes.UNPROCESSABLE_ENTITY),
    LIMIT_EXCEEDED("limit_exceeded", StatusCodes.UNPROCESSABLE_ENTITY),
    /**
     * A tenant's ingest queue on this node is full: that tenant sends more than it can take; back off and retry (with
     * Retry-After). Other tenants are served.
     */
    OVERLOADED("overloaded", StatusCodes.TOO_MANY_REQUESTS),
    TOO_MANY_SERIES("too_many_series", StatusCodes.TOO_MANY_REQUESTS),
    HEADERS_TOO_LARGE("headers_too_large", StatusCodes.REQUEST_HEADER_FIELDS_TOO_LARGE),
    INTERNAL("internal", StatusCodes.INTERNAL_SERVER_ERROR),
    UNAVAILABLE("unavailable", StatusCodes.SERVICE_UNAVAILABLE),
    /**
     * The node's budget of request bodies in flight is spent: the node as a whole is busy, whoever sends; retry (with
     * Retry-After), here or at another node. A cause of its own, so a code of its own ({@link #OVERLOADED} is one
     * tenant's).
     */
    NODE_OVERLOADED("node_overloaded", StatusCodes.SERVICE_UNAVAILABLE),
    NOT_READY("not_ready", StatusCodes.SERVICE_UNAVAILABLE),
    /**
     * A tenant in sync replication: fewer other regions than its min_regions are reachable and keeping up, so the
     * write was refused before anything was applied; retry (with Retry-After).
     */
    INSUFFICIENT_REGIONS("insufficient_regions", StatusCodes.SERVICE_UNAVAILABLE),
    /**
     * The tenant's recovery failed at one event too often (a poison event): every request to it is refused, nothing
     * applied, until an operator mends its journal; the details name the event.
     */
    ENTITY_FAILED("entity_failed", StatusCodes.SERVICE_UNAVAILABLE),
    TIMEOUT("timeout", StatusCodes.SERVICE_UNAVAILABLE),
    OUTCOME_UNKNOWN("outcome_unknown", StatusCodes.GATEWAY_TIMEOUT);

    private final String code;
    private final StatusCode status;

    ErrorCode(String code, StatusCode status) {
        this.code = code;
        this.status = status;
    }

    /** The machine code in the error body. */
    public String code() {
        return code;
    }

    /** The HTTP status. */
    public StatusCode status() {
        return status;
    }

    /** The code of a refusal by the circuit engine or a tenant entity. */
    public static ErrorCode of(RejectionKind kind) {
        return switch (kind) {
            case CONFLICT -> CONFLICT;
            case INVALID -> INVALID;
            case SYNTAX -> SYNTAX_ERROR;
            case UNSUPPORTED -> UNSUPPORTED;
            case NOT_FOUND -> NOT_FOUND;
            case EVALUATION_ERROR -> EVALUATION_ERROR;
            case LIMIT_EXCEEDED -> LIMIT_EXCEEDED;
            case UNAVAILABLE -> UNAVAILABLE;
            case INTERNAL -> INTERNAL;
            case INSUFFICIENT_REGIONS -> INSUFFICIENT_REGIONS;
            case UNCONFIRMED -> OUTCOME_UNKNOWN;
            case ENTITY_FAILED -> ENTITY_FAILED;
            case GONE -> HISTORY_GONE;
        };
    }

    /** The code of a metrics ingest request its parser refused. */
    public static ErrorCode of(IngestException.Kind kind) {
        return switch (kind) {
            case MALFORMED, INVALID_PARAMETER, SERIES_LIMIT -> BAD_DATA;
            case TOO_MANY_SAMPLES -> TOO_MANY_SAMPLES;
            case TOO_MANY_SERIES -> TOO_MANY_SERIES_IN_REQUEST;
            case TOO_LARGE -> PAYLOAD_TOO_LARGE;
        };
    }
}
