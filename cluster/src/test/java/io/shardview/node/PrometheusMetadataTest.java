package io.shardview.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.shardview.http.Json;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The series metadata endpoints Grafana's Prometheus data source calls (labels, label values, series, buildinfo), by
 * GET and form POST, in Prometheus' response and error shapes, over real HTTP on an in-process node.
 */
class PrometheusMetadataTest {
    @TempDir
    Path dataDir;

    private ShardviewNode node;
    private String base;
    private final long now = System.currentTimeMillis();

    @BeforeEach
    void startAndImport() throws Exception {
        node = ShardviewNode.start(TestNodes.config(dataDir, Map.of()), List.of(new MetricsModule()));
        assertEquals(
                200,
                TestNodes.awaitStatus(node, "/ready", 200, Duration.ofSeconds(30))
                        .statusCode());
        base = "/v1/tenants/grafana/prom/api/v1";
        String lines = line("up", "job=\"api\"", "instance=\"a\"", now - 60_000)
                + line("up", "job=\"api\"", "instance=\"b\"", now - 60_000)
                + line("http_requests_total", "job=\"web\"", "code=\"200\"", now - 60_000)
                + line("old_metric", "job=\"gone\"", "instance=\"x\"", now - 3_600_000);
        importLines(lines);
    }

    @AfterEach
    void stop() {
        node.stop();
    }

    /** Imports Prometheus text exposition lines into the tenant. */
    private void importLines(String lines) {
        HttpResponse<String> imported = TestNodes.send(
                node,
                HttpRequest.newBuilder(URI.create(node.url() + base + "/import/prometheus"))
                        .header("Content-Type", "text/plain")
                        .POST(HttpRequest.BodyPublishers.ofString(lines)));
        assertEquals(204, imported.statusCode(), imported.body());
    }

    private static String line(String name, String label1, String label2, long atMillis) {
        return name + "{" + label1 + "," + label2 + "} 1 " + atMillis + "\n";
    }

    private JsonNode get(String path, int status) throws Exception {
        HttpResponse<String> response = TestNodes.get(node, base + path);
        assertEquals(status, response.statusCode(), response.body());
        return Json.MAPPER.readTree(response.body());
    }

    private static String q(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new java.util.ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    @Test
    void labelsAndValuesOfEverySeriesOrOfTheMatchingOnes() throws Exception {
        JsonNode labels = get("/labels", 200);
        assertEquals("success", labels.get("status").asText());
        assertEquals(List.of("__name__", "code", "instance", "job"), texts(labels.get("data")));

        JsonNode names = get("/label/__name__/values", 200);
        assertEquals(List.of("http_requests_total", "old_metric", "up"), texts(names.get("data")));
        assertEquals(
                List.of("a", "b"),
                texts(get("/label/instance/values?match[]=" + q("up"), 200).get("data")));
        assertEquals(List.of(), texts(get("/label/nothing/values", 200).get("data")));

        // Only series with a point in start..end (unix seconds, or RFC 3339).
        long from = (now - 600_000) / 1000;
        assertEquals(
                List.of("http_requests_total", "up"),
                texts(get("/label/__name__/values?start=" + from, 200).get("data")));
        assertEquals(
                List.of("old_metric"),
                texts(get("/label/__name__/values?end=" + java.time.Instant.ofEpochMilli(now - 1_800_000), 200)
                        .get("data")));
    }

    @Test
    void seriesByMatchWithALimitAndByFormPost() throws Exception {
        JsonNode series = get("/series?match[]=" + q("{job=\"api\"}"), 200);
        assertEquals(2, series.get("data").size());
        assertEquals("up", series.get("data").get(0).get("__name__").asText());
        assertEquals("a", series.get("data").get(0).get("instance").asText());
        assertFalse(series.has("warnings"));

        JsonNode limited = get("/series?limit=1&match[]=" + q("up") + "&match[]=" + q("http_requests_total"), 200);
        assertEquals(1, limited.get("data").size());
        assertEquals(
                "results truncated due to limit", limited.get("warnings").get(0).asText());

        HttpResponse<String> posted = TestNodes.send(
                node,
                HttpRequest.newBuilder(URI.create(node.url() + base + "/series"))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString("match[]=" + q("http_requests_total"))));
        assertEquals(200, posted.statusCode(), posted.body());
        assertEquals(
                "200",
                Json.MAPPER
                        .readTree(posted.body())
                        .get("data")
                        .get(0)
                        .get("code")
                        .asText());
    }

