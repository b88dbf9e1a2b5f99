package io.shardview.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code api/v1/query} and {@code api/v1/query_range} over real HTTP on an in-process node: points imported into a
 * tenant's shards, read back through PromQL by GET and form POST, in Prometheus's shapes, with its errors (400
 * bad_data with the parse position, 422 for an unsupported function, 503 timeout).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PrometheusQueryTest {
    /** A minute boundary in the past, so that the data is older than "now" and the shards keep it. */
    private static final long T = (System.currentTimeMillis() / 60_000 - 30) * 60_000;

    @TempDir
    static Path dataDir;

    private ShardviewNode node;
    private final String base = "/v1/tenants/grafana/prom/api/v1";

    @BeforeAll
    void startAndImport() throws Exception {
        node = ShardviewNode.start(TestNodes.config(dataDir, Map.of()), List.of(new MetricsModule()));
        assertEquals(
                200,
                TestNodes.awaitStatus(node, "/ready", 200, Duration.ofSeconds(30))
                        .statusCode());
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i <= 20; i++) { // a counter rising 1 per second, a point a minute, for 20 minutes
            long at = T - (20 - i) * 60_000L;
            lines.append("http_requests_total{job=\"web\",code=\"200\"} ")
                    .append(i * 60)
                    .append(' ')
                    .append(at)
                    .append('\n');
            lines.append("http_requests_total{job=\"web\",code=\"500\"} ")
                    .append(i * 6)
                    .append(' ')
                    .append(at)
                    .append('\n');
            lines.append("up{job=\"web\",instance=\"a\"} 1 ").append(at).append('\n');
            lines.append("up{job=\"db\",instance=\"b\"} 0 ").append(at).append('\n');
        }
        HttpResponse<String> imported = TestNodes.send(
                node,
                HttpRequest.newBuilder(URI.create(node.url() + base + "/import/prometheus"))
                        .header("Content-Type", "text/plain")
                        .POST(HttpRequest.BodyPublishers.ofString(lines.toString())));
        assertEquals(204, imported.statusCode(), imported.body());
    }

    @AfterAll
    void stop() {
        node.stop();
    }

    @Test
    void grafanasSaveAndTestQueryIsAScalar() throws Exception {
        JsonNode body = get("/query?query=" + q("1+1") + "&time=" + T / 1000, 200);
        assertEquals("success", body.get("status").asText());
        assertEquals("scalar", body.at("/data/resultType").asText());
        assertEquals(T / 1000, body.at("/data/result/0").asLong());
        assertEquals("2", body.at("/data/result/1").asText());
    }

    @Test
    void rateOfACounterIsItsSlopeAndDropsTheName() throws Exception {
        JsonNode body =
                get("/query?query=" + q("rate(http_requests_total{code=\"200\"}[5m])") + "&time=" + T / 1000, 200);
        assertEquals("vector", body.at("/data/resultType").asText());
        JsonNode result = body.at("/data/result");
        assertEquals(1, result.size(), body.toString());
        assertEquals(Map.of("job", "web", "code", "200"), labels(result.get(0)));
        assertEquals(1.0, result.get(0).at("/value/1").asDouble(), 1e-12);
    }

    @Test
    void aRangeQueryAnswersAMatrixAtEveryStep() throws Exception {
        String query = q("sum by (job) (rate(http_requests_total[5m]))");
        long start = T / 1000 - 600;
        JsonNode body = get("/query_range?query=" + query + "&start=" + start + "&end=" + T / 1000 + "&step=60", 200);
        assertEquals("matrix", body.at("/data/resultType").asText());
        JsonNode series = body.at("/data/result/0");
        assertEquals(Map.of("job", "web"), labels(series));
        assertEquals(11, series.get("values").size());
        for (JsonNode point : series.get("values"))
            assertEquals(1.1, point.get(1).asDouble(), 1e-9);
        assertEquals(start, series.at("/values/0/0").asLong());
    }

    @Test
    void answersAreGzippedForAClientThatAcceptsItAndCarryStatsWhenAsked() throws Exception {
        String range = base + "/query_range?query=" + q("up") + "&start=" + (T / 1000 - 1200) + "&end=" + T / 1000
                + "&step=15&stats=all";
        HttpResponse<byte[]> zipped = java.net.http.HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(node.url() + range))
                                .header("Accept-Encoding", "gzip, deflate")
                                .build(),
                        HttpResponse.BodyHandlers.ofByteArray());
        assertEquals("gzip", zipped.headers().firstValue("Content-Encoding").orElse(""));
        JsonNode body = Json.MAPPER.readTree(
                new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(zipped.body())));
        assertEquals(2, body.at("/data/result").size());
        assertTrue(
                body.at("/data/stats/timings/execTotalTime").asDouble() > 0,
                body.at("/data/stats").toString());
        assertEquals(42, body.at("/data/stats/samples/totalQueryableSamples").asLong(), "21 points of 2 series read");
        HttpResponse<String> plain = TestNodes.get(node, base + "/labels");
        assertTrue(plain.headers().firstValue("Content-Encoding").isEmpty(), "not without Accept-Encoding");
        assertTrue(
                get("/query?query=up&time=" + T / 1000, 200).at("/data/stats").isMissingNode(), "stats when asked");
        HttpResponse<byte[]> labels = java.net.http.HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(node.url() + base + "/labels"))
                                .header("Accept-Encoding", "gzip")
                                .build(),
                        HttpResponse.BodyHandlers.ofByteArray());
        assertEquals("gzip", labels.headers().firstValue("Content-Encoding").orElse(""), "the metadata too");
    }

    @Test
    void aFormPostIsAnsweredAsAGet() throws Exception {
        HttpResponse<String> response = TestNodes.send(
                node,
                HttpRequest.newBuilder(URI.create(node.url() + base + "/query"))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "query=" + q("count(up == 1)") + "&time=" + T / 1000)));
        assertEquals(200, response.statusCode(), response.body());
        JsonNode body = Json.MAPPER.readTree(response.body());
        assertEquals("1", body.at("/data/result/0/value/1").asText());
        assertEquals(0, body.at("/data/result/0/metric").size());
    }

    @Test
    void aPostWhoseBodyIsNotAFormTakesItsParametersFromTheUrlAsPrometheusDoes() throws Exception {
        // vmalert sends its queries this way: parameters in the URL, Content-Type application/json, a JSON body.
        HttpResponse<String> response = TestNodes.send(
                node,
                HttpRequest.newBuilder(URI.create(
                                node.url() + base + "/query?query=" + q("count(up == 1)") + "&time=" + T / 1000))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"not\": \"parameters\"}")));
        assertEquals(200, response.statusCode(), response.body());
        assertEquals(
                "1",
                Json.MAPPER
                        .readTree(response.body())
                        .at("/data/result/0/value/1")
                        .asText());
        // A form's fields join the URL's.
        HttpResponse<String> form = TestNodes.send(
                node,
                HttpRequest.newBuilder(URI.create(node.url() + base + "/query?time=" + T / 1000))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString("query=" + q("count(up == 1)"))));
        assertEquals(
                "1",
                Json.MAPPER.readTree(form.body()).at("/data/result/0/value/1").asText(),
                form.body());
    }

    @Test
    void errorsHavePrometheussShapesAndStatuses() throws Exception {
        JsonNode parse = get("/query?query=" + q("sum(up"), 400);
        assertEquals("error", parse.get("status").asText());
        assertEquals("bad_data", parse.get("errorType").asText());
        assertTrue(parse.get("error").asText().startsWith("invalid parameter \"query\": 1:"), parse.toString());

        JsonNode unsupported = get("/query?query=" + q("holt_winters(up[5m], 0.5, 0.5)"), 422);
        assertEquals("execution", unsupported.get("errorType").asText());
        assertTrue(unsupported.get("error").asText().contains("holt_winters"), unsupported.toString());

        assertEquals(
                "bad_data",
                get("/query_range?query=up&start=10&end=5&step=1", 400)
                        .get("errorType")
                        .asText());
        assertEquals(
                "bad_data",
                get("/query_range?query=up&start=0&end=20000&step=1", 400)
                        .get("errorType")
                        .asText());
        assertEquals(
                "bad_data",
                get("/query_range?query=up&start=0&end=10&step=0", 400)
                        .get("errorType")
                        .asText());
        assertEquals(
                "bad_data",
                get("/query_range?query=" + q("up[5m]") + "&start=0&end=10&step=1", 400)
                        .get("errorType")
                        .asText());
        assertEquals(
                "bad_data",
                get("/query?query=up&time=yesterday", 400).get("errorType").asText());

        JsonNode manyToMany = get("/query?query=" + q("up + on() up") + "&time=" + T / 1000, 422);
        assertEquals("execution", manyToMany.get("errorType").asText());
    }

    @Test
    void aQueryPastItsTimeoutIs503Timeout() throws Exception {
        // Work that no machine does in 1 ms (a subquery of 120,000 steps over the data), so the timeout decides.
        JsonNode body = get(
                "/query?query=" + q("sum_over_time(rate(http_requests_total[5m])[20m:10ms])") + "&time=" + T / 1000
                        + "&timeout=1ms",
                503);
        assertEquals("timeout", body.get("errorType").asText());
    }

    /**
     * Queries meant to hurt (huge subqueries and ranges, deep nesting, extreme numbers, a backtracking-prone regular
     * expression, a 100 KB string) each get an answer, success or a Prometheus error, and the node keeps serving.
     */
    @Test
    void hostileQueriesAreAnsweredAndTheNodeStaysUp() throws Exception {
        List<String> queries = new java.util.ArrayList<>(List.of(
                "up[10000d:1ms]",
                "count_over_time(up[100y])",
                "up @ 1e300",
                "up offset 1000000y",
                "up offset -100y",
                "up[9223372036854775807ms]",
                "label_replace(up, \"a\", \"$1\", \"job\", \"(((((a*)*)*)*)*\")",
                "topk(1e300, up)",
                "topk(NaN, up)",
                "quantile(NaN, up)",
                "histogram_quantile(NaN, up)",
                "1 ^ 1e308",
                "(1+1)[5m:1s]",
                "rate(up[1ms])",
                "sum_over_time(vector(1)[1d:1ms])",
                "max_over_time((max_over_time(vector(1)[1h:1s]))[1h:1s])",
                "predict_linear(up[5m], 1e308)",
                "round(up, 0)",
                "clamp(up, NaN, NaN)",
                "count_values(\"0bad\", up)",
                "absent(nothing{a=\"b\",a=\"c\"})",
                "vector(1) / on() group_left vector(0)",
                "time() @ 0"));
        queries.add("(".repeat(10_000) + "1" + ")".repeat(10_000));
        queries.add("sum(".repeat(300) + "up" + ")".repeat(300));
        queries.add("\"" + "a".repeat(100_000) + "\"");
        for (String query : queries) {
            HttpResponse<String> response = TestNodes.send(
                    node,
                    HttpRequest.newBuilder(URI.create(node.url() + base + "/query"))
                            .header("Content-Type", "application/x-www-form-urlencoded")
                            .POST(HttpRequest.BodyPublishers.ofString("query=" + q(query) + "&time=" + T / 1000)));
            int status = response.statusCode();
            String shown = query.length() > 80 ? query.substring(0, 80) + "..." : query;
            assertTrue(status == 200 || status == 400 || status == 422 || status == 503, shown + " -> " + status);
            assertEquals(
                    status == 200 ? "success" : "error",
                    Json.MAPPER.readTree(response.body()).get("status").asText(),
                    shown);
        }
        assertEquals(200, TestNodes.get(node, "/health").statusCode());
        assertEquals(
                "2", get("/query?query=" + q("1+1"), 200).at("/data/result/1").asText());
    }

    private JsonNode get(String path, int status) throws Exception {
        HttpResponse<String> response = TestNodes.get(node, base + path);
        assertEquals(status, response.statusCode(), response.body());
        return Json.MAPPER.readTree(response.body());
    }

    private static Map<String, String> labels(JsonNode sample) {
        Map<String, String> labels = new java.util.TreeMap<>();
        sample.get("metric")
                .fields()
                .forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
        return labels;
    }

    private static String q(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
