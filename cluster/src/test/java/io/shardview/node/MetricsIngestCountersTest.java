package io.shardview.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The metrics ingest figures on /metrics, scraped over HTTP after ingest. */
class MetricsIngestCountersTest {
    private static final long T = 1_700_000_000_000L;

    @TempDir
    Path dataDir;

    /** One shard holding at most 3 series, heads sealed at 8 points, figures published every 200 ms. */
    private ShardviewNode start() throws Exception {
        ShardviewNode node = ShardviewNode.start(
                TestNodes.config(
                        dataDir,
                        Map.of(
                                "shardview.metrics.shards-per-tenant",
                                1,
                                "shardview.metrics.max-active-series-per-tenant",
                                3,
                                "shardview.metrics.chunk-max-points",
                                8,
                                "shardview.metrics.stats-interval",
                                "200ms",
                                "shardview.metrics.raw-retention",
                                "36500d", // points from 2023 stay within retention
                                "shardview.metrics.rollup-retention",
                                "36500d")),
                List.of(new MetricsModule()));
        assertEquals(
                200,
                TestNodes.awaitStatus(node, "/ready", 200, Duration.ofSeconds(30))
                        .statusCode());
        return node;
    }

    private static HttpResponse<String> post(ShardviewNode node, String path, String body) {
        return TestNodes.send(
                node,
                HttpRequest.newBuilder(URI.create(node.url() + "/v1/tenants/counted" + path))
                        .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    /** Samples of the scrape by their full name with labels, e.g. {@code x_total{reason="a"}}. */
    private static Map<String, Double> scrape(ShardviewNode node) {
        HttpResponse<String> response = TestNodes.get(node, "/metrics");
        assertEquals(200, response.statusCode());
        Map<String, Double> samples = new HashMap<>();
        for (String line : response.body().split("\n")) {
            if (line.startsWith("shardview_metrics_")) {
                int space = line.lastIndexOf(' ');
                samples.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
            }
        }
        return samples;
    }

    @Test
    void ingestedAndRejectedPointsAndShardFiguresAreScrapedWithBoundedLabels() throws Exception {
        ShardviewNode node = start();
        try {
            StringBuilder influx = new StringBuilder();
            for (int i = 0; i < 20; i++) {
                influx.append("cpu,host=a user=")
                        .append(i)
                        .append(' ')
                        .append(T + i * 10_000L)
                        .append('\n');
                influx.append("cpu,host=b user=")
                        .append(i)
                        .append(' ')
                        .append(T + i * 10_000L)
                        .append('\n');
            }
            assertEquals(
                    204,
                    post(node, "/influx/write?precision=ms", influx.toString()).statusCode());
            assertEquals(
                    204,
                    post(
                                    node,
                                    "/prom/api/v1/import",
                                    "{\"metric\":{\"__name__\":\"up\"},\"values\":[1,1,0],\"timestamps\":[" + T + ","
                                            + (T + 1) + "," + (T + 2) + "]}")
                            .statusCode());
            assertEquals(
                    200,
                    post(
                                    node,
                                    "/prom/api/v1/import",
                                    "{\"metric\":{\"__name__\":\"up\"},\"values\":[1,2],\"timestamps\":["
                                            + (T - 7_200_000L) + "," + (System.currentTimeMillis() + 86_400_000L)
                                            + "]}")
                            .statusCode());
            assertEquals(400, post(node, "/prom/api/v1/import", "not json").statusCode());
            assertEquals(
                    429,
                    post(node, "/influx/write?precision=ms", "mem used=1 " + T + "\nmem used=2 " + (T + 1))
                            .statusCode(),
                    "a fourth series is over the limit of 3");

            Map<String, Double> s = scrape(node);
            assertEquals(40.0, s.get("shardview_metrics_points_ingested_total{format=\"influx\"}"));
            assertEquals(3.0, s.get("shardview_metrics_points_ingested_total{format=\"vm_import\"}"));
            assertEquals(1.0, s.get("shardview_metrics_points_rejected_total{reason=\"out_of_order\"}"));
            assertEquals(1.0, s.get("shardview_metrics_points_rejected_total{reason=\"too_far_in_future\"}"));
            assertEquals(2.0, s.get("shardview_metrics_points_rejected_total{reason=\"series_limit\"}"));
            assertEquals(1.0, s.get("shardview_metrics_requests_rejected_total{reason=\"bad_data\"}"));
            assertEquals(1.0, s.get("shardview_metrics_requests_rejected_total{reason=\"series_limit\"}"));
            assertFalse(
                    s.keySet().stream().anyMatch(name -> name.contains("tenant")), "no tenant label: " + s.keySet());

            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!Double.valueOf(3.0).equals(s.get("shardview_metrics_active_series"))
                    && System.nanoTime() < deadline) {
                Thread.sleep(100);
                s = scrape(node);
            }
            assertEquals(3.0, s.get("shardview_metrics_active_series"));
            assertEquals(
                    32.0, s.get("shardview_metrics_sealed_points"), "cpu a and b: 20 points each, sealed 8 at a time");
            double bytes = s.get("shardview_metrics_sealed_bytes");
            assertTrue(bytes > 0);
            assertEquals(bytes / 32, s.get("shardview_metrics_bytes_per_point"), 1e-9);
            double events = s.get("shardview_metrics_events_since_snapshot");
            assertTrue(
                    events >= 3 && events <= 4,
                    "one event per shard part of the influx write (1 or 2) and of each import: " + events);
        } finally {
            node.stop();
        }
    }
}
