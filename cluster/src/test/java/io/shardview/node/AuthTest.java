package io.shardview.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Auth as docs/api.md's "Auth" says, route by route: every endpoint of the node called with no token, an unknown
 * token, another tenant's token, its own tenant's token and the admin token. A refusal is 401 (with WWW-Authenticate:
 * Bearer) or 403 in the error model and changes nothing; tokens are created, listed without secrets and revoked.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuthTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ADMIN = "admin-token-for-the-auth-test";

    @TempDir
    static Path dataDir;

    private ShardviewNode node;
    private String ownToken;
    private String otherToken;

    /** One call: method, path, content type and body (null for none). */
    record Call(String method, String path, String type, String body) {
        static Call get(String path) {
            return new Call("GET", path, null, null);
        }

        static Call post(String path, String type, String body) {
            return new Call("POST", path, type, body);
        }
    }

    /** Who the calls of each group are for. */
    enum Scope {
        OPEN,
        ANY_TOKEN,
        TENANT_A,
        ADMIN
    }

    @BeforeAll
    void start() throws Exception {
        node = ShardviewNode.start(
                TestNodes.config(
                        dataDir,
                        Map.of("shardview.auth.admin-token", ADMIN, "shardview.auth.refresh-interval", "200ms")),
                List.of(new TenantModule(), new MetricsModule()));
        TestNodes.awaitStatus(node, "/ready", 200, Duration.ofSeconds(60));
        for (String tenant : List.of("a", "b")) {
            HttpResponse<String> created = send(
                    "POST",
                    "/v1/tenants/" + tenant + "/sql",
                    "application/sql",
                    "CREATE TABLE t (id BIGINT NOT NULL, PRIMARY KEY (id)); CREATE VIEW v AS SELECT id FROM t",
                    ADMIN);
            assertEquals(200, created.statusCode(), created.body());
        }
        ownToken = createToken("a", "grafana");
        otherToken = createToken("b", "other");
    }

    @AfterAll
    void stop() {
        if (node != null) node.stop();
    }

    private String createToken(String tenant, String name) throws Exception {
        HttpResponse<String> created = send(
                "POST",
                "/v1/tokens",
                "application/json",
                "{\"tenant\": \"" + tenant + "\", \"name\": \"" + name + "\"}",
                ADMIN);
        assertEquals(201, created.statusCode(), created.body());
        JsonNode body = JSON.readTree(created.body());
        assertEquals(tenant, body.get("tenant").asText());
        assertEquals(name, body.get("name").asText());
        return body.get("token").asText();
    }

    private HttpResponse<String> send(String method, String path, String type, String body, String token) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(node.url() + path));
        if (token != null) request.header("Authorization", "Bearer " + token);
        if (type != null) request.header("Content-Type", type);
        request.method(
                method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return TestNodes.send(node, request);
    }

    /** One line of an HTTP/1.1 head, without its CRLF. */
    private static String line(java.io.DataInputStream in) throws java.io.IOException {
        StringBuilder line = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) throw new java.io.EOFException("connection closed after: " + line);
            if (c != '\r') line.append((char) c);
        }
        return line.toString();
    }

    /** Every route of the node, by who may call it. */
    private static Map<Scope, List<Call>> routes() {
        String batch = "{\"ops\": [{\"op\": \"upsert\", \"table\": \"t\", \"row\": {\"id\": 7}}]}";
        return Map.of(
                Scope.OPEN,
                List.of(Call.get("/health"), Call.get("/ready")),
                Scope.ANY_TOKEN,
                List.of(Call.get("/v1/tenants")),
                Scope.TENANT_A,
                List.of(
                        Call.get("/v1/tenants/a"),
                        Call.post("/v1/tenants/a/sql", "application/sql", "CREATE TABLE u (x INT)"),
                        Call.post("/v1/tenants/a/ingest", "application/json", batch),
                        Call.post("/v1/tenants/a/query", "application/json", "{\"sql\": \"SELECT id FROM t\"}"),
                        Call.get("/v1/tenants/a/views/v"),
                        Call.get("/v1/tenants/a/views/v/plan"),
                        Call.get("/v1/tenants/a/tables/t"),
                        Call.post("/v1/tenants/a/prom/api/v1/import/prometheus", "text/plain", "up 1\n"),
                        Call.post(
                                "/v1/tenants/a/prom/api/v1/import",
                                "application/json",
                                "{\"metric\": {\"__name__\": \"x\"}, \"values\": [1], \"timestamps\": [1700000000000]}"),
                        Call.post("/v1/tenants/a/prom/api/v1/write", "application/x-protobuf", ""),
                        Call.get("/v1/tenants/a/prom/api/v1/export?match[]=up"),
                        Call.post("/v1/tenants/a/influx/write", "text/plain", "cpu v=1"),
                        Call.post("/v1/tenants/a/influx/api/v2/write", "text/plain", "cpu v=1")),
                Scope.ADMIN,
                List.of(
                        Call.get("/metrics"),
                        Call.get("/v1/cluster"),
                        Call.get("/v1/cluster/entities/tenant-circuit/a"),
                        Call.get("/v1/tokens"),
                        Call.post("/v1/tokens", "application/json", "{\"tenant\": \"a\", \"name\": \"m\"}"),
                        new Call("DELETE", "/v1/tokens/0000000000000000", null, null),
                        new Call("PUT", "/v1/tenants/a/budgets", "application/json", "{}"),
                        new Call("PUT", "/v1/tenants/a/home", "application/json", "{\"region\": \"default\"}"),
                        Call.post("/v1/cluster/members/down", "application/json", "{}"),
                        Call.post("/v1/cluster/regions/us/lost", "application/json", ""),
                        new Call("DELETE", "/v1/cluster/regions/us/lost", null, null),
                        Call.get("/v1/no-such-route")));
    }

    private HttpResponse<String> call(Call call, String token) {
        return send(call.method(), call.path(), call.type(), call.body(), token);
    }

    private void assertRefused(HttpResponse<String> response, int status, String who, Call call) throws Exception {
        String what = who + " " + call.method() + " " + call.path();
        assertEquals(status, response.statusCode(), what + ": " + response.body());
        JsonNode error = JSON.readTree(response.body()).path("error");
        assertEquals(
                status == 401 ? "unauthorized" : "forbidden", error.path("code").asText(), what);
        assertTrue(error.path("message").isTextual(), what);
        if (status == 401) {
            assertEquals(
                    "Bearer realm=\"shardview\"",
                    response.headers().firstValue("WWW-Authenticate").orElse(""),
                    what);
        }
    }

    private static void assertLetIn(HttpResponse<String> response, String who, Call call) {
        assertFalse(
                response.statusCode() == 401 || response.statusCode() == 403,
                who + " " + call.method() + " " + call.path() + ": " + response.statusCode() + " " + response.body());
    }

    @Test
    void everyRouteByEveryKindOfToken() throws Exception {
        Map<String, String> tokens = new java.util.LinkedHashMap<>();
        tokens.put("no token", null);
        tokens.put("an unknown token", "svt_0123456789abcdef_not-a-secret-the-node-knows");
        tokens.put("a malformed token", "just-some-string");
        tokens.put("another tenant's token", otherToken);
        tokens.put("its tenant's token", ownToken);
        tokens.put("the admin token", ADMIN);
        for (var scope : routes().entrySet()) {
            for (Call call : scope.getValue()) {
                for (var entry : tokens.entrySet()) {
                    String who = entry.getKey();
                    HttpResponse<String> response = call(call, entry.getValue());
                    boolean known =
                            entry.getValue() == ownToken || entry.getValue() == otherToken || entry.getValue() == ADMIN;
                    switch (scope.getKey()) {
                        case OPEN -> assertEquals(200, response.statusCode(), who + " " + call.path());
                        case ANY_TOKEN -> {
                            if (known) assertLetIn(response, who, call);
                            else assertRefused(response, 401, who, call);
                        }
                        case TENANT_A -> {
                            if (!known) assertRefused(response, 401, who, call);
                            else if (entry.getValue() == otherToken) assertRefused(response, 403, who, call);
                            else assertLetIn(response, who, call);
                        }
                        case ADMIN -> {
                            if (!known) assertRefused(response, 401, who, call);
                            else if (entry.getValue() != ADMIN) assertRefused(response, 403, who, call);
                            else assertLetIn(response, who, call);
                        }
                    }
                }
            }
        }
    }

    @Test
    void aRefusedWriteChangesNothingAndItsBodyIsReadSoTheConnectionStaysUsable() throws Exception {
        long version = JSON.readTree(
                        send("GET", "/v1/tenants/b", null, null, ADMIN).body())
                .get("version")
                .asLong();
        String big = "{\"ops\": [" + "{\"op\": \"upsert\", \"table\": \"t\", \"row\": {\"id\": 1}},".repeat(50_000)
                + "{\"op\": \"upsert\", \"table\": \"t\", \"row\": {\"id\": 2}}]}";
        assertRefused(send("POST", "/v1/tenants/b/ingest", "application/json", big, ownToken), 403, "a", Call.get("b"));
        assertRefused(send("POST", "/v1/tenants/b/ingest", "application/json", big, null), 401, "-", Call.get("b"));
        assertRefused(
                send("POST", "/v1/tenants/b/sql", "application/sql", "DROP VIEW v", ownToken), 403, "a", Call.get("b"));
        JsonNode b =
                JSON.readTree(send("GET", "/v1/tenants/b", null, null, ADMIN).body());
        assertEquals(version, b.get("version").asLong());
        assertEquals(1, b.get("views").size());
    }

    /**
     * One connection, two requests, sent as curl sends a body over 1 MiB (Expect: 100-continue): the refused body is
     * asked for and read to its end before the answer, and the connection serves the next request. Answering at once
     * closed the connection, and a client still sending could lose the answer to the reset.
     */
    @Test
    void aRefusedBodyIsReadBeforeTheAnswerSoTheSameConnectionServesTheNextRequest() throws Exception {
        byte[] body = ("{\"ops\": [" + "{\"op\": \"upsert\", \"table\": \"t\", \"row\": {\"id\": 1}},".repeat(50_000)
                        + "{\"op\": \"upsert\", \"table\": \"t\", \"row\": {\"id\": 2}}]}")
                .getBytes(StandardCharsets.UTF_8);
        URI uri = URI.create(node.url());
        try (java.net.Socket socket = new java.net.Socket(uri.getHost(), uri.getPort())) {
            socket.setSoTimeout(30_000);
            var out = socket.getOutputStream();
            var in = new java.io.DataInputStream(new java.io.BufferedInputStream(socket.getInputStream()));
            for (int round = 0; round < 5; round++) { // answering early closed the connection most of the time
                out.write(("POST /v1/tenants/b/ingest HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                                + "Expect: 100-continue\r\nContent-Length: " + body.length + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
                assertEquals("HTTP/1.1 100 Continue", response(in));
                out.write(body);
                out.write("GET /health HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                assertEquals("HTTP/1.1 401 Unauthorized", response(in));
                assertEquals("HTTP/1.1 200 OK", response(in));
            }
        }
    }

    /** The status line of the next response on {@code in}, its head and body read; fails on "Connection: close". */
    private static String response(java.io.DataInputStream in) throws java.io.IOException {
        String status = line(in);
        int length = 0;
        for (String header = line(in); !header.isEmpty(); header = line(in)) {
            assertFalse(header.equalsIgnoreCase("Connection: close"), status + ", then the connection closes");
            if (header.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(header.substring(15).strip());
            }
        }
        in.readFully(new byte[length]);
        return status;
    }

    @Test
    void basicCredentialsCarryTheTokenAsTheirPasswordForClientsThatSpeakNothingElse() throws Exception {
        java.util.function.Function<String, HttpResponse<String>> basic = credentials -> TestNodes.send(
                node,
                HttpRequest.newBuilder(URI.create(node.url() + "/v1/tenants/a"))
                        .header(
                                "Authorization",
                                "Basic "
                                        + java.util.Base64.getEncoder()
                                                .encodeToString(
                                                        credentials.getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                        .GET());
        assertEquals(200, basic.apply("vmctl:" + ownToken).statusCode());
        assertEquals(200, basic.apply(":" + ADMIN).statusCode());
        assertEquals(403, basic.apply("x:" + otherToken).statusCode());
        assertEquals(401, basic.apply("x:not-a-token").statusCode());
        assertEquals(401, basic.apply(ownToken).statusCode(), "no colon: not Basic credentials");
        HttpResponse<String> garbled = TestNodes.send(
                node,
                HttpRequest.newBuilder(URI.create(node.url() + "/v1/tenants/a"))
                        .header("Authorization", "Basic !!!")
                        .GET());
        assertEquals(401, garbled.statusCode());
    }

    @Test
    void aTenantTokenListsOnlyItsTenantAndTheAdminAll() throws Exception {
        JsonNode own =
                JSON.readTree(send("GET", "/v1/tenants", null, null, ownToken).body());
        List<String> names = new ArrayList<>();
        own.get("tenants").forEach(t -> names.add(t.get("name").asText()));
        assertEquals(List.of("a"), names);
        JsonNode all =
                JSON.readTree(send("GET", "/v1/tenants", null, null, ADMIN).body());
        List<String> allNames = new ArrayList<>();
        all.get("tenants").forEach(t -> allNames.add(t.get("name").asText()));
        assertTrue(allNames.containsAll(List.of("a", "b")), allNames.toString());
    }

    @Test
    void tokensAreListedWithoutSecretsAndARevokedOneStopsWorking() throws Exception {
        String token = createToken("a", "short-lived");
        assertEquals(200, send("GET", "/v1/tenants/a", null, null, token).statusCode());
        String listed = send("GET", "/v1/tokens", null, null, ADMIN).body();
        String id = token.substring(4, 20);
        assertTrue(listed.contains(id), listed);
        assertFalse(listed.contains(token.substring(21)), "no secret in the listing");
        JsonNode entry = null;
        for (JsonNode t : JSON.readTree(listed).get("tokens"))
            if (t.get("id").asText().equals(id)) entry = t;
        assertEquals("a", entry.get("tenant").asText());
        assertEquals("short-lived", entry.get("name").asText());
        assertTrue(entry.get("created").asText().endsWith("Z"), entry.toString());
        assertEquals(List.of("id", "tenant", "name", "created"), fieldNames(entry));

        HttpResponse<String> revoked = send("DELETE", "/v1/tokens/" + id, null, null, ADMIN);
        assertEquals(200, revoked.statusCode(), revoked.body());
        long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        int status = 0;
        while (System.nanoTime() < deadline) {
            status = send("GET", "/v1/tenants/a", null, null, token).statusCode();
            if (status == 401) break;
            Thread.sleep(50);
        }
        assertEquals(401, status, "revoked within 2 s");
        assertEquals(404, send("DELETE", "/v1/tokens/" + id, null, null, ADMIN).statusCode());
        assertEquals(200, send("GET", "/v1/tenants/a", null, null, ownToken).statusCode(), "other tokens still work");
    }

    @Test
    void badTokenRequestsAre400AndCreateNothing() throws Exception {
        int before = JSON.readTree(send("GET", "/v1/tokens", null, null, ADMIN).body())
                .get("tokens")
                .size();
        for (String body : List.of(
                "{}",
                "{\"tenant\": \"a\"}",
                "{\"tenant\": \"A B\", \"name\": \"x\"}",
                "{\"tenant\": \"a\", \"name\": \"\"}",
                "{\"tenant\": 1, \"name\": \"x\"}",
                "not json")) {
            HttpResponse<String> response = send("POST", "/v1/tokens", "application/json", body, ADMIN);
            assertEquals(400, response.statusCode(), body + ": " + response.body());
        }
        assertEquals(
                before,
                JSON.readTree(send("GET", "/v1/tokens", null, null, ADMIN).body())
                        .get("tokens")
                        .size());
    }

    @Test
    void aChangeStreamTakesTheTokenFromItsQueryAsABrowsersEventSourceMustSendIt() throws Exception {
        String path = "/v1/tenants/a/views/v/changes";
        HttpRequest.Builder request = HttpRequest.newBuilder(
                        URI.create(node.url() + path + "?access_token=" + ownToken))
                .header("Accept", "text/event-stream");
        HttpResponse<InputStream> stream = TestNodes.HTTP.send(
                request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream body = stream.body()) {
            assertEquals(200, stream.statusCode());
            byte[] first = new byte[64];
            int n = body.read(first);
            assertTrue(new String(first, 0, Math.max(n, 0), StandardCharsets.UTF_8).contains("id:"), "an event came");
        }
        HttpResponse<String> other = TestNodes.send(
                node,
                HttpRequest.newBuilder(URI.create(node.url() + path + "?access_token=" + otherToken))
                        .header("Accept", "text/event-stream"));
        assertEquals(403, other.statusCode());
        // Only the change stream takes it: elsewhere a token in the URL would end up in proxies' logs.
        assertEquals(
                401,
                TestNodes.send(
                                node,
                                HttpRequest.newBuilder(
                                        URI.create(node.url() + "/v1/tenants/a?access_token=" + ownToken)))
                        .statusCode());
    }

    @Test
    void withoutAnAdminTokenANodeServesLoopbackOnlyAndWithOneItBindsAnyAddress(@TempDir Path other) {
        ShardviewNode.NodeStartException refused = org.junit.jupiter.api.Assertions.assertThrows(
                ShardviewNode.NodeStartException.class,
                () -> ShardviewNode.start(
                        TestNodes.config(other, Map.of("shardview.http.host", "0.0.0.0", "shardview.http.port", 0)),
                        List.of(new TenantModule())));
        assertTrue(refused.getMessage().contains("SHARDVIEW_ADMIN_TOKEN"), refused.getMessage());
        ShardviewNode open = ShardviewNode.start(
                TestNodes.config(
                        other,
                        Map.of(
                                "shardview.http.host",
                                "0.0.0.0",
                                "shardview.http.port",
                                0,
                                "shardview.auth.admin-token",
                                ADMIN)),
                List.of(new TenantModule()));
        try {
            HttpResponse<String> health = TestNodes.send(
                    open, HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + open.httpPort() + "/health")));
            assertEquals(200, health.statusCode());
            HttpResponse<String> tenants = TestNodes.send(
                    open, HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + open.httpPort() + "/v1/tenants")));
            assertEquals(401, tenants.statusCode());
        } finally {
            open.stop();
        }
    }

    @Test
    void aShortAdminTokenIsRefusedAtStart(@TempDir Path other) {
        ShardviewNode.NodeStartException refused = org.junit.jupiter.api.Assertions.assertThrows(
                ShardviewNode.NodeStartException.class,
                () -> ShardviewNode.start(
                        TestNodes.config(other, Map.of("shardview.auth.admin-token", "short")),
                        List.of(new TenantModule())));
        assertTrue(refused.getMessage().contains("at least 16"), refused.getMessage());
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
