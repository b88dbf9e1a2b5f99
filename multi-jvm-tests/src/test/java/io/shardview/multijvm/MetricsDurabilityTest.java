package io.shardview.multijvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Durability of metrics ingest across SIGKILL: a node in its own JVM is killed with kill -9 while a
 * client sends Influx line-protocol requests one at a time and records which were acknowledged
 * (204). After a restart on the same data directory every acknowledged point is exported, with its
 * value, exactly once; nothing that was never sent is present. Request n writes one point per series
 * at its own timestamp, so a point names the request it came from.
 *
 * <p>The request in flight at the kill may be present in some of the tenant's shards and not in
 * others (each shard persists its part on its own; the request was not acknowledged), so the test
 * checks that resending it, as a client retrying an unacknowledged write does, makes it whole once.
 * Shards snapshot every 10 batches here, so recovery reads snapshots and the events after them.
 */
class MetricsDurabilityTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();
    private static final String TENANT = "durable-metrics";
    private static final int SERIES = 24;
    private static final Duration START = Duration.ofSeconds(60);
    private static final Duration REQUEST = Duration.ofSeconds(15);
    private static final int MIN_ACKS = 40;
    private static final Duration MIN_INGEST = Duration.ofMillis(1500);
    private static final Duration MAX_INGEST = Duration.ofSeconds(30);
    /** C1 only: the JVM starts in about half the time on a busy machine; tiers do not change what is persisted. */
    private static final Map<String, String> NODE_ENV = Map.of("SHARDVIEW_JAVA_OPTS", "-XX:TieredStopAtLevel=1 -Xmx1g");

    @TempDir
    Path tmp;

    /** Timestamp of request n's points: recent, so well inside retention and the future tolerance. */
    private final long base = System.currentTimeMillis() - 600_000L;

    private long timestamp(int n) {
        return base + n * 1000L;
    }

    private static double value(int n, int series) {
        return n * 100.0 + series + 0.25;
    }

    private String body(int n) {
        StringBuilder lines = new StringBuilder();
        for (int s = 0; s < SERIES; s++) {
            lines.append("dur,host=h")
                    .append(s)
                    .append(" v=")
                    .append(value(n, s))
                    .append(' ')
                    .append(timestamp(n))
                    .append('\n');
        }
        return lines.toString();
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void everyAcknowledgedPointSurvivesSigkillExactlyOnce() throws Exception {
        Path data = tmp.resolve("data");
        Path conf = tmp.resolve("node.conf");
        Files.writeString(conf, "shardview.metrics.snapshot-every-events = 10\n");
        String[] args = {"--data-dir", data.toString(), "--config", conf.toString()};

        Client client;
        try (NodeProcess first = NodeProcess.serve(tmp, NODE_ENV, args)) {
            String url = ready(first);
            client = new Client(url);
            Thread sender = new Thread(client, "metrics-durability-client");
            sender.setDaemon(true);
            sender.start();
            long deadline = System.nanoTime() + MAX_INGEST.toNanos();
            while (client.failure == null
                    && System.nanoTime() < deadline
                    && !(client.acked >= MIN_ACKS && client.ingestingFor().compareTo(MIN_INGEST) >= 0)) {
                Thread.sleep(20); // polling the client's progress, not waiting for an outcome
            }
            assertNull(client.failure, () -> "the client failed before the kill; node stderr: " + tail(first));
            assertTrue(client.acked >= MIN_ACKS, "only " + client.acked + " requests acknowledged in " + MAX_INGEST);
            client.killIssued = true;
            assertEquals(137, first.kill9(Duration.ofSeconds(10)), "exit status 128 + SIGKILL");
            sender.join(REQUEST.plusSeconds(5).toMillis());
            assertFalse(sender.isAlive(), "the client did not notice the dead node");
            assertNull(client.failure, client.failure);
        }
        int acked = client.acked;
        int inFlight = client.inFlight;
        assertEquals(acked + 1, inFlight, "the sequential client stops at the first request without an answer");
        System.out.printf(
                "[metrics durability] acknowledged requests: %d (%d points), in flight at the kill: %d%n",
                acked, acked * SERIES, inFlight);

        try (NodeProcess second = NodeProcess.serve(tmp, NODE_ENV, args)) {
            String url = ready(second);
            Map<String, List<long[]>> series = export(url);
            assertEquals(SERIES, series.size(), "series after restart: " + series.keySet());
            int inFlightParts = 0;
            for (int s = 0; s < SERIES; s++) {
                List<long[]> points = series.get("h" + s);
                int present = points.size();
                assertTrue(
                        present == acked || present == inFlight,
                        "h" + s + ": " + present + " points, " + acked + " acknowledged");
                assertPoints("h" + s, s, points, present);
                if (present == inFlight) inFlightParts++;
            }
            System.out.printf(
                    "[metrics durability] after restart every acknowledged point is present once; "
                            + "the in-flight request is present in %d of %d series%n",
                    inFlightParts, SERIES);
            try (Stream<Path> files = Files.list(data.resolve("snapshots"))) {
                assertTrue(
                        files.anyMatch(f -> f.getFileName().toString().startsWith("snapshot-")),
                        "no shard snapshot was written, so recovery from a snapshot was not exercised");
            }

            // The client's retry of its unacknowledged request completes it, once.
            assertEquals(204, post(url, body(inFlight)).statusCode(), "retry of the in-flight request");
            Map<String, List<long[]>> after = export(url);
            for (int s = 0; s < SERIES; s++) assertPoints("h" + s, s, after.get("h" + s), inFlight);
            assertEquals(0, second.terminate(Duration.ofSeconds(15)), "SIGTERM exit");
        }
    }

    /** Series {@code s} holds exactly requests 1..count's points, in order, each with its value. */
    private void assertPoints(String name, int s, List<long[]> points, int count) {
        assertEquals(count, points.size(), name);
        for (int n = 1; n <= count; n++) {
            long[] point = points.get(n - 1);
            assertEquals(timestamp(n), point[0], name + ": point " + n + " (a gap, a duplicate or a point never sent)");
            assertEquals(value(n, s), Double.longBitsToDouble(point[1]), name + ": value of point " + n);
        }
    }

    /** host -> [timestamp, value bits] in export order. */
    private static Map<String, List<long[]>> export(String url) throws Exception {
        HttpResponse<String> response = get(url + "/v1/tenants/" + TENANT + "/prom/api/v1/export?match%5B%5D="
                + URLEncoder.encode("dur_v", StandardCharsets.UTF_8));
        assertEquals(200, response.statusCode(), response.body());
        Map<String, List<long[]>> out = new TreeMap<>();
        for (String line : response.body().split("\n")) {
            if (line.isBlank()) continue;
            JsonNode s = JSON.readTree(line);
            List<long[]> points = new ArrayList<>();
            for (int i = 0; i < s.get("timestamps").size(); i++) {
                points.add(new long[] {
                    s.get("timestamps").get(i).asLong(),
                    Double.doubleToLongBits(s.get("values").get(i).asDouble())
                });
            }
            out.put(s.at("/metric/host").asText(), points);
        }
        return out;
    }

    /** Sends requests 1, 2, 3, ... one at a time until the first one without an answer. */
    final class Client implements Runnable {
        final String url;
        volatile int acked;
        volatile int inFlight = -1;
        volatile boolean killIssued;
        volatile String failure;
        private volatile long firstAckNanos;

        Client(String url) {
            this.url = url;
        }

        @Override
        public void run() {
            for (int n = 1; ; n++) {
                HttpResponse<String> response;
                try {
                    response = post(url, body(n));
                } catch (IOException e) {
                    inFlight = n;
                    if (!killIssued) failure = "request " + n + " failed before the kill: " + e;
                    return;
                } catch (InterruptedException e) {
                    inFlight = n;
                    failure = "client interrupted";
                    return;
                }
                if (response.statusCode() != 204) {
                    inFlight = n;
                    failure = "request " + n + " answered " + response.statusCode() + ": " + response.body();
                    return;
                }
                acked = n;
                if (firstAckNanos == 0) firstAckNanos = System.nanoTime();
            }
        }

        Duration ingestingFor() {
            long first = firstAckNanos;
            return first == 0 ? Duration.ZERO : Duration.ofNanos(System.nanoTime() - first);
        }
    }

    private static String ready(NodeProcess node) throws Exception {
        assertEquals(200, node.awaitStatus("/ready", 200, START), () -> "not ready; stderr: " + tail(node));
        return node.url(START);
    }

    private static HttpResponse<String> post(String url, String body) throws IOException, InterruptedException {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(url + "/v1/tenants/" + TENANT + "/influx/write?precision=ms"))
                        .timeout(REQUEST)
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(url)).timeout(REQUEST).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String tail(NodeProcess node) {
        try {
            String text = node.stderr();
            return text.length() > 4000 ? "..." + text.substring(text.length() - 4000) : text;
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }
}
