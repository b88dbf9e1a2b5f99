package io.shardview.http;

import static org.apache.pekko.http.javadsl.server.Directives.extractRequest;
import static org.apache.pekko.http.javadsl.server.Directives.handleExceptions;
import static org.apache.pekko.http.javadsl.server.Directives.handleRejections;
import static org.apache.pekko.http.javadsl.server.Directives.mapResponse;

import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.shardview.http.edge.EdgeResponse;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Request count and latency per route, method and status, as one Prometheus histogram.
 *
 * <p>The route label is the endpoint's template ({@code /v1/tenants/{t}/ingest}), never the raw
 * path, so the number of series stays bounded whatever clients send. Errors are rendered inside
 * the endpoint so that their status is counted under the endpoint that produced them.
 */
public final class RouteMetrics {
    /** Label for requests that matched no endpoint. */
    public static final String UNMATCHED = "unmatched";

    private final Histogram duration;
    private final RecentErrors recentErrors = new RecentErrors();

    public RouteMetrics(PrometheusRegistry registry) {
        this.duration = Histogram.builder()
                .name("shardview_http_request_duration_seconds")
                .help("HTTP requests served, by route template, method and status, with their latency")
                .labelNames("route", "method", "status")
                .classicOnly()
                .classicUpperBounds(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
                .register(registry);
    }

    /** The error answers to each tenant's requests kept by {@link #observe} and {@link #endpoint}. */
    public RecentErrors recentErrors() {
        return recentErrors;
    }

    /**
     * Counts an answer to {@code method path} that arrived at {@code startedNanos} (System.nanoTime), and keeps it
     * among the tenant's recent errors if it is one.
     */
    public void observe(String template, String method, String path, EdgeResponse response, long startedNanos) {
        duration.labelValues(template, method, Integer.toString(response.status()))
                .observe((System.nanoTime() - startedNanos) / 1e9);
        recentErrors.observe(method, path, response.status(), response.contentType(), response.body());
    }

    private void keepError(HttpRequest request, HttpResponse response) {
        byte[] body = response.entity() instanceof HttpEntity.Strict strict
                ? strict.getData().toArray()
                : null;
        recentErrors.observe(
                request.method().value(),
                request.getUri().path(),
                response.status().intValue(),
                response.entity().getContentType().toString(),
                body);
    }

    /** Wraps an endpoint: errors become JSON, bugs a contained 500, and every response is counted under {@code template}. */
    public Route endpoint(String template, Route inner) {
        return extractRequest(request -> {
            long started = System.nanoTime();
            String method = request.method().value();
            return mapResponse(
                    response -> {
                        duration.labelValues(
                                        template,
                                        method,
                                        Integer.toString(response.status().intValue()))
                                .observe((System.nanoTime() - started) / 1e9);
                        if (response.status().intValue() >= 400) keepError(request, response);
                        return response;
                    },
                    () -> handleExceptions(
                            ErrorHandling.EXCEPTIONS,
                            () -> handleRejections(ErrorHandling.REJECTIONS, () -> Contained.route(template, inner))));
        });
    }
}
