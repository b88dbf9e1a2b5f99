package io.shardview.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shardview.entity.metrics.MetricsProtocol;
import io.shardview.entity.metrics.MetricsShard;
import io.shardview.metrics.index.Labels;
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
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Metrics ingest in every format and export, over real HTTP on an in-process node. */
class MetricsApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dataDir;

    private static ShardviewNode start(Path dataDir) throws Exception {
        // Points from 2023 stay within retention (the default 30 days would drop them at once).
        ShardviewNode node = ShardviewNode.start(
                TestNodes.config(
                        dataDir,
                        Map.of(
                                "shardview.metrics.raw-retention",
                                "36500d",
                                "shardview.metrics.rollup-retention",
                                "36500d")),
                List.of(new MetricsModule()));
        assertEquals(
                200,
                TestNodes.awaitStatus(node, "/ready", 200, Duration.ofSeconds(30))
                        .statusCode());
        return node;
    }

    private static HttpResponse<String> post(ShardviewNode node, String path, String contentType, byte[] body) {
        return TestNodes.send(
                node,
                HttpRequest.newBuilder(URI.create(node.url() + path))
                        .header("Content-Type", contentType)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    private static HttpResponse<String> post(ShardviewNode node, String path, String body) {
        return post(node, path, "text/plain", body.getBytes(StandardCharsets.UTF_8));
    }

    private static List<JsonNode> export(ShardviewNode node, String tenant, String selector) throws Exception {
        HttpResponse<String> response = TestNodes.get(
                node,
                "/v1/tenants/" + tenant + "/prom/api/v1/export?match%5B%5D="
                        + URLEncoder.encode(selector, StandardCharsets.UTF_8));
        assertEquals(200, response.statusCode(), response.body());
        List<JsonNode> lines = new ArrayList<>();
        for (String line : response.body().split("\n")) if (!line.isBlank()) lines.add(JSON.readTree(line));
        return lines;
    }

    @Test
    void everyIngestFormatRoundTripsThroughExport() throws Exception {
        ShardviewNode node = start(dataDir);
        try {
            String b = "/v1/tenants/formats";
            assertEquals(
                    204,
                    post(
                                    node,
                                    b + "/influx/write?precision=s",
                                    "cpu,host=a user=12.5,idle=80i 1700000000\ncpu,host=a user=13 1700000010")
                            .statusCode());
            assertEquals(
                    204,
                    post(node, b + "/influx/api/v2/write?precision=ms", "mem,host=b used=1.5 1700000000123")
                            .statusCode());
            assertEquals(
                    204,
                    post(
                                    node,
                                    b + "/prom/api/v1/import",
                                    "{\"metric\":{\"__name__\":\"up\",\"job\":\"x\"},\"values\":[1,0,\"NaN\",\"+Inf\",\"-Inf\"],\"timestamps\":[1700000000000,1700000010000,1700000020000,1700000030000,1700000040000]}")
                            .statusCode());
            assertEquals(
                    204,
                    post(
                                    node,
                                    b + "/prom/api/v1/import/prometheus",
                                    "# TYPE req counter\nreq{code=\"200\"} 1027 1700000000000\nreq{code=\"500\"} 3 1700000000000")
                            .statusCode());
            byte[] remoteWrite = RemoteWriteDecoderTest.writeRequest(
                    List.<String[]>of(new String[] {"__name__", "rw", "instance", "i:1"}),
                    List.<double[][]>of(new double[][] {{1700000000000d, 0.25}, {1700000015000d, -0.0}}));
            HttpResponse<String> rw = TestNodes.send(
                    node,
                    HttpRequest.newBuilder(URI.create(node.url() + b + "/prom/api/v1/write"))
                            .header("Content-Type", "application/x-protobuf")
                            .header("Content-Encoding", "snappy")
                            .header("X-Prometheus-Remote-Write-Version", "0.1.0")
                            .POST(HttpRequest.BodyPublishers.ofByteArray(remoteWrite)));
            assertEquals(204, rw.statusCode(), rw.body());

            List<JsonNode> all = export(node, "formats", "{__name__=~\".+\"}");
            assertEquals(
                    List.of(
                            "{\"metric\":{\"__name__\":\"cpu_idle\",\"host\":\"a\"},\"values\":[80.0],\"timestamps\":[1700000000000]}",
                            "{\"metric\":{\"__name__\":\"cpu_user\",\"host\":\"a\"},\"values\":[12.5,13.0],\"timestamps\":[1700000000000,1700000010000]}",
                            "{\"metric\":{\"__name__\":\"mem_used\",\"host\":\"b\"},\"values\":[1.5],\"timestamps\":[1700000000123]}",
                            "{\"metric\":{\"__name__\":\"req\",\"code\":\"200\"},\"values\":[1027.0],\"timestamps\":[1700000000000]}",
                            "{\"metric\":{\"__name__\":\"req\",\"code\":\"500\"},\"values\":[3.0],\"timestamps\":[1700000000000]}",
                            "{\"metric\":{\"__name__\":\"rw\",\"instance\":\"i:1\"},\"values\":[0.25,-0.0],\"timestamps\":[1700000000000,1700000015000]}",
                            "{\"metric\":{\"__name__\":\"up\",\"job\":\"x\"},\"values\":[1.0,0.0,\"NaN\",\"+Inf\",\"-Inf\"],\"timestamps\":[1700000000000,1700000010000,1700000020000,1700000030000,1700000040000]}"),
                    all.stream().map(JsonNode::toString).toList());

            // the export is itself importable: a second tenant fed the export exports the same
            String exported =
                    String.join("\n", all.stream().map(JsonNode::toString).toList());
            assertEquals(
                    204,
                    post(node, "/v1/tenants/copy/prom/api/v1/import", exported).statusCode());
            assertEquals(all, export(node, "copy", "{__name__=~\".+\"}"));
            assertEquals(2, export(node, "formats", "req").size());
            assertEquals(1, export(node, "formats", "req{code!=\"200\"}").size());
            assertEquals(
                    1, export(node, "formats", "{__name__=\"up\",job=~\"x|y\"}").size());
        } finally {
            node.stop();
        }
    }

    @Test
    void outOfOrderPointsBeyondTheWindowAreCountedAndDuplicatesKeepTheLastValue() throws Exception {
        ShardviewNode node = start(dataDir);
        try {
            String b = "/v1/tenants/rules/prom/api/v1/import";
            long now = 1_700_000_000_000L;
            assertEquals(
                    204,
                    post(
                                    node,
                                    b,
                                    "{\"metric\":{\"__name__\":\"m\"},\"values\":[1,2],\"timestamps\":[" + now + ","
                                            + (now + 10_000) + "]}")
                            .statusCode());
            // 30 min late is inside the default 1 h window; 2 h late is not; a repeated timestamp replaces
            HttpResponse<String> late = post(
                    node,
                    b,
                    "{\"metric\":{\"__name__\":\"m\"},\"values\":[3,4,5],\"timestamps\":[" + (now - 1_800_000) + ","
                            + (now - 7_200_000) + "," + (now + 10_000) + "]}");
            assertEquals(200, late.statusCode(), late.body());
            JsonNode reply = JSON.readTree(late.body());
            assertEquals(2, reply.get("samples").asInt());
            assertEquals(1, reply.at("/rejected/out_of_order").asInt());
            HttpResponse<String> future = post(
                    node,
                    b,
                    "{\"metric\":{\"__name__\":\"m\"},\"values\":[9],\"timestamps\":["
                            + (System.currentTimeMillis() + 86_400_000L) + "]}");
            assertEquals(200, future.statusCode(), future.body());
            assertEquals(
                    1,
                    JSON.readTree(future.body())
                            .at("/rejected/too_far_in_future")
                            .asInt());
            JsonNode series = export(node, "rules", "m").get(0);
            assertEquals(
                    "[" + (now - 1_800_000) + "," + now + "," + (now + 10_000) + "]",
                    series.get("timestamps").toString());
            assertEquals("[3.0,1.0,5.0]", series.get("values").toString());
        } finally {
            node.stop();
        }
    }

    @Test
    void badBodiesAreRejectedNamingTheLineAndApplyNothing() throws Exception {
        ShardviewNode node = start(dataDir);
        try {
            String b = "/v1/tenants/bad";
            HttpResponse<String> influx =
                    post(node, b + "/influx/write", "cpu,host=a user=1 1\ncpu,host=a user=oops 2");
            assertEquals(400, influx.statusCode());
            assertEquals(
                    2, JSON.readTree(influx.body()).at("/error/details/line").asInt());
            assertEquals(
                    400,
                    post(
                                    node,
                                    b + "/prom/api/v1/import",
                                    "{\"metric\":{\"__name__\":\"a\"},\"values\":[1],\"timestamps\":[1]}\nnot json")
                            .statusCode());
            assertEquals(
                    400,
                    post(node, b + "/prom/api/v1/import/prometheus", "ok 1\nbad{ 2")
                            .statusCode());
            assertEquals(
                    400,
                    post(node, b + "/prom/api/v1/write", "application/x-protobuf", "not snappy".getBytes())
                            .statusCode());
            assertEquals(
                    400,
                    post(node, b + "/influx/write?precision=h", "cpu user=1 1").statusCode());
            assertEquals(
                    0, export(node, "bad", "{__name__=~\".+\"}").size(), "nothing of a rejected request was applied");
            assertEquals(400, TestNodes.get(node, b + "/prom/api/v1/export").statusCode(), "match[] is required");
            assertEquals(
                    400,
                    TestNodes.get(
                                    node,
                                    b + "/prom/api/v1/export?match%5B%5D="
                                            + URLEncoder.encode("{job=\"\"}", StandardCharsets.UTF_8))
                            .statusCode());
        } finally {
            node.stop();
        }
    }

    @Test
    void aSeriesStaysInItsShardAcrossRestarts() throws Exception {
        String line = "cpu,host=web-7,dc=eu user=1 1700000000000\n";
        Labels labels = Labels.of("__name__", "cpu_user", "dc", "eu", "host", "web-7");
        int shard = labels.shard(16);
        ShardviewNode first = start(dataDir);
        try {
            assertEquals(
                    204,
                    post(first, "/v1/tenants/stable/influx/write?precision=ms", line)
                            .statusCode());
            assertEquals(List.of(shard), shardsHolding(first));
        } finally {
            first.stop();
        }
        ShardviewNode second = start(dataDir);
        try {
            assertEquals(
                    204,
                    post(
                                    second,
                                    "/v1/tenants/stable/influx/write?precision=ms",
                                    line.replace("1700000000000", "1700000010000"))
                            .statusCode());
            assertEquals(List.of(shard), shardsHolding(second), "recovered in, and written to, the same shard");
            JsonNode series = export(second, "stable", "cpu_user").get(0);
            assertEquals(
                    "[1700000000000,1700000010000]", series.get("timestamps").toString());
        } finally {
            second.stop();
        }
    }

    @Test
    void shardsRunOnTheirOwnDispatcherNotOnTheOneHttpUses() throws Exception {
        ShardviewNode node = start(dataDir);
        try {
            assertEquals(
                    204,
                    post(node, "/v1/tenants/pool/influx/write?precision=s", "cpu,host=a user=1 1700000000")
                            .statusCode());
            // Pekko names a pool's threads after the system and the dispatcher, and starts them on first use.
            String pool = "shardview-" + MetricsShard.DISPATCHER + "-";
            assertTrue(
                    Thread.getAllStackTraces().keySet().stream()
                            .anyMatch(t -> t.getName().startsWith(pool)),
                    "a thread of " + MetricsShard.DISPATCHER + " ran the shard");
        } finally {
            node.stop();
        }
    }

    private static List<Integer> shardsHolding(ShardviewNode node) throws Exception {
        List<Integer> holding = new ArrayList<>();
        for (int shard = 0; shard < 16; shard++) {
            MetricsProtocol.Selected selected = ClusterSharding.get(node.system())
                    .entityRefFor(MetricsProtocol.ENTITY_KEY, MetricsProtocol.entityId("stable", shard))
                    .<MetricsProtocol.Selected>ask(
                            replyTo -> new MetricsProtocol.Select(
                                    List.of(new MetricsProtocol.MatcherSpec("=", "__name__", "cpu_user")),
                                    0,
                                    Long.MAX_VALUE / 2,
                                    replyTo),
                            Duration.ofSeconds(10))
                    .toCompletableFuture()
                    .get();
            if (!selected.series().isEmpty()) holding.add(shard);
        }
        assertTrue(holding.size() <= 1, "a series is in one shard only: " + holding);
        return holding;
    }
}
