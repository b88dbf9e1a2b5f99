package io.shardview.node.journal;

import static io.shardview.node.journal.JournalCli.journal;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.Config;
import io.shardview.node.JournalDatabase;
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

/**
 * {@code shardview journal skip}: a tenant's event that recovery cannot get past is replaced by a journaled operator
 * decision; the node then serves the tenant as if the event had never been accepted, with the later batches made to
 * its tables as they are without it; {@code --undo} puts the event back. On a stopped node's LevelDB journal with a
 * damaged event, and on a PostgreSQL journal with a readable one an operator chose to skip.
 */
class JournalSkipTest {
    @TempDir
    Path dir;

    /**
     * Version 1 creates the table and view; 2 inserts 1:10 and 2:20; 3 (the one to skip) inserts 4:40 and sets 2 to
     * 21; 4 sets 2 to 25 and inserts 3:30; 5 deletes 1. Without 3 the table ends as {2:25, 3:30}.
     */
    private static void writeTenant(TenantClient demo) throws Exception {
        demo.sql(
                "CREATE TABLE t (id BIGINT NOT NULL, v INT, PRIMARY KEY (id));"
                        + "CREATE VIEW totals AS SELECT COUNT(*) AS n, SUM(v) AS s FROM t",
                200);
        demo.ingest(ops(insert(1, 10), insert(2, 20)), 200);
        demo.ingest(ops(insert(4, 40), "{\"op\": \"update\", \"table\": \"t\", \"row\": {\"id\": 2, \"v\": 21}}"), 200);
        demo.ingest(ops("{\"op\": \"upsert\", \"table\": \"t\", \"row\": {\"id\": 2, \"v\": 25}}", insert(3, 30)), 200);
        JsonNode last = demo.ingest(ops("{\"op\": \"delete\", \"table\": \"t\", \"key\": {\"id\": 1}}"), 200);
        assertEquals(5, last.get("version").asLong());
    }

    private static String insert(int id, int v) {
        return "{\"op\": \"insert\", \"table\": \"t\", \"row\": {\"id\": " + id + ", \"v\": " + v + "}}";
    }

    private static String ops(String... ops) {
        return "{\"ops\": [" + String.join(",", ops) + "]}";
    }

    /** The view's (count, sum) and version as the node serves it. */
    private static String totals(TenantClient demo) throws Exception {
        JsonNode page = demo.json(demo.get("views/totals"), 200);
        return page.at("/rows/0/n").asLong() + "," + page.at("/rows/0/s").asLong() + " at "
                + page.get("version").asLong();
    }

    /** {@link #writeTenant} on a LevelDB journal (no snapshots), the node stopped and event {@code n} damaged. */
    private static Config damagedTenant(Path data, long n) throws Exception {
        Config config = TestNodes.config(data, Map.of("shardview.tenant.snapshot-on-stop-after-events", 0));
        ShardviewNode node = TestNodes.startServing(config);
        try {
            writeTenant(new TenantClient(node, "demo"));
        } finally {
            node.stop();
        }
        try (StoredEvents events = StoredEvents.open(config, "tenant|demo")) {
            events.replace(new StoredEvents.Stored(n, new byte[] {0, (byte) 0xff, 7}, null, null));
        }
        return config;
    }

    @Test
    void aDamagedEventOfALevelDbJournalIsSkippedAndPutBack() throws Exception {
        Path data = dir.resolve("data");
        String dataDir = data.toString();
        Config config = damagedTenant(data, 3);
        Run replay = journal("replay", "demo", "--data-dir", dataDir);
        assertEquals(1, replay.exit(), "the damage stops a replay: " + replay.out());

        Run plan = journal("skip", "demo", "--event", "3", "--data-dir", dataDir);
        assertEquals(0, plan.exit(), plan.err());
        assertTrue(
                plan.out()
                        .startsWith("plan (run again with --execute to do it): replace event 3 of tenant|demo"
                                + " (unreadable: "),
                plan.out());
        assertTrue(plan.out().contains("passes it at version 3"), plan.out());
        assertEquals(1, journal("replay", "demo", "--data-dir", dataDir).exit(), "a plan changes nothing");

        Run skip = journal(
                "skip", "demo", "--event", "3", "--reason", "damaged on disk", "--execute", "--data-dir", dataDir);
        assertEquals(0, skip.exit(), skip.out() + skip.err());
        assertTrue(skip.out().contains("the tenant replays to version 5 (5 events)"), skip.out());
        Run dump = journal("dump", "demo", "--data-dir", dataDir);
        assertEquals(0, dump.exit(), dump.err());
        assertTrue(dump.out().contains("\"type\":\"event-skipped.v1\""), dump.out());
        assertTrue(dump.out().contains("\"reason\":\"damaged on disk\""), dump.out());
        assertTrue(dump.out().contains("\"last_sequence_nr\":5"), dump.out());
        assertEquals(
                1,
                journal("skip", "demo", "--event", "3", "--data-dir", dataDir).exit(),
                "skipped already");

        Run undo = journal("skip", "demo", "--event", "3", "--undo", "--execute", "--data-dir", dataDir);
        assertEquals(1, undo.exit(), "the damaged bytes are back: " + undo.out());
        assertTrue(undo.out().contains("its replay now stops after event 2"), undo.out());
        assertEquals(
                0,
                journal("skip", "demo", "--event", "3", "--execute", "--data-dir", dataDir)
                        .exit());

        ShardviewNode node = TestNodes.startServing(config);
        try {
            TenantClient demo = new TenantClient(node, "demo");
            assertEquals("2,55 at 5", totals(demo));
            assertEquals(6, demo.ingest(ops(insert(5, 50)), 200).get("version").asLong());
            assertEquals("3,105 at 6", totals(demo));
        } finally {
            node.stop();
        }
        node = TestNodes.startServing(config);
        try {
            assertEquals("3,105 at 6", totals(new TenantClient(node, "demo")), "recovered the same");
        } finally {
            node.stop();
        }
    }

