package io.shardview.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shardview.metrics.ingest.SampleBatch;
import io.shardview.metrics.ingest.parse.IngestLimits;
import io.shardview.metrics.ingest.parse.PrometheusTextParser;
import io.shardview.metrics.ingest.parse.SampleBatchBuilder;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NodeEndpointsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dataDir;

    private ShardviewNode node;

    @BeforeAll
    void startNode() throws Exception {
        node = TestNodes.start(dataDir, List.of());
        assertEquals(
                200,
                TestNodes.awaitStatus(node, "/ready", 200, Duration.ofSeconds(30))
                        .statusCode());
    }

    @AfterAll
    void stopNode() {
        node.stop();
    }

    @Test
    void healthAnswersOk() {
        HttpResponse<String> response = TestNodes.get(node, "/health");
        assertEquals(200, response.statusCode());
        assertEquals(
                "application/json",
                response.headers().firstValue("Content-Type").orElseThrow());
    }

    @Test
    void clusterListsTheNodeAsTheOnlyUpMemberAndLeader() throws Exception {
        HttpResponse<String> response = TestNodes.get(node, "/v1/cluster");
        assertEquals(200, response.statusCode());
        JsonNode body = JSON.readTree(response.body());
        String self = body.get("self").asText();
        assertTrue(self.startsWith("pekko://shardview@127.0.0.1:"), self);
        assertEquals("default", body.get("region").asText());
        assertEquals(self, body.get("leader").asText());
        assertEquals(1, body.get("members").size());
        JsonNode member = body.get("members").get(0);
        assertEquals(self, member.get("address").asText());
        assertEquals("Up", member.get("status").asText());
        assertEquals("default", member.get("region").asText());
        assertTrue(member.get("roles").isArray());
        assertTrue(body.get("shards").isObject());
    }

    @Test
    void clusterEventsListWhatThisNodeSawAndReplicationEveryRegion() throws Exception {
        String self = JSON.readTree(TestNodes.get(node, "/v1/cluster").body())
                .get("self")
                .asText();
        HttpResponse<String> events = TestNodes.get(node, "/v1/cluster/events");
        assertEquals(200, events.statusCode(), events.body());
        JsonNode seen = JSON.readTree(events.body());
        assertEquals(self, seen.get("self").asText());
        assertEquals("default", seen.get("region").asText());
        boolean up = false;
        for (JsonNode event : seen.get("events"))
            up |= event.get("kind").asText().equals("member_up")
                    && event.get("subject").asText().equals(self);
        assertTrue(up, "this node's member_up is among " + seen);

        HttpResponse<String> replication = TestNodes.get(node, "/v1/cluster/replication");
        assertEquals(200, replication.statusCode(), replication.body());
        JsonNode regions = JSON.readTree(replication.body());
        assertEquals(1, regions.get("regions").size(), regions.toString());
        JsonNode region = regions.get("regions").get(0);
        assertEquals("default", region.get("region").asText());
        assertEquals(1, region.get("nodes").asInt());
        assertTrue(region.get("cut_off").isNull());
        assertEquals(0, region.get("follows").size());
        assertEquals(0, regions.get("unanswered").size());
    }

    @Test
    void unknownPathAnswersTheJsonErrorModel() throws Exception {
        HttpResponse<String> response = TestNodes.get(node, "/no/such/thing");
        assertEquals(404, response.statusCode());
        JsonNode error = JSON.readTree(response.body()).get("error");
        assertEquals("not_found", error.get("code").asText());
        assertFalse(error.get("message").asText().isBlank());
        assertTrue(error.get("details").isObject());
    }

    @Test
    void wrongMethodAnswers405WithAllowAndJson() throws Exception {
        HttpResponse<String> response = TestNodes.send(
                node, HttpRequest.newBuilder(URI.create(node.url() + "/health")).DELETE());
        assertEquals(405, response.statusCode());
        assertEquals("GET", response.headers().firstValue("Allow").orElseThrow());
        assertEquals(
                "method_not_allowed",
                JSON.readTree(response.body()).at("/error/code").asText());
    }

    @Test
    void metricsIsPrometheusTextWithJvmAndRequestMetrics() {
        TestNodes.get(node, "/health");
        TestNodes.get(node, "/nowhere");
        HttpResponse<String> response = TestNodes.get(node, "/metrics");
        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("Content-Type").orElseThrow().startsWith("text/plain; version=0.0.4"));

        SampleBatchBuilder parsed = new SampleBatchBuilder(IngestLimits.ofSamples(1_000_000));
        PrometheusTextParser.parse(response.body(), 0, parsed); // throws naming the line if malformed
        SampleBatch samples = parsed.build();
        Set<String> typed = Pattern.compile("^# TYPE (\\S+) ", Pattern.MULTILINE)
                .matcher(response.body())
                .results()
                .map(m -> m.group(1))
                .collect(Collectors.toSet());
        for (int s = 0; s < samples.seriesCount(); s++) {
            String name = label(samples.labels(s), "__name__");
            assertTrue(
                    typed.stream().anyMatch(family -> name.equals(family) || name.startsWith(family + "_")),
                    name + " has a TYPE line");
        }
        assertTrue(typed.contains("jvm_memory_used_bytes"), "JVM metrics present");
        assertEquals(
                "histogram",
                Pattern.compile("^# TYPE shardview_http_request_duration_seconds (\\S+)$", Pattern.MULTILINE)
                        .matcher(response.body())
                        .results()
                        .findFirst()
                        .orElseThrow()
                        .group(1));
        assertTrue(count(samples, "/health", "200") >= 1, "the /health request is counted");
        assertTrue(count(samples, "unmatched", "404") >= 1, "the unknown path is counted");
    }

    private static double count(SampleBatch samples, String route, String status) {
        double total = 0;
        for (int i = 0; i < samples.size(); i++) {
            String[] labels = samples.labels(samples.seriesOf(i));
            if (label(labels, "__name__").equals("shardview_http_request_duration_seconds_count")
                    && route.equals(label(labels, "route"))
                    && "GET".equals(label(labels, "method"))
                    && status.equals(label(labels, "status"))) {
                total += samples.value(i);
            }
        }
        return total;
    }

    private static String label(String[] pairs, String name) {
        for (int p = 0; p < pairs.length; p += 2) {
            if (pairs[p].equals(name)) return pairs[p + 1];
        }
        return "";
    }
}
