package io.shardview.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The per-series and per-request limits of metrics ingest over HTTP: a series over a per-series limit
 * is 400 bad_data naming its line (or timeseries), the limit and its value; a request over a total
 * is 413; either way nothing of the request is stored.
 */
class MetricsRequestLimitsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long T = 1_700_000_000_000L;

    @TempDir
    static Path dataDir;

    private static ShardviewNode node;

    @BeforeAll
    static void start() throws Exception {
        node = ShardviewNode.start(
                TestNodes.config(
                        dataDir,
                        Map.of(
                                "shardview.metrics.max-labels-per-series", 4,
                                "shardview.metrics.max-label-name-bytes", 8,
                                "shardview.metrics.max-label-value-bytes", 16,
                                "shardview.metrics.max-series-per-request", 3,
                                "shardview.metrics.max-samples-per-request", 10,
                                "shardview.metrics.raw-retention", "36500d", // points from 2023 stay within retention
                                "shardview.metrics.rollup-retention", "36500d")),
                List.of(new MetricsModule()));
        assertEquals(
                200,
                TestNodes.awaitStatus(node, "/ready", 200, Duration.ofSeconds(30))
                        .statusCode());
    }

    @AfterAll
    static void stop() {
        node.stop();
    }

    private static HttpResponse<String> post(String tenant, String path, String body) {
        return TestNodes.send(
                node,
                HttpRequest.newBuilder(URI.create(node.url() + "/v1/tenants/" + tenant + path))
                        .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private static JsonNode error(HttpResponse<String> response) throws Exception {
        return JSON.readTree(response.body()).get("error");
    }

    private static int exported(String tenant) throws Exception {
        HttpResponse<String> response = TestNodes.get(
                node,
                "/v1/tenants/" + tenant + "/prom/api/v1/export?match%5B%5D="
                        + URLEncoder.encode("{__name__=~\".+\"}", StandardCharsets.UTF_8));
        assertEquals(200, response.statusCode(), response.body());
        return (int) response.body().lines().filter(l -> !l.isBlank()).count();
    }

    /** Asserts a 400 bad_data naming line {@code line}, limit {@code limit} and its value {@code max}. */
    private static void assertSeriesLimit(HttpResponse<String> response, int line, String limit, int max)
            throws Exception {
        assertEquals(400, response.statusCode(), response.body());
        JsonNode error = error(response);
        assertEquals("bad_data", error.get("code").asText());
        assertEquals(line, error.at("/details/line").asInt(), response.body());
        assertEquals(limit, error.at("/details/limit").asText());
        assertEquals(max, error.at("/details/max").asInt());
        assertTrue(error.get("message").asText().startsWith("line " + line + ": "), response.body());
        assertTrue(error.get("message").asText().contains(limit + " = " + max), response.body());
    }

    @Test
    void aSeriesWithMoreLabelsThanTheLimitIsBadDataNamingItsLineAndStoresNothing() throws Exception {
        assertSeriesLimit(
                post("labels", "/influx/write?precision=ms", "ok v=1 " + T + "\nm,a=1,b=2,c=3,d=4 v=1 " + T),
                2,
                "max-labels-per-series",
                4);
        assertSeriesLimit(
                post("labels", "/prom/api/v1/import/prometheus", "ok 1\nm{a=\"1\",b=\"2\",c=\"3\",d=\"4\"} 1 " + T),
                2,
                "max-labels-per-series",
                4);
        assertSeriesLimit(
                post(
                        "labels",
                        "/prom/api/v1/import",
                        "{\"metric\":{\"__name__\":\"m\",\"a\":\"1\",\"b\":\"2\",\"c\":\"3\",\"d\":\"4\"},\"values\":[1],\"timestamps\":["
                                + T + "]}"),
                1,
                "max-labels-per-series",
                4);
        // four labels, the metric name included, are within the limit
        assertEquals(
                204,
                post("labels", "/influx/write?precision=ms", "m,a=1,b=2,c=3 v=1 " + T)
                        .statusCode());
        assertEquals(1, exported("labels"), "only the request within the limit was stored");
    }

    @Test
    void remoteWriteNamesTheTimeseriesOverTheLimit() throws Exception {
        byte[] body = RemoteWriteDecoderTest.writeRequest(
                List.of(
                        new String[] {"__name__", "ok"},
                        new String[] {"__name__", "m", "a", "1", "b", "2", "c", "3", "d", "4"}),
                List.of(new double[][] {{T, 1}}, new double[][] {{T, 1}}));
        HttpResponse<String> response = TestNodes.send(
                node,
                HttpRequest.newBuilder(URI.create(node.url() + "/v1/tenants/rw/prom/api/v1/write"))
                        .header("Content-Type", "application/x-protobuf")
                        .header("Content-Encoding", "snappy")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
        assertEquals(400, response.statusCode(), response.body());
        JsonNode error = error(response);
        assertEquals(1, error.at("/details/timeseries").asInt(), response.body());
        assertEquals("max-labels-per-series", error.at("/details/limit").asText());
        assertTrue(error.get("message").asText().startsWith("timeseries 1: "), response.body());
        assertEquals(0, exported("rw"));
    }

    @Test
    void longLabelNamesAndValuesAreBadDataNamingTheirLimit() throws Exception {
        assertSeriesLimit(
                post("long", "/influx/write?precision=ms", "m,abcdefghi=1 v=1 " + T), 1, "max-label-name-bytes", 8);
        assertSeriesLimit(
                post("long", "/influx/write?precision=ms", "m,a=" + "x".repeat(17) + " v=1 " + T),
                1,
                "max-label-value-bytes",
                16);
        // the limit is in UTF-8 bytes: eight two-byte letters are 16 bytes, nine are 18
        assertEquals(
                204,
                post("long", "/influx/write?precision=ms", "m,a=" + "é".repeat(8) + " v=1 " + T)
                        .statusCode());
        assertSeriesLimit(
                post("long", "/influx/write?precision=ms", "m,a=" + "é".repeat(9) + " v=1 " + T),
                1,
                "max-label-value-bytes",
                16);
        // a metric name is the value of __name__: measurement_field here
        assertSeriesLimit(
                post("long", "/influx/write?precision=ms", "measurement field_name=1 " + T),
                1,
                "max-label-value-bytes",
                16);
        assertEquals(1, exported("long"));
    }

    @Test
    void moreSeriesOrSamplesThanARequestMayHoldAre413() throws Exception {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 4; i++) lines.add("m" + i + " v=1 " + T);
        HttpResponse<String> series = post("totals", "/influx/write?precision=ms", String.join("\n", lines));
        assertEquals(413, series.statusCode(), series.body());
        assertEquals("too_many_series_in_request", error(series).get("code").asText());
        assertEquals(
                "max-series-per-request", error(series).at("/details/limit").asText());
        assertEquals(3, error(series).at("/details/max").asInt());
        // one line of eleven fields of one series: the samples limit (10)
        HttpResponse<String> samples =
                post("totals", "/influx/write?precision=ms", "m " + "v=1,".repeat(10) + "v=1 " + T);
        assertEquals(413, samples.statusCode(), samples.body());
        assertEquals(
                "max-samples-per-request", error(samples).at("/details/limit").asText());
        assertEquals(0, exported("totals"));
        String scrape = TestNodes.get(node, "/metrics").body();
        assertTrue(
                scrape.contains("shardview_metrics_requests_rejected_total{reason=\"too_many_series_in_request\"}"),
                "counted by reason");
    }
}
