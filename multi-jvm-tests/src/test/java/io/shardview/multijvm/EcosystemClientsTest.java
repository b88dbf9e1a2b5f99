package io.shardview.multijvm;

import static io.shardview.multijvm.Eventually.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Clients of the Prometheus and VictoriaMetrics ecosystem, unmodified, from Debian's packages (.ci/run installs
 * victoria-metrics, prometheus-alertmanager and prometheus), against a tenant of the packaged node as if it were
 * Prometheus or VictoriaMetrics (docs/api.md, "Clients"):
 *
 * <ul>
 *   <li>the OpenTelemetry Java SDK exports a counter, a histogram and a gauge over OTLP/HTTP into a tenant.
 *   <li>vmagent scrapes the node's own {@code /metrics} and remote-writes them into a tenant, with the admin token.
 *   <li>vmalert evaluates a recording and an alerting rule against the tenant, writes their series back through
 *       remote_write, notifies a real Alertmanager, and after a restart restores the alert's state from the tenant's
 *       {@code ALERTS_FOR_STATE}.
 *   <li>vmctl migrates a Prometheus TSDB (blocks promtool made from OpenMetrics) into a tenant, pinging the base URL's
 *       {@code /health} first as it does VictoriaMetrics'; promtool lists the series and a label's values.
 * </ul>
 */
class EcosystemClientsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Path VMALERT = Path.of("/usr/bin/vmalert");
    private static final Path VMCTL = Path.of("/usr/bin/vmctl");
    private static final Path VMAGENT = Path.of("/usr/bin/vmagent");
    private static final Path ALERTMANAGER = Path.of("/usr/bin/prometheus-alertmanager");
    private static final Path PROMTOOL = Path.of("/usr/bin/promtool");
    private static final String ADMIN = "ecosystem-test-admin-token-0123456789";

    @TempDir
    Path tmp;

    private final List<AutoCloseable> closing = new ArrayList<>();
    /** The node the test started last. */
    private NodeProcess started;

    @AfterEach
    void close() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) closing.get(i).close();
    }

    @Test
    void vmalertRecordsAlertsNotifiesAlertmanagerAndRestoresItsStateFromTheTenant() throws Exception {
        assumeInstalled(VMALERT, "victoria-metrics");
        assumeInstalled(ALERTMANAGER, "prometheus-alertmanager");
        String url = node();
        String tenant = url + "/v1/tenants/ops/prom";

        // A counter that grows by one every second, written as a scraper would.
        AtomicBoolean writing = new AtomicBoolean(true);
        Thread writer = new Thread(() -> {
            long value = 0;
            while (writing.get()) {
                String line = "{\"metric\":{\"__name__\":\"http_requests_total\",\"job\":\"api\"},\"values\":["
                        + value++ + "],\"timestamps\":[" + System.currentTimeMillis() + "]}\n";
                try {
                    post(tenant + "/api/v1/import", "application/x-ndjson", line);
                    Thread.sleep(1_000);
                } catch (Exception e) {
                    return;
                }
            }
        });
        writer.start();
        closing.add(() -> {
            writing.set(false);
            writer.join(5_000);
        });

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

        Path rules = tmp.resolve("rules.yml");
        Files.writeString(
                rules,
                """
                groups:
                  - name: api
                    interval: 2s
                    rules:
                      - record: job:http_requests:rate1m
                        expr: sum by (job) (rate(http_requests_total[1m]))
                      - alert: Busy
                        expr: job:http_requests:rate1m > 0
                        for: 6s
                        labels: {severity: page}
                        annotations: {summary: "{{ $labels.job }} at {{ $value | humanize }} requests/s"}
                """);
        int vmalertPort = freePort();
        List<String> vmalert = List.of(
                VMALERT.toString(),
                "-rule=" + rules,
                "-datasource.url=" + tenant,
                "-remoteWrite.url=" + tenant,
                "-remoteRead.url=" + tenant,
                "-notifier.url=" + alertmanager,
                "-httpListenAddr=127.0.0.1:" + vmalertPort,
                "-evaluationInterval=2s");
        String vmalertUrl = "http://127.0.0.1:" + vmalertPort;
        Process first = start("vmalert", vmalert.toArray(String[]::new));

        // The recording rule's series, written back into the tenant, and the alert firing after its 6 s.
        await(
                "the recorded series in the tenant",
                () -> instant(tenant, "job:http_requests:rate1m"),
                r -> r.size() == 1
                        && r.get(0).at("/metric/job").asText().equals("api")
                        && Double.parseDouble(r.get(0).at("/value/1").asText()) > 0);
        JsonNode firing = await(
                "the alert firing in vmalert",
                () -> get(vmalertUrl + "/api/v1/alerts").at("/data/alerts"),
                alerts -> alerts.size() == 1
                        && alerts.get(0).path("state").asText().equals("firing"));
        String activeAt = firing.get(0).path("activeAt").asText();
        assertTrue(firing.get(0).at("/annotations/summary").asText().startsWith("api at "), firing.toString());
        await(
                "ALERTS and ALERTS_FOR_STATE in the tenant",
                () -> instant(tenant, "ALERTS{alertstate=\"firing\"}"),
                r -> r.size() == 1);
        assertEquals(1, instant(tenant, "ALERTS_FOR_STATE{alertname=\"Busy\"}").size());
        await(
                "the alert in Alertmanager",
                () -> get(alertmanager + "/api/v2/alerts"),
                alerts -> alerts.size() == 1
                        && alerts.get(0).at("/labels/alertname").asText().equals("Busy")
                        && alerts.get(0).at("/status/state").asText().equals("active"));

        // A restarted vmalert reads the alert's state back from the tenant: firing since the same moment.
        first.destroy();
        assertTrue(first.waitFor(10, TimeUnit.SECONDS));
        start("vmalert-restarted", vmalert.toArray(String[]::new));
        JsonNode restored = await(
                "the alert restored",
                () -> get(vmalertUrl + "/api/v1/alerts").at("/data/alerts"),
                alerts -> alerts.size() == 1
                        && alerts.get(0).path("restored").asBoolean()
                        && alerts.get(0).path("state").asText().equals("firing"));
        assertEquals(
                java.time.Instant.parse(activeAt).getEpochSecond(),
                java.time.Instant.parse(restored.get(0).path("activeAt").asText())
                        .getEpochSecond(),
                "restored to the moment it became active: " + activeAt + " / " + restored);
    }

    @Test
    void vmctlMigratesAPrometheusTsdbIntoATenant() throws Exception {
        assumeInstalled(VMCTL, "victoria-metrics");
        assumeInstalled(PROMTOOL, "prometheus");
        String url = node(Map.of("SHARDVIEW_ADMIN_TOKEN", ADMIN)); // vmctl sends the token as a Basic password

        // Two hours of a gauge a minute apart, as Prometheus blocks: history beyond the out-of-order window, sent to
        // the tenant's backfill base, as vmctl imports blocks in parallel.
        long start = System.currentTimeMillis() / 1000 - 7_200;
        StringBuilder openMetrics =
                new StringBuilder("# HELP temp_celsius A temperature.\n# TYPE temp_celsius gauge\n");
        for (int i = 0; i < 120; i++) {
            openMetrics
                    .append("temp_celsius{room=\"a\"} ")
                    .append(20 + i % 7)
                    .append(' ')
                    .append(start + i * 60L)
                    .append('\n');
        }
        openMetrics.append("# EOF\n");
        Path source = tmp.resolve("metrics.om");
        Files.writeString(source, openMetrics);
        Path blocks = tmp.resolve("blocks");
        RealPrometheus.promtool("tsdb", "create-blocks-from", "openmetrics", source.toString(), blocks.toString());

        // vmctl draws a progress bar on a terminal: script gives it one.
        String vmctl = String.join(
                " ",
                VMCTL.toString(),
                "prometheus",
                "--prom-snapshot=" + blocks,
                "--vm-addr=" + url + "/v1/tenants/mig/prom/backfill",
                "-s",
                "--vm-disable-progress-bar",
                "--vm-user=vmctl",
                "--vm-password=" + ADMIN);
        // Debian's vmctl (1.79) now and then sends one block of the two and reports the other's samples as not sent
        // ("total samples: 93" of "samples: 120", one import request), exiting 0: the migration is run again then, as
        // its user would (points sent twice keep one value each), and the node must hold every point vmctl sent.
        String log = "";
        for (int attempt = 0; attempt < 5 && !log.contains("total samples: 120;"); attempt++) {
            Process migration = new ProcessBuilder("script", "-q", "-c", vmctl, "/dev/null")
                    .redirectErrorStream(true)
                    .redirectOutput(tmp.resolve("vmctl.log").toFile())
                    .start();
            assertTrue(migration.waitFor(120, TimeUnit.SECONDS), "vmctl did not finish");
            log = Files.readString(tmp.resolve("vmctl.log"));
            assertEquals(0, migration.exitValue(), log);
            assertTrue(log.contains("Import finished!"), log);
        }
        assertTrue(log.contains("samples: 120;") && log.contains("total samples: 120;"), log);

        HttpResponse<String> exported = HTTP.send(
                HttpRequest.newBuilder(URI.create(url + "/v1/tenants/mig/prom/api/v1/export?match[]="
                                + URLEncoder.encode("{__name__=\"temp_celsius\"}", StandardCharsets.UTF_8)))
                        .header("Authorization", "Bearer " + ADMIN)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, exported.statusCode(), exported.body());
        JsonNode series = JSON.readTree(exported.body().trim());
        assertEquals("a", series.at("/metric/room").asText(), exported.body());
        assertEquals(120, series.get("values").size(), exported.body());
        for (int i = 0; i < 120; i++) {
            assertEquals(
                    (start + i * 60L) * 1000, series.get("timestamps").get(i).asLong());
            assertEquals(20 + i % 7, series.get("values").get(i).asDouble(), 0.0);
        }

        // promtool, Prometheus's own client, lists the migrated series and the values of its label; 2.42 has no HTTP
        // client configuration, so its token rides in the URL's user info, sent as Basic credentials.
        String base = url.replace("://", "://promtool:" + ADMIN + "@") + "/v1/tenants/mig/prom";
        String listed = RealPrometheus.promtool("query", "series", "--match=temp_celsius", base);
        assertTrue(listed.contains("temp_celsius") && listed.contains("room=\"a\""), listed);
        String values = RealPrometheus.promtool("query", "labels", base, "room").trim();
        if (!values.equals("a")) { // seen once in CI, not reproduced: say what the API answers now, and the node's log
            fail("promtool listed the values [" + values + "] of room after listing the series; the API now: "
                    + asAdmin(url + "/v1/tenants/mig/prom/api/v1/label/room/values")
                    + ", series: " + asAdmin(url + "/v1/tenants/mig/prom/api/v1/series?match%5B%5D=temp_celsius")
                    + "\nnode:\n" + String.join("\n", started.stdout()) + "\n" + started.stderr());
        }
    }

    @Test
    void vmagentScrapesTheNodeAndRemoteWritesIntoATenant() throws Exception {
        assumeInstalled(VMAGENT, "victoria-metrics");
        String url = node(Map.of("SHARDVIEW_ADMIN_TOKEN", ADMIN));
        Path token = tmp.resolve("token");
        Files.writeString(token, ADMIN);
        Path scrape = tmp.resolve("scrape.yml");
        Files.writeString(
                scrape,
                "global: {scrape_interval: 2s}\n"
                        + "scrape_configs:\n"
                        + "  - job_name: shardview\n"
                        + "    authorization: {credentials_file: " + token + "}\n"
                        + "    static_configs: [{targets: ['" + URI.create(url).getAuthority() + "']}]\n");
        start(
                "vmagent",
                VMAGENT.toString(),
                "-promscrape.config=" + scrape,
                "-remoteWrite.url=" + url + "/v1/tenants/ops/prom/api/v1/write",
                "-remoteWrite.bearerToken=" + ADMIN,
                "-remoteWrite.tmpDataPath=" + tmp.resolve("vmagent-data"),
                "-httpListenAddr=127.0.0.1:" + freePort());
        String tenant = url + "/v1/tenants/ops/prom";
        await(
                "the node's own series in the tenant",
                () -> authorized(tenant, "up{job=\"shardview\"}"),
                r -> r.size() == 1 && r.get(0).at("/value/1").asText().equals("1"));
        JsonNode requests = authorized(tenant, "sum(shardview_http_request_duration_seconds_count) > 0");
        assertEquals(1, requests.size(), requests.toString());
    }

    @Test
    void prometheusRemoteWritesItsScrapesWithTheirMetadata() throws Exception {
        RealPrometheus.assumeInstalled();
        String url = node(Map.of("SHARDVIEW_ADMIN_TOKEN", ADMIN));
        Path token = tmp.resolve("token");
        Files.writeString(token, ADMIN);
        String tenant = url + "/v1/tenants/ops/prom";
        try (RealPrometheus prometheus = RealPrometheus.start(
                tmp,
                "global: {scrape_interval: 2s}\n"
                        + "scrape_configs:\n"
                        + "  - job_name: shardview\n"
                        + "    authorization: {credentials_file: " + token + "}\n"
                        + "    static_configs: [{targets: ['" + URI.create(url).getAuthority() + "']}]\n"
                        + "remote_write:\n"
                        + "  - url: " + tenant + "/api/v1/write\n"
                        + "    authorization: {credentials_file: " + token + "}\n"
                        + "    metadata_config: {send_interval: 2s}\n")) {
            // The TYPE and HELP of the node's own histogram, as Prometheus scraped them and sent them on.
            JsonNode described = await(
                    "the metadata Prometheus sent",
                    () -> authorizedGet(tenant + "/api/v1/metadata?metric=shardview_http_request_duration_seconds")
                            .at("/data/shardview_http_request_duration_seconds/0"),
                    entry -> entry.path("type").asText().equals("histogram"));
            assertTrue(described.path("help").asText().startsWith("HTTP requests served"), described.toString());
        }
    }

    @Test
    void theOpenTelemetryJavaSdkExportsOverOtlpIntoATenant() throws Exception {
        String url = node(Map.of("SHARDVIEW_ADMIN_TOKEN", ADMIN));
        String tenant = url + "/v1/tenants/otel/prom";
        var exporter = io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter.builder()
                .setEndpoint(url + "/v1/tenants/otel/otlp/v1/metrics")
                .addHeader("Authorization", "Bearer " + ADMIN)
                .build();
        var resource = io.opentelemetry.sdk.resources.Resource.getDefault()
                .merge(io.opentelemetry.sdk.resources.Resource.create(io.opentelemetry.api.common.Attributes.of(
                        io.opentelemetry.api.common.AttributeKey.stringKey("service.name"), "checkout",
                        io.opentelemetry.api.common.AttributeKey.stringKey("service.instance.id"), "i-1")));
        var provider = io.opentelemetry.sdk.metrics.SdkMeterProvider.builder()
                .setResource(resource)
                .registerMetricReader(io.opentelemetry.sdk.metrics.export.PeriodicMetricReader.builder(exporter)
                        .setInterval(Duration.ofSeconds(1))
                        .build())
                .build();
        closing.add(provider::close);
        var meter = provider.get("ecosystem-test");
        var region = io.opentelemetry.api.common.AttributeKey.stringKey("region");
        meter.counterBuilder("orders.placed")
                .setUnit("{order}")
                .setDescription("Orders placed.")
                .build()
                .add(5, io.opentelemetry.api.common.Attributes.of(region, "eu"));
        var duration = meter.histogramBuilder("checkout.duration").setUnit("s").build();
        duration.record(0.2);
        duration.record(1.5);
        meter.gaugeBuilder("queue.depth").buildWithCallback(gauge -> gauge.record(7));
        // The SDK's totals are cumulative, so a flush sent again carries every point; the first export to a fresh node
        // once outlasted the exporter's 10 s timeout on a loaded 2-core machine.
        boolean flushed = false;
        for (int attempt = 0; attempt < 3 && !flushed; attempt++) {
            flushed = provider.forceFlush().join(30, TimeUnit.SECONDS).isSuccess();
        }
        assertTrue(flushed, "the exporter's flush succeeded (in three attempts)");

        // As Prometheus's OTLP receiver names them: unit suffixes, _total for counters, job and instance from the
        // resource, the other resource attributes on target_info.
        JsonNode orders = authorized(tenant, "orders_placed_total");
        assertEquals(1, orders.size(), orders.toString());
        assertEquals("5", orders.get(0).at("/value/1").asText());
        assertEquals("checkout", orders.get(0).at("/metric/job").asText());
        assertEquals("i-1", orders.get(0).at("/metric/instance").asText());
        assertEquals("eu", orders.get(0).at("/metric/region").asText());
        assertEquals(
                "2",
                authorized(tenant, "checkout_duration_seconds_count")
                        .get(0)
                        .at("/value/1")
                        .asText());
        // the SDK's default bounds are 0, 5, 10, 25, ...: both 0.2 and 1.5 are at or below 5
        assertEquals(
                "2",
                authorized(tenant, "checkout_duration_seconds_bucket{le=\"5\"}")
                        .get(0)
                        .at("/value/1")
                        .asText());
        assertEquals(
                "7", authorized(tenant, "queue_depth").get(0).at("/value/1").asText());
        JsonNode info = authorized(tenant, "target_info");
        assertEquals("java", info.get(0).at("/metric/telemetry_sdk_language").asText(), info.toString());
        JsonNode described = authorizedGet(tenant + "/api/v1/metadata?metric=orders_placed_total")
                .at("/data/orders_placed_total/0");
        assertEquals("counter", described.path("type").asText(), described.toString());
        assertEquals("Orders placed.", described.path("help").asText());
    }

    @Test
    void prometheusReadsATenantThroughRemoteRead() throws Exception {
        RealPrometheus.assumeInstalled();
        String url = node(Map.of("SHARDVIEW_ADMIN_TOKEN", ADMIN));
        long now = System.currentTimeMillis();
        StringBuilder points = new StringBuilder();
        for (int s = 0; s < 2; s++) {
            points.append("{\"metric\":{\"__name__\":\"remote_only\",\"shard\":\"")
                    .append(s)
                    .append("\"},\"values\":[");
            for (int i = 0; i < 30; i++) points.append(i == 0 ? "" : ",").append(s * 100 + i);
            points.append("],\"timestamps\":[");
            for (int i = 0; i < 30; i++) points.append(i == 0 ? "" : ",").append(now - 300_000 + i * 10_000L);
            points.append("]}\n");
        }
        HttpResponse<String> stored = HTTP.send(
                HttpRequest.newBuilder(URI.create(url + "/v1/tenants/rr/prom/api/v1/import"))
                        .header("Authorization", "Bearer " + ADMIN)
                        .POST(HttpRequest.BodyPublishers.ofString(points.toString()))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(204, stored.statusCode(), stored.body());

        Path token = tmp.resolve("token");
        Files.writeString(token, ADMIN);
        try (RealPrometheus prometheus = RealPrometheus.start(
                tmp,
                "global: {scrape_interval: 1h}\n"
                        + "remote_read:\n"
                        + "  - url: " + url + "/v1/tenants/rr/prom/api/v1/read\n"
                        + "    read_recent: true\n"
                        + "    authorization: {credentials_file: " + token + "}\n")) {
            // Prometheus holds nothing of its own: what it answers came from the tenant, over remote read.
            JsonNode counted = await(
                    "Prometheus to answer from the tenant",
                    () -> get(prometheus.url() + "/api/v1/query?query="
                                    + URLEncoder.encode("count_over_time(remote_only[10m])", StandardCharsets.UTF_8))
                            .at("/data/result"),
                    result -> result.size() == 2);
            for (JsonNode series : counted)
                assertEquals("30", series.at("/value/1").asText(), counted.toString());
            JsonNode last = get(prometheus.url() + "/api/v1/query?query=remote_only%7Bshard%3D%221%22%7D")
                    .at("/data/result");
            assertEquals("129", last.get(0).at("/value/1").asText(), last.toString());
            JsonNode none = get(prometheus.url() + "/api/v1/query?query="
                            + URLEncoder.encode("remote_only{shard=\"9\"}", StandardCharsets.UTF_8))
                    .at("/data/result");
            assertEquals(0, none.size(), none.toString());
        }
    }

    private String node() throws Exception {
        return node(Map.of());
    }

    private String node(Map<String, String> environment) throws Exception {
        NodeProcess node = NodeProcess.serve(
                tmp.resolve("logs"),
                environment,
                "--data-dir",
                tmp.resolve("data").toString());
        closing.add(node);
        started = node;
        assertEquals(200, node.awaitStatus("/ready", 200, Duration.ofSeconds(120)));
        return node.url(Duration.ofSeconds(10));
    }

    private Process start(String name, String... command) throws Exception {
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(tmp.resolve(name + ".log").toFile())
                .start();
        closing.add(() -> {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly();
        });
        return process;
    }

    private static void assumeInstalled(Path binary, String debianPackage) {
        Assumptions.assumeTrue(
                Files.isExecutable(binary),
                binary + " is not installed (apt-get install " + debianPackage + "); .ci/run installs it");
    }

    private static int freePort() throws Exception {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static JsonNode instant(String tenant, String query) throws Exception {
        return get(tenant + "/api/v1/query?query=" + URLEncoder.encode(query, StandardCharsets.UTF_8))
                .at("/data/result");
    }

    private static JsonNode authorized(String tenant, String query) throws Exception {
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(URI.create(
                                tenant + "/api/v1/query?query=" + URLEncoder.encode(query, StandardCharsets.UTF_8)))
                        .header("Authorization", "Bearer " + ADMIN)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) throw new AssertionError(query + " answered " + response.statusCode());
        return JSON.readTree(response.body()).at("/data/result");
    }

    private static JsonNode authorizedGet(String url) throws Exception {
        HttpResponse<String> response = adminGet(url);
        if (response.statusCode() != 200) throw new AssertionError(url + " answered " + response.statusCode());
        return JSON.readTree(response.body());
    }

    /** A GET with the admin token. */
    private static HttpResponse<String> adminGet(String url) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(url))
                        .header("Authorization", "Bearer " + ADMIN)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode get(String url) throws Exception {
        HttpResponse<String> response =
                HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) throw new AssertionError(url + " answered " + response.statusCode());
        return JSON.readTree(response.body());
    }

    /** The body of a GET with the admin token, whatever its status. */
    private static String asAdmin(String url) throws Exception {
        HttpResponse<String> response = adminGet(url);
        return response.statusCode() + " " + response.body();
    }

    private static void post(String url, String type, String body) throws Exception {
        HTTP.send(
                HttpRequest.newBuilder(URI.create(url))
                        .header("Content-Type", type)
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.discarding());
    }
}
