package io.shardview.http;

import static org.apache.pekko.http.javadsl.server.Directives.extractRequest;
import static org.apache.pekko.http.javadsl.server.Directives.handleExceptions;
import static org.apache.pekko.http.javadsl.server.Directives.handleRejections;
import static org.apache.pekko.http.javadsl.server.Directives.mapResponse;

import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
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

    public RouteMetrics(PrometheusRegistry registry) {
        this.duration = Histogram.builder()
                .name("shardview_http_request_duration_seconds")
                .help("HTTP requests served, by route template, method and status, with their latency")
                .labelNames("route", "method", "status")
                .classicOnly()
                .classicUpperBounds(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
                .register(registry);
    }

    /** Counts an answer of {@code status} to a request that arrived at {@code startedNanos} (System.nanoTime). */
    public void observe(String template, String method, int status, long startedNanos) {
        duration.labelValues(template, method, Integer.toString(status))
                .observe((System.nanoTime() - startedNanos) / 1e9);
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
                        return response;
                    },
                    () -> handleExceptions(
                            ErrorHandling.EXCEPTIONS,
                            () -> handleRejections(ErrorHandling.REJECTIONS, () -> Contained.route(template, inner))));
        });
    }
}
