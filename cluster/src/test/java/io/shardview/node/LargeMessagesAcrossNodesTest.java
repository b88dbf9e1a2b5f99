package io.shardview.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.shardview.http.Json;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Requests that cross from the node that took them to the node holding the entity, between two nodes of one cluster
 * in one process over real remoting. Requests and replies larger than Pekko remoting's frame (256 KiB): a batch, a page
 * of rows, a query's result and metrics sent to or read from a node that does not hold the entity arrive whole (in
 * parts, io.shardview.entity.large), where remoting alone drops them. An ingest answer names the node holding the
 * tenant, through either node.
 */
class LargeMessagesAcrossNodesTest {
    @TempDir
    Path dir;

    private final List<AutoCloseable> closing = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) closing.get(i).close();
    }

    @Test
    void largeBatchesPagesAndQueriesCrossToTheNodeHoldingTheTenant() throws Exception {
        JournalDatabase db = database();
        ShardviewNode first = node(db, null, "a");
        ShardviewNode second = node(db, first, "b");
        awaitMembers(first, 2);
        String tenant = tenantHeldBy(first, second);
        TenantClient away = new TenantClient(second, tenant);
        TenantClient holder = new TenantClient(first, tenant);

        away.sql(
                "CREATE TABLE wide (id BIGINT NOT NULL, payload VARCHAR NOT NULL, PRIMARY KEY (id));"
                        + "CREATE VIEW everything AS SELECT id, payload FROM wide",
                200);
        int rows = 3_000;
        String payload = "x".repeat(400);
        StringBuilder batch = new StringBuilder("{\"batch_id\": \"big\", \"ops\": [");
        for (int i = 0; i < rows; i++) {
            if (i > 0) batch.append(',');
            batch.append("{\"op\": \"insert\", \"table\": \"wide\", \"row\": {\"id\": ")
                    .append(i)
                    .append(", \"payload\": \"")
                    .append(payload)
                    .append(i)
                    .append("\"}}");
        }
        assertTrue(batch.length() > 1_000_000, "the batch is several frames");
        JsonNode ingested = away.ingest(batch.append("]}").toString(), 200);
        assertEquals(2, ingested.get("version").asLong());
        assertEquals(
                rows, ingested.get("views").get("everything").get("inserted").asLong());

        // A page of every row, read through the node that does not hold the tenant: the same as at the holder.
        JsonNode page = away.json(away.get("views/everything?limit=" + rows), 200);
        assertEquals(rows, page.get("rows").size());
        JsonNode atHolder = holder.json(holder.get("views/everything?limit=" + rows), 200);
        assertEquals(atHolder.get("hash"), page.get("hash"));
        assertEquals(atHolder.get("rows"), page.get("rows"));

        JsonNode query = away.json(
                away.post("query", "application/json", "{\"sql\": \"SELECT id, payload FROM wide ORDER BY id\"}"), 200);
        assertEquals(rows, query.get("rows").size());
        assertEquals(
                payload + (rows - 1),
                query.get("rows").get(rows - 1).get("payload").asText());
    }

    /**
     * Whichever node takes a batch, its answer's Shardview-Tenant-Node header is the URL of the node that runs the
     * tenant, as that node advertises it (here a configured name, with the trailing slash dropped); a refused batch's
     * answer too.
     */
    @Test
    void anIngestAnswerNamesTheNodeRunningTheTenantWhicheverNodeTookIt() throws Exception {
        JournalDatabase db = database();
        ShardviewNode first = node(db, null, "a", Map.of("shardview.http.advertised-url", "https://a.example:8443/"));
        ShardviewNode second = node(db, first, "b");
        awaitMembers(first, 2);
        String tenant = tenantHeldBy(first, second);
        TenantClient away = new TenantClient(second, tenant);
        TenantClient holder = new TenantClient(first, tenant);
        away.sql("CREATE TABLE t (id BIGINT NOT NULL, PRIMARY KEY (id))", 200);

        for (TenantClient via : List.of(away, holder, away)) {
            HttpResponse<String> ingested = via.post(
                    "ingest",
                    "application/json",
                    "{\"ops\": [{\"op\": \"upsert\", \"table\": \"t\", \"row\": {\"id\": 1}}]}");
            assertEquals(200, ingested.statusCode(), ingested.body());
            assertEquals(
                    "https://a.example:8443",
                    ingested.headers().firstValue("Shardview-Tenant-Node").orElse(null));
        }
        HttpResponse<String> refused = away.post(
                "ingest", "application/json", "{\"ops\": [{\"op\": \"insert\", \"table\": \"none\", \"row\": {}}]}");
        assertEquals(400, refused.statusCode(), refused.body());
        assertEquals(
                "https://a.example:8443",
                refused.headers().firstValue("Shardview-Tenant-Node").orElse(null));
    }

    @Test
    void largeMetricsWritesAndReadsCrossToTheNodesHoldingTheShards() throws Exception {
        JournalDatabase db = database();
        // Two shards per tenant, so each shard's part of the request, and of the export, is many frames.
        Map<String, Object> twoShards = Map.of("shardview.metrics.shards-per-tenant", 2);
        ShardviewNode first = node(db, null, "a", twoShards);
        ShardviewNode second = node(db, first, "b", twoShards);
        awaitMembers(first, 2);
        TenantClient metrics = new TenantClient(second, "ops");

        // 200 series of 500 points each: about 400 KB per shard stored, 800 KB exported, whichever node holds it.
        int series = 200;
        int points = 500;
        long start = System.currentTimeMillis() - 3_600_000;
        StringBuilder lines = new StringBuilder();
        for (int s = 0; s < series; s++) {
            lines.append("{\"metric\":{\"__name__\":\"load\",\"host\":\"h")
                    .append(s)
                    .append("\"},\"values\":[");
            // Values that do not compress, so each shard's part of the batch is several frames too.
            java.util.Random values = new java.util.Random(s);
            for (int p = 0; p < points; p++) lines.append(p == 0 ? "" : ",").append(values.nextDouble());
            lines.append("],\"timestamps\":[");
            for (int p = 0; p < points; p++) lines.append(p == 0 ? "" : ",").append(start + p * 1000L);
            lines.append("]}\n");
        }
        HttpResponse<String> imported = metrics.post("prom/api/v1/import", "application/x-ndjson", lines.toString());
        assertEquals(204, imported.statusCode(), imported.body());

        HttpResponse<String> exported = metrics.get("prom/api/v1/export?match%5B%5D=load");
        assertEquals(200, exported.statusCode(), exported.body());
        String[] exportedLines = exported.body().split("\n");
        assertEquals(series, exportedLines.length);
        long exportedPoints = 0;
        for (String line : exportedLines)
            exportedPoints += Json.MAPPER.readTree(line).get("values").size();
        assertEquals((long) series * points, exportedPoints);
    }

    /** A tenant name whose entity lives on {@code holder}, found by asking {@code other} where each would live. */
    private static String tenantHeldBy(ShardviewNode holder, ShardviewNode other) throws Exception {
        String holderAddress = org.apache.pekko.cluster.typed.Cluster.get(holder.system())
                .selfMember()
                .address()
                .toString();
        for (int i = 0; i < 200; i++) {
            String tenant = "t" + i;
            // A read creates nothing, but places the tenant's shard on a node.
            TestNodes.get(other, "/v1/tenants/" + tenant + "/views/none");
            HttpResponse<String> where = TestNodes.get(other, "/v1/cluster/entities/tenant-circuit/" + tenant);
            if (holderAddress.equals(
                    Json.MAPPER.readTree(where.body()).path("node").asText())) return tenant;
        }
        throw new AssertionError("no tenant found on " + holderAddress);
    }

    private JournalDatabase database() throws Exception {
        JournalDatabase db = new JournalDatabase();
        closing.add(db);
        Path file = dir.resolve(db.name + ".conf");
        Files.writeString(file, "shardview.journal.url = \"" + db.url() + "\"\n");
        assertEquals(0, new CommandLine(new Main()).execute("journal", "init", "--config", file.toString()));
        return db;
    }

    private ShardviewNode node(JournalDatabase db, ShardviewNode seed, String name) throws Exception {
        return node(db, seed, name, Map.of());
    }

    private ShardviewNode node(JournalDatabase db, ShardviewNode seed, String name, Map<String, Object> extra)
            throws Exception {
        Map<String, Object> settings = new HashMap<>(db.settings());
        settings.putAll(extra);
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        settings.put("shardview.cluster.port", port);
        String seedAddress = seed == null
                ? "pekko://shardview@127.0.0.1:" + port
                : org.apache.pekko.cluster.typed.Cluster.get(seed.system())
                        .selfMember()
                        .address()
                        .toString();
        settings.put("shardview.cluster.seed-nodes", List.of(seedAddress));
        ShardviewNode node = ShardviewNode.start(
                TestNodes.config("cluster", dir.resolve(name), settings),
                List.of(new TenantModule(), new MetricsModule()));
        closing.add(node::stop);
        assertEquals(
                200,
                TestNodes.awaitStatus(node, "/ready", 200, Duration.ofSeconds(60))
                        .statusCode());
        return node;
    }

    private static void awaitMembers(ShardviewNode node, int members) throws Exception {
        TestNodes.awaitTrue(
                () -> Json.MAPPER
                                .readTree(TestNodes.get(node, "/v1/cluster").body())
                                .get("members")
                                .size()
                        == members,
                members + " members up");
    }
}
