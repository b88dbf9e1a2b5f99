package io.shardview.node.journal;

import static io.shardview.node.journal.JournalCli.journal;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.shardview.http.Json;
import io.shardview.node.JournalDatabase;
import io.shardview.node.Main;
import io.shardview.node.ShardviewNode;
import io.shardview.node.TenantClient;
import io.shardview.node.TestNodes;
import io.shardview.node.journal.JournalCli.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The journal tools (`shardview journal list|dump|replay|verify`) against journals a node wrote: a stopped node's
 * LevelDB data directory, and a cluster's PostgreSQL journal while its node runs. What they show is what the node
 * showed: the same hashes and rows at the same versions.
 */
class JournalToolsTest {
    @TempDir
    Path dir;

    /** The tenant's views and tables as the node served them at each version: "version name" to hash and rows. */
    private final Map<String, JsonNode> served = new HashMap<>();

    private void writeTenant(TenantClient demo) throws Exception {
        demo.sql(
                "CREATE TABLE orders (id BIGINT NOT NULL, customer VARCHAR NOT NULL, amount INT, PRIMARY KEY (id));"
                        + "CREATE VIEW totals AS SELECT customer, COUNT(*) AS n, SUM(amount) AS spent FROM orders "
                        + "GROUP BY customer;"
                        + "CREATE VIEW big AS SELECT id, customer, amount FROM orders WHERE amount >= 100",
                200);
        demo.ingest(
                "{\"batch_id\": \"b1\", \"ops\": ["
                        + "{\"op\": \"insert\", \"table\": \"orders\", \"row\": {\"id\": 1, \"customer\": \"ann\", \"amount\": 120}},"
                        + "{\"op\": \"insert\", \"table\": \"orders\", \"row\": {\"id\": 2, \"customer\": \"bob\", \"amount\": 40}}]}",
                200);
        remember(demo, 2);
        demo.ingest(
                "{\"ops\": [{\"op\": \"update\", \"table\": \"orders\", \"row\": {\"id\": 2, \"customer\": \"bob\", \"amount\": 400}},"
                        + "{\"op\": \"delete\", \"table\": \"orders\", \"key\": {\"id\": 1}}]}",
                200);
        remember(demo, 3);
    }

    private void remember(TenantClient demo, long version) throws Exception {
        for (String view : List.of("totals", "big")) {
            JsonNode page = demo.json(demo.get("views/" + view), 200);
            assertEquals(version, page.get("version").asLong());
            served.put(version + " " + view, page);
        }
    }

