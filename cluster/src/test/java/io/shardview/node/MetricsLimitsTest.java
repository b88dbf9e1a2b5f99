package io.shardview.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shardview.metrics.index.Labels;
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
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Per-tenant metrics limits over HTTP: samples per request and active series (cardinality). */
class MetricsLimitsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long T = 1_700_000_000_000L;

    @TempDir
    Path dataDir;

    /** Two shards and a tenant limit of 4 series: each shard holds at most 2. */
    private ShardviewNode start() throws Exception {
        ShardviewNode node = ShardviewNode.start(
                TestNodes.config(
                        dataDir,
                        Map.of(
                                "shardview.metrics.shards-per-tenant", 2,
                                "shardview.metrics.max-active-series-per-tenant", 4,
                                "shardview.metrics.max-samples-per-request", 5,
                                "shardview.metrics.raw-retention", "36500d", // points from 2023 stay within retention
                                "shardview.metrics.rollup-retention", "36500d")),
                List.of(new MetricsModule()));
        assertEquals(
                200,
                TestNodes.awaitStatus(node, "/ready", 200, Duration.ofSeconds(30))
                        .statusCode());
        return node;
    }

    private static HttpResponse<String> write(ShardviewNode node, String tenant, String lines) {
        return TestNodes.send(
                node,
                HttpRequest.newBuilder(URI.create(node.url() + "/v1/tenants/" + tenant + "/influx/write?precision=ms"))
                        .POST(HttpRequest.BodyPublishers.ofString(lines)));
    }

    /** Influx lines of metric {@code m_v} (measurement m, field v) at T. */
    private static String points(List<String> measurements) {
        return measurements.stream().map(m -> m + " v=1 " + T).collect(Collectors.joining("\n"));
    }

    private static List<String> exportedNames(ShardviewNode node, String tenant) throws Exception {
        HttpResponse<String> response = TestNodes.get(
                node,
                "/v1/tenants/" + tenant + "/prom/api/v1/export?match%5B%5D="
                        + URLEncoder.encode("{__name__=~\".+\"}", StandardCharsets.UTF_8));
        assertEquals(200, response.statusCode(), response.body());
        List<String> names = new ArrayList<>();
        for (String line : response.body().split("\n"))
            if (!line.isBlank())
                names.add(JSON.readTree(line).at("/metric/__name__").asText());
        return names;
    }

    /** Measurements whose series (metric {@code <m>_v}) hash to {@code shard} of 2. */
    private static List<String> measurementsInShard(int shard, int count) {
        List<String> out = new ArrayList<>();
        for (int i = 0; out.size() < count; i++) {
            if (Labels.of("__name__", "s" + i + "_v").shard(2) == shard) out.add("s" + i);
        }
        return out;
    }

    @Test
    void aRequestWithMoreSamplesThanTheLimitIs413NamingItAndStoresNothing() throws Exception {
        ShardviewNode node = start();
        try {
            HttpResponse<String> big = write(node, "big", points(List.of("a", "b", "c", "d", "e", "f")));
            assertEquals(413, big.statusCode(), big.body());
            JsonNode error = JSON.readTree(big.body()).get("error");
            assertEquals("too_many_samples", error.get("code").asText());
            assertEquals("max-samples-per-request", error.at("/details/limit").asText());
            assertEquals(5, error.at("/details/max").asInt());
            assertTrue(error.get("message").asText().contains("max-samples-per-request = 5"), error.toString());
            assertEquals(List.of(), exportedNames(node, "big"));
            String five =
                    "a v=1 " + T + "\na v=2 " + (T + 1) + "\na v=3 " + (T + 2) + "\nb v=1 " + T + "\nb v=2 " + (T + 1);
            assertEquals(204, write(node, "big", five).statusCode(), "at the limit is fine");
        } finally {
            node.stop();
        }
    }

    @Test
    void newSeriesBeyondAShardsShareOfTheTenantLimitAre429AndNothingOfTheRequestIsStored() throws Exception {
        List<String> first = measurementsInShard(0, 3);
        List<String> second = measurementsInShard(1, 2);
        ShardviewNode node = start();
        try {
            assertEquals(
                    204,
                    write(node, "card", points(first.subList(0, 2))).statusCode(),
                    "shard 0 now holds its share, 2");

            // Spread over both shards: refused whole, although shard 1 has room for its part.
            HttpResponse<String> spread = write(node, "card", points(List.of(second.get(0), first.get(2))));
            assertEquals(429, spread.statusCode(), spread.body());
            JsonNode error = JSON.readTree(spread.body()).get("error");
            assertEquals("too_many_series", error.get("code").asText());
            assertEquals(
                    "max-active-series-per-tenant", error.at("/details/limit").asText());
            assertEquals(4, error.at("/details/max").asInt());
            assertEquals(0, error.at("/details/shard").asInt());
            assertEquals(2, error.at("/details/shard_max").asInt());
            assertEquals(2, error.at("/details/shard_active_series").asInt());
            assertEquals(1, error.at("/details/new_series").asInt());
            assertEquals(false, error.at("/details/partially_applied").asBoolean());
            assertTrue(error.get("message").asText().contains("max-active-series-per-tenant = 4"), error.toString());
            assertTrue(spread.headers().firstValue("Retry-After").isPresent());
            assertEquals(
                    List.of(first.get(0) + "_v", first.get(1) + "_v").stream()
                            .sorted()
                            .toList(),
                    exportedNames(node, "card"));

            // One shard only: the shard itself refuses its whole part.
            HttpResponse<String> single = write(node, "card", points(List.of(first.get(2))));
            assertEquals(429, single.statusCode(), single.body());
            assertEquals(
                    0, JSON.readTree(single.body()).at("/error/details/shard").asInt());

            // Points of series already held are always taken; the other shard still has its own room.
            assertEquals(
                    204,
                    write(node, "card", first.get(0) + " v=2 " + (T + 1000)).statusCode());
            assertEquals(204, write(node, "card", points(second)).statusCode());
            assertEquals(4, exportedNames(node, "card").size());
            assertEquals(
                    204,
                    write(node, "other", points(first.subList(1, 3))).statusCode(),
                    "another tenant has its own limit");
        } finally {
            node.stop();
        }
    }
}
