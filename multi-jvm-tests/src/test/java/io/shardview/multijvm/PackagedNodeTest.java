package io.shardview.multijvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.CodedOutputStream;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.InputStreamReader;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.xerial.snappy.Snappy;

/**
 * The packaged node as a user runs it: started by {@code ./shardview serve} on a fresh data directory, in its own JVM,
 * and driven over HTTP through every documented endpoint and every ingest format, remote_write in the exact encoding
 * Prometheus sends. What the in-process tests cannot see (a jar missing from the class path, a config key read only by
 * the launcher's JVM) fails here.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PackagedNodeTest {
    private static final Duration START = Duration.ofSeconds(90);

    @TempDir
    static Path tmp;

    private NodeProcess node;
    private NodeClient client;

    @BeforeAll
    void start() throws Exception {
        node = NodeProcess.serve(tmp, "--data-dir", tmp.resolve("data").toString());
        assertEquals(200, node.awaitStatus("/ready", 200, START), () -> stderr());
        client = new NodeClient(node.url(START));
    }

    @AfterAll
    void stop() throws Exception {
        int exit = node.terminate(Duration.ofSeconds(30));
        assertEquals(0, exit, this::stderr);
    }

    private String stderr() {
        try {
            return node.stderr();
        } catch (Exception e) {
            return "(no stderr: " + e + ")";
        }
    }

    // ---- node endpoints -----------------------------------------------------------------------

    @Test
    void nodeEndpointsAnswerAsDocumented() throws Exception {
        assertEquals("ok", client.get("/health").json().path("status").asText());
        assertEquals("ready", client.get("/ready").json().path("status").asText());
        JsonNode cluster = client.get("/v1/cluster").json();
        assertEquals("default", cluster.path("region").asText());
        assertEquals(1, cluster.path("members").size(), cluster::toString);
        assertEquals("Up", cluster.path("members").get(0).path("status").asText());
        assertEquals(cluster.path("self").asText(), cluster.path("leader").asText());
        String metrics = client.get("/metrics").body();
        for (String series : List.of(
                "shardview_http_request_duration_seconds_bucket",
                "shardview_internal_errors_total",
                "shardview_journal_writes_total",
                "jvm_memory_used_bytes")) {
            assertTrue(metrics.contains(series), series + " in /metrics");
        }
        NodeClient.Reply unknown = client.get("/no/such/path");
        assertEquals(404, unknown.status());
        assertEquals("not_found", unknown.errorCode());
        NodeClient.Reply wrongMethod = client.post("/health", "text/plain", "");
        assertEquals(405, wrongMethod.status());
        assertEquals("method_not_allowed", wrongMethod.errorCode());
        assertEquals("GET", wrongMethod.header("Allow"));
    }

    // ---- tenant circuits ----------------------------------------------------------------------

    @Test
    void tenantSqlIngestReadsQueriesAndListingWorkInEveryDocumentedForm() throws Exception {
        String t = "/v1/tenants/shop";
        NodeClient.Reply table = client.sql(
                "shop",
                "CREATE TABLE orders (id BIGINT NOT NULL, customer VARCHAR NOT NULL, "
                        + "amount INT, PRIMARY KEY (id))");
        assertEquals(200, table.status(), table::toString);
        assertEquals(1, table.json().path("version").asLong());
        NodeClient.Reply plain = client.post(
                t + "/sql",
                "text/plain",
                "CREATE VIEW totals AS SELECT customer, COUNT(*) AS n, SUM(amount) AS spent FROM orders GROUP BY customer");
        assertEquals(200, plain.status(), plain::toString);
        NodeClient.Reply json = client.post(
                t + "/sql",
                "application/json",
                "{\"sql\": \"CREATE VIEW big AS SELECT id, amount FROM orders WHERE amount >= 100\"}",
                "Idempotency-Key",
                "v-big");
        assertEquals(200, json.status(), json::toString);
        NodeClient.Reply again = client.post(
                t + "/sql",
                "application/json",
                "{\"sql\": \"CREATE VIEW big AS SELECT id, amount FROM orders WHERE amount >= 100\"}",
                "Idempotency-Key",
                "v-big");
        assertEquals(200, again.status(), again::toString);
        assertTrue(again.json().path("duplicate").asBoolean(), again::toString);
        assertEquals(json.json().path("version"), again.json().path("version"));

        NodeClient.Reply batch = client.ingest(
                "shop",
                "{\"batch_id\": \"b1\", \"ops\": ["
                        + "{\"op\": \"insert\", \"table\": \"orders\", \"row\": {\"id\": 1, \"customer\": \"ann\", \"amount\": 120}},"
                        + "{\"op\": \"insert\", \"table\": \"orders\", \"row\": {\"id\": 2, \"customer\": \"bob\", \"amount\": 40}},"
                        + "{\"op\": \"upsert\", \"table\": \"orders\", \"row\": {\"id\": 3, \"customer\": \"ann\", \"amount\": 15}}]}");
        assertEquals(200, batch.status(), batch::toString);
        assertEquals(4, batch.json().path("version").asLong());
        assertEquals(1, batch.json().at("/views/big/inserted").asLong());
        NodeClient.Reply ndjson = client.post(
                t + "/ingest",
                "application/x-ndjson",
                "{\"op\": \"update\", \"table\": \"orders\", \"row\": {\"id\": 2, \"customer\": \"bob\", \"amount\": 400}}\n"
                        + "{\"op\": \"delete\", \"table\": \"orders\", \"key\": {\"id\": 3}}\n",
                "Idempotency-Key",
                "b2");
        assertEquals(200, ndjson.status(), ndjson::toString);
        NodeClient.Reply retried = client.post(
                t + "/ingest",
                "application/x-ndjson",
                "{\"op\": \"delete\", \"table\": \"orders\", \"key\": {\"id\": 3}}\n",
                "Idempotency-Key",
                "b2");
        assertTrue(retried.json().path("duplicate").asBoolean(), retried::toString);

        JsonNode totals = client.get(t + "/views/totals").json();
        assertEquals(5, totals.path("version").asLong());
        assertEquals(2, totals.path("count").asLong());
        assertEquals("ann", totals.at("/rows/0/customer").asText());
        assertEquals(120, totals.at("/rows/0/spent").asLong());
        JsonNode page = client.get(t + "/views/big?limit=1").json();
        assertEquals(1, page.path("rows").size());
        assertNotNull(page.path("next").textValue(), page::toString);
        JsonNode rest = client.get(
                        t + "/views/big?limit=1&after=" + page.path("next").asText())
                .json();
        assertEquals(1, rest.path("rows").size());
        assertTrue(rest.path("next").isNull(), rest::toString);
        assertEquals(page.path("hash"), rest.path("hash"));
        JsonNode orders = client.get(t + "/tables/orders").json();
        assertEquals(2, orders.path("count").asLong());
        JsonNode described = client.get(t).json();
        assertEquals(List.of("totals", "big"), names(described.path("views"))); // in creation order
        JsonNode stale =
                client.get(t + "/views/totals?min_version=99&wait_ms=200").json();
        assertTrue(stale.path("stale").asBoolean(), stale::toString);

        NodeClient.Reply query = client.post(
                t + "/query",
                "application/json",
                "{\"sql\": \"SELECT customer, amount FROM orders WHERE amount > 100 ORDER BY amount\"}");
        assertEquals(200, query.status(), query::toString);
        assertEquals(2, query.json().path("rows").size());

        NodeClient.Reply typo = client.sql("shop", "CREATE VIEW v AS\n  SELEC id FROM orders");
        assertEquals(400, typo.status(), typo::toString);
        assertEquals("syntax_error", typo.errorCode());
        assertEquals(2, typo.json().at("/error/details/line").asInt(), typo::toString);
        NodeClient.Reply unknownTenant =
                client.ingest("nobody", "{\"ops\": [{\"op\": \"insert\", \"table\": \"t\", \"row\": {\"k\": 1}}]}");
        assertEquals(404, unknownTenant.status(), unknownTenant::toString);
        assertTrue(unknownTenant.json().at("/error/message").asText().contains("nobody"), unknownTenant::toString);

        assertEquals(200, client.sql("other", "CREATE TABLE t (k INT)").status());
        JsonNode first = client.get("/v1/tenants?limit=1").json();
        assertEquals(1, first.path("tenants").size(), first::toString);
        String after = first.path("next").asText();
        JsonNode all = client.get("/v1/tenants?limit=1000").json();
        List<String> listed = names(all.path("tenants"));
        assertTrue(listed.containsAll(List.of("other", "shop")) && !listed.contains("nobody"), all::toString);
        assertTrue(all.path("next").isNull());
        assertEquals(
                listed.get(1),
                client.get("/v1/tenants?limit=1&after=" + after)
                        .json()
                        .at("/tenants/0/name")
                        .asText());
    }

    @Test
    void changeStreamsDeliverTheSnapshotThenEveryChangeAsSseAndNdjson() throws Exception {
        String t = "/v1/tenants/feed";
        assertEquals(
                200,
                client.sql(
                                "feed",
                                "CREATE TABLE e (id BIGINT NOT NULL, v INT, PRIMARY KEY (id));"
                                        + "CREATE VIEW pos AS SELECT id, v FROM e WHERE v > 0")
                        .status());
        assertEquals(
                200,
                client.ingest(
                                "feed",
                                "{\"ops\": [{\"op\": \"insert\", \"table\": \"e\", \"row\": {\"id\": 1, \"v\": 5}}]}")
                        .status());

        CompletableFuture<Void> snapshotRead = new CompletableFuture<>();
        CompletableFuture<List<String>> sse =
                lines(t + "/views/pos/changes", "text/event-stream", 2, "data:", snapshotRead);
        CompletableFuture<List<String>> ndjson =
                lines(t + "/views/pos/changes?from=2", "application/x-ndjson", 1, "{", new CompletableFuture<>());
        snapshotRead.get(30, TimeUnit.SECONDS); // the stream without `from` is open: the next batch is a change in it
        assertEquals(
                200,
                client.ingest(
                                "feed",
                                "{\"ops\": [{\"op\": \"insert\", \"table\": \"e\", \"row\": {\"id\": 2, \"v\": 7}}]}")
                        .status());

        List<String> events = sse.get(30, TimeUnit.SECONDS);
        JsonNode snapshot = NodeClient.JSON.readTree(events.get(0).substring("data:".length()));
        assertTrue(snapshot.path("snapshot").asBoolean(), snapshot::toString);
        assertEquals(1, snapshot.path("inserted").size());
        JsonNode change = NodeClient.JSON.readTree(events.get(1).substring("data:".length()));
        assertEquals(3, change.path("version").asLong());
        assertEquals(2, change.at("/inserted/0/id").asLong());
        JsonNode line =
                NodeClient.JSON.readTree(ndjson.get(30, TimeUnit.SECONDS).get(0));
        assertEquals(3, line.path("version").asLong(), line::toString);
    }

    /** The first {@code count} lines starting with {@code prefix} of a streamed response. */
    /** The first {@code count} lines starting with {@code prefix} of a stream; {@code first} completes at the first. */
    private CompletableFuture<List<String>> lines(
            String path, String accept, int count, String prefix, CompletableFuture<Void> first) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(client.url + path))
                .header("Accept", accept)
                .GET()
                .build();
        return HttpClient.newHttpClient()
                .sendAsync(request, HttpResponse.BodyHandlers.ofInputStream())
                .thenApply(response -> {
                    List<String> out = new ArrayList<>();
                    try (InputStream body = response.body();
                            BufferedReader reader =
                                    new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
                        for (String line; out.size() < count && (line = reader.readLine()) != null; ) {
                            if (line.startsWith(prefix)) {
                                out.add(line);
                                first.complete(null);
                            }
                        }
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                    return out;
                });
    }

    private static List<String> names(JsonNode objects) {
        List<String> names = new ArrayList<>();
        objects.forEach(o -> names.add(o.path("name").asText()));
        return names;
    }

    // ---- metrics ------------------------------------------------------------------------------

    @Test
    void everyIngestFormatStoresWhatExportReturns() throws Exception {
        String b = "/v1/tenants/metrics/prom/api/v1";
        long now = System.currentTimeMillis() / 1000 * 1000;
        Map<String, Double> before = ingestedByFormat();
        byte[] writeRequest = Snappy.compress(writeRequest(
                "rw_total", Map.of("job", "rw"), new long[] {now - 2000, now - 1000}, new double[] {1, 2}));
        NodeClient.Reply remoteWrite = client.post(
                b + "/write",
                "application/x-protobuf",
                writeRequest,
                "Content-Encoding",
                "snappy",
                "X-Prometheus-Remote-Write-Version",
                "0.1.0");
        assertEquals(204, remoteWrite.status(), remoteWrite::toString);
        NodeClient.Reply vm = client.post(
                b + "/import",
                "application/json",
                "{\"metric\":{\"__name__\":\"vm_gauge\",\"host\":\"a\"},\"values\":[1.5,2.5],\"timestamps\":["
                        + (now - 2000) + "," + (now - 1000) + "]}\n");
        assertEquals(204, vm.status(), vm::toString);
        NodeClient.Reply text = client.post(
                b + "/import/prometheus",
                "text/plain",
                "# TYPE http_requests_total counter\nhttp_requests_total{code=\"200\"} 1027 " + (now - 1000) + "\n");
        assertEquals(204, text.status(), text::toString);
        NodeClient.Reply influx = client.post(
                "/v1/tenants/metrics/influx/write?precision=s",
                "text/plain",
                "cpu,host=a usage_user=12.5,usage_idle=80 " + (now / 1000 - 1) + "\n");
        assertEquals(204, influx.status(), influx::toString);
        NodeClient.Reply influx2 = client.post(
                "/v1/tenants/metrics/influx/api/v2/write?precision=ms",
                "text/plain",
                "mem,host=a used=42 " + (now - 1000) + "\n");
        assertEquals(204, influx2.status(), influx2::toString);

        NodeClient.Reply notSnappy = client.post(
                b + "/write",
                "application/x-protobuf",
                "not snappy".getBytes(StandardCharsets.UTF_8),
                "Content-Encoding",
                "snappy");
        assertEquals(400, notSnappy.status(), notSnappy::toString);
        assertEquals("bad_data", notSnappy.errorCode());

        Map<String, Integer> exported = export("/v1/tenants/metrics", "{__name__=~\".+\"}");
        assertEquals(
                Map.of(
                        "cpu_usage_idle",
                        1,
                        "cpu_usage_user",
                        1,
                        "http_requests_total",
                        1,
                        "mem_used",
                        1,
                        "rw_total",
                        2,
                        "vm_gauge",
                        2),
                exported);
        Map<String, Double> after = ingestedByFormat();
        Map<String, Double> counted = new TreeMap<>();
        after.forEach((format, n) -> counted.put(format, n - before.get(format)));
        assertEquals(Map.of("influx", 3.0, "prometheus_text", 1.0, "remote_write", 2.0, "vm_import", 2.0), counted);
    }

    private Map<String, Double> ingestedByFormat() throws Exception {
        Map<String, Double> counts = new TreeMap<>();
        for (String format : List.of("remote_write", "vm_import", "prometheus_text", "influx")) {
            counts.put(format, client.metric("shardview_metrics_points_ingested_total{format=\"" + format + "\"}"));
        }
        return counts;
    }

    /** Points per metric name that {@code api/v1/export} returns for the selector. */
    private Map<String, Integer> export(String tenantPath, String selector) throws Exception {
        NodeClient.Reply export = client.get(
                tenantPath + "/prom/api/v1/export?match[]=" + URLEncoder.encode(selector, StandardCharsets.UTF_8));
        assertEquals(200, export.status(), export::toString);
        Map<String, Integer> points = new TreeMap<>();
        for (String line : export.body().split("\n")) {
            if (line.isBlank()) continue;
            JsonNode series = NodeClient.JSON.readTree(line);
            points.merge(
                    series.at("/metric/__name__").asText(),
                    series.path("values").size(),
                    Integer::sum);
        }
        return points;
    }

    /** A remote_write 1.0 WriteRequest of one series, as prometheus/prompb encodes it. */
    static byte[] writeRequest(String name, Map<String, String> labels, long[] timestamps, double[] values)
            throws Exception {
        TreeMap<String, String> all = new TreeMap<>(labels);
        all.put("__name__", name);
        ByteArrayOutputStream series = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(series);
        for (Map.Entry<String, String> label : all.entrySet()) {
            ByteArrayOutputStream l = new ByteArrayOutputStream();
            CodedOutputStream lo = CodedOutputStream.newInstance(l);
            lo.writeString(1, label.getKey());
            lo.writeString(2, label.getValue());
            lo.flush();
            out.writeByteArray(1, l.toByteArray()); // TimeSeries.labels
        }
        for (int i = 0; i < timestamps.length; i++) {
            ByteArrayOutputStream s = new ByteArrayOutputStream();
            CodedOutputStream so = CodedOutputStream.newInstance(s);
            so.writeDouble(1, values[i]);
            so.writeInt64(2, timestamps[i]);
            so.flush();
            out.writeByteArray(2, s.toByteArray()); // TimeSeries.samples
        }
        out.flush();
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        CodedOutputStream ro = CodedOutputStream.newInstance(request);
        ro.writeByteArray(1, series.toByteArray()); // WriteRequest.timeseries
        ro.flush();
        return request.toByteArray();
    }

    /**
     * A real Prometheus scrapes the node's own /metrics every second and remote-writes what it scrapes into a tenant;
     * the tenant's export then holds those series. Runs where the {@code prometheus} binary is installed (.ci/run
     * installs Debian's package, so CI always runs it).
     */
    @Test
    void aRealPrometheusRemoteWritesIntoATenant() throws Exception {
        RealPrometheus.assumeInstalled();
        URI node = URI.create(client.url);
        Path dir = tmp.resolve("prometheus");
        Files.createDirectories(dir);
        String log;
        try (RealPrometheus prometheus = RealPrometheus.start(
                dir,
                String.join(
                        "\n",
                        "global: {scrape_interval: 1s, evaluation_interval: 1s}",
                        "scrape_configs:",
                        "  - job_name: shardview",
                        "    static_configs: [{targets: ['" + node.getHost() + ":" + node.getPort() + "']}]",
                        "remote_write:",
                        "  - url: " + client.url + "/v1/tenants/scraped/prom/api/v1/write",
                        "    queue_config: {batch_send_deadline: 1s, min_backoff: 100ms, max_backoff: 1s}",
                        ""))) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            Map<String, Integer> exported = Map.of();
            while (System.nanoTime() < deadline) {
                exported = export("/v1/tenants/scraped", "{job=\"shardview\"}");
                if (exported.getOrDefault("up", 0) >= 3
                        && exported.containsKey("shardview_http_request_duration_seconds_bucket")) break;
                Thread.sleep(1000);
            }
            Map<String, Integer> scraped = exported;
            String seen = prometheus.log();
            assertTrue(
                    scraped.getOrDefault("up", 0) >= 3,
                    () -> "series from Prometheus: " + scraped.keySet() + "\nprometheus log:\n" + seen);
            assertTrue(scraped.containsKey("shardview_http_request_duration_seconds_bucket"), scraped::toString);
            // Read back with PromQL by Prometheus's own client, as Grafana's data source reads it.
            String tenant = client.url + "/v1/tenants/scraped/prom";
            String up = RealPrometheus.promtool("query", "instant", tenant, "sum by (job) (up{job=\"shardview\"})");
            assertTrue(up.startsWith("{job=\"shardview\"} => 1 @["), up);
            long now = System.currentTimeMillis() / 1000;
            String requests = RealPrometheus.promtool(
                    "query",
                    "range",
                    "--start=" + (now - 60),
                    "--end=" + now,
                    "--step=5s",
                    tenant,
                    "count(shardview_http_request_duration_seconds_bucket) > 0");
            assertTrue(requests.startsWith("{} =>"), requests);
            log = prometheus.log();
        }
        assertTrue(!log.contains("non-recoverable error"), log);
    }
}
