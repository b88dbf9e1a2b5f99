package io.shardview.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tenant's budgets through the node: a join that multiplies rows (small keyless tables under a condition that reads
 * all of them) is refused 422 naming the budget, changes nothing and leaves the node and its other tenants serving; the admin sets a tenant's budgets and GET /v1/tenants/{t} shows them with their use.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TenantBudgetsTest {
    @TempDir
    static Path dataDir;

    private ShardviewNode node;

    @BeforeAll
    void startNode() throws Exception {
        node = TenantNodes.start(dataDir, Map.of("shardview.tenant.budgets.max-rows-per-request", 200_000));
    }

    @AfterAll
    void stopNode() {
        node.stop();
    }

    private static String tables(int n) {
        StringBuilder ddl = new StringBuilder();
        for (int t = 1; t <= n; t++) ddl.append("CREATE TABLE t").append(t).append(" (a INT, b INT);");
        return ddl.toString();
    }

    /**
     * A join of {@code n} tables whose only condition reads all of them: no plan can join them but as a product (a
     * chain of equalities, select5's shape, is ordered by its conditions and stays small: JoinOrderTest).
     */
    private static String productJoin(String name, int n) {
        StringBuilder from = new StringBuilder();
        StringBuilder sum = new StringBuilder();
        for (int t = 1; t <= n; t++) {
            from.append(t == 1 ? "" : ", ").append("t").append(t);
            sum.append(t == 1 ? "" : " + ").append("t").append(t).append(".a");
        }
        return "CREATE VIEW " + name + " AS SELECT t1.a, t" + n + ".b FROM " + from + " WHERE " + sum + " >= 0";
    }

    /** A batch of {@code perTable} rows in each of tables t1..t{@code tables}. */
    private static String rows(int tables, int perTable) {
        StringBuilder ops = new StringBuilder("{\"ops\": [");
        for (int t = 1; t <= tables; t++) {
            for (int i = 0; i < perTable; i++) {
                if (ops.charAt(ops.length() - 1) != '[') ops.append(',');
                ops.append("{\"op\": \"insert\", \"table\": \"t")
                        .append(t)
                        .append("\", \"row\": {\"a\": ")
                        .append(i)
                        .append(", \"b\": ")
                        .append(i)
                        .append("}}");
            }
        }
        return ops.append("]}").toString();
    }

    private int health() {
        return TestNodes.send(
                        node,
                        HttpRequest.newBuilder(URI.create(node.url() + "/health"))
                                .GET())
                .statusCode();
    }

    @Test
    void aJoinThatMultipliesRowsIsRefusedNamingTheBudgetAndTheNodeKeepsServing() throws Exception {
        TenantClient heavy = new TenantClient(node, "heavy");
        heavy.sql(tables(12), 200);
        heavy.sql(productJoin("v8", 8), 200);
        long version = heavy.version();

        JsonNode error = heavy.errorBody(heavy.post("ingest", "application/json", rows(8, 40)), 422)
                .get("error");

        assertEquals("limit_exceeded", error.get("code").asText());
        assertEquals("max-rows-per-request", error.at("/details/limit").asText());
        assertEquals(200_000, error.at("/details/max").asLong());
        assertTrue(error.at("/details/reached").asLong() > 200_000, error.toString());
        assertEquals("v8", error.at("/details/view").asText());
        assertEquals(version, heavy.version(), "nothing was applied");
        assertEquals(0, heavy.json(heavy.get("tables/t1"), 200).get("count").asLong());
        assertEquals(200, health());

        // Another tenant on the node is served as before.
        TenantClient light = new TenantClient(node, "light");
        light.sql("CREATE TABLE t (id BIGINT NOT NULL, PRIMARY KEY (id)); CREATE VIEW v AS SELECT id FROM t", 200);
        light.ingest("{\"ops\": [{\"op\": \"insert\", \"table\": \"t\", \"row\": {\"id\": 1}}]}", 200);

        // Filled from existing data, a 12-table view is refused at creation, before it fills memory.
        heavy.sql("DROP VIEW v8", 200);
        heavy.ingest(rows(12, 10), 200);
        JsonNode refused = heavy.errorBody(heavy.post("sql", "application/sql", productJoin("v12", 12)), 422)
                .get("error");
        assertEquals("max-rows-per-request", refused.at("/details/limit").asText(), refused.toString());
        assertEquals(404, heavy.get("views/v12").statusCode());
        assertEquals(200, health());
    }

    @Test
    void theAdminSetsATenantsBudgetsAndTheTenantSeesThemWithTheirUse() throws Exception {
        TenantClient t = new TenantClient(node, "capped");
        t.sql("CREATE TABLE t (id BIGINT NOT NULL, PRIMARY KEY (id)); CREATE VIEW v AS SELECT id FROM t", 200);
        t.ingest("{\"ops\": [{\"op\": \"insert\", \"table\": \"t\", \"row\": {\"id\": 1}}]}", 200);

        JsonNode defaults = t.json(t.get(""), 200).get("budgets");
        assertEquals(2, defaults.at("/max-state-rows/used").asLong(), "a table row and a view row");
        assertEquals(1, defaults.at("/max-views/used").asLong());
        assertTrue(defaults.at("/max-state-bytes/used").asLong() > 0);
        assertTrue(defaults.at("/max-rows-per-request/used").isNull());
        assertEquals(false, defaults.at("/max-state-rows/overridden").asBoolean());

        JsonNode set = t.json(t.put("budgets", "application/json", "{\"max-state-rows\": 3}"), 200);
        assertEquals(3, set.at("/budgets/max-state-rows/limit").asLong());
        assertEquals(true, set.at("/budgets/max-state-rows/overridden").asBoolean());
        long version = t.version();

        JsonNode error = t.errorBody(
                        t.post(
                                "ingest",
                                "application/json",
                                "{\"ops\": [{\"op\": \"insert\", \"table\": \"t\", \"row\": {\"id\": 2}}]}"),
                        422)
                .get("error");
        assertEquals("max-state-rows", error.at("/details/limit").asText(), error.toString());
        assertEquals(4, error.at("/details/reached").asLong());
        assertEquals(version, t.version());

        assertEquals("bad_request", t.error(t.put("budgets", "application/json", "{\"max-rows\": 3}"), 400));
        assertEquals("bad_request", t.error(t.put("budgets", "application/json", "{\"max-views\": \"3\"}"), 400));
        assertEquals("bad_request", t.error(t.put("budgets", "application/json", "{\"max-state-rows\": 0}"), 400));
        assertEquals("bad_request", t.error(t.put("budgets", "application/json", "[]"), 400));
        assertEquals(
                3, t.json(t.get(""), 200).at("/budgets/max-state-rows/limit").asLong(), "refusals change nothing");

        t.json(t.put("budgets", "application/json", "{}"), 200);
        t.ingest("{\"ops\": [{\"op\": \"insert\", \"table\": \"t\", \"row\": {\"id\": 2}}]}", 200);
        assertEquals(
                false,
                t.json(t.get(""), 200).at("/budgets/max-state-rows/overridden").asBoolean());
    }

    @Test
    void budgetsForATenantNoSqlRequestCreatedAre404AndCreateNothing() throws Exception {
        TenantClient none = new TenantClient(node, "nobudgets");
        JsonNode error = none.errorBody(none.put("budgets", "application/json", "{\"max-state-rows\": 10}"), 404)
                .get("error");
        assertEquals("not_found", error.get("code").asText());
        assertEquals("nobudgets", error.at("/details/tenant").asText());
        JsonNode listed = none.json(
                TestNodes.send(
                        node,
                        HttpRequest.newBuilder(URI.create(node.url() + "/v1/tenants"))
                                .GET()),
                200);
        for (JsonNode tenant : listed.get("tenants"))
            assertFalse(tenant.get("name").asText().equals("nobudgets"), listed.toString());
        none.sql("CREATE TABLE t (id BIGINT NOT NULL, PRIMARY KEY (id))", 200);
        assertEquals(
                10,
                none.json(none.put("budgets", "application/json", "{\"max-state-rows\": 10}"), 200)
                        .at("/budgets/max-state-rows/limit")
                        .asLong(),
                "once created, it takes budgets");
    }
}