    @Test
    void aReadableEventOfAPostgresJournalIsSkippedAndPutBack() throws Exception {
        try (JournalDatabase db = new JournalDatabase()) {
            Path conf = dir.resolve("journal.conf");
            Files.writeString(conf, "shardview.journal.url = \"" + db.url() + "\"\n");
            assertEquals(0, journal("init", "--config", conf.toString()).exit());
            Map<String, Object> settings = new HashMap<>(db.settings());
            settings.put("shardview.cluster.seed-nodes", List.of());
            Config config = TestNodes.config("cluster", dir.resolve("node"), settings);
            String[] where = {"--profile", "cluster", "--config", conf.toString()};
            ShardviewNode node = TestNodes.startServing(config);
            try {
                writeTenant(new TenantClient(node, "demo"));
            } finally {
                node.stop(); // a snapshot on stop, at 5: the skip deletes it
            }

            Run skip = journal(with(where, "skip", "demo", "--event", "3", "--execute", "--json"));
            assertEquals(0, skip.exit(), skip.out() + skip.err());
            JsonNode done = skip.json();
            assertTrue(done.get("plan").asText().contains("(batch-applied.v1 at version 3, 2 ops)"), done.toString());
            assertTrue(done.get("plan").asText().contains("delete its snapshots from 3 on [5]"), done.toString());
            assertEquals(
                    "the tenant replays to version 5 (5 events)",
                    done.get("replay").asText());

            node = TestNodes.startServing(config);
            try {
                TenantClient demo = new TenantClient(node, "demo");
                assertEquals("2,55 at 5", totals(demo));
                demo.ingest(ops(insert(5, 50)), 200);
                assertEquals("3,105 at 6", totals(demo));
            } finally {
                node.stop();
            }

            // Event 6 was made to the tables without event 3: the skip cannot be undone over it, until it goes.
            Run refused = journal(with(where, "skip", "demo", "--event", "3", "--undo", "--execute"));
            assertEquals(1, refused.exit(), refused.out() + refused.err());
            assertTrue(
                    refused.err().contains("event 6 of tenant|demo was written after the skip")
                            && refused.err().contains("journal truncate demo --after 5"),
                    refused.err());
            assertEquals(
                    6,
                    db.count("SELECT max(sequence_number) FROM event_journal WHERE persistence_id = 'tenant|demo'"),
                    "nothing changed");
            assertEquals(
                    0,
                    journal(with(where, "truncate", "demo", "--after", "5", "--execute"))
                            .exit());

            Run undo = journal(with(where, "skip", "demo", "--event", "3", "--undo", "--execute"));
            assertEquals(0, undo.exit(), undo.out() + undo.err());
            assertTrue(undo.out().contains("the tenant replays to version 5 (5 events)"), undo.out());
            node = TestNodes.startServing(config);
            try {
                // 2:25, 3:30, 4:40 (back)
                assertEquals("3,95 at 5", totals(new TenantClient(node, "demo")));
            } finally {
                node.stop(); // a snapshot on stop, at 5
            }

            // Events before the snapshot at 5 deleted (as delete-events-on-snapshot does): recovery needs that
            // snapshot, which holds event 3, so skipping 3 is refused, plan and all.
            db.execute("DELETE FROM event_journal WHERE persistence_id = 'tenant|demo' AND sequence_number <= 2");
            Run unrecoverable = journal(with(where, "skip", "demo", "--event", "3"));
            assertEquals(1, unrecoverable.exit(), unrecoverable.out() + unrecoverable.err());
            assertTrue(
                    unrecoverable.err().contains("the events before 3 were deleted after a snapshot"),
                    unrecoverable.err());
            assertEquals(1, db.count("SELECT count(*) FROM snapshot WHERE persistence_id = 'tenant|demo'"));
        }
    }

    @Test
    void aDamagedLastEventIsPassedAtANewVersion() throws Exception {
        Path data = dir.resolve("data");
        Config config = damagedTenant(data, 5);
        // Version 5 may have been acknowledged before the damage: the tenant's next batch must not take it again.
        Run skip = journal("skip", "demo", "--event", "5", "--execute", "--data-dir", data.toString());
        assertEquals(0, skip.exit(), skip.out() + skip.err());
        assertTrue(skip.out().contains("passes it at version 5"), skip.out());
        ShardviewNode node = TestNodes.startServing(config);
        try {
            TenantClient demo = new TenantClient(node, "demo");
            assertEquals("4,105 at 5", totals(demo));
            assertEquals(6, demo.ingest(ops(insert(5, 50)), 200).get("version").asLong());
        } finally {
            node.stop();
        }
    }

    private static String[] with(String[] where, String... args) {
        return java.util.stream.Stream.concat(List.of(args).stream(), List.of(where).stream())
                .toArray(String[]::new);
    }
}
