package io.shardview.multijvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No request can stop the packaged node. Bugs are injected with the node's failpoints (inert unless the JVM runs with
 * -Dshardview.failpoints=on): a Throwable in a route, a tenant entity or the SQL planner is answered 500 {@code internal}
 * with a request id, logged once with its stack trace under that id, counted on /metrics, and the failed tenant
 * restarts from its journal with nothing of the failed request applied, while other tenants go on. Statements nested
 * too deeply are refused naming the limit. Only a JVM-level failure stops the process, which then exits rather than
 * hang, and a restart recovers every acknowledged write.
 */
class FaultContainmentTest {
    private static final Map<String, String> FAILPOINTS =
            Map.of("SHARDVIEW_JAVA_OPTS", "-Dshardview.failpoints=on -Xmx1g");
    private static final Duration START = Duration.ofSeconds(60);

    @TempDir
    Path tmp;

    private static NodeClient ready(NodeProcess node) throws Exception {
        assertEquals(200, node.awaitStatus("/ready", 200, START), () -> stderr(node));
        return new NodeClient(node.url(START));
    }

    private static String stderr(NodeProcess node) {
        try {
            return node.stderr();
        } catch (Exception e) {
            return "(no stderr: " + e + ")";
        }
    }

    private static void setUpTenant(NodeClient client, String tenant) throws Exception {
        NodeClient.Reply created = client.sql(
                tenant,
                "CREATE TABLE t (k BIGINT NOT NULL, v INT, PRIMARY KEY (k));"
                        + "CREATE TABLE __failpoint_linkage_error (k BIGINT NOT NULL, PRIMARY KEY (k));"
                        + "CREATE TABLE __failpoint_stack_overflow (k BIGINT NOT NULL, PRIMARY KEY (k));"
                        + "CREATE TABLE __failpoint_out_of_memory (k BIGINT NOT NULL, PRIMARY KEY (k));"
                        + "CREATE VIEW total AS SELECT COUNT(*) AS n, SUM(v) AS s FROM t");
        assertEquals(200, created.status(), created::toString);
    }

    private static String insert(String table, long k) {
        return "{\"op\": \"insert\", \"table\": \"" + table + "\", \"row\": {\"k\": " + k
                + (table.equals("t") ? ", \"v\": 1" : "") + "}}";
    }

    private static String batch(String... ops) {
        return "{\"ops\": [" + String.join(", ", ops) + "]}";
    }

    private static List<Long> keys(NodeClient client, String tenant, String table) throws Exception {
        NodeClient.Reply rows = client.get("/v1/tenants/" + tenant + "/tables/" + table);
        assertEquals(200, rows.status(), rows::toString);
        List<Long> keys = new ArrayList<>();
        rows.json().path("rows").forEach(row -> keys.add(row.path("k").asLong()));
        return keys;
    }

    /** The 500's request id, checked to be logged once in the node's stderr, with the stack trace of {@code error}. */
    private static String assertInternalError(NodeClient.Reply reply, NodeProcess node, String error) throws Exception {
        assertEquals(500, reply.status(), reply::toString);
        assertEquals("internal", reply.errorCode(), reply::toString);
        String id =
                reply.json().path("error").path("details").path("request_id").asText(null);
        assertNotNull(id, reply::toString);
        assertTrue(reply.json().path("error").path("message").asText().contains(id), reply::toString);
        String log = awaitInLog(node, id);
        Matcher lines = Pattern.compile("(?m)^.*" + Pattern.quote(id) + ".*$").matcher(log);
        int count = 0;
        while (lines.find()) count++;
        assertEquals(1, count, "the request id is logged once: " + log);
        assertTrue(log.substring(log.indexOf(id)).contains(error), "the stack trace follows: " + log);
        return id;
    }

