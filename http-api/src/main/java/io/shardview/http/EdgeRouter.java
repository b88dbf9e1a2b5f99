package io.shardview.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.shardview.http.edge.EdgeHandler;
import io.shardview.http.edge.EdgeRequest;
import io.shardview.http.edge.EdgeResponse;
import io.shardview.http.edge.RequestTarget;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.pekko.http.javadsl.model.StatusCodes;

/**
 * Which endpoint serves a request the edge parsed: one written for the edge ({@link Endpoint}), found by its method and
 * path, or else the Pekko routes ({@code fallback}). For its own endpoints it applies what the Pekko routes apply to
 * every request: the auth policy (a refused request's body is read and dropped before its 401/403, as there), the 405
 * for a method the path does not take, and the request metrics under the endpoint's template.
 */
public final class EdgeRouter implements EdgeHandler {
    /** An endpoint of the edge's own. */
    public interface Endpoint {
        /** The route template it is counted under, e.g. {@code /v1/tenants/{t}/ingest}; its segments match paths. */
        String template();

        /** The methods it takes (GET, POST, ...); any other is answered 405. */
        List<String> methods();

        /**
         * Serves a request let in by the auth policy: {@code params} holds the path's values for the template's
         * {@code {...}} segments, in order; {@code reply} is called once, from any thread.
         */
        void serve(EdgeRequest request, List<String> params, Reply reply);
    }

    /** An endpoint's one answer: counted, and sent. */
    @FunctionalInterface
    public interface Reply {
        void send(EdgeResponse response);
    }

    /** How far a refused request's body is read before the refusal, at most; past it the connection closes. */
    private static final long REFUSED_BODY_MAX_BYTES = 64L << 20;

    private final List<Endpoint> endpoints;
    private final List<String[]> templates = new ArrayList<>();
    private final Admission auth;
    private final RouteMetrics metrics;
    private final EdgeHandler fallback;

    public EdgeRouter(List<Endpoint> endpoints, Admission auth, RouteMetrics metrics, EdgeHandler fallback) {
        this.endpoints = List.copyOf(endpoints);
        this.auth = auth;
        this.metrics = metrics;
        this.fallback = fallback;
        for (Endpoint endpoint : endpoints)
            templates.add(RequestTarget.segments(endpoint.template()).toArray(String[]::new));
    }

    @Override
    public void handle(EdgeRequest request) {
        List<String> path = RequestTarget.segments(request.path());
        for (int i = 0; i < endpoints.size(); i++) {
            List<String> params = match(templates.get(i), path);
            if (params != null) {
                serve(endpoints.get(i), request, path, params);
                return;
            }
        }
        fallback.handle(request);
    }

    private void serve(Endpoint endpoint, EdgeRequest request, List<String> path, List<String> params) {
        Reply reply = counted(endpoint.template(), request);
        String method = request.method().name();
        if (!endpoint.methods().contains(method)) {
            String allowed = String.join(", ", endpoint.methods());
            reply.send(ApiError.of(
                            StatusCodes.METHOD_NOT_ALLOWED, "HTTP method not allowed, supported methods: " + allowed)
                    .toEdgeResponse()
                    .withHeader("Allow", allowed));
            return;
        }
        Admission.Verdict verdict = auth.check(method, path, request.header(HttpHeaderNames.AUTHORIZATION), null);
        if (verdict instanceof Admission.Verdict.Refused refused) {
            request.discardBody(REFUSED_BODY_MAX_BYTES, () -> reply.send(refused.toEdgeResponse()));
            return;
        }
        try {
            endpoint.serve(request, params, reply);
        } catch (Throwable error) {
            if (!io.shardview.entity.fault.InternalErrors.isContainable(error)) throw error;
            reply.send(Contained.internalApiError(endpoint.template(), error, false)
                    .toEdgeResponse());
        }
    }

    /** The request's answer, observed under {@code template} once. */
    private Reply counted(String template, EdgeRequest request) {
        AtomicBoolean sent = new AtomicBoolean();
        return response -> {
            if (!sent.compareAndSet(false, true)) return;
            metrics.observe(template, request.method().name(), request.path(), response, request.startedNanos());
            request.reply(response);
        };
    }

    /** The values of the template's {@code {...}} segments, or null when {@code path} does not match it. */
    private static List<String> match(String[] template, List<String> path) {
        if (template.length != path.size()) return null;
        List<String> params = null;
        for (int i = 0; i < template.length; i++) {
            if (template[i].startsWith("{")) {
                if (params == null) params = new ArrayList<>(2);
                params.add(path.get(i));
            } else if (!template[i].equals(path.get(i))) {
                return null;
            }
        }
        return params == null ? List.of() : params;
    }
}
