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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The requests Grafana's Prometheus data source sends (Grafana 10 to 13, read from its source: the health check in
 * its backend's healthcheck.go, the query editor's language provider, the panels' query_range, the calls made when the
 * data source loads), replayed in order, with the method, encoding and parameter formats Grafana uses, against a
 * tenant whose base URL is the data source's URL; each answer is checked the way Grafana reads it. No Grafana package
 * can be installed on the machines this runs on, so this is the check that Grafana works unchanged.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GrafanaSequenceTest {
    private static final long NOW = System.currentTimeMillis() / 1000;

    @TempDir
    static Path dataDir;

    private ShardviewNode node;
    private String datasource;

    @BeforeAll
    void start() throws Exception {
        node = ShardviewNode.start(TestNodes.config(dataDir, Map.of()), List.of(new MetricsModule()));
        TestNodes.awaitStatus(node, "/ready", 200, Duration.ofSeconds(30));
        datasource = node.url() + "/v1/tenants/grafana/prom";
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i <= 40; i++) { // the last 40 minutes, a point a minute
            long at = (NOW - (40 - i) * 60L) * 1000;
            lines.append("http_requests_total{job=\"api\",code=\"200\"} ")
                    .append(i * 120)
                    .append(' ')
                    .append(at)
                    .append('\n');
            lines.append("up{job=\"api\",instance=\"a:9100\"} 1 ").append(at).append('\n');
        }
        HttpResponse<String> imported = post("/api/v1/import/prometheus", "text/plain", lines.toString());
        assertEquals(204, imported.statusCode(), imported.body());
    }

    @AfterAll
    void stop() {
        node.stop();
    }

    /** "Save & test": a form POST of 1+1 at time=4, then buildinfo by GET (a POST is refused with 405, then GET). */
    @Test
    void saveAndTestSucceeds() throws Exception {
        JsonNode health = json(post("/api/v1/query", "application/x-www-form-urlencoded", "query=1%2B1&time=4"), 200);
        assertEquals("success", health.get("status").asText());
        assertEquals("scalar", health.at("/data/resultType").asText());
        assertEquals("4", health.at("/data/result/0").asText());
        assertEquals("2", health.at("/data/result/1").asText());

        assertEquals(
                405,
                post("/api/v1/status/buildinfo", "application/x-www-form-urlencoded", "")
                        .statusCode());
        JsonNode build = json(get("/api/v1/status/buildinfo"), 200);
        assertTrue(build.at("/data/version").asText().startsWith("2."), build.toString());
        assertFalse(build.get("data").has("features"), "features would make Grafana take the server for Mimir");
    }

    /** What the data source asks when a dashboard or Explore loads it: rules and an exemplar probe in milliseconds. */
    @Test
    void theDataSourceLoads() throws Exception {
        JsonNode rules = json(get("/api/v1/rules"), 200);
        assertEquals(0, rules.at("/data/groups").size());
        long ms = NOW * 1000;
        JsonNode exemplars =
                json(get("/api/v1/query_exemplars?query=test&start=" + (ms - 1_800_000) + "&end=" + ms), 200);
        assertEquals("success", exemplars.get("status").asText());
    }

    /** The query editor: metric names, metadata, label names, then a chosen metric's series and label values. */
    @Test
    void theMetricsBrowserListsMetricsAndLabels() throws Exception {
        long start = (NOW - 3600) / 60 * 60; // snapped to the minute, as Grafana's default cache level does
        long end = (NOW + 59) / 60 * 60;
        String range = "start=" + start + "&end=" + end;
        JsonNode names = json(get("/api/v1/label/__name__/values?limit=40000&" + range), 200);
        assertEquals(List.of("http_requests_total", "up"), texts(names.get("data")));
        JsonNode metadata = json(get("/api/v1/metadata?limit=40000"), 200);
        assertTrue(metadata.get("data").isObject());
        JsonNode labels = json(
                post(
                        "/api/v1/labels",
                        "application/x-www-form-urlencoded",
                        "end=" + end + "&limit=40000&start=" + start),
                200);
        assertEquals(List.of("__name__", "code", "instance", "job"), texts(labels.get("data")));

        JsonNode series = json(
                post(
                        "/api/v1/series",
                        "application/x-www-form-urlencoded",
                        "end=" + end + "&limit=40000&match%5B%5D=" + q("up{}") + "&start=" + start),
                200);
        assertEquals("a:9100", series.at("/data/0/instance").asText());
        JsonNode values = json(get("/api/v1/label/job/values?" + range + "&match[]=" + q("{__name__=\"up\"}")), 200);
        assertEquals(List.of("api"), texts(values.get("data")));
        JsonNode withMatch = json(
                post(
                        "/api/v1/labels",
                        "application/x-www-form-urlencoded",
                        "end=" + end + "&match%5B%5D=" + q("{__name__=\"up\"}") + "&start=" + start),
                200);
        assertEquals(List.of("__name__", "instance", "job"), texts(withMatch.get("data")));
    }

    /** A time-series panel: query_range with sorted form keys and start, end aligned to the step; an instant Stat. */
    @Test
    void aPanelChartsARate() throws Exception {
        long step = 15;
        long end = NOW / step * step;
        long start = (NOW - 1800) / step * step;
        String body = "end=" + end + "&query=" + q("sum by (job) (rate(http_requests_total{job=\"api\"}[5m]))")
                + "&start=" + start + "&step=" + step;
        JsonNode range = json(post("/api/v1/query_range", "application/x-www-form-urlencoded", body), 200);
        assertEquals("matrix", range.at("/data/resultType").asText());
        JsonNode points = range.at("/data/result/0/values");
        assertTrue(points.size() > 100, range.toString());
        assertEquals(start, points.get(0).get(0).asLong());
        for (JsonNode p : points) assertEquals(2.0, Double.parseDouble(p.get(1).asText()), 1e-9);

        String time = NOW + ".456";
        JsonNode stat = json(
                post("/api/v1/query", "application/x-www-form-urlencoded", "query=" + q("count(up)") + "&time=" + time),
                200);
        assertEquals(NOW + 0.456, stat.at("/data/result/0/value/0").asDouble(), 1e-6); // not aligned
        assertEquals("1", stat.at("/data/result/0/value/1").asText());
    }

    /** A panel whose query is wrong shows Prometheus's error: Grafana reads errorType and error of a 400. */
    @Test
    void aWrongQueryShowsPrometheussError() throws Exception {
        JsonNode error = json(
                post(
                        "/api/v1/query_range",
                        "application/x-www-form-urlencoded",
                        "end=" + NOW + "&query=" + q("rate(up)") + "&start=" + (NOW - 60) + "&step=15"),
                400);
        assertEquals("bad_data", error.get("errorType").asText());
        assertTrue(error.get("error").asText().contains("range vector"), error.toString());
    }

    private HttpResponse<String> get(String path) {
        return TestNodes.send(node, HttpRequest.newBuilder(URI.create(datasource + path)));
    }

    private HttpResponse<String> post(String path, String type, String body) {
        return TestNodes.send(
                node,
                HttpRequest.newBuilder(URI.create(datasource + path))
                        .header("Content-Type", type)
                        .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private static JsonNode json(HttpResponse<String> response, int status) throws Exception {
        assertEquals(status, response.statusCode(), response.body());
        return Json.MAPPER.readTree(response.body());
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static String q(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