    private static String awaitInLog(NodeProcess node, String text) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        String log = node.stderr();
        while (!log.contains(text) && System.nanoTime() < deadline) {
            Thread.sleep(100);
            log = node.stderr();
        }
        return log;
    }

    @Test
    void aBugInAnEntityARouteOrThePlannerIsA500WithARequestIdAndTheNodeServesOn() throws Exception {
        try (NodeProcess node = NodeProcess.serve(
                tmp, FAILPOINTS, "--data-dir", tmp.resolve("data").toString())) {
            NodeClient client = ready(node);
            setUpTenant(client, "a");
            setUpTenant(client, "b");
            assertEquals(200, client.ingest("a", batch(insert("t", 1))).status());

            // A class missing at run time, raised in tenant a's entity after its batch changed the circuit.
            NodeClient.Reply failed = client.ingest("a", batch(insert("t", 2), insert("__failpoint_linkage_error", 2)));
            assertInternalError(failed, node, "java.lang.NoClassDefFoundError: injected");
            // The entity restarted from its journal: nothing of the failed batch is there, the acknowledged one is.
            assertEquals(List.of(1L), keys(client, "a", "t"));
            assertEquals(List.of(), keys(client, "a", "__failpoint_linkage_error"));
            assertEquals(
                    1,
                    client.get("/v1/tenants/a/views/total")
                            .json()
                            .path("rows")
                            .get(0)
                            .path("n")
                            .asLong());
            // ... and serves again, as does every other tenant.
            assertEquals(200, client.ingest("a", batch(insert("t", 3))).status());
            assertEquals(200, client.ingest("b", batch(insert("t", 1))).status());
            assertEquals(List.of(1L, 3L), keys(client, "a", "t"));

            // A stack overflow in the entity: the same.
            assertInternalError(
                    client.ingest("b", batch(insert("__failpoint_stack_overflow", 1))),
                    node,
                    "java.lang.StackOverflowError");
            assertEquals(List.of(1L), keys(client, "b", "t"));

            // An assertion in a route (the tenant ingest route, after its body was read).
            assertInternalError(
                    client.ingest("b", batch(insert("t", 5)), "X-Shardview-Failpoint", "assertion_error"),
                    node,
                    "java.lang.AssertionError: injected assertion");
            assertEquals(List.of(1L), keys(client, "b", "t"));

            // A class missing in the SQL planner: nothing created, the tenant plans the next request.
            assertInternalError(
                    client.sql("a", "CREATE VIEW __failpoint_linkage_error AS SELECT k FROM t"),
                    node,
                    "java.lang.NoClassDefFoundError");
            assertEquals(
                    200, client.sql("a", "CREATE VIEW ks AS SELECT k FROM t").status());

            // A bug in the entity answering a change stream's first read: 500, not a 503 after the ask's timeout.
            assertInternalError(
                    client.get("/v1/tenants/a/views/__failpoint_illegal_state/changes"),
                    node,
                    "java.lang.IllegalStateException: injected bug");
            assertEquals(200, client.get("/v1/tenants/a/views/ks").status());

            assertEquals(1, client.metric("shardview_internal_errors_total{where=\"http\"}"));
            assertEquals(3, client.metric("shardview_internal_errors_total{where=\"tenant-circuit\"}"));
            assertEquals(1, client.metric("shardview_internal_errors_total{where=\"sql-planner\"}"));
            assertEquals(200, client.get("/health").status());
            assertTrue(node.process.isAlive());
        }
    }

    @Test
    void aWriteWhoseAnswerComesTooLateIs504OutcomeUnknownAndItsRetryWithTheSameIdIsAppliedOnce() throws Exception {
        // Deadlines of 1 s at the tenant and 1 s of grace; the failpoint holds the tenant's entity for 3 s after it
        // applied.
        java.nio.file.Files.writeString(
                tmp.resolve("short.conf"),
                "shardview.tenant.ask-timeout = 1s\nshardview.tenant.reply-grace = 1s\nshardview.tenant.retry-attempt-timeout = 1s\n");
        try (NodeProcess node = NodeProcess.serve(
                tmp,
                FAILPOINTS,
                "--data-dir",
                tmp.resolve("data").toString(),
                "--config",
                tmp.resolve("short.conf").toString())) {
            NodeClient client = ready(node);
            // With a 1 s deadline a cold node may answer 503 (nothing applied) or 504 (maybe applied): the key makes
            // retries safe.
            NodeClient.Reply created = null;
            for (int attempt = 0; attempt < 30 && (created == null || created.status() >= 503); attempt++) {
                created = client.sql(
                        "a",
                        "CREATE TABLE t (k BIGINT NOT NULL, v INT, PRIMARY KEY (k));"
                                + "CREATE TABLE __failpoint_sleep (k BIGINT NOT NULL, PRIMARY KEY (k))",
                        "Idempotency-Key",
                        "setup");
            }
            assertEquals(200, created.status(), created::toString);
            String slow = "{\"batch_id\": \"slow-1\", \"ops\": [" + insert("t", 1) + ", "
                    + insert("__failpoint_sleep", 1) + "]}";
            NodeClient.Reply late = client.ingest("a", slow);
            assertEquals(504, late.status(), late::toString);
            assertEquals("outcome_unknown", late.errorCode());
            assertNotNull(late.header("Retry-After"));
            // Sent again until answered: the entity finishes the write it had started, then answers the repeat.
            NodeClient.Reply retried = client.ingest("a", slow);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (retried.status() != 200 && System.nanoTime() < deadline) {
                Thread.sleep(200);
                retried = client.ingest("a", slow);
            }
            assertEquals(200, retried.status(), retried::toString);
            assertTrue(retried.json().path("duplicate").asBoolean(), "applied once, by the first attempt: " + retried);
            assertEquals(List.of(1L), keys(client, "a", "t"));
        }
    }

    @Test
    void statementsNestedTooDeeplyAreRefusedNamingTheLimitWhileTheTenantServesOn() throws Exception {
        try (NodeProcess node =
                NodeProcess.serve(tmp, "--data-dir", tmp.resolve("data").toString())) {
            NodeClient client = ready(node);
            assertEquals(
                    200,
                    client.sql("d", "CREATE TABLE t0 (id INT NOT NULL, PRIMARY KEY (id))")
                            .status());
            String unions = "CREATE VIEW u AS SELECT id FROM t0" + " UNION ALL SELECT id FROM t0".repeat(999);
            String plus = "CREATE VIEW p AS SELECT id" + " + id".repeat(999) + " AS s FROM t0";
            String parentheses =
                    "CREATE VIEW q AS SELECT " + "(".repeat(100_000) + "id" + ")".repeat(100_000) + " AS s FROM t0";
            String cases = "CREATE VIEW c AS SELECT " + "CASE WHEN id = 1 THEN 1 ELSE ".repeat(5_000) + "0"
                    + " END".repeat(5_000) + " AS s FROM t0";
            for (String sql : List.of(unions, plus, parentheses, cases)) {
                NodeClient.Reply refused = client.sql("d", sql);
                assertEquals(422, refused.status(), refused::toString);
                assertEquals("limit_exceeded", refused.errorCode());
                assertEquals(
                        "max-sql-depth",
                        refused.json()
                                .path("error")
                                .path("details")
                                .path("limit")
                                .asText());
            }
            NodeClient.Reply query = client.post(
                    "/v1/tenants/d/query",
                    "application/json",
                    NodeClient.JSON.writeValueAsString(
                            Map.of("sql", "SELECT id FROM t0" + " UNION ALL SELECT id FROM t0".repeat(2_000))));
            assertEquals(422, query.status(), query::toString);
            JsonNode tenant = client.get("/v1/tenants/d").json();
            assertEquals(1, tenant.path("version").asLong(), "nothing was created: " + tenant);
            assertEquals(
                    200,
                    client.ingest("d", "{\"ops\": [{\"op\": \"insert\", \"table\": \"t0\", \"row\": {\"id\": 1}}]}")
                            .status());
            assertFalse(node.stderr().contains("StackOverflowError"), node.stderr());
            assertTrue(node.process.isAlive());
        }
    }

    @Test
    void aJvmLevelFailureEndsTheProcessAndARestartRecoversEveryAcknowledgedWrite() throws Exception {
        Path data = tmp.resolve("data");
        List<Long> acknowledged = new ArrayList<>();
        try (NodeProcess node = NodeProcess.serve(tmp, FAILPOINTS, "--data-dir", data.toString())) {
            NodeClient client = ready(node);
            setUpTenant(client, "a");
            for (long k = 1; k <= 20; k++) {
                if (client.ingest("a", batch(insert("t", k))).status() == 200) acknowledged.add(k);
            }
            assertEquals(20, acknowledged.size());
            try {
                client.ingest("a", batch(insert("__failpoint_out_of_memory", 1)));
            } catch (java.io.IOException connectionClosed) {
                // the process may go before it answers
            }
            assertTrue(
                    node.process.waitFor(60, TimeUnit.SECONDS),
                    "the process exits instead of hanging: " + stderr(node));
            assertEquals(1, node.process.exitValue(), () -> stderr(node));
            assertTrue(node.stderr().contains("OutOfMemoryError"), node.stderr());
        }
        try (NodeProcess restarted = NodeProcess.serve(tmp, "--data-dir", data.toString())) {
            NodeClient client = ready(restarted);
            assertEquals(acknowledged, keys(client, "a", "t"));
            assertEquals(
                    20,
                    client.get("/v1/tenants/a/views/total")
                            .json()
                            .path("rows")
                            .get(0)
                            .path("n")
                            .asLong());
        }
    }
}
