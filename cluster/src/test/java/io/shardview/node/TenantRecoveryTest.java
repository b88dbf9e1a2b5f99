package io.shardview.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A tenant restarted on the same data directory comes back from its snapshot and later events. */
class TenantRecoveryTest {
    @TempDir
    Path dataDir;

    @Test
    void aRestartedTenantHasTheSameVersionRowsHashesBatchIdsAndHistory() throws Exception {
        Map<String, Object> settings =
                Map.of("shardview.tenant.snapshot-every-events", 4, "shardview.tenant.snapshot-ops-per-state-row", 0);
        List<String> views = List.of("adults", "by_age", "top2");
        Map<String, JsonNode> before = new java.util.HashMap<>();
        long version;
        ShardviewNode first = TenantNodes.start(dataDir, settings);
        try {
            TenantClient t = new TenantClient(first, "durable");
            t.sql(
                    """
          CREATE TABLE users (id BIGINT NOT NULL, name VARCHAR, age INT, PRIMARY KEY (id));
          CREATE VIEW adults AS SELECT id, name FROM users WHERE age >= 18;
          CREATE VIEW by_age AS SELECT age, COUNT(*) AS n, MIN(name) AS first FROM users GROUP BY age;
          CREATE VIEW top2 AS SELECT id, age FROM users ORDER BY age DESC, id LIMIT 2
          """,
                    200);
            for (int b = 0; b < 10; b++) { // 11 events: snapshots at 4 and 8, then 3 events after the last
                t.ingest(
                        "{\"batch_id\": \"b" + b + "\", \"ops\": ["
                                + "{\"op\": \"upsert\", \"table\": \"users\", \"row\": {\"id\": " + (b % 4)
                                + ", \"name\": \"n" + b + "\", \"age\": " + (10 + 3 * b) + "}},"
                                + "{\"op\": \"insert\", \"table\": \"users\", \"row\": {\"id\": " + (100 + b)
                                + ", \"age\": " + (b % 3 + 17) + "}}]}",
                        200);
            }
            version = t.version();
            for (String view : views) before.put(view, t.json(t.get("views/" + view), 200));
        } finally {
            first.stop();
        }
        try (Stream<Path> snapshots = Files.list(dataDir.resolve("snapshots"))) {
            assertTrue(snapshots.anyMatch(p -> p.getFileName().toString().contains("tenant")), "snapshots were taken");
        }

        ShardviewNode second = TenantNodes.start(dataDir, settings);
        try {
            TenantClient t = new TenantClient(second, "durable");
            assertEquals(version, t.version());
            for (String view : views) {
                JsonNode after = t.json(t.get("views/" + view), 200);
                assertEquals(before.get(view).get("hash"), after.get("hash"), view);
                assertEquals(before.get(view).get("rows"), after.get("rows"), view);
            }
            JsonNode retry = t.ingest(
                    "{\"batch_id\": \"b3\", \"ops\": [{\"op\": \"insert\", \"table\": \"users\", \"row\": {\"id\": 999}}]}",
                    200);
            assertTrue(retry.get("duplicate").asBoolean(), "batch ids survive the restart");
            assertEquals(5, retry.get("version").asLong());
            assertEquals(version, t.version());
            // the change history survives too: resuming from before the restart replays the later changes
            TenantChangeStreamTest.OpenStream stream =
                    new TenantChangeStreamTest.OpenStream(t.base + "/views/adults/changes?from=" + (version - 2), null);
            try (stream) {
                long seen = stream.nextEvent().version();
                assertTrue(seen > version - 2 && seen <= version, "resumed at " + seen);
            }
        } finally {
            second.stop();
        }
    }

    /**
     * A tenant whose snapshots are damaged (bytes flipped inside the circuit they hold) does not stay down: its first
     * start fails on the snapshot, and from the next request on it recovers from its events alone, to the same state.
     */
    @Test
    void aTenantWhoseSnapshotsAreDamagedRecoversFromItsEvents() throws Exception {
        Map<String, Object> settings = Map.of(
                "shardview.tenant.snapshot-every-events", 3,
                "shardview.tenant.snapshot-ops-per-state-row", 0,
                "shardview.tenant.ask-timeout", "3s");
        JsonNode before;
        long version;
        ShardviewNode first = TenantNodes.start(dataDir, settings);
        try {
            TenantClient t = new TenantClient(first, "damaged");
            t.sql(
                    "CREATE TABLE t (id BIGINT NOT NULL, v INT, PRIMARY KEY (id));"
                            + "CREATE VIEW s AS SELECT v, COUNT(*) AS n FROM t GROUP BY v",
                    200);
            for (int b = 0; b < 7; b++) {
                t.ingest(
                        "{\"ops\": [{\"op\": \"upsert\", \"table\": \"t\", \"row\": {\"id\": " + (b % 3) + ", \"v\": "
                                + b + "}}]}",
                        200);
            }
            version = t.version();
            before = t.json(t.get("views/s"), 200);
        } finally {
            first.stop();
        }
        List<Path> damaged;
        try (Stream<Path> snapshots = Files.list(dataDir.resolve("snapshots"))) {
            damaged = snapshots
                    .filter(p -> p.getFileName().toString().contains("damaged"))
                    .toList();
        }
        assertTrue(damaged.size() >= 2, "snapshots were taken: " + damaged);
        for (Path snapshot : damaged) {
            byte[] bytes = Files.readAllBytes(snapshot);
            for (int i = 40; i < 44; i++) bytes[i] = (byte) 0xff;
            Files.write(snapshot, bytes);
        }

        ShardviewNode second = TenantNodes.start(dataDir, settings);
        try {
            TenantClient t = new TenantClient(second, "damaged");
            java.net.http.HttpResponse<String> read = t.get("views/s");
            for (int attempt = 0; attempt < 5 && read.statusCode() != 200; attempt++) read = t.get("views/s");
            JsonNode after = t.json(read, 200);
            assertEquals(version, after.get("version").asLong());
            assertEquals(before.get("hash"), after.get("hash"));
            assertEquals(before.get("rows"), after.get("rows"));
            t.ingest("{\"ops\": [{\"op\": \"insert\", \"table\": \"t\", \"row\": {\"id\": 50, \"v\": 1}}]}", 200);
        } finally {
            second.stop();
        }
    }
}
