package io.shardview.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The cluster profile: the PostgreSQL journal, its schema tool and start-up check, and LevelDB kept to one node. */
class ClusterProfileTest {
    @TempDir
    Path dir;

    @Test
    void aNodeOnADatabaseWithoutTheSchemaRefusesToStartNamingTheFix() throws Exception {
        try (JournalDatabase db = new JournalDatabase()) {
            ShardviewNode.NodeStartException refused = assertThrows(
                    ShardviewNode.NodeStartException.class,
                    () -> ShardviewNode.start(clusterConfig(db), List.of(new TenantModule())));
            assertTrue(refused.getMessage().contains(db.url()), refused.getMessage());
            assertTrue(refused.getMessage().contains("shardview journal init"), refused.getMessage());
            assertTrue(
                    Files.notExists(dir.resolve("data/shardview.lock")) || lockReleased(),
                    "the data directory is released");
        }
    }

    @Test
    void anUnreachableJournalDatabaseIsNamedAtStartUp() {
        Map<String, Object> settings = Map.of(
                "shardview.journal.url",
                "jdbc:postgresql://127.0.0.1:1/none",
                "shardview.journal.pool.connection-timeout",
                "1s");
        ShardviewNode.NodeStartException refused = assertThrows(
                ShardviewNode.NodeStartException.class,
                () -> ShardviewNode.start(
                        TestNodes.config("cluster", dir.resolve("data"), settings), List.of(new TenantModule())));
        assertTrue(
                refused.getMessage().startsWith("cannot reach the journal database jdbc:postgresql://127.0.0.1:1/none"),
                refused.getMessage());
    }

    @Test
    void journalInitIsIdempotentAndTenantsRecoverFromPostgres() throws Exception {
        try (JournalDatabase db = new JournalDatabase()) {
            Path file = dir.resolve("journal.conf");
            Files.writeString(file, "shardview.journal.url = \"" + db.url() + "\"\n");
            for (int run = 0; run < 2; run++) {
                int exit = new CommandLine(new Main()).execute("journal", "init", "--config", file.toString());
                assertEquals(0, exit, "journal init run " + run);
            }
            assertEquals(0, db.count("SELECT count(*) FROM event_journal"));

            JsonNode before;
            ShardviewNode first = startReady(clusterConfig(db));
            try {
                TenantClient t = new TenantClient(first, "pg");
                t.sql(
                        """
            CREATE TABLE items (id BIGINT NOT NULL, kind VARCHAR, price INT, PRIMARY KEY (id));
            CREATE VIEW by_kind AS SELECT kind, COUNT(*) AS n, SUM(price) AS total FROM items GROUP BY kind
            """,
                        200);
                for (int b = 0; b < 5; b++) {
                    t.ingest(
                            "{\"batch_id\": \"b" + b
                                    + "\", \"ops\": [{\"op\": \"upsert\", \"table\": \"items\", \"row\": " + "{\"id\": "
                                    + (b % 3) + ", \"kind\": \"k" + (b % 2) + "\", \"price\": " + (10 * b) + "}}]}",
                            200);
                }
                before = t.json(t.get("views/by_kind"), 200);
            } finally {
                first.stop();
            }
            assertTrue(
                    db.count("SELECT count(*) FROM event_journal WHERE persistence_id LIKE '%pg%'") >= 6,
                    "the DDL and the five batches are in PostgreSQL");

            ShardviewNode second = startReady(clusterConfig(db));
            try {
                TenantClient t = new TenantClient(second, "pg");
                JsonNode after = t.json(t.get("views/by_kind"), 200);
                assertEquals(before.get("version"), after.get("version"));
                assertEquals(before.get("hash"), after.get("hash"));
                assertEquals(before.get("rows"), after.get("rows"));
                assertTrue(t.ingest(
                                "{\"batch_id\": \"b4\", \"ops\": [{\"op\": \"delete\", \"table\": \"items\", \"key\": {\"id\": 1}}]}",
                                200)
                        .get("duplicate")
                        .asBoolean());
            } finally {
                second.stop();
            }
        }
    }

    @Test
    void journalInitRefusesTheLevelDbProfile() {
        int exit = new CommandLine(new Main()).execute("journal", "init", "--profile", "single-node");
        assertEquals(1, exit);
    }

    @Test
    void aLevelDbNodeListingAnotherSeedNodeRefusesToStart() {
        Map<String, Object> settings =
                Map.of("shardview.cluster.seed-nodes", List.of("pekko://shardview@127.0.0.1:25999"));
        ShardviewNode.NodeStartException refused = assertThrows(
                ShardviewNode.NodeStartException.class,
                () -> ShardviewNode.start(
                        TestNodes.config(dir.resolve("data"), settings), List.of(new TenantModule())));
        assertTrue(
                refused.getMessage().contains("refusing to join pekko://shardview@127.0.0.1:25999"),
                refused.getMessage());
        assertTrue(refused.getMessage().contains("LevelDB journal is local to one node"), refused.getMessage());
    }