    @Test
    void toolsReadAStoppedNodesLevelDbJournalAsTheNodeServedIt() throws Exception {
        Path data = dir.resolve("data");
        ShardviewNode node = TestNodes.startServing(TestNodes.config(data, Map.of()));
        try {
            writeTenant(new TenantClient(node, "demo"));
            long now = System.currentTimeMillis();
            assertEquals(
                    204,
                    new TenantClient(node, "demo")
                            .post(
                                    "prom/api/v1/import",
                                    "application/x-ndjson",
                                    "{\"metric\":{\"__name__\":\"up\",\"job\":\"x\"},\"values\":[1,0],\"timestamps\":["
                                            + (now - 1000) + "," + now + "]}")
                            .statusCode());

            Run refused = journal("list", "--data-dir", data.toString());
            assertEquals(1, refused.exit());
            assertTrue(refused.err().contains("in use by a running node"), refused.err());
        } finally {
            node.stop();
        }

        Run list = journal("list", "--data-dir", data.toString(), "--json");
        assertEquals(0, list.exit(), list.err());
        JsonNode tenant = entity(list.json(), "tenant|demo");
        assertEquals("tenant", tenant.get("type").asText());
        assertEquals(3, tenant.get("events").asLong());
        assertEquals(1, tenant.get("first_sequence_nr").asLong());
        assertEquals(3, tenant.get("last_sequence_nr").asLong());
        assertTrue(tenant.get("bytes").asLong() > 0);
        assertEquals(3, tenant.get("snapshot").get("sequence_nr").asLong(), "written as the node stopped");
        boolean metrics = false;
        for (JsonNode e : list.json().get("entities"))
            metrics |= e.get("type").asText().equals("metrics");
        assertTrue(metrics, list.out());
        Run onlyMetrics = journal("list", "--data-dir", data.toString(), "--json", "--type", "metrics");
        for (JsonNode e : onlyMetrics.json().get("entities"))
            assertEquals("metrics", e.get("type").asText());

        Run dump = journal("dump", "demo", "--data-dir", data.toString());
        assertEquals(0, dump.exit(), dump.err());
        List<JsonNode> events = dump.lines();
        assertEquals(3, events.size());
        assertEquals("sql-applied.v1", events.get(0).get("type").asText());
        assertTrue(events.get(0).get("sql").asText().contains("CREATE VIEW totals"));
        assertEquals("batch-applied.v1", events.get(1).get("type").asText());
        assertEquals("b1", events.get(1).get("batch_id").asText());
        assertEquals(
                2, events.get(1).get("tables").get("orders").get("inserted").size());
        JsonNode second = events.get(2).get("tables").get("orders");
        assertEquals(1, second.get("inserted").size(), "the update's new row");
        assertEquals(2, second.get("deleted").size(), "the update's old row and the deleted one");
        assertEquals(
                1,
                journal("dump", "demo", "--data-dir", data.toString(), "--from", "2", "--to", "2")
                        .lines()
                        .size());

        assertReplaysAsServed("--data-dir", data.toString());

        Run verify = journal("verify", "--all", "--data-dir", data.toString());
        assertEquals(0, verify.exit(), verify.out() + verify.err());
        assertTrue(verify.out().contains("ok         tenant|demo: snapshot at 3"), verify.out());

        // A damaged snapshot (bytes flipped inside the circuit it holds) is named, and verify fails.
        try (var snapshots = Files.list(data.resolve("snapshots"))) {
            for (Path snapshot : snapshots
                    .filter(p -> p.getFileName().toString().contains("tenant%7Cdemo"))
                    .toList()) {
                byte[] bytes = Files.readAllBytes(snapshot);
                for (int i = 40; i < 44; i++) bytes[i] = (byte) 0xff;
                Files.write(snapshot, bytes);
            }
        }
        Run damaged = journal("verify", "demo", "--data-dir", data.toString());
        assertEquals(1, damaged.exit(), damaged.out());
        assertTrue(damaged.out().contains("DIFFERENT  tenant|demo: snapshot at 3"), damaged.out());
        assertTrue(damaged.out().contains("cannot be restored"), damaged.out());

        // A snapshot file cut short cannot even be decoded: verify names the file and the damage in one line, and
        // Pekko's store does not log it again with a stack trace.
        Path snapshot;
        try (var snapshots = Files.list(data.resolve("snapshots"))) {
            snapshot = snapshots
                    .filter(p -> p.getFileName().toString().contains("tenant%7Cdemo"))
                    .findFirst()
                    .orElseThrow();
        }
        Files.write(snapshot, java.util.Arrays.copyOf(Files.readAllBytes(snapshot), 6));
        Run truncated = journal("verify", "demo", "--data-dir", data.toString());
        assertEquals(1, truncated.exit(), truncated.out());
        assertTrue(truncated.out().contains("the latest snapshot cannot be read"), truncated.out());
        assertTrue(truncated.out().contains(snapshot.getFileName().toString()), truncated.out());
        assertTrue(truncated.out().contains("EOFException"), truncated.out());
        assertEquals(
                ch.qos.logback.classic.Level.OFF,
                ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(
                                "org.apache.pekko.persistence.snapshot.local.LocalSnapshotStore"))
                        .getLevel());
    }

    @Test
    void toolsReadAClusterJournalWhileItsNodeRunsAndVerifyAgainstTheNode() throws Exception {
        JournalDatabase db = new JournalDatabase();
        try (db) {
            Path conf = dir.resolve("journal.conf");
            Files.writeString(conf, "shardview.journal.url = \"" + db.url() + "\"\n");
            assertEquals(0, new CommandLine(new Main()).execute("journal", "init", "--config", conf.toString()));
            Map<String, Object> settings = new HashMap<>(db.settings());
            settings.put("shardview.cluster.seed-nodes", List.of());
            ShardviewNode node = TestNodes.startServing(TestNodes.config("cluster", dir.resolve("node"), settings));
            try {
                writeTenant(new TenantClient(node, "demo"));
                String[] cluster = {"--profile", "cluster", "--config", conf.toString()};

                Run list = journal(concat(new String[] {"list", "--json", "--tenant", "demo"}, cluster));
                assertEquals(0, list.exit(), list.err());
                assertEquals(1, list.json().get("entities").size(), list.out());
                assertEquals(3, entity(list.json(), "tenant|demo").get("events").asLong());

                assertEquals(
                        3,
                        journal(concat(new String[] {"dump", "tenant|demo"}, cluster))
                                .lines()
                                .size());
                assertReplaysAsServed(cluster);

                Run verify = journal(concat(new String[] {"verify", "demo", "--node", node.url(), "--json"}, cluster));
                assertEquals(0, verify.exit(), verify.out() + verify.err());
                boolean comparedWithNode = false;
                for (JsonNode check : verify.json().get("checks")) {
                    assertTrue(check.get("ok").asBoolean(), check.toString());
                    comparedWithNode |= check.get("check").asText().startsWith("node ");
                }
                assertTrue(comparedWithNode, verify.out());
            } finally {
                node.stop();
            }
            String[] cluster = {"--profile", "cluster", "--config", conf.toString()};
            // A damaged event is named by verify (the one after the last it could read), and truncate drops it.
            db.execute("UPDATE event_journal SET event_payload = '\\x00ff' WHERE persistence_id = 'tenant|demo'"
                    + " AND sequence_number = 2");
            Run damaged = journal(concat(new String[] {"verify", "demo"}, cluster));
            assertEquals(1, damaged.exit(), damaged.out());
            assertTrue(damaged.out().contains("DIFFERENT  tenant|demo: events decode and apply"), damaged.out());
            assertTrue(damaged.out().contains("the event after sequence number 1 cannot be read"), damaged.out());
            Run cut =
                    journal(concat(new String[] {"truncate", "demo", "--after", "1", "--execute", "--json"}, cluster));
            assertEquals(0, cut.exit(), cut.err());
            assertEquals(2, cut.json().get("events").asLong());
            assertEquals(1, db.count("SELECT count(*) FROM event_journal WHERE persistence_id = 'tenant|demo'"));
            assertEquals(
                    0, journal(concat(new String[] {"verify", "demo"}, cluster)).exit(), "nothing damaged is left");
        }
    }

    /**
     * A backup of a LevelDB node, restored into a fresh data directory and into a PostgreSQL journal, serves the same
     * hashes and metrics; importing again writes nothing; a dry run writes nothing; an entity the target already holds
     * with other events is refused with nothing written; a damaged file changes nothing.
     */
    @Test
    void exportAndImportRoundTripIntoAFreshNodeOnEitherJournal() throws Exception {
        Path data = dir.resolve("data");
        ShardviewNode source = TestNodes.startServing(TestNodes.config(data, Map.of()));
        String metricsBefore;
        try {
            TenantClient demo = new TenantClient(source, "demo");
            writeTenant(demo);
            long now = System.currentTimeMillis();
            assertEquals(
                    204,
                    demo.post(
                                    "prom/api/v1/import",
                                    "application/x-ndjson",
                                    "{\"metric\":{\"__name__\":\"up\",\"job\":\"x\"},\"values\":[1,0],\"timestamps\":["
                                            + (now - 1000) + "," + now + "]}")
                            .statusCode());
            metricsBefore = demo.get("prom/api/v1/export?match%5B%5D=up").body();
        } finally {
            source.stop();
        }
        Path backup = dir.resolve("backup.svj");
        Run export = journal("export", "--all", "--to", backup.toString(), "--data-dir", data.toString(), "--json");
        assertEquals(0, export.exit(), export.err());
        assertTrue(export.json().get("events").asLong() >= 4, export.out());
        assertFalse(Files.exists(dir.resolve("backup.svj.partial")));

        // Into a fresh data directory: a dry run writes nothing, the import everything, a second import nothing.
        Path restored = dir.resolve("restored");
        Run dry = journal("import", backup.toString(), "--data-dir", restored.toString(), "--dry-run", "--json");
        assertEquals(0, dry.exit(), dry.err());
        assertEquals("copy", entity(dry.json(), "tenant|demo").get("action").asText());
        assertFalse(Files.exists(restored), "a dry run creates nothing");
        Run imported = journal("import", backup.toString(), "--data-dir", restored.toString(), "--json");
        assertEquals(0, imported.exit(), imported.err());
        Run again = journal("import", backup.toString(), "--data-dir", restored.toString(), "--json");
        assertEquals(0, again.exit(), again.err());
        for (JsonNode e : again.json().get("entities"))
            assertEquals("already there", e.get("action").asText());
        // An import cut short (here: its last event and the snapshot taken away again) resumes after what it wrote.
        assertEquals(
                0,
                journal("truncate", "demo", "--after", "2", "--execute", "--data-dir", restored.toString())
                        .exit());
        Run resumed = journal("import", backup.toString(), "--data-dir", restored.toString(), "--json");
        assertEquals(0, resumed.exit(), resumed.err());
        assertEquals(
                "resume after sequence number 2",
                entity(resumed.json(), "tenant|demo").get("action").asText());
        assertServedAsBefore(TestNodes.startServing(TestNodes.config(restored, Map.of())), metricsBefore);

        // Into a PostgreSQL journal, then served by a cluster node.
        try (JournalDatabase db = new JournalDatabase()) {
            Path conf = dir.resolve("journal.conf");
            Files.writeString(conf, "shardview.journal.url = \"" + db.url() + "\"\n");
            assertEquals(0, new CommandLine(new Main()).execute("journal", "init", "--config", conf.toString()));
            Run intoCluster = journal("import", backup.toString(), "--profile", "cluster", "--config", conf.toString());
            assertEquals(0, intoCluster.exit(), intoCluster.err());
            Map<String, Object> settings = new HashMap<>(db.settings());
            settings.put("shardview.cluster.seed-nodes", List.of());
            assertServedAsBefore(
                    TestNodes.startServing(TestNodes.config("cluster", dir.resolve("cluster-node"), settings)),
                    metricsBefore);
        }

        // A target holding other events for the tenant: refused, nothing written.
        Path other = dir.resolve("other");
        ShardviewNode otherNode = TestNodes.startServing(TestNodes.config(other, Map.of()));
        try {
            new TenantClient(otherNode, "demo")
                    .sql("CREATE TABLE unrelated (id BIGINT NOT NULL, PRIMARY KEY (id))", 200);
        } finally {
            otherNode.stop();
        }
        Run refused = journal("import", backup.toString(), "--data-dir", other.toString());
        assertEquals(1, refused.exit());
        assertTrue(refused.err().contains("nothing was written"), refused.err());
        assertEquals(
                1,
                entity(journal("list", "--data-dir", other.toString(), "--json").json(), "tenant|demo")
                        .get("events")
                        .asLong());
        // --replace deletes what the target holds of it first, then imports.
        Run planned = journal(
                "import", backup.toString(), "--data-dir", other.toString(), "--replace", "--dry-run", "--json");
        assertEquals(0, planned.exit(), planned.err());
        assertTrue(entity(planned.json(), "tenant|demo").get("action").asText().startsWith("replace"), planned.out());
        Run replaced = journal("import", backup.toString(), "--data-dir", other.toString(), "--replace");
        assertEquals(0, replaced.exit(), replaced.err());
        assertServedAsBefore(TestNodes.startServing(TestNodes.config(other, Map.of())), metricsBefore);

        // A damaged file: refused before anything is written.
        byte[] bytes = Files.readAllBytes(backup);
        bytes[bytes.length / 2] ^= 0x01;
        Path damaged = dir.resolve("damaged.svj");
        Files.write(damaged, bytes);
        Run bad = journal(
                "import",
                damaged.toString(),
                "--data-dir",
                dir.resolve("nowhere").toString());
        assertEquals(1, bad.exit());
        assertTrue(bad.err().contains("cannot be imported"), bad.err());
    }

    /** A single node's LevelDB journal moved into a PostgreSQL journal: verified, safe to run again, served the same. */
    @Test
    void migrateMovesASingleNodeIntoAClusterJournal() throws Exception {
        Path data = dir.resolve("data");
        ShardviewNode node = TestNodes.startServing(TestNodes.config(data, Map.of()));
        try {
            writeTenant(new TenantClient(node, "demo"));
        } finally {
            node.stop();
        }
        try (JournalDatabase db = new JournalDatabase()) {
            Path conf = dir.resolve("journal.conf");
            Files.writeString(conf, "shardview.journal.url = \"" + db.url() + "\"\n");
            assertEquals(0, new CommandLine(new Main()).execute("journal", "init", "--config", conf.toString()));
            String[] args = {"migrate", "--from", "leveldb:" + data, "--to", db.url(), "--user", "postgres", "--json"};

            Run dry = journal(concat(args, new String[] {"--dry-run"}));
            assertEquals(0, dry.exit(), dry.err());
            assertEquals("copy", entity(dry.json(), "tenant|demo").get("action").asText());
            assertEquals(0, db.count("SELECT count(*) FROM event_journal"), "a dry run writes nothing");

            Run migrated = journal(args);
            assertEquals(0, migrated.exit(), migrated.out() + migrated.err());
            assertEquals("migrated", migrated.json().get("outcome").asText());
            for (JsonNode e : migrated.json().get("entities"))
                assertEquals("ok", e.get("verified").asText(), e.toString());
            assertEquals(3, db.count("SELECT count(*) FROM event_journal WHERE persistence_id = 'tenant|demo'"));

            Run again = journal(args);
            assertEquals(0, again.exit(), again.err());
            assertEquals(
                    "already there",
                    entity(again.json(), "tenant|demo").get("action").asText());

            Map<String, Object> settings = new HashMap<>(db.settings());
            settings.put("shardview.cluster.seed-nodes", List.of());
            ShardviewNode clustered =
                    TestNodes.startServing(TestNodes.config("cluster", dir.resolve("cluster-node"), settings));
            try {
                TenantClient demo = new TenantClient(clustered, "demo");
                for (String view : List.of("totals", "big"))
                    assertEquals(
                            served.get("3 " + view).get("hash"),
                            demo.json(demo.get("views/" + view), 200).get("hash"));
            } finally {
                clustered.stop();
            }
        }
        Run bad = journal("migrate", "--from", data.toString(), "--to", "x");
        assertEquals(2, bad.exit());
    }

    /**
     * truncate --after N drops a tail (the way out of a damaged event) and the tenant comes back at N and goes on from
     * there; truncate --before-snapshot drops what a verified snapshot covers and the tenant comes back from it; both
     * print a plan and change nothing without --execute.
     */
    @Test
    void truncateDropsATailOrWhatAVerifiedSnapshotCovers() throws Exception {
        Path data = dir.resolve("data");
        String dataDir = data.toString();
        ShardviewNode node = TestNodes.startServing(TestNodes.config(data, Map.of()));
        try {
            writeTenant(new TenantClient(node, "demo"));
        } finally {
            node.stop();
        }
        Run plan = journal("truncate", "demo", "--after", "2", "--data-dir", dataDir);
        assertEquals(0, plan.exit(), plan.err());
        assertTrue(plan.out().startsWith("plan (run again with --execute to do it): delete 1 events"), plan.out());
        assertEquals(
                3,
                entity(journal("list", "--data-dir", dataDir, "--json").json(), "tenant|demo")
                        .get("events")
                        .asLong());

        Run cut = journal("truncate", "demo", "--after", "2", "--execute", "--data-dir", dataDir, "--json");
        assertEquals(0, cut.exit(), cut.err());
        assertEquals(1, cut.json().get("events").asLong());
        JsonNode listed =
                entity(journal("list", "--data-dir", dataDir, "--json").json(), "tenant|demo");
        assertEquals(2, listed.get("events").asLong());
        assertTrue(listed.get("snapshot").isNull(), "the snapshot after 2 went with the tail");

        node = TestNodes.startServing(TestNodes.config(data, Map.of()));
        try {
            TenantClient demo = new TenantClient(node, "demo");
            for (String view : List.of("totals", "big"))
                assertEquals(
                        served.get("2 " + view).get("hash"),
                        demo.json(demo.get("views/" + view), 200).get("hash"));
            JsonNode next = demo.ingest(
                    "{\"ops\": [{\"op\": \"insert\", \"table\": \"orders\", \"row\": {\"id\": 7, \"customer\": \"cy\", \"amount\": 500}}]}",
                    200);
            assertEquals(3, next.get("version").asLong(), "the journal goes on from 2");
            served.put("after big", demo.json(demo.get("views/big"), 200));
        } finally {
            node.stop();
        }

        Run before = journal("truncate", "demo", "--before-snapshot", "--data-dir", dataDir);
        assertEquals(0, before.exit(), before.err());
        assertTrue(before.out().contains("up to 3"), before.out());
        assertEquals(
                0,
                journal("truncate", "demo", "--before-snapshot", "--execute", "--data-dir", dataDir)
                        .exit());
        assertEquals(
                0,
                entity(journal("list", "--data-dir", dataDir, "--json").json(), "tenant|demo")
                        .get("events")
                        .asLong());
        Run replay = journal("replay", "demo", "--data-dir", dataDir);
        assertEquals(1, replay.exit());
        assertTrue(replay.err().contains("were deleted"), replay.err());

        node = TestNodes.startServing(TestNodes.config(data, Map.of()));
        try {
            TenantClient demo = new TenantClient(node, "demo");
            JsonNode big = demo.json(demo.get("views/big"), 200);
            assertEquals(3, big.get("version").asLong());
            assertEquals(served.get("after big").get("hash"), big.get("hash"));
        } finally {
            node.stop();
        }
        assertEquals(2, journal("truncate", "demo", "--data-dir", dataDir).exit(), "--after or --before-snapshot");
    }

    /** An export cut short (its partial file ends mid-record) resumes and writes the same file as one run would. */
    @Test
    void anInterruptedExportResumesToTheSameFile() throws Exception {
        Path data = dir.resolve("data");
        ShardviewNode node = TestNodes.startServing(TestNodes.config(data, Map.of()));
        try {
            for (String tenant : List.of("a", "b", "c")) writeTenant(new TenantClient(node, tenant));
        } finally {
            node.stop();
        }
        Path whole = dir.resolve("whole.svj");
        assertEquals(
                0,
                journal("export", "a", "b", "c", "--to", whole.toString(), "--data-dir", data.toString())
                        .exit());
        byte[] bytes = Files.readAllBytes(whole);
        for (int cut : new int[] {bytes.length / 3, bytes.length / 2, bytes.length - 5}) {
            Path resumed = dir.resolve("resumed-" + cut + ".svj");
            Files.write(dir.resolve("resumed-" + cut + ".svj.partial"), java.util.Arrays.copyOf(bytes, cut));
            Run run = journal(
                    "export", "a", "b", "c", "--to", resumed.toString(), "--data-dir", data.toString(), "--json");
            assertEquals(0, run.exit(), run.err());
            assertEquals(-1, Files.mismatch(whole, resumed), "resumed at byte " + cut + " of " + bytes.length);
        }
        Run exists = journal("export", "a", "--to", whole.toString(), "--data-dir", data.toString());
        assertEquals(1, exists.exit());
        assertTrue(exists.err().contains("exists"), exists.err());
    }

    /** The restored node serves demo's views and metrics as the source did, and knows its batch ids; then stops. */
    private void assertServedAsBefore(ShardviewNode node, String metricsBefore) throws Exception {
        try {
            TenantClient demo = new TenantClient(node, "demo");
            for (String view : List.of("totals", "big")) {
                JsonNode page = demo.json(demo.get("views/" + view), 200);
                assertEquals(served.get("3 " + view).get("hash"), page.get("hash"), view);
                assertEquals(served.get("3 " + view).get("rows"), page.get("rows"), view);
            }
            assertEquals(
                    metricsBefore, demo.get("prom/api/v1/export?match%5B%5D=up").body());
            assertTrue(
                    demo.ingest(
                                    "{\"batch_id\": \"b1\", \"ops\": [{\"op\": \"insert\", \"table\": \"orders\", "
                                            + "\"row\": {\"id\": 9, \"customer\": \"x\", \"amount\": 1}}]}",
                                    200)
                            .get("duplicate")
                            .asBoolean(),
                    "batch ids are restored too");
        } finally {
            node.stop();
        }
    }

    /**
     * LevelDB's events are read a page at a time (the read journal's buffer, 100): every tool reads all of a tenant's
     * events whatever their count, around each multiple of the page as well (they hung on 101, 201, ... events).
     */
    @Test
    void toolsReadEveryEventOfTenantsWithCountsAroundThePageSize() throws Exception {
        Path data = dir.resolve("data");
        List<Integer> counts = List.of(1, 99, 100, 101, 102, 199, 200, 201);
        ShardviewNode node = TestNodes.startServing(TestNodes.config(data, Map.of()));
        try {
            for (int count : counts) {
                TenantClient tenant = new TenantClient(node, "n" + count);
                tenant.sql("CREATE TABLE t (id BIGINT NOT NULL, PRIMARY KEY (id))", 200);
                for (int i = 1; i < count; i++) {
                    tenant.ingest(
                            "{\"ops\": [{\"op\": \"insert\", \"table\": \"t\", \"row\": {\"id\": " + i + "}}]}", 200);
                }
            }
        } finally {
            node.stop();
        }
        Run list = journal("list", "--data-dir", data.toString(), "--json");
        assertEquals(0, list.exit(), list.err());
        for (int count : counts) {
            String id = "n" + count;
            assertEquals(
                    count, entity(list.json(), "tenant|" + id).get("events").asLong(), id);
            Run dump = journal("dump", id, "--data-dir", data.toString());
            assertEquals(0, dump.exit(), id + ": " + dump.err());
            List<JsonNode> events = dump.lines();
            assertEquals(count, events.size(), id);
            assertEquals(count, events.get(count - 1).get("sequence_nr").asLong(), id + ": the last event, in order");
            Run tail = journal("dump", id, "--data-dir", data.toString(), "--from", "2");
            assertEquals(count - 1, tail.lines().size(), id + " from 2");
            Run replay = journal("replay", id, "--json", "--data-dir", data.toString());
            assertEquals(0, replay.exit(), id + ": " + replay.err());
            assertEquals(count, replay.json().get("version").asLong(), id);
            Run verify = journal("verify", id, "--data-dir", data.toString());
            assertEquals(0, verify.exit(), id + ": " + verify.out() + verify.err());
        }

        // A tenant the journal does not hold is an error naming it, and asking about it writes nothing.
        Run dump = journal("dump", "nosuch", "--data-dir", data.toString());
        assertEquals(1, dump.exit());
        assertTrue(dump.err().contains("the journal has no events of tenant|nosuch"), dump.err());
        Run replay = journal("replay", "nosuch", "--data-dir", data.toString());
        assertEquals(1, replay.exit());
        assertTrue(replay.err().contains("no events of tenant nosuch"), replay.err());
        Run verify = journal("verify", "nosuch", "n1", "--data-dir", data.toString());
        assertEquals(1, verify.exit(), verify.out());
        assertTrue(verify.out().contains("the journal has no events of tenant|nosuch"), verify.out());
        assertTrue(verify.out().contains("ok         tenant|n1"), verify.out());
        Run after = journal("list", "--data-dir", data.toString(), "--json");
        assertEquals(list.json(), after.json(), "the read-only tools left the journal as it was");

        // While another tool holds the directory, a tool says so (not "a running node").
        try (var held = io.shardview.persistence.DataDirectoryLock.acquire(data, "journal tool")) {
            Run busy = journal("list", "--data-dir", data.toString());
            assertEquals(1, busy.exit());
            assertTrue(busy.err().contains("is in use by another journal tool (pid "), busy.err());
        }
    }

    @Test
    void badArgumentsAndMissingJournalsAreClearErrors() {
        Run none = journal("list", "--data-dir", dir.resolve("nothing").toString());
        assertEquals(1, none.exit());
        assertTrue(none.err().contains("no LevelDB journal in"), none.err());
        Run neither = journal("verify", "--data-dir", dir.toString());
        assertEquals(2, neither.exit());
        assertTrue(neither.err().contains("name persistence ids, or --all"), neither.err());
        Run rowsAlone = journal("replay", "demo", "--rows", "--data-dir", dir.toString());
        assertEquals(2, rowsAlone.exit());
        Run help = journal("replay", "--help");
        assertEquals(0, help.exit());
        assertTrue(help.out().contains("what did this view show at"), help.out());
    }

    /** At versions 2 and 3, replay shows each view's hash and rows as the node served them then. */
    private void assertReplaysAsServed(String... journalArgs) throws Exception {
        for (long version : List.of(2L, 3L)) {
            Run replay = journal(concat(
                    new String[] {"replay", "demo", "--to-version", Long.toString(version), "--json"}, journalArgs));
            assertEquals(0, replay.exit(), replay.err());
            assertEquals(version, replay.json().get("version").asLong());
            for (String view : List.of("totals", "big")) {
                JsonNode relation = null;
                for (JsonNode r : replay.json().get("relations"))
                    if (r.get("name").asText().equals(view)) relation = r;
                assertNotNull(relation, replay.out());
                JsonNode page = served.get(version + " " + view);
                assertEquals(page.get("hash").asText(), relation.get("hash").asText(), view + " at " + version);
                assertEquals(page.get("count").asLong(), relation.get("rows").asLong());
            }
        }
        Run rows = journal(concat(
                new String[] {"replay", "demo", "--to-version", "2", "--view", "totals", "--rows"}, journalArgs));
        assertEquals(0, rows.exit(), rows.err());
        assertEquals(served.get("2 totals").get("rows"), Json.MAPPER.valueToTree(rows.lines()));
        Run text = journal(concat(new String[] {"replay", "demo", "--to-version", "2"}, journalArgs));
        assertEquals(0, text.exit(), text.err());
        assertTrue(text.out().startsWith("tenant demo at version 2 (2 events replayed in "), text.out());
        assertTrue(text.out().contains("view   totals"), text.out());
        assertTrue(text.out().contains(served.get("2 totals").get("hash").asText()), text.out());
        Run beyond = journal(concat(new String[] {"replay", "demo", "--to-version", "9"}, journalArgs));
        assertEquals(1, beyond.exit());
        assertTrue(beyond.err().contains("ends at version 3"), beyond.err());
        assertFalse(beyond.err().contains("\tat "), "no stack trace: " + beyond.err());
    }

    private static JsonNode entity(JsonNode list, String id) {
        for (JsonNode e : list.get("entities")) if (e.get("id").asText().equals(id)) return e;
        throw new AssertionError(id + " not listed: " + list);
    }

    private static String[] concat(String[] a, String[] b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
