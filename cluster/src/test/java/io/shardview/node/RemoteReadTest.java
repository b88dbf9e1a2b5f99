package io.shardview.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import io.shardview.http.Json;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xerial.snappy.Snappy;

/**
 * Prometheus remote read ({@code api/v1/read}, docs/api.md) over real HTTP on an in-process node, with requests
 * written as Prometheus writes them (a snappy-compressed protobuf ReadRequest) and answers read back field by field.
 * EcosystemClientsTest has a real Prometheus read a tenant through it.
 */
class RemoteReadTest {
    private static final int EQ = 0;
    private static final int RE = 2;

    @TempDir
    Path dataDir;

    private ShardviewNode node;
    private String base;
    private final long now = System.currentTimeMillis() / 1000 * 1000;

    @BeforeEach
    void startAndImport() throws Exception {
        node = ShardviewNode.start(TestNodes.config(dataDir, Map.of()), List.of(new MetricsModule()));
        assertEquals(
                200,
                TestNodes.awaitStatus(node, "/ready", 200, Duration.ofSeconds(30))
                        .statusCode());
        base = node.url() + "/v1/tenants/reader/prom/api/v1";
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 10; i++) {
            long at = now - 100_000 + i * 10_000L;
            text.append("cpu{host=\"a\"} ").append(i).append(' ').append(at).append('\n');
            text.append("cpu{host=\"b\"} ")
                    .append(100 + i)
                    .append(' ')
                    .append(at)
                    .append('\n');
            text.append("mem{host=\"a\"} 7 ").append(at).append('\n');
        }
        HttpResponse<String> imported = TestNodes.send(
                node,
                HttpRequest.newBuilder(URI.create(base + "/import/prometheus"))
                        .header("Content-Type", "text/plain")
                        .POST(HttpRequest.BodyPublishers.ofString(text.toString())));
        assertEquals(204, imported.statusCode(), imported.body());
    }

    @AfterEach
    void stop() {
        node.stop();
    }

    @Test
    void eachQueryAnswersItsSeriesWithTheSamplesInItsRange() throws Exception {
        byte[] request = readRequest(
                List.of(
                        query(now - 100_000, now, matcher(EQ, "__name__", "cpu"), matcher(EQ, "host", "b")),
                        query(
                                now - 50_000,
                                now - 30_000,
                                matcher(RE, "__name__", "cpu|mem"),
                                matcher(EQ, "host", "a"))),
                List.of(0));
        HttpResponse<byte[]> answer = post(request);
        assertEquals(200, answer.statusCode(), new String(answer.body()));
        assertEquals("snappy", answer.headers().firstValue("Content-Encoding").orElse(""));
        assertTrue(answer.headers().firstValue("Content-Type").orElse("").startsWith("application/x-protobuf"));

        List<Map<String, List<double[]>>> results = readResponse(Snappy.uncompress(answer.body()));
        assertEquals(2, results.size());
        Map<String, List<double[]>> first = results.get(0);
        assertEquals(List.of("__name__=cpu,host=b"), List.copyOf(first.keySet()));
        List<double[]> samples = first.get("__name__=cpu,host=b");
        assertEquals(10, samples.size());
        for (int i = 0; i < 10; i++) {
            assertEquals(now - 100_000 + i * 10_000L, (long) samples.get(i)[0]);
            assertEquals(100 + i, samples.get(i)[1]);
        }
        Map<String, List<double[]>> second = results.get(1);
        assertEquals(List.of("__name__=cpu,host=a", "__name__=mem,host=a"), List.copyOf(second.keySet()));
        assertEquals(3, second.get("__name__=cpu,host=a").size(), "the samples at -50 s, -40 s and -30 s");
        assertEquals(5.0, second.get("__name__=cpu,host=a").get(0)[1]);
    }

    @Test
    void aClientPreferringStreamedChunksGetsFramesOfPrometheusXorChunks() throws Exception {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 300; i++) { // three chunks of 120, 120 and 60 samples
            text.append("disk{host=\"c\"} ").append(i * 0.5).append(' ').append(now - 300_000 + i * 1_000L);
            text.append('\n');
        }
        HttpResponse<String> imported = TestNodes.send(
                node,
                HttpRequest.newBuilder(URI.create(base + "/import/prometheus"))
                        .POST(HttpRequest.BodyPublishers.ofString(text.toString())));
        assertEquals(204, imported.statusCode(), imported.body());
        byte[] request = readRequest(
                List.of(
                        query(now - 400_000, now, matcher(EQ, "__name__", "disk")),
                        query(now - 100_000, now, matcher(EQ, "__name__", "cpu"))),
                List.of(1, 0));
        HttpResponse<byte[]> answer = post(request);
        assertEquals(200, answer.statusCode(), new String(answer.body()));
        assertEquals(
                "application/x-streamed-protobuf; proto=prometheus.ChunkedReadResponse",
                answer.headers().firstValue("Content-Type").orElse(""));
        assertTrue(answer.headers().firstValue("Content-Encoding").isEmpty(), "frames are not snappy-compressed");

        java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(answer.body());
        Map<String, List<double[]>> read = new TreeMap<>();
        List<Long> queries = new ArrayList<>();
        int chunks = 0;
        while (in.hasRemaining()) {
            CodedInputStream frame = CodedInputStream.newInstance(answer.body(), in.position(), in.remaining());
            int length = frame.readRawVarint32();
            in.position(in.position() + frame.getTotalBytesRead());
            long crc = in.getInt() & 0xFFFF_FFFFL;
            byte[] message = new byte[length];
            in.get(message);
            java.util.zip.CRC32C check = new java.util.zip.CRC32C();
            check.update(message);
            assertEquals(check.getValue(), crc, "each frame's CRC32C");
            CodedInputStream m = CodedInputStream.newInstance(message);
            List<String> labels = new ArrayList<>();
            List<double[]> samples = new ArrayList<>();
            for (int tag = m.readTag(); tag != 0; tag = m.readTag()) {
                if (WireFormat.getTagFieldNumber(tag) == 2) {
                    queries.add(m.readInt64());
                    continue;
                }
                CodedInputStream series = CodedInputStream.newInstance(m.readByteArray());
                for (int f = series.readTag(); f != 0; f = series.readTag()) {
                    CodedInputStream part = CodedInputStream.newInstance(series.readByteArray());
                    if (WireFormat.getTagFieldNumber(f) == 1) {
                        labels.add(label(part));
                        continue;
                    }
                    long min = 0;
                    long max = 0;
                    byte[] data = null;
                    for (int g = part.readTag(); g != 0; g = part.readTag()) {
                        switch (WireFormat.getTagFieldNumber(g)) {
                            case 1 -> min = part.readInt64();
                            case 2 -> max = part.readInt64();
                            case 3 -> assertEquals(1, part.readEnum(), "XOR");
                            default -> data = part.readByteArray();
                        }
                    }
                    io.shardview.metrics.wire.PrometheusXorChunk.Samples chunk =
                            io.shardview.metrics.wire.PrometheusXorChunk.decode(data);
                    assertEquals(min, chunk.times()[0]);
                    assertEquals(max, chunk.times()[chunk.times().length - 1]);
                    for (int i = 0; i < chunk.times().length; i++) {
                        samples.add(new double[] {chunk.times()[i], chunk.values()[i]});
                    }
                    chunks++;
                }
            }
            read.computeIfAbsent(String.join(",", labels), k -> new ArrayList<>())
                    .addAll(samples);
        }
        assertEquals(List.of(0L, 1L, 1L), queries, "one frame per series, each naming its query");
        assertEquals(3 + 2, chunks, "disk in 3 chunks of at most 120 samples, each cpu series in one");
        List<double[]> disk = read.get("__name__=disk,host=c");
        assertEquals(300, disk.size());
        for (int i = 0; i < 300; i++) {
            assertEquals(now - 300_000 + i * 1_000L, (long) disk.get(i)[0]);
            assertEquals(i * 0.5, disk.get(i)[1]);
        }
        assertEquals(10, read.get("__name__=cpu,host=b").size());
        assertEquals(109.0, read.get("__name__=cpu,host=b").get(9)[1]);
    }

    @Test
    void aBadRequestIs400AndOneAcceptingNoServedTypeIsToo() throws Exception {
        HttpResponse<byte[]> garbage = post("not snappy".getBytes());
        assertEquals(400, garbage.statusCode());
        assertEquals(
                "bad_data",
                Json.MAPPER.readTree(garbage.body()).at("/error/code").asText());

        byte[] unknownType = readRequest(List.of(query(now - 10_000, now, matcher(EQ, "__name__", "cpu"))), List.of(7));
        HttpResponse<byte[]> refused = post(unknownType);
        assertEquals(400, refused.statusCode());
        assertTrue(
                Json.MAPPER
                        .readTree(refused.body())
                        .at("/error/message")
                        .asText()
                        .contains("STREAMED_XOR_CHUNKS"),
                new String(refused.body()));

        byte[] noMatcher = readRequest(List.of(query(now - 10_000, now)), List.of());
        assertEquals(400, post(noMatcher).statusCode());
        byte[] badRegex = readRequest(List.of(query(now - 10_000, now, matcher(RE, "host", "("))), List.of());
        assertEquals(400, post(badRegex).statusCode());
    }

    private HttpResponse<byte[]> post(byte[] body) throws Exception {
        return java.net.http.HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(base + "/read"))
                                .header("Content-Type", "application/x-protobuf")
                                .header("Content-Encoding", "snappy")
                                .header("X-Prometheus-Remote-Read-Version", "0.1.0")
                                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                                .build(),
                        HttpResponse.BodyHandlers.ofByteArray());
    }

    private static byte[] matcher(int type, String name, String value) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        out.writeEnum(1, type);
        out.writeString(2, name);
        out.writeString(3, value);
        out.flush();
        return bytes.toByteArray();
    }

    private static byte[] query(long start, long end, byte[]... matchers) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        out.writeInt64(1, start);
        out.writeInt64(2, end);
        for (byte[] m : matchers) out.writeByteArray(3, m);
        out.flush();
        return bytes.toByteArray();
    }

    private static byte[] readRequest(List<byte[]> queries, List<Integer> accepted) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        for (byte[] q : queries) out.writeByteArray(1, q);
        for (int type : accepted) out.writeEnum(2, type);
        out.flush();
        return Snappy.compress(bytes.toByteArray());
    }

    /** Per query result: each series as "name=value,..." with its samples as [timestamp, value]. */
    private static List<Map<String, List<double[]>>> readResponse(byte[] raw) throws Exception {
        List<Map<String, List<double[]>>> results = new ArrayList<>();
        CodedInputStream in = CodedInputStream.newInstance(raw);
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            assertEquals(1, WireFormat.getTagFieldNumber(tag));
            CodedInputStream result = CodedInputStream.newInstance(in.readByteArray());
            Map<String, List<double[]>> series = new TreeMap<>();
            for (int t = result.readTag(); t != 0; t = result.readTag()) {
                CodedInputStream one = CodedInputStream.newInstance(result.readByteArray());
                List<String> labels = new ArrayList<>();
                List<double[]> samples = new ArrayList<>();
                for (int f = one.readTag(); f != 0; f = one.readTag()) {
                    CodedInputStream part = CodedInputStream.newInstance(one.readByteArray());
                    if (WireFormat.getTagFieldNumber(f) == 1) {
                        labels.add(label(part));
                    } else {
                        double value = 0;
                        long timestamp = 0;
                        for (int g = part.readTag(); g != 0; g = part.readTag()) {
                            if (WireFormat.getTagFieldNumber(g) == 1) value = part.readDouble();
                            else timestamp = part.readInt64();
                        }
                        samples.add(new double[] {timestamp, value});
                    }
                }
                series.put(String.join(",", labels), samples);
            }
            results.add(series);
        }
        return results;
    }

    /** A Label message {1: name, 2: value} as "name=value". */
    private static String label(CodedInputStream part) throws Exception {
        String name = null;
        String value = null;
        for (int g = part.readTag(); g != 0; g = part.readTag()) {
            if (WireFormat.getTagFieldNumber(g) == 1) name = part.readString();
            else value = part.readString();
        }
        return name + "=" + value;
    }
}
