package io.shardview.node;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No read can take the node's heap: a PromQL query or an export that would read more points than
 * {@code max-points-per-query} is refused (422) before the points reach the serving node, and a query whose
 * evaluation would hold more samples than that fails the same way; reads within the limit, and label reads, answer.
 * (A shard may send twice its even share of the limit: 200 points of the 1,600 here, over 16 shards.)
 */
class MetricsReadLimitsTest {
    @TempDir
    Path dataDir;

    @Test
    void readsPastThePointLimitAreRefusedAndSmallerOnesAnswer() throws Exception {
        ShardviewNode node = ShardviewNode.start(
                TestNodes.config(dataDir, Map.of("shardview.metrics.max-points-per-query", 1600)),
                List.of(new MetricsModule()));
        try {
            TestNodes.awaitStatus(node, "/ready", 200, Duration.ofSeconds(30));
            long now = System.currentTimeMillis() / 1000 * 1000;
            if (now % 300_000 == 0) now -= 1_000; // off the 5 min bucket edges, where rollups would answer
            StringBuilder lines = new StringBuilder();
            for (int i = 0; i < 300; i++) { // one series, a point every 10 s for 50 minutes
                lines.append("load{host=\"a\"} ")
                        .append(i)
                        .append(' ')
                        .append(now - (299 - i) * 10_000L)
                        .append('\n');
            }
            HttpResponse<String> imported = TestNodes.send(
                    node,
                    HttpRequest.newBuilder(URI.create(node.url() + "/v1/tenants/t/prom/api/v1/import/prometheus"))
                            .header("Content-Type", "text/plain")
                            .POST(HttpRequest.BodyPublishers.ofString(lines.toString())));
            assertEquals(204, imported.statusCode(), imported.body());
            long at = now / 1000;

            assertEquals(
                    "299",
                    get(node, "/query?query=" + q("load") + "&time=" + at, 200)
                            .at("/data/result/0/value/1")
                            .asText());
            JsonNode wide = get(node, "/query?query=" + q("count_over_time(load[1h])") + "&time=" + at, 422);
            assertEquals("execution", wide.get("errorType").asText());
            assertEquals(
                    "query processing would load too many samples into memory in query execution",
                    wide.get("error").asText());
            // A narrow range read within the limit, at so many steps that evaluation would hold more samples.
            JsonNode steps = get(node, "/query_range?query=load&start=" + (at - 600) + "&end=" + at + "&step=0.3", 422);
            assertEquals("execution", steps.get("errorType").asText());

            HttpResponse<String> export = TestNodes.get(node, "/v1/tenants/t/prom/api/v1/export?match[]=load");
            assertEquals(422, export.statusCode(), export.body());
            assertEquals(
                    "limit_exceeded",
                    Json.MAPPER.readTree(export.body()).at("/error/code").asText());
            assertEquals(
                    List.of("__name__", "host"), texts(get(node, "/labels", 200).get("data")));
        } finally {
            node.stop();
        }
    }

    /**
     * Where every window of a query ends on a bucket edge, the node reads rollup buckets instead of points: the same
     * data and limit as above, queried at 5 min edges, answer what the points would give (whose reading the limit
     * refuses), whether the serving node evaluates the function (no aggregation) or the shards do in part (sum).
     */
    @Test
    void windowsEndingOnBucketEdgesReadRollupsAndStayWithinThePointLimit() throws Exception {
        ShardviewNode node = ShardviewNode.start(
                TestNodes.config(dataDir, Map.of("shardview.metrics.max-points-per-query", 1600)),
                List.of(new MetricsModule()));
        try {
            TestNodes.awaitStatus(node, "/ready", 200, Duration.ofSeconds(30));
            long edge = System.currentTimeMillis() / 300_000 * 300_000; // the last 5 min edge
            StringBuilder lines = new StringBuilder();
            for (int i = 0; i < 300; i++) { // a point every 10 s for 50 minutes, the last on the edge
                lines.append("load{host=\"a\"} ")
                        .append(i)
                        .append(' ')
                        .append(edge - (299 - i) * 10_000L)
                        .append('\n');
            }
            HttpResponse<String> imported = TestNodes.send(
                    node,
                    HttpRequest.newBuilder(URI.create(node.url() + "/v1/tenants/t/prom/api/v1/import/prometheus"))
                            .header("Content-Type", "text/plain")
                            .POST(HttpRequest.BodyPublishers.ofString(lines.toString())));
            assertEquals(204, imported.statusCode(), imported.body());
            long at = edge / 1000;

            assertEquals(
                    "300",
                    get(node, "/query?query=" + q("count_over_time(load[1h])") + "&time=" + at, 200)
                            .at("/data/result/0/value/1")
                            .asText());
            assertEquals(
                    "execution",
                    get(node, "/query?query=" + q("count_over_time(load[1h])") + "&time=" + (at - 1), 422)
                            .get("errorType")
                            .asText());
            JsonNode rate = get(
                    node,
                    "/query_range?query=" + q("rate(load[5m])") + "&start=" + (at - 2400) + "&end=" + at + "&step=300",
                    200);
            assertEquals(9, rate.at("/data/result/0/values").size());
            for (JsonNode point : rate.at("/data/result/0/values"))
                assertEquals("0.1", point.get(1).asText());
            JsonNode sum = get(
                    node,
                    "/query_range?query=" + q("sum(increase(load[10m]))") + "&start=" + (at - 1800) + "&end=" + at
                            + "&step=600",
                    200);
            assertEquals(4, sum.at("/data/result/0/values").size());
            for (JsonNode point : sum.at("/data/result/0/values"))
                assertEquals("60", point.get(1).asText());
        } finally {
            node.stop();
        }
    }

    private static JsonNode get(ShardviewNode node, String path, int status) throws Exception {
        HttpResponse<String> response = TestNodes.get(node, "/v1/tenants/t/prom/api/v1" + path);
        assertEquals(status, response.statusCode(), response.body());
        return Json.MAPPER.readTree(response.body());
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new java.util.ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static String q(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
