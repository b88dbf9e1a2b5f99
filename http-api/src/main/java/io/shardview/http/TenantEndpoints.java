package io.shardview.http;

import static io.shardview.http.OnComplete.onComplete;
import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.extractMaterializer;
import static org.apache.pekko.http.javadsl.server.Directives.extractRequest;
import static org.apache.pekko.http.javadsl.server.Directives.withSizeLimit;

import io.shardview.entity.RegionHealth;
import io.shardview.entity.fault.InternalFailure;
import io.shardview.entity.metrics.ShardedAppend;
import io.shardview.entity.tenant.IngestOverloaded;
import io.shardview.http.edge.EdgeRequest;
import io.shardview.http.edge.EdgeResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.Connection;
import org.apache.pekko.http.javadsl.model.headers.RetryAfter;
import org.apache.pekko.http.javadsl.server.Route;

/** What every endpoint under /v1/tenants/{t} shares: the tenant name rule, body limit, metrics, and overload replies. */
public final class TenantEndpoints {
    private static final Pattern TENANT = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");

    /** The rule for tenant names, in words. */
    public static final String TENANT_RULE =
            "tenant names are 1 to 63 of a-z, 0-9, '_' and '-', starting with a letter or digit";

    /** Whether {@code tenant} is a valid tenant name. */
    public static boolean validTenant(String tenant) {
        return TENANT.matcher(tenant).matches();
    }

    private TenantEndpoints() {}

    /**
     * An endpoint counted under {@code template}: an invalid tenant name is a 400, bodies are limited to {@code maxBytes}
     * and to what the node's budget of bodies in flight has room for ({@link InflightBodies}).
     */
    public static Route endpoint(
            RouteMetrics metrics,
            InflightBodies inflight,
            String template,
            String tenant,
            long maxBytes,
            Supplier<Route> inner) {
        if (!TENANT.matcher(tenant).matches()) {
            return metrics.endpoint(
                    template,
                    complete(new ApiError(ErrorCode.INVALID_TENANT, TENANT_RULE, Map.of("tenant", tenant))
                            .toResponse()));
        }
        return metrics.endpoint(template, extractRequest(request -> {
            var length = request.entity().getContentLengthOption();
            if (length.isPresent() && length.getAsLong() > maxBytes) {
                return tooLarge(request, length.getAsLong(), maxBytes);
            }
            return inflight.limit(request, maxBytes, () -> withSizeLimit(maxBytes, inner));
        }));
    }

    /**
     * A 413 for a body declared longer than {@code maxBytes}, sent once the body has been read and dropped (up to
     * {@link #DISCARD_FACTOR} times the limit): a reply sent while the client is still sending makes the server close
     * the connection on unread bytes, and the reset that close sends can reach the client before the reply, which it
     * then never reads. A body longer still is answered at once and its connection closed.
     */
    private static Route tooLarge(HttpRequest request, long length, long maxBytes) {
        HttpResponse refusal = tooLargeError(length, maxBytes).toResponse();
        if (length / DISCARD_FACTOR > maxBytes) return complete(refusal.addHeader(Connection.create("close")));
        return extractMaterializer(materializer ->
                onComplete(request.discardEntityBytes(materializer).completionStage(), discarded -> complete(refusal)));
    }

    /** As the route above, for an endpoint of the edge's own. */
    public static void tooLarge(EdgeRequest request, long length, long maxBytes, EdgeRouter.Reply reply) {
        EdgeResponse refusal = tooLargeError(length, maxBytes).toEdgeResponse();
        request.discardBody(DISCARD_FACTOR * maxBytes, () -> reply.send(refusal));
    }

    private static ApiError tooLargeError(long length, long maxBytes) {
        return new ApiError(
                ErrorCode.PAYLOAD_TOO_LARGE,
                "the body of " + length + " bytes is larger than max-request-bytes = " + maxBytes
                        + " bytes; nothing of the request was applied",
                Map.of("limit", "max-request-bytes", "max", maxBytes));
    }

    /** How many times its endpoint's limit a body may be and still be read through before its 413. */
    static final long DISCARD_FACTOR = 4;

    /** What a request does, which decides what a missing answer means to its client. */
    public enum Effect {
        /** Changes nothing: a missing answer is a 503, retry at will. */
        READ,
        /**
         * Writes: a missing answer is a 504 {@code outcome_unknown}, since the entity may have applied it before its
         * answer was lost (its node died, the journal hung); a retry with the same batch_id or Idempotency-Key is safe.
         */
        WRITE,
        /** Writes whose repetition changes nothing (metrics points: a point written twice keeps one value): as WRITE. */
        REPEATABLE_WRITE
    }