    @Test
    void aNodeOnThePostgresJournalIsRefusedByALevelDbNodeItTriesToJoin() throws Exception {
        int leveldbPort = freePort();
        ShardviewNode leveldb =
                startReady(TestNodes.config(dir.resolve("leveldb"), Map.of("shardview.cluster.port", leveldbPort)));
        try (JournalDatabase db = new JournalDatabase()) {
            Path file = dir.resolve("journal.conf");
            Files.writeString(file, "shardview.journal.url = \"" + db.url() + "\"\n");
            assertEquals(0, new CommandLine(new Main()).execute("journal", "init", "--config", file.toString()));
            Map<String, Object> settings = new HashMap<>(db.settings());
            settings.put("shardview.cluster.seed-nodes", List.of("pekko://shardview@127.0.0.1:" + leveldbPort));
            String reason;
            try {
                ShardviewNode joining = ShardviewNode.start(
                        TestNodes.config("cluster", dir.resolve("joining"), settings), List.of(new TenantModule()));
                joining.whenTerminated().get(60, java.util.concurrent.TimeUnit.SECONDS);
                assertTrue(!joining.stoppedOnRequest());
                reason = joining.unrequestedStopReason();
            } catch (ShardviewNode.NodeStartException e) { // the refusal came while its services were starting
                reason = e.getMessage();
            }
            assertTrue(reason.startsWith("the cluster refused to let it join"), reason);
            String members = TestNodes.get(leveldb, "/v1/cluster").body();
            assertEquals(
                    1,
                    new com.fasterxml.jackson.databind.ObjectMapper()
                            .readTree(members)
                            .get("members")
                            .size(),
                    members);
        } finally {
            leveldb.stop();
        }
    }

    private static int freePort() throws java.io.IOException {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Test
    void declaringARegionLostIsRefusedForItsOwnRegionAnUnknownOneAndWithoutAPostgresJournal() throws Exception {
        try (JournalDatabase db = new JournalDatabase()) {
            Path file = dir.resolve("journal.conf");
            Files.writeString(file, "shardview.journal.url = \"" + db.url() + "\"\n");
            assertEquals(0, new CommandLine(new Main()).execute("journal", "init", "--config", file.toString()));
            ShardviewNode node = startReady(clusterConfig(db));
            try {
                JsonNode cluster = new com.fasterxml.jackson.databind.ObjectMapper()
                        .readTree(TestNodes.get(node, "/v1/cluster").body());
                assertEquals("[]", cluster.path("lost_regions").toString(), cluster.toString());
                String own = cluster.path("region").asText();
                assertEquals(400, declare(node, "POST", own).statusCode());
                HttpResponse<String> unknown = declare(node, "POST", "atlantis");
                assertEquals(404, unknown.statusCode(), unknown.body());
                assertTrue(unknown.body().contains(own), unknown.body()); // names the regions there are
                assertEquals(404, declare(node, "DELETE", "atlantis").statusCode()); // not declared lost
                assertEquals(0, db.count("SELECT count(*) FROM shardview_lost_regions"), "nothing recorded");
            } finally {
                node.stop();
            }
        }
        ShardviewNode single = TestNodes.startServing(TestNodes.config(dir.resolve("single"), Map.of()));
        try {
            HttpResponse<String> refused = declare(single, "POST", "us");
            assertEquals(400, refused.statusCode(), refused.body());
            assertTrue(refused.body().contains("PostgreSQL"), refused.body());
        } finally {
            single.stop();
        }
    }

    private static HttpResponse<String> declare(ShardviewNode node, String method, String region) {
        return TestNodes.send(
                node,
                java.net.http.HttpRequest.newBuilder(
                                java.net.URI.create(node.url() + "/v1/cluster/regions/" + region + "/lost"))
                        .method(method, java.net.http.HttpRequest.BodyPublishers.noBody()));
    }

    private com.typesafe.config.Config clusterConfig(JournalDatabase db) {
        Map<String, Object> settings = new HashMap<>(db.settings());
        return TestNodes.config("cluster", dir.resolve("data"), settings);
    }

    private static ShardviewNode startReady(com.typesafe.config.Config config) throws InterruptedException {
        ShardviewNode node = ShardviewNode.start(config, List.of(new TenantModule()));
        int ready = TestNodes.awaitStatus(node, "/ready", 200, Duration.ofSeconds(30))
                .statusCode();
        if (ready != 200) {
            node.stop();
            throw new IllegalStateException("node not ready: " + ready);
        }
        return node;
    }

    private boolean lockReleased() throws Exception {
        try (var lock = io.shardview.persistence.DataDirectoryLock.acquire(dir.resolve("data"))) {
            return true;
        }
    }
}
