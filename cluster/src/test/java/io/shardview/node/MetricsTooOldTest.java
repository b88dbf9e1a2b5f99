package io.shardview.node;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shardview.metrics.ingest.parse.RemoteWriteDecoderTest;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A point is acknowledged as stored only if it is: points before the raw retention horizon are
 * refused as too_old (in the reply and on /metrics), also by a shard that has just started.
 */
class MetricsTooOldTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dataDir;

    @Test
    void pointsBeforeTheRetentionHorizonAreRefusedAsTooOldByAShardThatJustStarted() throws Exception {
        // One shard, so the points of both requests meet the same, freshly started, shard.
        ShardviewNode node = ShardviewNode.start(
                TestNodes.config(dataDir, Map.of("shardview.metrics.shards-per-tenant", 1)),
                List.of(new MetricsModule()));
        try {
            assertEquals(
                    200,
                    TestNodes.awaitStatus(node, "/ready", 200, Duration.ofSeconds(30))
                            .statusCode());
            long now = System.currentTimeMillis();
            long fortyDaysAgo = now - Duration.ofDays(40).toMillis();
            byte[] body = RemoteWriteDecoderTest.writeRequest(
                    List.<String[]>of(new String[] {"__name__", "old"}),
                    List.<double[][]>of(new double[][] {{-1, 1}, {86_400_000, 2}, {fortyDaysAgo, 3}, {now, 4}}));
            HttpResponse<String> reply = TestNodes.send(
                    node,
                    HttpRequest.newBuilder(URI.create(node.url() + "/v1/tenants/old/prom/api/v1/write"))
                            .header("Content-Type", "application/x-protobuf")
                            .header("Content-Encoding", "snappy")
                            .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
            assertEquals(200, reply.statusCode(), reply.body());
            JsonNode counts = JSON.readTree(reply.body());
            assertEquals(1, counts.get("samples").asInt(), reply.body());
            assertEquals(3, counts.at("/rejected/too_old").asInt(), reply.body());

            HttpResponse<String> export = TestNodes.get(
                    node,
                    "/v1/tenants/old/prom/api/v1/export?match%5B%5D="
                            + URLEncoder.encode("old", StandardCharsets.UTF_8));
            assertEquals(200, export.statusCode(), export.body());
            assertEquals(
                    "[" + now + "]",
                    JSON.readTree(export.body()).get("timestamps").toString(),
                    "only the stored point is exported");

            String metrics = TestNodes.get(node, "/metrics").body();
            assertEquals(
                    List.of("shardview_metrics_points_rejected_total{reason=\"too_old\"} 3.0"),
                    metrics.lines()
                            .filter(l -> l.startsWith("shardview_metrics_points_rejected_total{reason=\"too_old\"}"))
                            .toList());
            assertEquals(
                    List.of("shardview_metrics_points_ingested_total{format=\"remote_write\"} 1.0"),
                    metrics.lines()
                            .filter(l ->
                                    l.startsWith("shardview_metrics_points_ingested_total{format=\"remote_write\"}"))
                            .toList());
        } finally {
            node.stop();
        }
    }

    @Test
    void pointsOfNineteenSeventyWithinALongRetentionAreStoredAndExported() throws Exception {
        ShardviewNode node = ShardviewNode.start(
                TestNodes.config(
                        dataDir,
                        Map.of(
                                "shardview.metrics.shards-per-tenant",
                                1,
                                "shardview.metrics.raw-retention",
                                "36500d",
                                "shardview.metrics.rollup-retention",
                                "36500d")),
                List.of(new MetricsModule()));
        try {
            assertEquals(
                    200,
                    TestNodes.awaitStatus(node, "/ready", 200, Duration.ofSeconds(30))
                            .statusCode());
            byte[] body = RemoteWriteDecoderTest.writeRequest(
                    List.<String[]>of(new String[] {"__name__", "epoch"}),
                    List.<double[][]>of(new double[][] {{-1, 1}, {0, 2}, {1_000, 3}}));
            HttpResponse<String> reply = TestNodes.send(
                    node,
                    HttpRequest.newBuilder(URI.create(node.url() + "/v1/tenants/epoch/prom/api/v1/write"))
                            .header("Content-Type", "application/x-protobuf")
                            .header("Content-Encoding", "snappy")
                            .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
            assertEquals(204, reply.statusCode(), reply.body());
            HttpResponse<String> export = TestNodes.get(node, "/v1/tenants/epoch/prom/api/v1/export?match%5B%5D=epoch");
            assertEquals(200, export.statusCode(), export.body());
            assertEquals(
                    "{\"metric\":{\"__name__\":\"epoch\"},\"values\":[1.0,2.0,3.0],\"timestamps\":[-1,0,1000]}",
                    export.body().trim());
        } finally {
            node.stop();
        }
    }
}
