package io.shardview.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.shardview.http.Json;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ruler API ({@code /v1/tenants/{t}/rules/{namespace}}) and Prometheus's {@code api/v1/rules}: files kept as put,
 * bad ones and bad names refused with nothing changed, the tenant's limits, a rule's error in its health, deletion.
 */
class RuleApiTest {
    @TempDir
    Path dataDir;

    private ShardviewNode node;
    private static final String RULES = "/v1/tenants/ops/rules";

    @BeforeEach
    void start() throws Exception {
        node = ShardviewNode.start(TestNodes.config(dataDir, Map.of()), List.of(new MetricsModule()));
        assertEquals(
                200,
                TestNodes.awaitStatus(node, "/ready", 200, Duration.ofSeconds(30))
                        .statusCode());
    }

    @AfterEach
    void stop() {
        node.stop();
    }

    private HttpResponse<String> send(String method, String path, String body) {
        return TestNodes.send(
                node,
                HttpRequest.newBuilder(URI.create(node.url() + path))
                        .method(
                                method,
                                body == null
                                        ? HttpRequest.BodyPublishers.noBody()
                                        : HttpRequest.BodyPublishers.ofString(body)));
    }

    @Test
    void namespacesArePutReadListedAndDeleted() throws Exception {
        String file =
                "groups:\n  - name: g\n    interval: 1s\n    rules:\n      - record: one\n        expr: vector(1)\n";
        HttpResponse<String> put = send("PUT", RULES + "/team-a.v1", file);
        assertEquals(200, put.statusCode(), put.body());
        assertEquals("{\"namespace\":\"team-a.v1\",\"groups\":1,\"rules\":1}", put.body());
        assertEquals(200, send("PUT", RULES + "/team-a.v1", file).statusCode(), "the same file again");
        HttpResponse<String> got = send("GET", RULES + "/team-a.v1", null);
        assertEquals(file, got.body());
        assertTrue(got.headers().firstValue("Content-Type").orElse("").startsWith("application/yaml"));
        assertTrue(send("GET", RULES, null).body().startsWith("team-a.v1:\n  - name: g\n"));

        // The rule runs: its series is in the tenant, its health ok.
        JsonNode recorded = await(
                () -> Json.MAPPER.readTree(send("GET", "/v1/tenants/ops/prom/api/v1/query?query=one", null)
                        .body()),
                r -> r.at("/data/result").size() == 1);
        assertEquals("1", recorded.at("/data/result/0/value/1").asText());
        await(
                () -> Json.MAPPER.readTree(
                        send("GET", "/v1/tenants/ops/prom/api/v1/rules", null).body()),
                r -> r.at("/data/groups/0/rules/0/health").asText().equals("ok"));

        assertEquals(200, send("DELETE", RULES + "/team-a.v1", null).statusCode());
        assertEquals(404, send("DELETE", RULES + "/team-a.v1", null).statusCode());
        assertEquals(404, send("GET", RULES + "/team-a.v1", null).statusCode());
        assertEquals("", send("GET", RULES, null).body());
        JsonNode none = Json.MAPPER.readTree(
                send("GET", "/v1/tenants/ops/prom/api/v1/rules", null).body());
        assertEquals(0, none.at("/data/groups").size());

        // Put back: the group, stopped when deleted, runs again.
        long back = System.currentTimeMillis();
        assertEquals(200, send("PUT", RULES + "/team-a.v1", file).statusCode());
        await(
                () -> Json.MAPPER.readTree(
                        send("GET", "/v1/tenants/ops/prom/api/v1/rules", null).body()),
                r -> r.at("/data/groups/0/lastEvaluation").isTextual()
                        && java.time.Instant.parse(r.at("/data/groups/0/lastEvaluation")
                                                .asText())
                                        .toEpochMilli()
                                > back + 1_000);
    }

    @Test
    void badFilesNamesAndTooManyGroupsAreRefusedWithNothingChanged() throws Exception {
        HttpResponse<String> bad = send(
                "PUT",
                RULES + "/a",
                "groups:\n  - name: g\n    rules:\n      - alert: A\n"
                        + "        expr: up ==\n        annotations: {s: \"{{ .x \"}\n");
        assertEquals(400, bad.statusCode(), bad.body());
        JsonNode error = Json.MAPPER.readTree(bad.body()).get("error");
        assertEquals("invalid", error.get("code").asText());
        assertEquals(2, error.at("/details/errors").size(), "both faults named: " + error);
        assertEquals(400, send("PUT", RULES + "/-bad", "groups: []").statusCode(), "a namespace name");
        assertEquals(400, send("PUT", "/v1/tenants/Bad/rules/a", "groups: []").statusCode(), "a tenant name");

        StringBuilder many = new StringBuilder("groups:\n");
        for (int i = 0; i < 201; i++) {
            many.append("  - name: g").append(i).append("\n    rules:\n      - record: r\n        expr: vector(1)\n");
        }
        HttpResponse<String> tooMany = send("PUT", RULES + "/many", many.toString());
        assertEquals(422, tooMany.statusCode(), tooMany.body());
        assertTrue(tooMany.body().contains("limit_exceeded"), tooMany.body());
        assertEquals(404, send("GET", RULES + "/a", null).statusCode());
        assertEquals(404, send("GET", RULES + "/many", null).statusCode());
        HttpResponse<String> type = send("GET", "/v1/tenants/ops/prom/api/v1/rules?type=bogus", null);
        assertEquals(400, type.statusCode());
        assertTrue(type.body().contains("bad_data"), type.body());
    }

    @Test
    void aRuleThatFailsShowsItsErrorAndTheOthersRun() throws Exception {
        String file = "groups:\n  - name: g\n    interval: 1s\n    limit: 1\n    rules:\n"
                + "      - record: two\n"
                + "        expr: label_replace(vector(1), \"a\", \"x\", \"\", \"\") or label_replace(vector(2), \"a\","
                + " \"y\", \"\", \"\")\n"
                + "      - record: fine\n        expr: vector(3)\n";
        assertEquals(200, send("PUT", RULES + "/limited", file).statusCode());
        JsonNode rules = await(
                () -> Json.MAPPER.readTree(
                        send("GET", "/v1/tenants/ops/prom/api/v1/rules", null).body()),
                r -> r.at("/data/groups/0/rules/1/health").asText().equals("ok"));
        assertEquals("err", rules.at("/data/groups/0/rules/0/health").asText());
        assertEquals(
                "exceeded limit of 1 with 2 series",
                rules.at("/data/groups/0/rules/0/lastError").asText());
        JsonNode two = Json.MAPPER.readTree(
                send("GET", "/v1/tenants/ops/prom/api/v1/query?query=two", null).body());
        assertEquals(0, two.at("/data/result").size(), "a rule over its limit stores nothing");
    }

    private interface Read {
        JsonNode read() throws Exception;
    }

    private static JsonNode await(Read read, java.util.function.Predicate<JsonNode> done) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            last = read.read();
            if (done.test(last)) return last;
            Thread.sleep(200);
        }
        throw new AssertionError("not within 30 s; last: " + last);
    }
}
