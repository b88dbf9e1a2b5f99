package io.shardview.multijvm;

import static io.shardview.multijvm.Eventually.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rules evaluated by the packaged node itself: a tenant's rule file put through the ruler API, a recording rule's
 * series written into the tenant, an alert pending then firing, listed by {@code api/v1/rules} and {@code
 * api/v1/alerts} and sent to a real Alertmanager (Debian's prometheus-alertmanager); after a kill -9 and a restart the
 * group goes on from its journaled state: the alert firing since the same moment, and the recorded series with a
 * point at every evaluation time, none missing across the outage and none twice.
 */
class RulesInClusterTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Path ALERTMANAGER = Path.of("/usr/bin/prometheus-alertmanager");
    private static final long INTERVAL = 2_000;

    @TempDir
    Path tmp;

    private final List<AutoCloseable> closing = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) closing.get(i).close();
    }

    @Test
    void rulesRunInTheNodeNotifyAlertmanagerAndGoOnAfterAKill() throws Exception {
        Assumptions.assumeTrue(
                Files.isExecutable(ALERTMANAGER),
                "prometheus-alertmanager is not installed (apt-get install prometheus-alertmanager); .ci/run installs it");
        int alertmanagerPort = freePort();
        Path amConfig = tmp.resolve("alertmanager.yml");
        Files.writeString(amConfig, "route: {receiver: none, group_wait: 1s}\nreceivers: [{name: none}]\n");
        start(
                "alertmanager",
                ALERTMANAGER.toString(),
                "--config.file=" + amConfig,
                "--storage.path=" + tmp.resolve("alertmanager-data"),
                "--web.listen-address=127.0.0.1:" + alertmanagerPort,
                "--cluster.listen-address=");
        String alertmanager = "http://127.0.0.1:" + alertmanagerPort;
        Map<String, String> environment = Map.of("SHARDVIEW_ALERTMANAGER_URLS", alertmanager);

        NodeProcess node = node(environment);
        String url = node.url(Duration.ofSeconds(10));
        String tenant = url + "/v1/tenants/ops";
        AtomicReference<String> writeTo = new AtomicReference<>(url);
        AtomicBoolean writing = writeACounter(writeTo);

        // A file promtool would refuse is refused whole, naming the fault.
        HttpResponse<String> refused = send(
                "PUT",
                tenant + "/rules/api",
                "groups:\n  - name: g\n    rules:\n" + "      - record: bad name\n        expr: up\n");
        assertEquals(400, refused.statusCode(), refused.body());
        assertTrue(refused.body().contains("bad name"), refused.body());

        String rules =
                """
                groups:
                  - name: api
                    interval: 2s
                    rules:
                      - record: job:http_requests:rate5m
                        expr: sum by (job) (rate(http_requests_total[5m]))
                      - alert: Busy
                        expr: job:http_requests:rate5m > 0
                        for: 4s
                        labels: {severity: page}
                        annotations: {summary: "{{ $labels.job }} at {{ $value | humanize }} requests/s"}
                """;
        HttpResponse<String> put = send("PUT", tenant + "/rules/api", rules);
        assertEquals(200, put.statusCode(), put.body());
        assertEquals(rules, send("GET", tenant + "/rules/api", null).body(), "the file as it was put");
        assertTrue(send("GET", tenant + "/rules", null).body().startsWith("api:\n"));

        String prom = tenant + "/prom";
        await(
                "the recorded series in the tenant",
                () -> instant(prom, "job:http_requests:rate5m"),
                r -> r.size() == 1 && r.get(0).at("/metric/job").asText().equals("api"));
        JsonNode firing = await(
                "the alert firing",
                () -> get(prom + "/api/v1/alerts").at("/data/alerts"),
                alerts -> alerts.size() == 1
                        && alerts.get(0).path("state").asText().equals("firing"));
        String activeAt = firing.get(0).path("activeAt").asText();
        assertTrue(firing.get(0).at("/annotations/summary").asText().startsWith("api at "), firing.toString());
        assertEquals("page", firing.get(0).at("/labels/severity").asText());
        JsonNode group = get(prom + "/api/v1/rules").at("/data/groups/0");
        assertEquals("api", group.path("name").asText());
        assertEquals("api", group.path("file").asText());
        assertEquals(2.0, group.path("interval").asDouble());
        assertEquals("ok", group.at("/rules/0/health").asText(), group.toString());
        assertEquals("recording", group.at("/rules/0/type").asText());
        assertEquals("firing", group.at("/rules/1/state").asText());
        assertEquals(4.0, group.at("/rules/1/duration").asDouble());
        assertEquals(
                1,
                get(prom + "/api/v1/rules?type=alert")
                        .at("/data/groups/0/rules")
                        .size());
        assertEquals(
                1,
                instant(prom, "ALERTS{alertname=\"Busy\",alertstate=\"firing\"}")
                        .size());
        await(
                "the alert in Alertmanager",
                () -> get(alertmanager + "/api/v2/alerts"),
                alerts -> alerts.size() == 1
                        && alerts.get(0).at("/labels/alertname").asText().equals("Busy")
                        && alerts.get(0).at("/annotations/summary").asText().startsWith("api at ")
                        && alerts.get(0).at("/status/state").asText().equals("active"));

        // kill -9, some evaluations missed, then the same data directory again. The rule's five-minute window spans
        // the outage however slowly the node comes back: the alert rightly resolves when an outage outlasts it.
        long killedAt = System.currentTimeMillis();
        node.kill9(Duration.ofSeconds(10));
        Thread.sleep(6_000);
        NodeProcess again = node(environment);
        String url2 = again.url(Duration.ofSeconds(10));
        writeTo.set(url2);
        long restartedAt = System.currentTimeMillis();
        String prom2 = url2 + "/v1/tenants/ops/prom";
        JsonNode after = await(
                "the group evaluating again after the restart",
                () -> get(prom2 + "/api/v1/rules").at("/data/groups/0"),
                g -> Instant.parse(g.path("lastEvaluation").asText()).toEpochMilli() > killedAt + 8_000);
        JsonNode stillFiring = get(prom2 + "/api/v1/alerts").at("/data/alerts");
        assertEquals(1, stillFiring.size(), "restarted " + (restartedAt - killedAt) + " ms after the kill: " + after);
        assertEquals("firing", stillFiring.get(0).path("state").asText());
        assertEquals(activeAt, stillFiring.get(0).path("activeAt").asText(), "the alert's state came back whole");
        writing.set(false);

        // Every evaluation time from the first to the last, once: the catch-up filled the outage.
        JsonNode export = exportPoints(prom2, "job:http_requests:rate5m");
        List<Long> times = new ArrayList<>();
        for (JsonNode t : export.path("timestamps")) times.add(t.asLong());
        for (int i = 1; i < times.size(); i++) {
            assertEquals(INTERVAL, times.get(i) - times.get(i - 1), "evaluation times " + times);
        }
        assertTrue(
                times.get(0) < killedAt && times.get(times.size() - 1) > killedAt + 8_000,
                "killed at " + killedAt + ", evaluated at " + times);

        // An alert that resolves is sent resolved: Alertmanager no longer lists it active.
        String levels = "groups:\n  - name: levels\n    interval: 1s\n    rules:\n      - alert: LevelHigh\n"
                + "        expr: level > 5\n";
        assertEquals(
                200, send("PUT", url2 + "/v1/tenants/ops/rules/levels", levels).statusCode());
        level(url2, 10);
        await(
                "LevelHigh active in Alertmanager",
                () -> get(alertmanager + "/api/v2/alerts?filter=alertname%3D%22LevelHigh%22"),
                alerts -> alerts.size() == 1);
        level(url2, 0);
        await(
                "LevelHigh resolved in Alertmanager",
                () -> get(alertmanager + "/api/v2/alerts?filter=alertname%3D%22LevelHigh%22"),
                alerts -> alerts.size() == 0);

        // Deleted: no group runs, none listed.
        assertEquals(
                200, send("DELETE", url2 + "/v1/tenants/ops/rules/api", null).statusCode());
        assertEquals(404, send("GET", url2 + "/v1/tenants/ops/rules/api", null).statusCode());
        assertEquals(1, get(prom2 + "/api/v1/rules").at("/data/groups").size(), "levels is left");
    }

    private static void level(String url, double value) throws Exception {
        String line = "{\"metric\":{\"__name__\":\"level\"},\"values\":[" + value + "],\"timestamps\":["
                + System.currentTimeMillis() + "]}\n";
        assertEquals(
                204,
                send("POST", url + "/v1/tenants/ops/prom/api/v1/import", line).statusCode());
    }

    /**
     * A counter growing by one a second in tenant ops, written to the node {@code writeTo} names (a restarted node
     * listens on another port) until the returned flag is cleared. Were it left on the killed node, a slow restart
     * would leave the rule's window without new samples.
     */
    private AtomicBoolean writeACounter(AtomicReference<String> writeTo) {
        AtomicBoolean writing = new AtomicBoolean(true);
        Thread writer = new Thread(() -> {
            long value = 0;
            while (writing.get()) {
                String line = "{\"metric\":{\"__name__\":\"http_requests_total\",\"job\":\"api\"},\"values\":["
                        + value++ + "],\"timestamps\":[" + System.currentTimeMillis() + "]}\n";
                try {
                    send("POST", writeTo.get() + "/v1/tenants/ops/prom/api/v1/import", line);
                } catch (Exception e) {
                    // the node is down for a while: the counter goes on
                }
                try {
                    Thread.sleep(1_000);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        writer.start();
        closing.add(() -> {
            writing.set(false);
            writer.join(5_000);
        });
        return writing;
    }

    private NodeProcess node(Map<String, String> environment) throws Exception {
        NodeProcess node = NodeProcess.serve(
                tmp.resolve("logs-" + closing.size()),
                environment,
                "--data-dir",
                tmp.resolve("data").toString());
        closing.add(node);
        assertEquals(200, node.awaitStatus("/ready", 200, Duration.ofSeconds(120)));
        return node;
    }

    private void start(String name, String... command) throws Exception {
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(tmp.resolve(name + ".log").toFile())
                .start();
        closing.add(() -> {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly();
        });
    }

    private static int freePort() throws Exception {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static JsonNode instant(String prom, String query) throws Exception {
        return get(prom + "/api/v1/query?query=" + URLEncoder.encode(query, StandardCharsets.UTF_8))
                .at("/data/result");
    }

    /** The one series {@code name} as exported (JSON lines): its timestamps and values. */
    private static JsonNode exportPoints(String prom, String name) throws Exception {
        String body = send("GET", prom + "/api/v1/export?match[]=" + name + "&start=0", null)
                .body()
                .strip();
        assertEquals(1, body.lines().count(), body);
        return JSON.readTree(body);
    }

    private static JsonNode get(String url) throws Exception {
        HttpResponse<String> response = send("GET", url, null);
        if (response.statusCode() != 200) throw new AssertionError(url + " answered " + response.statusCode());
        return JSON.readTree(response.body());
    }

    private static HttpResponse<String> send(String method, String url, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20));
        request.method(
                method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
