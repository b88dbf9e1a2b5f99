package io.shardview.http.tenant;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.shardview.entity.fault.FailPoints;
import io.shardview.entity.tenant.TenantIngress;
import io.shardview.entity.tenant.TenantProtocol;
import io.shardview.http.ApiError;
import io.shardview.http.Contained;
import io.shardview.http.Deadline;
import io.shardview.http.EdgeRouter;
import io.shardview.http.ErrorCode;
import io.shardview.http.InflightBodies;
import io.shardview.http.Json;
import io.shardview.http.TenantEndpoints;
import io.shardview.http.Utf8Body;
import io.shardview.http.edge.EdgeRequest;
import io.shardview.http.edge.EdgeResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * {@code POST /v1/tenants/{t}/ingest} (docs/api.md), served by the edge itself: the body is read whole within the
 * tenant's max-request-bytes and the node's budget of bodies in flight, checked as UTF-8, parsed into ops and handed to
 * the tenant through this node's group commit ({@link TenantIngress}); the entity's answer becomes the reply where it
 * arrives. A small body is parsed on the event loop that read it; a large one on the actor system's dispatcher, so one
 * tenant's big batch does not hold up the requests of the connections sharing its event loop.
 */
public final class IngestEndpoint implements EdgeRouter.Endpoint {
    /**
     * The header of an answer from the tenant that names the node running its entity (docs/api.md): batches sent there
     * skip the hop from the node that took them to that node.
     */
    public static final String TENANT_NODE = "Shardview-Tenant-Node";

    /** Bodies up to this size are parsed where they were read. */
    private static final int PARSED_IN_PLACE_BYTES = 64 * 1024;

    private final ActorSystem<?> system;
    private final TenantHttpSettings settings;
    private final TenantBodyLimits limits;
    private final TenantIngress ingress;
    private final InflightBodies inflight;
    private final Executor parsing;

    public IngestEndpoint(ActorSystem<?> system) {
        this.system = system;
        this.settings = TenantHttpSettings.from(system.settings().config());
        this.limits = TenantBodyLimits.from(system.settings().config());
        this.ingress = TenantIngress.get(system);
        this.inflight = InflightBodies.get(system);
        this.parsing = system.executionContext();
    }

    @Override
    public String template() {
        return "/v1/tenants/{t}/ingest";
    }

    @Override
    public List<String> methods() {
        return List.of("POST");
    }

    @Override
    public void serve(EdgeRequest request, List<String> params, EdgeRouter.Reply reply) {
        String tenant = params.get(0);
        if (!TenantEndpoints.validTenant(tenant)) {
            reply.send(new ApiError(ErrorCode.INVALID_TENANT, TenantEndpoints.TENANT_RULE, Map.of("tenant", tenant))
                    .toEdgeResponse());
            return;
        }
        long maxBytes = settings.maxRequestBytes();
        long length = request.contentLength();
        if (length > maxBytes) {
            TenantEndpoints.tooLarge(request, length, maxBytes, reply);
            return;
        }
        long held = inflight.hold(length, maxBytes);
        if (held < 0) {
            reply.send(inflight.refusal().toEdgeResponse().withHeader("Retry-After", "1"));
            return;
        }
        EdgeRouter.Reply released = response -> {
            inflight.release(held);
            reply.send(response);
        };
        request.readBody(maxBytes, new EdgeRequest.BodyReader() {
            @Override
            public void body(byte[] body) {
                if (body.length <= PARSED_IN_PLACE_BYTES) ingest(request, tenant, body, released);
                else parsing.execute(() -> ingest(request, tenant, body, released));
            }

            @Override
            public void tooLarge(long declared) {
                released.send(
                        ApiError.of(ErrorCode.PAYLOAD_TOO_LARGE, "request body is larger than " + maxBytes + " bytes")
                                .toEdgeResponse());
            }
        });
    }