    /**
     * Completes with the reply's response. An overloaded node is a 429 and, for a read, an entity that did not answer
     * within {@code timeout} a 503, both with Retry-After and nothing applied; a write without an answer is a 504
     * {@code outcome_unknown} (see {@link Effect#WRITE}). A bug while building the response is a contained 500.
     */
    public static <R> Route reply(
            CompletionStage<R> pending,
            Function<R, HttpResponse> toResponse,
            String who,
            Duration timeout,
            Effect effect) {
        return onComplete(pending, Contained.body(who + " reply", result -> {
            if (result.isSuccess()) return complete(toResponse.apply(result.get()));
            return complete(PekkoResponses.of(failure(result.failed().get(), who, timeout, effect)));
        }));
    }

    /**
     * The answer to a request whose reply failed: an overloaded node is a 429 and, for a read, an entity that did not
     * answer within {@code timeout} a 503, both with Retry-After and nothing applied; a write without an answer is a 504
     * {@code outcome_unknown} (see {@link Effect#WRITE}); anything else a contained 500.
     */
    public static EdgeResponse failure(Throwable failure, String who, Duration timeout, Effect effect) {
        if (failure instanceof CompletionException && failure.getCause() != null) failure = failure.getCause();
        if (failure instanceof InternalFailure internal) {
            return new ApiError(
                            ErrorCode.INTERNAL,
                            internal.getMessage()
                                    + "; what the request asked for may have been applied in part: sending it again is safe",
                            Map.of("request_id", internal.requestId()))
                    .toEdgeResponse();
        }
        if (failure instanceof IngestOverloaded overloaded) {
            return retryLaterEdge(new ApiError(
                    ErrorCode.OVERLOADED,
                    overloaded.getMessage() + "; nothing of the request was applied; retry",
                    Map.of()));
        }
        if (failure instanceof ShardedAppend.CopyRegionSilent silent) {
            return retryLaterEdge(
                    new ApiError(ErrorCode.UNAVAILABLE, silent.getMessage() + "; nothing was stored; retry", Map.of()));
        }
        if (failure instanceof RegionHealth.CutShort cut) {
            if (effect == Effect.READ) {
                return retryLaterEdge(new ApiError(ErrorCode.UNAVAILABLE, cut.getMessage() + "; retry", Map.of()));
            }
            return outcomeUnknownError(who + ": " + cut.getMessage(), effect);
        }
        if (failure instanceof TimeoutException || failure.getCause() instanceof TimeoutException) {
            if (effect == Effect.READ) {
                return retryLaterEdge(new ApiError(
                        ErrorCode.UNAVAILABLE,
                        who + " did not answer within " + timeout.toMillis() + " ms; retry",
                        Map.of()));
            }
            return outcomeUnknownError(who + " did not answer within " + timeout.toMillis() + " ms", effect);
        }
        return Contained.internalApiError(who + " request", failure, effect != Effect.READ)
                .toEdgeResponse();
    }

    /**
     * The 504 for a write whose fate is unknown: it may or may not have been applied. Sending it again with the same
     * batch_id (or Idempotency-Key) is safe: it is applied at most once, and the answer says which.
     */
    public static HttpResponse outcomeUnknown(String why) {
        return outcomeUnknown(why, Effect.WRITE);
    }

    /** As {@link #outcomeUnknown(String)}, with the advice that fits the write: a repeatable one is sent again as it is. */
    static HttpResponse outcomeUnknown(String why, Effect effect) {
        return PekkoResponses.of(outcomeUnknownError(why, effect));
    }

    private static EdgeResponse outcomeUnknownError(String why, Effect effect) {
        String retry = effect == Effect.REPEATABLE_WRITE
                ? "send it again: writing the same points again changes nothing"
                : "send it again with the same batch_id or Idempotency-Key, which applies it at most once";
        return retryLaterEdge(new ApiError(
                ErrorCode.OUTCOME_UNKNOWN, why + "; the write may or may not have been applied: " + retry, Map.of()));
    }

    /** {@code error} with Retry-After: 1 s. */
    public static HttpResponse retryLater(ApiError error) {
        return error.toResponse().addHeader(RetryAfter.create(1L));
    }

    /** {@code error} with Retry-After: 1 s, as the edge's answer. */
    public static EdgeResponse retryLaterEdge(ApiError error) {
        return error.toEdgeResponse().withHeader("Retry-After", "1");
    }
}
