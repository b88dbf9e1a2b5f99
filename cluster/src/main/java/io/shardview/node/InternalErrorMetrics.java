package io.shardview.node;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.shardview.entity.fault.InternalErrors;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code shardview_internal_errors_total{where}}: bugs contained since the node started ({@link InternalErrors}), by
 * the place that caught them. Every place is exported from the start, at 0, so an alert on increase() sees the first.
 */
final class InternalErrorMetrics {
    /** The places that contain failures: HTTP routes, tenant entities, the SQL planner, metrics shards. */
    static final List<String> PLACES = List.of("http", "tenant-circuit", "sql-planner", "metrics-shard");

    private InternalErrorMetrics() {}

    static void register(PrometheusRegistry registry) {
        CounterWithCallback.builder()
                .name("shardview_internal_errors_total")
                .help(
                        "Bugs caught before they could stop the node (each answered 500 and logged once with its request id), "
                                + "by where they were caught")
                .labelNames("where")
                .callback(cb -> {
                    Map<String, Long> counts = new TreeMap<>();
                    PLACES.forEach(place -> counts.put(place, 0L));
                    counts.putAll(InternalErrors.counts());
                    counts.forEach((where, count) -> cb.call(count, where));
                })
                .register(registry);
    }
}
