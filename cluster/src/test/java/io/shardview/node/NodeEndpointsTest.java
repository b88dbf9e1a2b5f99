package io.shardview.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NodeEndpointsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path dataDir;
  private ShardviewNode node;

  @BeforeAll
  void startNode() throws Exception {
    node = TestNodes.start(dataDir, List.of());
    assertEquals(200, TestNodes.awaitStatus(node, "/ready", 200, Duration.ofSeconds(30)).statusCode());
  }

  @AfterAll
  void stopNode() {
    node.stop();
  }

  @Test
  void healthAnswersOk() {
    HttpResponse<String> response = TestNodes.get(node, "/health");
    assertEquals(200, response.statusCode());
    assertEquals("application/json", response.headers().firstValue("Content-Type").orElseThrow());
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
    HttpResponse<String> response = TestNodes.send(node,
        HttpRequest.newBuilder(URI.create(node.url() + "/health")).DELETE());
    assertEquals(405, response.statusCode());
    assertEquals("GET", response.headers().firstValue("Allow").orElseThrow());
    assertEquals("method_not_allowed", JSON.readTree(response.body()).at("/error/code").asText());
  }

  @Test
  void metricsIsPrometheusTextWithJvmAndRequestMetrics() {
    TestNodes.get(node, "/health");
    TestNodes.get(node, "/nowhere");
    HttpResponse<String> response = TestNodes.get(node, "/metrics");
    assertEquals(200, response.statusCode());
    assertTrue(response.headers().firstValue("Content-Type").orElseThrow().startsWith("text/plain; version=0.0.4"));
    List<PrometheusText.Sample> samples = PrometheusText.parse(response.body());
    assertTrue(samples.stream().anyMatch(s -> s.name().equals("jvm_memory_used_bytes")), "JVM metrics present");
    assertTrue(count(samples, "/health", "200") >= 1, "the /health request is counted");
    assertTrue(count(samples, "unmatched", "404") >= 1, "the unknown path is counted");
    assertTrue(samples.stream().anyMatch(s -> s.name().equals("shardview_http_request_duration_seconds_bucket")
        && "+Inf".equals(s.labels().get("le"))), "latency is a histogram");
  }

  private static double count(List<PrometheusText.Sample> samples, String route, String status) {
    return samples.stream()
        .filter(s -> s.name().equals("shardview_http_request_duration_seconds_count"))
        .filter(s -> s.labels().equals(Map.of("route", route, "method", "GET", "status", status)))
        .mapToDouble(PrometheusText.Sample::value)
        .sum();
  }
}
