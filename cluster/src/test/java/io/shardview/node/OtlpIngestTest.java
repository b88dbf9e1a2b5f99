package io.shardview.node;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.shardview.http.Json;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OTLP/HTTP metrics endpoint (docs/api.md, "OTLP") over real HTTP on an in-process node: OTLP/JSON, gzip, the
 * partial success of what is not taken, and refusals that store nothing. EcosystemClientsTest has the OpenTelemetry
 * Java SDK send protobuf to the packaged node.
 */
class OtlpIngestTest {
    @TempDir
    Path dataDir;

    private ShardviewNode node;
    private String base;
    private final long nanos = System.currentTimeMillis() * 1_000_000L;

    @BeforeEach
    void start() throws Exception {
        node = ShardviewNode.start(TestNodes.config(dataDir, Map.of()), List.of(new MetricsModule()));
        assertEquals(
                200,
                TestNodes.awaitStatus(node, "/ready", 200, Duration.ofSeconds(30))
                        .statusCode());
        base = node.url() + "/v1/tenants/otel";
    }

    @AfterEach
    void stop() {
        node.stop();
    }

    private String request(double gauge) {
        return """
                {"resourceMetrics": [{"resource": {"attributes": [
                  {"key": "service.name", "value": {"stringValue": "api"}}]},
                 "scopeMetrics": [{"metrics": [
                   {"name": "queue.depth", "gauge": {"dataPoints": [{"asDouble": %s, "timeUnixNano": "%d"}]}},
                   {"name": "sent", "sum": {"aggregationTemporality": 1, "isMonotonic": true,
                     "dataPoints": [{"asInt": "3", "timeUnixNano": "%d"}]}}]}]}]}
                """
                .formatted(gauge, nanos, nanos);
    }

    private HttpResponse<String> post(String type, String encoding, byte[] body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + "/otlp/v1/metrics"))
                .header("Content-Type", type)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (encoding != null) request.header("Content-Encoding", encoding);
        return TestNodes.send(node, request);
    }

    private JsonNode query(String promql) throws Exception {
        return Json.MAPPER
                .readTree(TestNodes.get(
                                node,
                                "/v1/tenants/otel/prom/api/v1/query?query="
                                        + URLEncoder.encode(promql, StandardCharsets.UTF_8))
                        .body())
                .at("/data/result");
    }

    @Test
    void jsonIsStoredAndWhatIsNotTakenIsCountedAsAPartialSuccess() throws Exception {
        HttpResponse<String> stored = post("application/json", null, request(7).getBytes(StandardCharsets.UTF_8));
        assertEquals(200, stored.statusCode(), stored.body());
        JsonNode partial = Json.MAPPER.readTree(stored.body()).path("partialSuccess");
        assertEquals("1", partial.path("rejectedDataPoints").asText(), stored.body());
        JsonNode depth = query("queue_depth{job=\"api\"}");
        assertEquals("7", depth.get(0).at("/value/1").asText(), depth.toString());
        assertEquals(0, query("sent_total").size(), "a delta sum is not taken");
    }

    @Test
    void gzipIsReadAndRefusalsStoreNothing() throws Exception {
        ByteArrayOutputStream zipped = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(zipped)) {
            gzip.write(request(9).getBytes(StandardCharsets.UTF_8));
        }
        assertEquals(200, post("application/json", "gzip", zipped.toByteArray()).statusCode());
        assertEquals("9", query("queue_depth").get(0).at("/value/1").asText());

        HttpResponse<String> malformed = post("application/json", null, "{\"resourceMetrics\": [".getBytes());
        assertEquals(400, malformed.statusCode(), malformed.body());
        assertEquals(
                "bad_data",
                Json.MAPPER.readTree(malformed.body()).at("/error/code").asText());
        assertEquals(
                400,
                post("application/x-protobuf", null, new byte[] {10, 50, 1}).statusCode());
        HttpResponse<String> text = post("text/plain", null, request(1).getBytes(StandardCharsets.UTF_8));
        assertEquals(415, text.statusCode(), text.body());
        assertEquals("9", query("queue_depth").get(0).at("/value/1").asText(), "nothing refused was stored");
    }
}
