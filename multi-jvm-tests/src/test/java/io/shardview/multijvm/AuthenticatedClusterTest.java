package io.shardview.multijvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Auth across a cluster of three packaged nodes (SHARDVIEW_ADMIN_TOKEN, as an operator sets it): a token created on
 * one node works on every node, and a revoked one stops working on every node, within 2 s; a real Prometheus
 * remote-writes into a tenant with a tenant token and scrapes /metrics with the admin token; a change stream is read
 * with a tenant token; no secret appears in any node's output.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class AuthenticatedClusterTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ADMIN = "cluster-admin-token-0123456789";
    private static final Duration PROPAGATION = Duration.ofSeconds(2);
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();

    @TempDir
    static Path tmp;

    private ThreeNodes cluster;
    private final List<String> urls = new ArrayList<>();
    private final List<String> secrets = new ArrayList<>(List.of(ADMIN));

    @BeforeAll
    void start() throws Exception {
        cluster = new ThreeNodes(tmp, ADMIN, java.util.Map.of());
        for (int i = 0; i < 3; i++) cluster.start(i);
        for (int i = 0; i < 3; i++) urls.add(cluster.awaitReady(i));
        cluster.awaitMembers(0, List.of(0, 1, 2));
        HttpResponse<String> created = send(
                "POST",
                urls.get(0) + "/v1/tenants/acme/sql",
                "application/sql",
                "CREATE TABLE t (id BIGINT NOT NULL, PRIMARY KEY (id)); CREATE VIEW v AS SELECT id FROM t",
                ADMIN);
        assertEquals(200, created.statusCode(), created.body());
    }

    @AfterAll
    void stop() throws Exception {
        if (cluster != null) cluster.close();
    }

    private static HttpResponse<String> send(String method, String url, String type, String body, String token)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(ThreeNodes.REQUEST);
        if (token != null) request.header("Authorization", "Bearer " + token);
        if (type != null) request.header("Content-Type", type);
        request.method(
                method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private String createToken(int via, String tenant, String name) throws Exception {
        HttpResponse<String> created = send(
                "POST",
                urls.get(via) + "/v1/tokens",
                "application/json",
                "{\"tenant\": \"" + tenant + "\", \"name\": \"" + name + "\"}",
                ADMIN);
        assertEquals(201, created.statusCode(), created.body());
        String token = JSON.readTree(created.body()).get("token").asText();
        secrets.add(token);
        return token;
    }

    /** How long until every node answers {@code status} for a read of tenant acme with {@code token}. */
    private Duration untilEveryNode(String token, int status) throws Exception {
        long started = System.nanoTime();
        long deadline = started + Duration.ofSeconds(10).toNanos();
        boolean[] seen = new boolean[3];
        while (System.nanoTime() < deadline) {
            boolean all = true;
            for (int i = 0; i < 3; i++) {
                if (!seen[i])
                    seen[i] = send("GET", urls.get(i) + "/v1/tenants/acme", null, null, token)
                                    .statusCode()
                            == status;
                all &= seen[i];
            }
            if (all) return Duration.ofNanos(System.nanoTime() - started);
            Thread.sleep(20);
        }
        throw new AssertionError("not every node answered " + status + " within 10 s");
    }

    @Test
    @Order(1)
    void aTokenMadeOnOneNodeWorksOnEveryNodeAndARevokedOneStopsOnEveryNodeWithinTwoSeconds() throws Exception {
        String token = createToken(0, "acme", "everywhere");
        Duration known = untilEveryNode(token, 200);
        assertTrue(known.compareTo(PROPAGATION) <= 0, "known everywhere after " + known.toMillis() + " ms");

        String id = token.substring(4, 20);
        HttpResponse<String> revoked = send("DELETE", urls.get(1) + "/v1/tokens/" + id, null, null, ADMIN);
        assertEquals(200, revoked.statusCode(), revoked.body());
        Duration gone = untilEveryNode(token, 401);
        assertTrue(gone.compareTo(PROPAGATION) <= 0, "revoked everywhere after " + gone.toMillis() + " ms");

        JsonNode listed = JSON.readTree(
                send("GET", urls.get(2) + "/v1/tokens", null, null, ADMIN).body());
        for (JsonNode t : listed.get("tokens")) assertFalse(t.get("id").asText().equals(id), listed.toString());
    }

    @Test
    @Order(2)
    void aChangeStreamIsReadWithATenantToken() throws Exception {
        String token = createToken(2, "acme", "stream");
        untilEveryNode(token, 200);
        HttpResponse<java.io.InputStream> stream = HTTP.send(
                HttpRequest.newBuilder(URI.create(urls.get(1) + "/v1/tenants/acme/views/v/changes"))
                        .header("Authorization", "Bearer " + token)
                        .header("Accept", "text/event-stream")
                        .build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, stream.statusCode());
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
            assertEquals(
                    200,
                    send(
                                    "POST",
                                    urls.get(0) + "/v1/tenants/acme/ingest",
                                    "application/json",
                                    "{\"ops\": [{\"op\": \"insert\", \"table\": \"t\", \"row\": {\"id\": 42}}]}",
                                    token)
                            .statusCode());
            boolean sawInsert = false;
            for (int n = 0; n < 40 && !sawInsert; n++) {
                String line = lines.readLine();
                if (line == null) break;
                sawInsert = line.startsWith("data:") && line.contains("\"id\":42");
            }
            assertTrue(sawInsert, "the insert arrived on the stream");
        }
    }

    /**
     * Prometheus remote-writes into tenant acme with a tenant token ({@code authorization.credentials}) and scrapes
     * the node's /metrics with the admin token. Runs where the prometheus binary is installed (.ci/run installs it).
     */
    @Test
    @Order(3)
    void aRealPrometheusWritesWithATenantTokenAndScrapesWithTheAdminToken() throws Exception {
        RealPrometheus.assumeInstalled();
        String token = createToken(0, "acme", "prometheus");
        untilEveryNode(token, 200);
        URI node = URI.create(urls.get(2));
        try (RealPrometheus prometheus = RealPrometheus.start(
                tmp,
                String.join(
                        "\n",
                        "global: {scrape_interval: 1s, evaluation_interval: 1s}",
                        "scrape_configs:",
                        "  - job_name: shardview",
                        "    authorization: {credentials: '" + ADMIN + "'}",
                        "    static_configs: [{targets: ['" + node.getHost() + ":" + node.getPort() + "']}]",
                        "remote_write:",
                        "  - url: " + urls.get(2) + "/v1/tenants/acme/prom/api/v1/write",
                        "    authorization: {credentials: '" + token + "'}",
                        "    queue_config: {batch_send_deadline: 1s, min_backoff: 100ms, max_backoff: 1s}",
                        ""))) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            String export = "";
            while (System.nanoTime() < deadline) {
                export = send(
                                "GET",
                                urls.get(0) + "/v1/tenants/acme/prom/api/v1/export?match[]=%7Bjob%3D%22shardview%22%7D",
                                null,
                                null,
                                token)
                        .body();
                if (export.contains("\"__name__\":\"up\"")
                        && export.contains("shardview_http_request_duration_seconds_bucket")) {
                    break;
                }
                Thread.sleep(1000);
            }
            String log = prometheus.log();
            assertTrue(export.contains("\"__name__\":\"up\""), "no up series; prometheus log:\n" + log);
            // Scraped with the admin token: /metrics answered, so the node's own series arrived.
            assertTrue(export.contains("shardview_http_request_duration_seconds_bucket"), log);
            assertFalse(log.contains("non-recoverable error"), log);
            assertFalse(log.contains("401 Unauthorized"), log); // a refused write or scrape
        }
    }

    @Test
    @Order(4)
    void noSecretAppearsInAnyNodesOutput() throws Exception {
        for (int i = 0; i < 3; i++) {
            String output = String.join("\n", cluster.node(i).stdout()) + "\n"
                    + cluster.node(i).stderr();
            for (String secret : secrets) {
                String part = secret.startsWith("svt_") ? secret.substring(21) : secret;
                assertFalse(output.contains(part), "node " + i + " printed a secret");
            }
        }
    }
}