    /** Parses the batch and hands it to its tenant; answers once the tenant did (or at once, for a bad batch). */
    private void ingest(EdgeRequest request, String tenant, byte[] bytes, EdgeRouter.Reply reply) {
        try {
            EdgeResponse refused = refusedBody(request, bytes);
            if (refused != null) {
                reply.send(refused);
                return;
            }
            FailPoints.raise(request.header(FailPoints.HEADER));
            IngestBody batch;
            try {
                batch = mediaType(request).equals("application/json")
                        ? IngestBody.fromJson(bytes, settings.batchMaxOps(), limits)
                        : IngestBody.fromNdjson(
                                bytes, request.header("Idempotency-Key"), settings.batchMaxOps(), limits);
            } catch (IngestBody.Invalid invalid) {
                reply.send(invalid.error.toEdgeResponse());
                return;
            }
            if (batch.ops().isEmpty()) {
                reply.send(ApiError.of(ErrorCode.BAD_REQUEST, "the batch has no ops")
                        .toEdgeResponse());
                return;
            }
            Duration timeout = settings.askTimeout().plus(settings.replyGrace());
            long deadline = System.currentTimeMillis() + settings.askTimeout().toMillis();
            Deadline.within(
                            system,
                            ingress.submit(
                                            tenant,
                                            new TenantProtocol.BatchRequest(batch.ops(), batch.batchId(), deadline))
                                    .toCompletableFuture(),
                            timeout)
                    .whenComplete((answer, failure) -> {
                        try {
                            if (failure != null) {
                                reply.send(TenantEndpoints.failure(
                                        failure, "the tenant", timeout, TenantEndpoints.Effect.WRITE));
                                return;
                            }
                            EdgeResponse response = answer instanceof TenantProtocol.Ingested ingested
                                    ? ingested(ingested)
                                    : TenantResponses.refusedEdge((TenantProtocol.Refused) answer);
                            String node = ingress.nodeOf(tenant);
                            reply.send(node == null ? response : response.withHeader(TENANT_NODE, node));
                        } catch (Throwable error) {
                            if (!io.shardview.entity.fault.InternalErrors.isContainable(error)) throw error;
                            reply.send(Contained.internalApiError("the tenant reply", error, true)
                                    .toEdgeResponse());
                        }
                    });
        } catch (Throwable error) {
            if (!io.shardview.entity.fault.InternalErrors.isContainable(error)) throw error;
            reply.send(Contained.internalApiError("ingest", error, false).toEdgeResponse());
        }
    }

    /** The 415 or 400 for a body that is not a batch in a type and charset this endpoint reads, or null. */
    private static EdgeResponse refusedBody(EdgeRequest request, byte[] body) {
        String charset = Utf8Body.charsetRefused(request.header(HttpHeaderNames.CONTENT_TYPE));
        if (charset != null) {
            return new ApiError(
                            ErrorCode.UNSUPPORTED_MEDIA_TYPE,
                            "charset " + charset + " is not read here; bodies are UTF-8",
                            Map.of("supported", "charset=utf-8"))
                    .toEdgeResponse();
        }
        String type = mediaType(request);
        if (!type.equals("application/json") && !type.equals("application/x-ndjson")) {
            return new ApiError(
                            ErrorCode.UNSUPPORTED_MEDIA_TYPE,
                            "content type " + type
                                    + " is not accepted here; use application/json or application/x-ndjson",
                            Map.of())
                    .toEdgeResponse();
        }
        int bad = Utf8Body.firstInvalidByte(body);
        if (bad >= 0) {
            return new ApiError(
                            ErrorCode.BAD_REQUEST,
                            "the body is not valid UTF-8 (at byte " + bad + " of the body)",
                            Map.of("byte_offset", bad))
                    .toEdgeResponse();
        }
        return null;
    }

    /** The media type of the request's Content-Type, lower case, as Pekko names it (none/none without one). */
    private static String mediaType(EdgeRequest request) {
        String type = request.header(HttpHeaderNames.CONTENT_TYPE);
        if (type == null) return request.contentLength() == 0 ? "none/none" : "application/octet-stream";
        int semicolon = type.indexOf(';');
        return (semicolon < 0 ? type : type.substring(0, semicolon)).strip().toLowerCase(Locale.ROOT);
    }

    private static EdgeResponse ingested(TenantProtocol.Ingested ingested) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("version", ingested.version());
        body.put("ops", ingested.ops());
        body.put("views", ingested.views());
        if (ingested.duplicate()) body.put("duplicate", true);
        return EdgeResponse.json(200, Json.bytes(body));
    }
}
