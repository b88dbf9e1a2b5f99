package io.shardview.http.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.shardview.entity.metrics.ShardStatsBoard;

/**
 * The node's /metrics figures for metrics ingest: points stored per format, points and requests
 * refused per reason, and gauges over the metrics shards running on this node (series held,
 * sealed bytes and points, bytes per point).
 *
 * <p>Labels are closed sets (four formats, a handful of reasons): no tenant label, since tenant
 * names are chosen by clients and unbounded, and a per-tenant series per metric would let one
 * client grow every scrape without limit. Per-tenant figures belong in a per-tenant API.
 */
public final class IngestMetrics {
    /** The ingest formats, as the {@code format} label spells them. */
    public enum Format {
        REMOTE_WRITE("remote_write"),
        VM_IMPORT("vm_import"),
        PROMETHEUS_TEXT("prometheus_text"),
        INFLUX("influx"),
        OTLP("otlp");

        final String label;

        Format(String label) {
            this.label = label;
        }
    }

    private final Counter ingested;
    private final Counter rejectedPoints;
    private final Counter rejectedRequests;

    public IngestMetrics(PrometheusRegistry registry, ShardStatsBoard board) {
        ingested = Counter.builder()
                .name("shardview_metrics_points_ingested_total")
                .help("Points stored by metrics shards (durable), by ingest format")
                .labelNames("format")
                .register(registry);
        rejectedPoints = Counter.builder()
                .name("shardview_metrics_points_rejected_total")
                .help(
                        "Points not stored, by reason: out_of_order (older than the out-of-order window), too_old (older than"
                                + " the raw retention horizon), too_far_in_future, series_limit (their request would exceed"
                                + " max-active-series-per-tenant)")
                .labelNames("reason")
                .register(registry);
        rejectedRequests = Counter.builder()
                .name("shardview_metrics_requests_rejected_total")
                .help(
                        "Ingest requests refused whole, by reason: bad_data (400), too_many_samples (413), series_limit (429)")
                .labelNames("reason")
                .register(registry);
        GaugeWithCallback.builder()
                .name("shardview_metrics_active_series")
                .help("Series held by the metrics shards running on this node (as of their last stats-interval)")
                .callback(cb -> cb.call(board.total().activeSeries()))
                .register(registry);
        GaugeWithCallback.builder()
                .name("shardview_metrics_sealed_bytes")
                .help("Encoded bytes of the sealed chunks of the metrics shards running on this node")
                .callback(cb -> cb.call(board.total().sealedBytes()))
                .register(registry);
        GaugeWithCallback.builder()
                .name("shardview_metrics_sealed_points")
                .help("Points in the sealed chunks of the metrics shards running on this node")
                .callback(cb -> cb.call(board.total().sealedPoints()))
                .register(registry);
        GaugeWithCallback.builder()
                .name("shardview_metrics_events_since_snapshot")
                .help(
                        "Journal events of the metrics shards running on this node since their latest snapshots (what recovery replays)")
                .callback(cb -> cb.call(board.total().eventsSinceSnapshot()))
                .register(registry);
        GaugeWithCallback.builder()
                .name("shardview_metrics_bytes_per_point")
                .help(
                        "Sealed bytes / sealed points of the metrics shards running on this node (NaN before any is sealed)")
                .callback(cb -> {
                    ShardStatsBoard.Stats total = board.total();
                    cb.call(
                            total.sealedPoints() == 0
                                    ? Double.NaN
                                    : (double) total.sealedBytes() / total.sealedPoints());
                })
                .register(registry);
    }

    void stored(Format format, int points) {
        if (points > 0) ingested.labelValues(format.label).inc(points);
    }

    void rejectedPoints(String reason, int points) {
        if (points > 0) rejectedPoints.labelValues(reason).inc(points);
    }

    void rejectedRequest(String reason) {
        rejectedRequests.labelValues(reason).inc();
    }
}
