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
 * History sent with {@code ?backfill=1}: points days older than the shard's newest, refused as out of order when sent
 * live, are stored as a backfill, read back with PromQL, and still there after the node restarts from its journal;
 * the NaN and infinities of VictoriaMetrics' import arrive as bare tokens.
 */
class MetricsBackfillTest {
    private static final long NOW = System.currentTimeMillis() / 60_000 * 60_000;
    private static final long DAYS_AGO = NOW - 3 * 24 * 3_600_000L;

    @TempDir
    Path dataDir;

    @Test
    void historyIsRefusedLiveAndStoredAsABackfillThatSurvivesARestart() throws Exception {
        ShardviewNode node = start();
        try {
            assertEquals(204, importLines(node, "", line(NOW, "1")).statusCode());
            String history = line(DAYS_AGO, "5") + line(DAYS_AGO - 60_000, "NaN") + line(DAYS_AGO - 120_000, "-Inf");

            HttpResponse<String> live = importLines(node, "", history);
            assertEquals(200, live.statusCode(), live.body());
            assertEquals(
                    3,
                    Json.MAPPER
                            .readTree(live.body())
                            .at("/rejected/out_of_order")
                            .asInt());
            assertEquals(400, importLines(node, "?backfill=maybe", history).statusCode());
            assertEquals(204, importLines(node, "?backfill=1", history).statusCode());
            assertEquals("5", valueAt(node, DAYS_AGO));
            assertEquals("-Inf", valueAt(node, DAYS_AGO - 120_000));
        } finally {
            node.stop();
        }
        ShardviewNode restarted = start();
        try {
            assertEquals("5", valueAt(restarted, DAYS_AGO));
            assertEquals("NaN", valueAt(restarted, DAYS_AGO - 60_000));
            assertEquals("1", valueAt(restarted, NOW));
        } finally {
            restarted.stop();
        }
    }

    private ShardviewNode start() throws InterruptedException {
        ShardviewNode node = ShardviewNode.start(TestNodes.config(dataDir, Map.of()), List.of(new MetricsModule()));
        TestNodes.awaitStatus(node, "/ready", 200, Duration.ofSeconds(30));
        return node;
    }

    /** A VictoriaMetrics import line, the value written as a bare token. */
    private static String line(long at, String value) {
        return "{\"metric\":{\"__name__\":\"temperature\",\"site\":\"north\"},\"values\":[" + value
                + "],\"timestamps\":[" + at + "]}\n";
    }

    private static HttpResponse<String> importLines(ShardviewNode node, String query, String lines) {
        return TestNodes.send(
                node,
                HttpRequest.newBuilder(URI.create(node.url() + "/v1/tenants/history/prom/api/v1/import" + query))
                        .header("Content-Type", "application/x-ndjson")
                        .POST(HttpRequest.BodyPublishers.ofString(lines)));
    }

    /** The instant value of the series at {@code at}, looking back at most 30 s (so a neighbour does not answer). */
    private static String valueAt(ShardviewNode node, long at) throws Exception {
        String query = URLEncoder.encode("last_over_time(temperature[30s])", StandardCharsets.UTF_8);
        HttpResponse<String> response =
                TestNodes.get(node, "/v1/tenants/history/prom/api/v1/query?query=" + query + "&time=" + at / 1000.0);
        assertEquals(200, response.statusCode(), response.body());
        JsonNode result = Json.MAPPER.readTree(response.body()).at("/data/result");
        assertEquals(1, result.size(), response.body());
        return result.at("/0/value/1").asText();
    }
}