    @Test
    void badParametersAreBadDataInPrometheusErrorShape() throws Exception {
        JsonNode noMatch = get("/series", 400);
        assertEquals("error", noMatch.get("status").asText());
        assertEquals("bad_data", noMatch.get("errorType").asText());
        assertTrue(noMatch.get("error").asText().contains("match[]"), noMatch.toString());
        assertEquals(
                "bad_data", get("/labels?start=yesterday", 400).get("errorType").asText());
        assertEquals(
                "bad_data",
                get("/series?match[]=" + q("{job="), 400).get("errorType").asText());
        assertEquals("bad_data", get("/labels?limit=-1", 400).get("errorType").asText());
    }

    @Test
    void metricMetadataFromTypeHelpAndUnitLinesAndRemoteWriteAsPrometheusAnswersIt() throws Exception {
        assertEquals("{}", get("/metadata", 200).get("data").toString(), "nothing described yet");
        importLines("# HELP http_requests_total Requests served.\n# TYPE http_requests_total counter\n"
                + "http_requests_total{code=\"500\"} 3\n# TYPE temperature gauge\n# UNIT temperature celsius\n"
                + "temperature 21\n");
        JsonNode data = get("/metadata", 200).get("data");
        assertEquals(
                "{\"http_requests_total\":[{\"type\":\"counter\",\"help\":\"Requests served.\",\"unit\":\"\"}],"
                        + "\"temperature\":[{\"type\":\"gauge\",\"help\":\"\",\"unit\":\"celsius\"}]}",
                data.toString());
        assertEquals(
                List.of("temperature"),
                texts(fieldNames(get("/metadata?metric=temperature", 200).get("data"))));
        assertEquals(1, get("/metadata?limit=1", 200).get("data").size());
        assertEquals("bad_data", get("/metadata?limit=x", 400).get("errorType").asText());
        assertEquals("{\"alerts\":[]}", get("/alerts", 200).get("data").toString(), "no alerting rules run here");

        // A changed description replaces the old one; the same one again changes nothing.
        importLines("# HELP temperature Room temperature.\n# TYPE temperature gauge\n# UNIT temperature celsius\n"
                + "temperature 22\n");
        importLines("# HELP temperature Room temperature.\n# TYPE temperature gauge\n# UNIT temperature celsius\n"
                + "temperature 23\n");
        assertEquals(
                "Room temperature.",
                get("/metadata?metric=temperature", 200)
                        .at("/data/temperature/0/help")
                        .asText());

        // A POST of another type than a form is read by its query, as Prometheus reads it (vmalert's way).
        HttpResponse<String> posted = TestNodes.send(
                node,
                HttpRequest.newBuilder(URI.create(node.url() + base + "/metadata?metric=temperature"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{}")));
        assertEquals(200, posted.statusCode(), posted.body());
        assertEquals(1, Json.MAPPER.readTree(posted.body()).get("data").size());

        // Journaled: a restarted node answers the same.
        node.stop();
        node = ShardviewNode.start(TestNodes.config(dataDir, Map.of()), List.of(new MetricsModule()));
        assertEquals(
                200,
                TestNodes.awaitStatus(node, "/ready", 200, Duration.ofSeconds(30))
                        .statusCode());
        assertEquals(
                "Room temperature.",
                get("/metadata?metric=temperature", 200)
                        .at("/data/temperature/0/help")
                        .asText());
    }

    private static JsonNode fieldNames(JsonNode object) {
        com.fasterxml.jackson.databind.node.ArrayNode names = Json.MAPPER.createArrayNode();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void buildInfoSaysAPrometheus2ApiWithoutFeatures() throws Exception {
        JsonNode info = get("/status/buildinfo", 200);
        assertEquals("success", info.get("status").asText());
        assertTrue(info.get("data").get("version").asText().startsWith("2."), info.toString());
        assertFalse(info.get("data").has("features"), "Grafana takes a server with features for Mimir");
    }

    /**
     * Label values sort by their UTF-8 bytes, as Prometheus sorts them: U+E000 (EE 80 80) before U+1F600 (F0 9F 98
     * 80), though Java's String order (UTF-16 code units) puts the surrogate pair of U+1F600 first.
     */
    @Test
    void labelValuesSortByTheirUtf8Bytes() throws Exception {
        String lines = line("glyph", "job=\"g\"", "v=\"\uD83D\uDE00\"", now - 60_000)
                + line("glyph", "job=\"g\"", "v=\"\uE000\"", now - 60_000)
                + line("glyph", "job=\"g\"", "v=\"z\"", now - 60_000);
        importLines(lines);
        assertEquals(
                List.of("z", "\uE000", "\uD83D\uDE00"),
                texts(get("/label/v/values", 200).get("data")),
                "by UTF-8 bytes");
        JsonNode series = get("/series?match[]=" + q("glyph"), 200).get("data");
        List<String> values = new java.util.ArrayList<>();
        series.forEach(set -> values.add(set.get("v").asText()));
        assertEquals(3, values.size(), series.toString());
        assertTrue(values.contains("\uE000") && values.contains("\uD83D\uDE00"), series.toString());
    }
}
