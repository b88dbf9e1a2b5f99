package io.shardview.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shardview.metrics.ingest.parse.RemoteWriteDecoderTest;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xerial.snappy.Snappy;

/**
 * What metrics ingest reads as a body: the content types and encodings real clients send (else 415
 * naming what is read), decoded within max-decoded-request-bytes (else 413), UTF-8 only (else 400
 * naming the line; never replaced by U+FFFD).
 */
class MetricsIngestBodiesTest {
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
                                "shardview.metrics.max-decoded-request-bytes", "64 KiB",
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

    /** POSTs {@code body}; a null type or encoding sends no such header. */
    private static HttpResponse<String> post(String path, String type, String encoding, byte[] body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(node.url() + path))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (type != null) request.header("Content-Type", type);
        if (encoding != null) request.header("Content-Encoding", encoding);
        return TestNodes.send(node, request);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] gzip(byte[] body) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
            gzip.write(body);
        }
        return out.toByteArray();
    }

    private static byte[] deflate(byte[] body) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (DeflaterOutputStream deflate = new DeflaterOutputStream(out)) {
            deflate.write(body);
        }
        return out.toByteArray();
    }

    private static List<String> exported(String tenant) throws Exception {
        HttpResponse<String> response = TestNodes.get(
                node,
                "/v1/tenants/" + tenant + "/prom/api/v1/export?match%5B%5D="
                        + URLEncoder.encode("{__name__=~\".+\"}", StandardCharsets.UTF_8));
        assertEquals(200, response.statusCode(), response.body());
        return response.body()
                .lines()
                .filter(l -> !l.isBlank())
                .map(l -> {
                    try {
                        return JSON.readTree(l).get("metric").toString();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                })
                .toList();
    }

    private static void assertUnsupported(HttpResponse<String> response, String named) throws Exception {
        assertEquals(415, response.statusCode(), response.body());
        JsonNode error = JSON.readTree(response.body()).get("error");
        assertEquals("unsupported_media_type", error.get("code").asText());
        assertTrue(error.get("message").asText().contains(named), response.body());
    }

    @Test
    void textFormatsTakeTheTypesAndEncodingsRealClientsSend() throws Exception {
        String influx = "/v1/tenants/types/influx/write?precision=ms";
        assertEquals(204, post(influx, null, null, utf8("a v=1 " + T)).statusCode(), "no type");
        assertEquals(
                204,
                post(influx, "application/x-www-form-urlencoded", null, utf8("b v=1 " + T))
                        .statusCode(),
                "curl -d");
        assertEquals(
                204,
                post(influx, "text/plain; charset=utf-8", "identity", utf8("c v=1 " + T))
                        .statusCode());
        assertEquals(
                204,
                post(influx, "application/octet-stream", "gzip", gzip(utf8("d v=1 " + T)))
                        .statusCode());
        assertEquals(
                204,
                post(influx, "text/plain", "deflate", deflate(utf8("e v=1 " + T)))
                        .statusCode());
        assertEquals(
                204,
                post(
                                "/v1/tenants/types/prom/api/v1/import",
                                "application/x-ndjson",
                                "gzip",
                                gzip(utf8(
                                        "{\"metric\":{\"__name__\":\"f\"},\"values\":[1],\"timestamps\":[" + T + "]}")))
                        .statusCode());
        assertEquals(
                204,
                post(
                                "/v1/tenants/types/prom/api/v1/import/prometheus",
                                "text/plain; version=0.0.4",
                                null,
                                utf8("g 1 " + T))
                        .statusCode());
        assertEquals(7, exported("types").size());
    }

    @Test
    void wrongTypesAndUnknownEncodingsAre415NamingWhatIsReadAndStoreNothing() throws Exception {
        String influx = "/v1/tenants/wrong/influx/write?precision=ms";
        assertUnsupported(post(influx, "application/x-protobuf", null, utf8("a v=1 " + T)), "text/plain");
        assertUnsupported(post(influx, "text/plain", "br", utf8("a v=1 " + T)), "gzip, deflate or identity");
        assertUnsupported(post(influx, "text/plain", "zstd", utf8("a v=1 " + T)), "gzip, deflate or identity");
        assertUnsupported(post(influx, "text/plain; charset=iso-8859-1", null, utf8("a v=1 " + T)), "UTF-8");
        assertUnsupported(
                post("/v1/tenants/wrong/prom/api/v1/import", "image/png", null, utf8("{}")), "application/json");
        String rw = "/v1/tenants/wrong/prom/api/v1/write";
        byte[] write = RemoteWriteDecoderTest.writeRequest(
                List.<String[]>of(new String[] {"__name__", "rw"}), List.<double[][]>of(new double[][] {{T, 1}}));
        assertUnsupported(post(rw, "text/plain", "snappy", write), "application/x-protobuf");
        assertUnsupported(post(rw, "application/x-protobuf", "gzip", write), "snappy");
        assertUnsupported(
                post(rw, "application/x-protobuf;proto=io.prometheus.write.v2.Request", "snappy", write),
                "remote_write 1.0");
        assertEquals(List.of(), exported("wrong"));
        // what Prometheus sends, and the same without Content-Encoding (the body is snappy-framed by definition)
        assertEquals(204, post(rw, "application/x-protobuf", "snappy", write).statusCode());
        assertEquals(
                204,
                post(rw, "application/x-protobuf;proto=prometheus.WriteRequest", null, write)
                        .statusCode());
        assertEquals(List.of("{\"__name__\":\"rw\"}"), exported("wrong"));
    }

    @Test
    void aBodyRefusedForItsTypeIsReadBeforeTheReplySoAClientStillSendingItGetsTheReply() throws Exception {
        // Replying before the body was read made the node close the connection on unread bytes; the reset
        // it sent could reach a client still writing before the reply did (5 of 30 lost at 4 MB, HTTP fuzzing).
        byte[] body = new byte[4 << 20];
        java.util.Arrays.fill(body, (byte) 'a');
        for (int i = 0; i < 30; i++) {
            assertUnsupported(
                    post("/v1/tenants/early/prom/api/v1/import", "application/x-protobuf", null, body), "text/plain");
        }
        assertEquals(List.of(), exported("early"));
    }

    @Test
    void bodiesThatInflatePastTheLimitAre413AndBrokenEncodingsAre400() throws Exception {
        String influx = "/v1/tenants/inflate/influx/write?precision=ms";
        byte[] large = utf8(("a v=1 " + T + "\n").repeat(5_000)); // about 100 KiB, over 64 KiB
        HttpResponse<String> bomb = post(influx, "text/plain", "gzip", gzip(large));
        assertEquals(413, bomb.statusCode(), bomb.body());
        assertEquals(
                "max-decoded-request-bytes",
                JSON.readTree(bomb.body()).at("/error/details/limit").asText());
        HttpResponse<String> broken = post(influx, "text/plain", "gzip", utf8("not gzip at all"));
        assertEquals(400, broken.statusCode(), broken.body());
        assertEquals("bad_data", JSON.readTree(broken.body()).at("/error/code").asText());
        byte[] snappyBomb = Snappy.compress(new byte[128 * 1024]);
        HttpResponse<String> rw =
                post("/v1/tenants/inflate/prom/api/v1/write", "application/x-protobuf", "snappy", snappyBomb);
        assertEquals(413, rw.statusCode(), rw.body());
        assertEquals(List.of(), exported("inflate"));
    }

    @Test
    void invalidUtf8IsRefusedNamingItsLineNeverReplaced() throws Exception {
        byte[] latin1 =
                "ok v=1 1700000000000\ncpu,host=M\u00fcller v=1 1700000000000".getBytes(StandardCharsets.ISO_8859_1);
        for (String path : List.of("/influx/write?precision=ms", "/prom/api/v1/import/prometheus")) {
            byte[] body = path.startsWith("/influx")
                    ? latin1
                    : "ok 1\ncpu{host=\"M\u00fcller\"} 1".getBytes(StandardCharsets.ISO_8859_1);
            HttpResponse<String> response = post("/v1/tenants/utf" + path, "text/plain", null, body);
            assertEquals(400, response.statusCode(), path + ": " + response.body());
            assertEquals(
                    2, JSON.readTree(response.body()).at("/error/details/line").asInt(), response.body());
            assertTrue(
                    JSON.readTree(response.body()).at("/error/message").asText().contains("UTF-8"), response.body());
        }
        HttpResponse<String> json = post(
                "/v1/tenants/utf/prom/api/v1/import",
                "application/json",
                null,
                "{\"metric\":{\"__name__\":\"M\u00fcller\"},\"values\":[1],\"timestamps\":[1]}"
                        .getBytes(StandardCharsets.ISO_8859_1));
        assertEquals(400, json.statusCode(), json.body());
        HttpResponse<String> rw = post(
                "/v1/tenants/utf/prom/api/v1/write",
                "application/x-protobuf",
                "snappy",
                RemoteWriteDecoderTest.writeRequest(
                        List.<String[]>of(new String[] {"__name__", "ok"}),
                        List.<double[][]>of(new double[][] {{T, 1}})));
        assertEquals(204, rw.statusCode(), rw.body());
        // a UTF-8 label is stored as written
        assertEquals(
                204,
                post(
                                "/v1/tenants/utf/influx/write?precision=ms",
                                "text/plain",
                                null,
                                utf8("cpu,host=M\u00fcller v=1 " + T))
                        .statusCode());
        assertEquals(
                List.of("{\"__name__\":\"cpu_v\",\"host\":\"M\u00fcller\"}", "{\"__name__\":\"ok\"}"), exported("utf"));
    }
}
