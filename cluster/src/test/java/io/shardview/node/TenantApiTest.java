package io.shardview.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The tenant-circuit endpoints of docs/api.md over real HTTP on an in-process node. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TenantApiTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dataDir;

    private ShardviewNode node;

    @BeforeAll
    void startNode() throws Exception {
        node = TenantNodes.start(
                dataDir, Map.of("shardview.tenant.max-request-bytes", "64 KiB", "shardview.tenant.batch-max-ops", 50));
    }

    @AfterAll
    void stopNode() {
        node.stop();
    }

    private TenantClient tenant(String name) throws Exception {
        TenantClient client = new TenantClient(node, name);
        JsonNode created = client.sql(
                """
        CREATE TABLE users (id BIGINT NOT NULL, name VARCHAR, age INT, PRIMARY KEY (id));
        CREATE TABLE log (msg VARCHAR);
        CREATE VIEW adults AS SELECT id, name FROM users WHERE age >= 18;
        CREATE VIEW by_age AS SELECT age, COUNT(*) AS n FROM users GROUP BY age
        """,
                200);
        assertEquals(1, created.get("version").asLong());
        assertEquals(4, created.get("objects").size());
        return client;
    }

    @Test
    void aTenantsRecentErrorsAreListedNewestFirstWithTheCodesItWasAnswered() throws Exception {
        TenantClient oops = tenant("oops");
        JsonNode ingest = oops.ingest("{\"ops\": [{\"op\": \"insert\", \"table\": \"nope\", \"row\": {}}]}", 400);
        JsonNode sql = oops.sql("CREATE VIEW broken AS SELEC 1", 400);
        oops.sql("CREATE TABLE fine (id INT)", 200);

        JsonNode listed = oops.json(oops.get("errors"), 200);
        assertEquals("oops", listed.get("tenant").asText());
        assertEquals(1, listed.get("nodes").asInt());
        assertEquals(0, listed.get("unanswered").size());
        JsonNode errors = listed.get("errors");
        assertEquals(2, errors.size(), errors.toString());
        JsonNode newest = errors.get(0);
        assertEquals("POST", newest.get("method").asText());
        assertEquals("/v1/tenants/oops/sql", newest.get("path").asText());
        assertEquals(400, newest.get("status").asInt());
        assertEquals(sql.at("/error/code").asText(), newest.get("code").asText());
        assertEquals(sql.at("/error/message").asText(), newest.get("message").asText());
        assertEquals("/v1/tenants/oops/ingest", errors.get(1).get("path").asText());
        assertEquals(
                ingest.at("/error/code").asText(), errors.get(1).get("code").asText());
        assertTrue(
                java.time.Instant.parse(newest.get("at").asText())
                        .isAfter(java.time.Instant.now().minusSeconds(60)),
                newest.toString());
        assertEquals(
                JSON.readTree(TestNodes.get(node, "/v1/cluster").body())
                        .get("self")
                        .asText(),
                newest.get("node").asText());

        assertEquals(1, oops.json(oops.get("errors?limit=1"), 200).get("errors").size());
        assertEquals(
                0,
                new TenantClient(node, "spotless")
                        .json(new TenantClient(node, "spotless").get("errors"), 200)
                        .get("errors")
                        .size());
        assertEquals(
                "bad_request",
                oops.errorBody(oops.get("errors?limit=0"), 400)
                        .at("/error/code")
                        .asText());
        assertEquals(
                "bad_request",
                oops.errorBody(oops.get("errors?limit=x"), 400)
                        .at("/error/code")
                        .asText());
        // the refusals of reading the errors are the tenant's errors too, and are listed
        assertEquals(4, oops.json(oops.get("errors"), 200).get("errors").size());
    }

    @Test
    void theClusterEndpointLocatesATenantsShardAndNode() throws Exception {
        tenant("where");
        String self = JSON.readTree(TestNodes.get(node, "/v1/cluster").body())
                .get("self")
                .asText();
        HttpResponse<String> found = TestNodes.get(node, "/v1/cluster/entities/tenant-circuit/where");
        assertEquals(200, found.statusCode(), found.body());
        JsonNode location = JSON.readTree(found.body());
        assertEquals(
                String.valueOf(Math.abs("where".hashCode() % 100)),
                location.get("shard").asText());
        assertEquals(self, location.get("node").asText());
        HttpResponse<String> unknown = TestNodes.get(node, "/v1/cluster/entities/no-such-type/where");
        assertEquals(404, unknown.statusCode());
        assertEquals(
                "not_found", JSON.readTree(unknown.body()).at("/error/code").asText());

        // The entities running per node: this node runs the tenant.
        JsonNode running =
                JSON.readTree(TestNodes.get(node, "/v1/cluster/entities").body());
        assertTrue(running.at("/entities/tenant-circuit").get(self).asInt() >= 1, running.toString());
        assertEquals(0, running.get("unanswered").size());
    }

    @Test
    void sqlCreatesTablesAndViewsAndTheTenantDescribesThem() throws Exception {
        TenantClient t = tenant("describe");
        JsonNode info = t.json(t.get(""), 200);
        assertEquals("describe", info.get("tenant").asText());
        assertEquals(1, info.get("version").asLong());
        assertEquals("users", info.at("/tables/0/name").asText());
        assertEquals("[\"id\"]", info.at("/tables/0/primaryKey").toString());
        assertEquals("bigint", info.at("/tables/0/columns/0/type").asText());
        assertFalse(info.at("/tables/0/columns/0/nullable").asBoolean());
        assertEquals(List.of("adults", "by_age"), names(info.get("views")));
        assertTrue(info.at("/views/0/sql").asText().contains("age >= 18"));
    }

    @Test
    void sqlAcceptsJsonAndRefusesOtherContentTypes() throws Exception {
        TenantClient t = new TenantClient(node, "sqljson");
        assertEquals(
                1,
                t.json(t.post("sql", "application/json", "{\"sql\": \"CREATE TABLE a (x INT)\"}"), 200)
                        .get("version")
                        .asLong());
        assertEquals("unsupported_media_type", t.error(t.post("sql", "application/xml", "<sql/>"), 415));
        assertEquals("bad_request", t.error(t.post("sql", "application/json", "{\"nosql\": 1}"), 400));
        assertEquals(1, t.version());
    }

    @Test
    void badSqlIsRefusedAndChangesNothing() throws Exception {
        TenantClient t = tenant("badsql");
        assertTrue(t.errorBody(
                        t.post(
                                "sql",
                                "application/sql",
                                "CREATE VIEW w AS SELECT id, stddev_pop(id) OVER (ORDER BY id) FROM users"),
                        422)
                .at("/error/message")
                .asText()
                .contains("window"));
        t.error(t.post("sql", "application/sql", "CREATE VIEW z AS SELECT nope FROM users"), 422);
        t.error(t.post("sql", "application/sql", "CREATE TABLE users (id INT)"), 409);
        assertEquals("conflict", t.error(t.post("sql", "application/sql", "DROP TABLE users"), 409));
        // atomic: the first statement is valid, the second is not, so neither applies
        t.error(
                t.post(
                        "sql",
                        "application/sql",
                        "CREATE TABLE fresh (x INT); CREATE VIEW v AS SELECT missing FROM fresh"),
                422);
        assertEquals(1, t.version());
        assertEquals(404, t.get("tables/fresh").statusCode());
    }

    @Test
    void aBatchOrViewThatHitsAnSqlErrorIsA422AndChangesNothing() throws Exception {
        TenantClient t = tenant("sqlerror");
        t.sql("CREATE VIEW per_year AS SELECT id, 100 / age AS r FROM users", 200);
        t.ingest("{\"ops\": [{\"op\": \"insert\", \"table\": \"users\", \"row\": {\"id\": 1, \"age\": 20}}]}", 200);
        String hashBefore = t.json(t.get("views/adults"), 200).get("hash").asText();

        JsonNode error = t.errorBody(
                t.post(
                        "ingest",
                        "application/json",
                        "{\"ops\": ["
                                + "{\"op\": \"update\", \"table\": \"users\", \"row\": {\"id\": 1, \"age\": 30}},"
                                + "{\"op\": \"insert\", \"table\": \"users\", \"row\": {\"id\": 2, \"age\": 0}}]}"),
                422);
        assertEquals("evaluation_error", error.at("/error/code").asText());
        assertEquals(
                "view per_year: division by zero", error.at("/error/message").asText());
        assertEquals("per_year", error.at("/error/details/view").asText());
        assertEquals(3, t.version(), "the failed batch is no version");
        assertEquals(hashBefore, t.json(t.get("views/adults"), 200).get("hash").asText());
        assertEquals(
                "[{\"id\":1,\"r\":5}]",
                t.json(t.get("views/per_year"), 200).get("rows").toString());

        JsonNode view = t.errorBody(
                t.post(
                        "sql",
                        "application/sql",
                        "CREATE VIEW bad AS SELECT id, CAST(name AS INT) AS n FROM users "
                                + "UNION ALL SELECT id, 2147483647 + age FROM users"),
                422);
        assertEquals("evaluation_error", view.at("/error/code").asText());
        assertEquals("view bad: integer out of range", view.at("/error/message").asText());
        assertEquals(404, t.get("views/bad").statusCode());
        assertEquals(
                "evaluation_error",
                t.error(t.post("query", "application/json", "{\"sql\": \"SELECT 1 / (age - 20) FROM users\"}"), 422));
        assertEquals(3, t.version());
    }

    @Test
    void aMixedBatchAppliesAtomicallyAndReportsViewDeltas() throws Exception {
        TenantClient t = tenant("mixed");
        JsonNode reply = t.ingest(
                """
        {"ops": [
          {"op": "insert", "table": "users", "row": {"id": 1, "name": "Alice", "age": 30}},
          {"op": "insert", "table": "users", "row": {"id": 2, "name": "Bob", "age": 12}},
          {"op": "update", "table": "users", "row": {"id": 2, "name": "Bob", "age": 19}},
          {"op": "insert", "table": "users", "row": {"id": 3, "name": "Cy", "age": 40}},
          {"op": "delete", "table": "users", "key": {"id": 3}},
          {"op": "upsert", "table": "users", "row": {"id": 4, "name": null, "age": 19}},
          {"op": "insert", "table": "log", "row": {"msg": "hello"}},
          {"op": "insert", "table": "log", "row": {"msg": "hello"}}
        ]}""",
                200);
        assertEquals(2, reply.get("version").asLong());
        assertEquals(8, reply.get("ops").asInt());
        assertEquals(3, reply.at("/views/adults/inserted").asLong());
        assertEquals(0, reply.at("/views/adults/deleted").asLong());
        JsonNode adults = t.json(t.get("views/adults"), 200);
        assertEquals(
                "[{\"id\":1,\"name\":\"Alice\"},{\"id\":2,\"name\":\"Bob\"},{\"id\":4,\"name\":null}]",
                adults.get("rows").toString());
        assertEquals(3, adults.get("count").asLong());
        JsonNode log = t.json(t.get("tables/log"), 200);
        assertEquals(2, log.get("count").asLong(), "a keyless table is a multiset");
        JsonNode byAge = t.json(t.get("views/by_age"), 200);
        assertEquals(
                "[{\"age\":19,\"n\":2},{\"age\":30,\"n\":1}]", byAge.get("rows").toString());

        JsonNode noChange = t.ingest(
                """
        {"ops": [
          {"op": "insert", "table": "users", "row": {"id": 9, "name": "Tmp", "age": 50}},
          {"op": "update", "table": "users", "row": {"id": 9, "name": "Tmp", "age": 51}},
          {"op": "delete", "table": "users", "key": {"id": 9}}
        ]}""",
                200);
        assertEquals(3, noChange.get("version").asLong(), "an accepted batch is a version even with no net change");
        assertEquals("{}", noChange.get("views").toString(), "insert+update+delete of one key is no change");
    }

    @Test
    void everyBadBatchIsRefusedWithItsIndexAndChangesNothing() throws Exception {
        TenantClient t = tenant("badbatch");
        t.ingest(
                "{\"ops\": [{\"op\": \"insert\", \"table\": \"users\", \"row\": {\"id\": 1, \"name\": \"A\", \"age\": 20}}]}",
                200);
        String hashBefore = t.json(t.get("views/adults"), 200).get("hash").asText();
        String ok = "{\"op\": \"insert\", \"table\": \"users\", \"row\": {\"id\": 5, \"name\": \"E\", \"age\": 50}}";
        record Case(String badOp, int status, String why) {}
        List<Case> cases = List.of(
                new Case(
                        "{\"op\": \"insert\", \"table\": \"users\", \"row\": {\"id\": 1, \"name\": \"dup\", \"age\": 1}}",
                        409,
                        "existing key"),
                new Case(
                        "{\"op\": \"update\", \"table\": \"users\", \"row\": {\"id\": 77, \"name\": \"x\", \"age\": 1}}",
                        409,
                        "update of a missing key"),
                new Case(
                        "{\"op\": \"delete\", \"table\": \"users\", \"key\": {\"id\": 77}}",
                        409,
                        "delete of a missing key"),
                new Case(
                        "{\"op\": \"delete\", \"table\": \"log\", \"row\": {\"msg\": \"never\"}}",
                        409,
                        "delete of a missing row"),
                new Case("{\"op\": \"insert\", \"table\": \"nope\", \"row\": {\"id\": 2}}", 400, "unknown table"),
                new Case(
                        "{\"op\": \"insert\", \"table\": \"users\", \"row\": {\"id\": 2, \"shoe\": 3}}",
                        400,
                        "unknown column"),
                new Case("{\"op\": \"insert\", \"table\": \"users\", \"row\": {\"id\": \"two\"}}", 400, "wrong type"),
                new Case(
                        "{\"op\": \"insert\", \"table\": \"users\", \"row\": {\"id\": 2, \"age\": 1.5}}",
                        400,
                        "fraction into INT"),
                new Case(
                        "{\"op\": \"insert\", \"table\": \"users\", \"row\": {\"id\": null, \"name\": \"n\"}}",
                        400,
                        "NULL in NOT NULL"),
                new Case(
                        "{\"op\": \"update\", \"table\": \"log\", \"row\": {\"msg\": \"x\"}}",
                        400,
                        "update of a keyless table"),
                new Case(
                        "{\"op\": \"insert\", \"table\": \"users\", \"row\": {\"id\": 2, \"name\": {\"x\": 1}}}",
                        400,
                        "nested value"),
                new Case("{\"op\": \"merge\", \"table\": \"users\", \"row\": {\"id\": 2}}", 400, "unknown op"),
                new Case("{\"op\": \"delete\", \"table\": \"users\"}", 400, "delete without key"),
                new Case("[1, 2]", 400, "op not an object"));
        for (Case c : cases) {
            JsonNode error = t.errorBody(
                    t.post("ingest", "application/json", "{\"ops\": [" + ok + ", " + c.badOp() + "]}"), c.status());
            assertEquals(1, error.at("/error/details/index").asInt(), c.why() + ": " + error);
        }
        assertEquals("invalid_batch", t.error(t.post("ingest", "application/json", "{\"ops\": [" + ok + ","), 400));
        assertEquals(400, t.post("ingest", "application/json", "{\"ops\": []}").statusCode());
        assertEquals(400, t.post("ingest", "application/json", "{\"ops\": {}}").statusCode());
        JsonNode ndjson = t.errorBody(t.post("ingest", "application/x-ndjson", ok + "\n{not json\n"), 400);
        assertEquals(1, ndjson.at("/error/details/index").asInt());
        assertEquals(2, ndjson.at("/error/details/line").asInt());
        assertEquals("unsupported_media_type", t.error(t.post("ingest", "text/csv", "id,name"), 415));
        String tooMany = "{\"ops\": [" + String.join(",", java.util.Collections.nCopies(51, ok)) + "]}";
        assertEquals("too_many_ops", t.error(t.post("ingest", "application/json", tooMany), 413));
        String huge = "{\"ops\": [" + ok.replace("\"E\"", "\"" + "x".repeat(70_000) + "\"") + "]}";
        assertEquals(413, t.post("ingest", "application/json", huge).statusCode());

        assertEquals(2, t.version(), "no rejected batch moved the version");
        assertEquals(hashBefore, t.json(t.get("views/adults"), 200).get("hash").asText());
        assertEquals(1, t.json(t.get("tables/users"), 200).get("count").asLong());
    }

    @Test
    void aRetriedBatchIdIsAnsweredWithTheOriginalResultAndNotAppliedTwice() throws Exception {
        TenantClient t = tenant("idempotent");
        String batch =
                "{\"batch_id\": \"b-1\", \"ops\": [{\"op\": \"insert\", \"table\": \"log\", \"row\": {\"msg\": \"once\"}}]}";
        JsonNode first = t.ingest(batch, 200);
        assertFalse(first.has("duplicate"));
        JsonNode again = t.ingest(batch, 200);
        assertTrue(again.get("duplicate").asBoolean());
        assertEquals(first.get("version"), again.get("version"));
        HttpResponse<String> ndjson = TestNodes.send(
                node,
                HttpRequest.newBuilder(URI.create(t.base + "/ingest"))
                        .header("Content-Type", "application/x-ndjson")
                        .header("Idempotency-Key", "b-1")
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "{\"op\": \"insert\", \"table\": \"log\", \"row\": {\"msg\": \"once\"}}")));
        assertTrue(t.json(ndjson, 200).get("duplicate").asBoolean());
        assertEquals(1, t.json(t.get("tables/log"), 200).get("count").asLong());
        assertEquals(2, t.version());
    }

    @Test
    void readsPageThroughEveryRowAndHonourMinVersion() throws Exception {
        TenantClient t = tenant("paging");
        StringBuilder ops = new StringBuilder();
        for (int i = 0; i < 25; i++) {
            if (i > 0) ops.append(',');
            ops.append("{\"op\": \"insert\", \"table\": \"users\", \"row\": {\"id\": ")
                    .append(i)
                    .append(", \"age\": 20}}");
        }
        t.ingest("{\"ops\": [" + ops + "]}", 200);
        List<Long> ids = new ArrayList<>();
        String after = null;
        do {
            JsonNode page = t.json(t.get("views/adults?limit=10" + (after == null ? "" : "&after=" + after)), 200);
            assertEquals(25, page.get("count").asLong());
            page.get("rows").forEach(row -> ids.add(row.get("id").asLong()));
            after = page.get("next").isNull() ? null : page.get("next").asText();
        } while (after != null);
        assertEquals(java.util.stream.LongStream.range(0, 25).boxed().toList(), ids);

        JsonNode stale = t.json(t.get("views/adults?min_version=99&wait_ms=100"), 200);
        assertTrue(stale.get("stale").asBoolean());
        assertFalse(t.json(t.get("views/adults?min_version=2&wait_ms=100"), 200).has("stale"));

        // A read waiting for the next version is answered by the ingest that writes it, long before its
        // wait runs out (the test gives up after 10 s; the read would wait 15 s).
        long next = t.json(t.get("views/adults"), 200).get("version").asLong() + 1;
        var waiting = readWaiting(t, "views/adults?min_version=" + next + "&wait_ms=15000");
        t.ingest("{\"ops\": [{\"op\": \"insert\", \"table\": \"users\", \"row\": {\"id\": 1000, \"age\": 40}}]}", 200);
        JsonNode reached = JSON.readTree(waiting.get(10, TimeUnit.SECONDS).body());
        assertEquals(next, reached.get("version").asLong(), reached.toString());
        assertFalse(reached.has("stale"), reached.toString());
        assertEquals(26, reached.get("count").asLong());
        // A read waiting for a version waits for a view that version creates, rather than answering 404 at once.
        long creating = next + 1;
        var waitingForView = readWaiting(t, "views/elders?min_version=" + creating + "&wait_ms=15000");
        t.sql("CREATE VIEW elders AS SELECT id FROM users WHERE age >= 40", 200);
        HttpResponse<String> created = waitingForView.get(10, TimeUnit.SECONDS);
        assertEquals(200, created.statusCode(), created.body());
        assertEquals(creating, JSON.readTree(created.body()).get("version").asLong(), created.body());
        assertEquals("not_found", t.error(t.get("views/nothing?min_version=1&wait_ms=5000"), 404), "reached: at once");
        assertEquals(400, t.get("views/adults?limit=0").statusCode());
        assertEquals(400, t.get("views/adults?limit=x").statusCode());
        assertEquals("not_found", t.error(t.get("views/users"), 404), "a table is not a view");
        assertEquals("not_found", t.error(t.get("tables/adults"), 404), "a view is not a table");
        assertEquals("not_found", t.error(t.get("views/nothing"), 404));
    }

    /**
     * A view of the last 3 seconds: the tenant's clock ticks each second (a version each), so a row leaves the view
     * once it is 3 seconds old, with no write of the client's; the clock's table is nobody's to see or write.
     */
    @Test
    void aViewOfTheLastSecondsLetsRowsGoAsTheClockTicks() throws Exception {
        TenantClient t = new TenantClient(node, "clock");
        t.sql(
                "CREATE TABLE events (id BIGINT NOT NULL, ts TIMESTAMP, PRIMARY KEY (id));"
                        + "CREATE VIEW recent AS SELECT id FROM events WHERE ts > NOW() - INTERVAL '3 seconds'",
                200);
        java.time.LocalDateTime now = java.time.LocalDateTime.now(java.time.ZoneOffset.UTC);
        JsonNode ingested = t.ingest(
                "{\"ops\": [{\"op\": \"insert\", \"table\": \"events\", \"row\": {\"id\": 1, \"ts\": \""
                        + now + "\"}}, {\"op\": \"insert\", \"table\": \"events\", \"row\": {\"id\": 2,"
                        + " \"ts\": \"" + now.minusHours(1) + "\"}}]}",
                200);
        long version = ingested.get("version").asLong();
        // The clock ticked as the view was created: the batch is judged against it at once.
        assertEquals(1, ingested.at("/views/recent/inserted").asLong(), ingested.toString());
        JsonNode fresh = t.json(t.get("views/recent?min_version=" + version), 200);
        assertEquals(1, fresh.get("rows").size(), fresh.toString());
        assertEquals(1, fresh.get("rows").get(0).get("id").asLong());
        TestNodes.awaitTrue(
                () -> t.json(t.get("views/recent"), 200).get("rows").isEmpty(),
                "the row leaves the view once it is 3 seconds old");
        assertTrue(t.version() > version + 2, "each tick is a version");
        JsonNode described = t.json(t.get(""), 200);
        assertEquals(1, described.get("tables").size(), "only the tenant's own table: " + described);
        assertEquals("not_found", t.error(t.get("tables/$clock"), 404));
        t.ingest("{\"ops\": [{\"op\": \"upsert\", \"table\": \"$clock\", \"row\": {\"id\": 1}}]}", 400);
    }

    /**
     * The tenant sets its clock's resolution: at 100 ms the clock shows tenths of a second, which the node's default of
     * a second never does; back to the default with null; what is not a resolution is 400 and changes nothing. Views
     * read intervals of the time (how long ago) as PostgreSQL shows them.
     */
    @Test
    void aTenantSetsItsClocksResolution() throws Exception {
        TenantClient t = new TenantClient(node, "clock-resolution");
        assertEquals("not_found", t.error(t.put("clock", "application/json", "{\"resolution\": \"1s\"}"), 404));
        t.sql(
                "CREATE TABLE events (id BIGINT NOT NULL, ts TIMESTAMP, PRIMARY KEY (id));"
                        + "CREATE VIEW recent AS SELECT id, NOW() - ts AS ago FROM events"
                        + " WHERE ts > NOW() - INTERVAL '1 hour'",
                200);
        JsonNode clock = t.json(t.get(""), 200).get("clock");
        assertEquals("1s", clock.get("resolution").asText(), clock.toString());
        assertFalse(clock.get("set").asBoolean());
        for (String bad : List.of(
                "{\"resolution\": \"5\"}",
                "{\"resolution\": \"1ms\"}",
                "{\"resolution\": \"25h\"}",
                "{\"resolution\": 5}",
                "{\"resolution\": \"1s\", \"other\": 1}",
                "[]")) {
            assertEquals("bad_request", t.error(t.put("clock", "application/json", bad), 400), bad);
        }
        JsonNode set = t.json(t.put("clock", "application/json", "{\"resolution\": \"100ms\"}"), 200);
        assertEquals("100ms", set.at("/clock/resolution").asText(), set.toString());
        assertTrue(set.at("/clock/set").asBoolean());
        TestNodes.awaitTrue(
                () -> t.json(t.get(""), 200).at("/clock/now").asText().contains("."),
                "the clock shows tenths of a second");
        java.time.LocalDateTime now = java.time.LocalDateTime.now(java.time.ZoneOffset.UTC);
        long version = t.ingest(
                        "{\"ops\": [{\"op\": \"insert\", \"table\": \"events\", \"row\": {\"id\": 1," + " \"ts\": \""
                                + now.minusMinutes(10) + "\"}}]}",
                        200)
                .get("version")
                .asLong();
        JsonNode row = t.json(t.get("views/recent?min_version=" + version), 200)
                .get("rows")
                .get(0);
        assertTrue(row.get("ago").asText().matches("00:(09|10):\\d\\d(\\.\\d+)?"), row.toString());
        // As of a time the clock has passed since the row came: the view at the last version that showed that time.
        String shown = t.json(t.get(""), 200).at("/clock/now").asText();
        TestNodes.awaitTrue(
                () -> !t.json(t.get(""), 200).at("/clock/now").asText().equals(shown), "the clock passes " + shown);
        JsonNode asOf = t.json(t.get("views/recent?as_of=" + shown), 200);
        assertEquals(1, asOf.get("count").asLong(), asOf.toString());
        assertTrue(
                asOf.get("version").asLong() >= version && asOf.get("version").asLong() < t.version(), asOf.toString());
        assertEquals("conflict", t.error(t.get("views/recent?as_of=2999-01-01T00:00:00"), 409));
        assertEquals("history_gone", t.error(t.get("views/recent?as_of=2000-01-01T00:00:00"), 410));
        assertEquals("bad_request", t.error(t.get("views/recent?as_of=yesterday"), 400));
        JsonNode back = t.json(t.put("clock", "application/json", "{\"resolution\": null}"), 200);
        assertEquals("1s", back.at("/clock/resolution").asText(), back.toString());
        assertFalse(back.at("/clock/set").asBoolean());
    }

    /** A read sent on another thread, given 200 ms to reach the tenant's entity and wait there. */
    private java.util.concurrent.CompletableFuture<HttpResponse<String>> readWaiting(TenantClient t, String path)
            throws InterruptedException {
        var waiting = java.util.concurrent.CompletableFuture.supplyAsync(() -> TestNodes.send(
                node, HttpRequest.newBuilder(URI.create(t.base + "/" + path)).GET()));
        Thread.sleep(200);
        return waiting;
    }

    @Test
    void unknownAndInvalidTenantsAreClearErrors() throws Exception {
        TenantClient unknown = new TenantClient(node, "never-created");
        assertEquals("not_found", unknown.error(unknown.get(""), 404));
        TenantClient invalid = new TenantClient(node, "Bad.Name");
        assertEquals("invalid_tenant", invalid.error(invalid.get(""), 400));
    }

    @Test
    void oneOffQueriesEvaluateOverCurrentData() throws Exception {
        TenantClient t = tenant("query");
        t.ingest(
                "{\"ops\": [{\"op\": \"insert\", \"table\": \"users\", \"row\": {\"id\": 1, \"age\": 7}},"
                        + "{\"op\": \"insert\", \"table\": \"users\", \"row\": {\"id\": 2, \"age\": 9}}]}",
                200);
        JsonNode result = t.json(
                t.post("query", "application/json", "{\"sql\": \"SELECT SUM(age) AS s, COUNT(*) AS n FROM users\"}"),
                200);
        assertEquals("[{\"s\":16,\"n\":2}]", result.get("rows").toString());
        JsonNode missing =
                t.errorBody(t.post("query", "application/json", "{\"sql\": \"SELECT * FROM missing\"}"), 404);
        assertEquals(
                "relation \"missing\" does not exist",
                missing.at("/error/message").asText());
        assertEquals(415, t.post("query", "application/sql", "SELECT 1").statusCode());
    }

    /** docs/api.md, "Plan of a view": a view's operators in order, what each reads, and the state each holds. */
    @Test
    void aViewsPlanShowsItsOperatorsAndTheirStateWithJoinsOrderedByTheirConditions() throws Exception {
        TenantClient t = new TenantClient(node, "plans");
        t.sql(
                """
        CREATE TABLE a (id BIGINT NOT NULL, x INT, PRIMARY KEY (id));
        CREATE TABLE b (id BIGINT NOT NULL, y INT, PRIMARY KEY (id));
        CREATE TABLE c (id BIGINT NOT NULL, x INT, y INT, PRIMARY KEY (id));
        CREATE VIEW abc AS SELECT a.id, b.id AS bid FROM a, b, c WHERE a.x = c.x AND b.y = c.y AND c.id > 0
        """,
                200);
        StringBuilder ops = new StringBuilder();
        for (int i = 1; i <= 10; i++) {
            ops.append(i == 1 ? "" : ",")
                    .append("{\"op\": \"insert\", \"table\": \"a\", \"row\": {\"id\": ")
                    .append(i)
                    .append(", \"x\": ")
                    .append(i)
                    .append("}},{\"op\": \"insert\", \"table\": \"b\", \"row\": {\"id\": ")
                    .append(i)
                    .append(", \"y\": ")
                    .append(i)
                    .append("}},{\"op\": \"insert\", \"table\": \"c\", \"row\": {\"id\": ")
                    .append(i)
                    .append(", \"x\": ")
                    .append(i)
                    .append(", \"y\": ")
                    .append(i)
                    .append("}}");
        }
        t.ingest("{\"ops\": [" + ops + "]}", 200);
        JsonNode plan = t.json(t.get("views/abc/plan"), 200);
        assertEquals("abc", plan.get("view").asText());
        assertEquals(2, plan.get("version").asLong());
        assertEquals(10, plan.get("rows").asLong());
        JsonNode operators = plan.get("operators");
        java.util.Set<String> reads = new java.util.TreeSet<>();
        long joins = 0;
        long state = 0;
        for (int i = 0; i < operators.size(); i++) {
            JsonNode o = operators.get(i);
            assertEquals(i, o.get("id").asInt());
            if (o.has("reads")) reads.add(o.get("reads").asText());
            else for (JsonNode input : o.get("inputs")) assertTrue(input.asInt() < i, "inputs come first: " + o);
            if (o.get("operator").asText().equals("InnerJoin")) {
                joins++;
                // Joined on their conditions, a and b never meet alone: no join holds their 100-row product.
                assertTrue(o.get("state_rows").asLong() <= 40, plan.toString());
            }
            state += o.get("state_rows").asLong();
        }
        assertEquals(java.util.Set.of("a", "b", "c"), reads);
        assertEquals(2, joins, plan.toString());
        assertEquals(state, plan.get("state_rows").asLong());
        assertTrue(state > 0);
        // The same SELECT again: its operators are the first view's (docs/sql.md, "Shared operators").
        t.sql(
                "CREATE VIEW abc_again AS SELECT a.id, b.id AS bid FROM a, b, c WHERE a.x = c.x AND b.y = c.y"
                        + " AND c.id > 0",
                200);
        JsonNode again = t.json(t.get("views/abc_again/plan"), 200);
        assertEquals(10, again.get("rows").asLong());
        assertEquals(state, again.get("state_rows").asLong());
        for (JsonNode o : again.get("operators")) {
            if (o.has("inputs")) assertEquals(2, o.get("shared_by_views").asInt(), again.toString());
            else assertTrue(!o.has("shared_by_views"), again.toString());
        }
        assertEquals(404, t.get("views/missing/plan").statusCode());
        assertEquals(
                404,
                new TenantClient(node, "never-planned").get("views/abc/plan").statusCode());
    }

    @Test
    void realsAreFloat4AndReadWithTheirOwnDigits() throws Exception {
        TenantClient t = tenant("reals");
        t.json(
                t.post(
                        "sql",
                        "application/sql",
                        "CREATE TABLE m (id INT PRIMARY KEY, r REAL, d DOUBLE PRECISION);"
                                + "CREATE VIEW w AS SELECT id, r, r + r AS rr, r + 1 AS r1, STDDEV_POP(r) OVER () IS NULL AS x"
                                + " FROM m"),
                422);
        t.json(
                t.post(
                        "sql",
                        "application/sql",
                        "CREATE TABLE m (id INT PRIMARY KEY, r REAL, d DOUBLE PRECISION);"
                                + "CREATE VIEW w AS SELECT id, r, r + r AS rr, r + 1 AS r1, d FROM m"),
                200);
        t.ingest(
                "{\"ops\": [{\"op\": \"insert\", \"table\": \"m\", \"row\": {\"id\": 1, \"r\": 1.23456789, \"d\": 1.23456789}}]}",
                200);
        // PostgreSQL 15: 1.2345679 | 2.4691358 | 2.234567880630493 | 1.23456789
        JsonNode result = t.json(t.get("views/w"), 200);
        assertEquals(
                "[{\"id\":1,\"r\":1.2345679,\"rr\":2.4691358,\"r1\":2.234567880630493,\"d\":1.23456789}]",
                result.get("rows").toString());
        JsonNode tooLarge = t.errorBody(
                t.post(
                        "ingest",
                        "application/json",
                        "{\"ops\": [{\"op\": \"insert\", \"table\": \"m\", \"row\": {\"id\": 2, \"r\": 1e39}}]}"),
                400);
        assertTrue(tooLarge.at("/error/message").asText().contains("out of range for type real"), tooLarge.toString());
    }

    @Test
    void decimalsKeepTheScaleTheyAreWrittenWithAsJsonNumbersOrStrings() throws Exception {
        TenantClient t = tenant("decimals");
        t.json(
                t.post("sql", "application/sql", "CREATE TABLE prices (id INT PRIMARY KEY, n NUMERIC, m NUMERIC(6,2))"),
                200);
        t.ingest(
                "{\"ops\": [{\"op\": \"insert\", \"table\": \"prices\", \"row\": {\"id\": 1, \"n\": 1.50, \"m\": 2.5}},"
                        + "{\"op\": \"insert\", \"table\": \"prices\", \"row\": {\"id\": 2, \"n\": \"2.500\", \"m\": \"3\"}},"
                        + "{\"op\": \"insert\", \"table\": \"prices\", \"row\": {\"id\": 3, \"n\": 1e2, \"m\": 0.0}}]}",
                200);
        JsonNode result = t.json(
                t.post("query", "application/json", "{\"sql\": \"SELECT id, n, m FROM prices ORDER BY id\"}"), 200);
        // As PostgreSQL stores the literals 1.50, '2.500' and 1e2: each with its own scale (1e2 has none).
        assertEquals(
                "[{\"id\":1,\"n\":\"1.50\",\"m\":\"2.50\"},{\"id\":2,\"n\":\"2.500\",\"m\":\"3.00\"},"
                        + "{\"id\":3,\"n\":\"100\",\"m\":\"0.00\"}]",
                result.get("rows").toString());
    }

    @Test
    void concurrentBatchesAreCommittedInGroupsYetEachGetsItsOwnVersionAndVerdict() throws Exception {
        TenantClient t = tenant("groups");
        int threads = 8;
        int perThread = 25;
        List<Long> versions = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Integer> conflicts = java.util.Collections.synchronizedList(new ArrayList<>());
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
        List<java.util.concurrent.Future<?>> done = new ArrayList<>();
        for (int thread = 0; thread < threads; thread++) {
            int base = thread * perThread;
            done.add(pool.submit(() -> {
                for (int i = 0; i < perThread; i++) {
                    int id = base + i;
                    // every 10th batch re-inserts id 0, which thread 0 inserted first: a conflict of its own
                    int key = (id % 10 == 9) ? 0 : id;
                    HttpResponse<String> response = t.post(
                            "ingest",
                            "application/json",
                            "{\"ops\": [{\"op\": \"insert\", \"table\": \"users\", \"row\": {\"id\": " + key
                                    + ", \"age\": 30}}]}");
                    if (response.statusCode() == 409) {
                        conflicts.add(id);
                    } else {
                        assertEquals(200, response.statusCode(), response.body());
                        versions.add(
                                JSON.readTree(response.body()).get("version").asLong());
                    }
                }
                return null;
            }));
        }
        for (var future : done) future.get();
        pool.shutdown();
        List<Long> sorted = versions.stream().sorted().toList();
        assertEquals(
                java.util.stream.LongStream.rangeClosed(2, 1 + sorted.size())
                        .boxed()
                        .toList(),
                sorted,
                "every accepted batch has its own version, with no gap");
        assertEquals(
                threads * perThread / 10, conflicts.size(), "the conflicting batches, and only they, were refused");
        assertEquals(1 + sorted.size(), t.version());
        JsonNode adults = t.json(t.get("views/adults?limit=1000"), 200);
        assertEquals(sorted.size(), adults.get("count").asLong());
    }

    @Test
    void aRequestOutlivingTheServerTimeoutIsA503WithRetryAfterInTheErrorModel(@TempDir Path otherDir) throws Exception {
        ShardviewNode slow = TenantNodes.start(otherDir, Map.of("shardview.http.request-timeout", "2 s"));
        try {
            TenantClient t = new TenantClient(slow, "slow");
            HttpResponse<String> created =
                    t.post("sql", "application/sql", "CREATE TABLE a (x INT); CREATE VIEW v AS SELECT x FROM a");
            if (created.statusCode() == 503) {
                // On a busy machine a fresh node's first statement (entity start, SQL planner warm-up) can
                // outlive the 2 s: it still completes, and the view appears.
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (t.get("views/v").statusCode() != 200 && System.nanoTime() < deadline) Thread.sleep(100);
            } else {
                assertEquals(200, created.statusCode(), created.body());
            }
            HttpResponse<String> response =
                    t.get("views/v?min_version=99&wait_ms=5000"); // waits 5 s for a version that never comes
            assertEquals("timeout", t.error(response, 503));
            assertTrue(response.headers().firstValue("Retry-After").isPresent());
        } finally {
            slow.stop();
        }
    }

    static List<String> names(JsonNode array) {
        List<String> names = new ArrayList<>();
        array.forEach(node -> names.add(node.get("name").asText()));
        return names;
    }
}
