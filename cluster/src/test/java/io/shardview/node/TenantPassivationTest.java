package io.shardview.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.shardview.entity.tenant.TenantCircuit;
import io.shardview.entity.tenant.TenantProtocol;
import io.shardview.persistence.DataDirectoryLock;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.eventstream.EventStream;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.sharding.ShardRegion.CurrentShardRegionState;
import org.apache.pekko.cluster.sharding.typed.ClusterShardingQuery;
import org.apache.pekko.cluster.sharding.typed.GetShardRegionState;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An idle tenant is passivated and its next request recovers it from its snapshot, not by recomputing. */
class TenantPassivationTest {
    @TempDir
    Path dataDir;

    @Test
    void anIdleTenantStopsAndComesBackFromItsSnapshotWithTheSameVersionAndHashes() throws Exception {
        // The tenant writes a snapshot as it is passivated: its next start replays nothing.
        TenantCircuit.Recovered recovered = passivatedAndBack(Map.of());
        assertEquals(
                new TenantCircuit.Recovered("sleepy", 8, 0, 8),
                recovered,
                "restored from the snapshot written as it was passivated, nothing replayed");
    }

    @Test
    void withoutASnapshotAtStopTheTenantReplaysTheEventsAfterItsLatestSnapshot() throws Exception {
        TenantCircuit.Recovered recovered =
                passivatedAndBack(Map.of("shardview.tenant.snapshot-on-stop-after-events", 0));
        assertEquals(
                new TenantCircuit.Recovered("sleepy", 6, 2, 8),
                recovered,
                "restored from the snapshot at version 6, replaying only the events after it");
    }

    /**
     * A tenant of 8 events (snapshots every 3: at 3 and 6) passivated after 1 s idle; its views read the same after its
     * next request brought it back. Returns how it recovered.
     */
    private TenantCircuit.Recovered passivatedAndBack(Map<String, Object> more) throws Exception {
        Map<String, Object> settings = new java.util.HashMap<>(more);
        settings.put("shardview.tenant.passivate-idle-after", "1s");
        settings.put("shardview.tenant.snapshot-every-events", 3);
        settings.put("shardview.tenant.snapshot-ops-per-state-row", 0);
        ShardviewNode node = TenantNodes.start(dataDir, settings);
        try {
            TestProbe<TenantCircuit.Recovered> recoveries =
                    ActorTestKit.create(node.system()).createTestProbe();
            node.system()
                    .eventStream()
                    .tell(new EventStream.Subscribe<>(TenantCircuit.Recovered.class, recoveries.ref()));
            TenantClient t = new TenantClient(node, "sleepy");
            String ddl =
                    """
          CREATE TABLE users (id BIGINT NOT NULL, name VARCHAR, age INT, PRIMARY KEY (id));
          CREATE VIEW adults AS SELECT id, name FROM users WHERE age >= 18;
          CREATE VIEW by_age AS SELECT age, COUNT(*) AS n FROM users GROUP BY age
          """;
            // Planning on a cold node can outlast the 1 s idle time: the tenant is passivated meanwhile and the
            // request refused 503 with nothing applied. Sent again, it is planned warm.
            HttpResponse<String> created = t.post("sql", "application/sql", ddl);
            for (int attempt = 0; created.statusCode() == 503 && attempt < 5; attempt++) {
                created = t.post("sql", "application/sql", ddl);
            }
            t.json(created, 200);
            for (int b = 0; b < 7; b++) { // events 2..8: snapshots at 3 and 6, then 2 events after the last
                t.ingest(
                        "{\"ops\": [{\"op\": \"upsert\", \"table\": \"users\", \"row\": {\"id\": " + (b % 3)
                                + ", \"name\": \"n" + b + "\", \"age\": " + (15 + b) + "}}]}",
                        200);
                // A snapshot is written while the tenant goes on, and one due while another is being written is
                // taken once that one is, at a later event: each is waited for, so that they are at 3 and 6.
                if (b + 2 == 3 || b + 2 == 6) awaitSnapshot("sleepy", b + 2);
            }
            long version = t.version();
            JsonNode adults = t.json(t.get("views/adults"), 200);
            JsonNode byAge = t.json(t.get("views/by_age"), 200);
            assertTrue(liveTenants(node).contains("sleepy"), "the tenant runs after its requests");
            assertEquals(1, running(node), "shardview_tenants_running counts it");

            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (liveTenants(node).contains("sleepy") && System.nanoTime() < deadline) Thread.sleep(200);
            assertTrue(!liveTenants(node).contains("sleepy"), "the idle tenant was passivated");
            assertEquals(0, running(node), "shardview_tenants_running counts it no more");

            assertEquals(version, t.version());
            JsonNode adultsAfter = t.json(t.get("views/adults"), 200);
            JsonNode byAgeAfter = t.json(t.get("views/by_age"), 200);
            assertEquals(adults, adultsAfter);
            assertEquals(byAge, byAgeAfter);
            assertTrue(liveTenants(node).contains("sleepy"), "the request brought the tenant back");

            assertEquals(8, version);
            TenantCircuit.Recovered recovered;
            do { // skip reports of earlier starts (its first, and any passivation between the requests)
                recovered = recoveries.receiveMessage(Duration.ofSeconds(10));
            } while (recovered.version() < version);
            return recovered;
        } finally {
            node.stop();
        }
    }

    /** Waits until the snapshot store holds the tenant's snapshot at {@code sequenceNr}, whole (renamed from .tmp). */
    private void awaitSnapshot(String tenant, long sequenceNr) throws Exception {
        Pattern name = Pattern.compile("snapshot-.*" + tenant + "-" + sequenceNr + "-\\d+");
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            try (Stream<Path> files = Files.list(dataDir.resolve("snapshots"))) {
                if (files.anyMatch(f -> name.matcher(f.getFileName().toString()).matches())) return;
            } catch (java.nio.file.NoSuchFileException notYet) {
                // no snapshot written yet
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no snapshot of " + tenant + " at " + sequenceNr + " within 30 s");
    }

    /**
     * Batches reach a tenant running on its node through its inbox, not through its shard, which counts only what it
     * delivers: a tenant busy with nothing but ingest was passivated as idle every timeout (a stop and a recovery).
     */
    @Test
    void aTenantBusyWithIngestIsNotPassivated() throws Exception {
        ShardviewNode node = TenantNodes.start(dataDir, Map.of("shardview.tenant.passivate-idle-after", "1s"));
        try {
            TenantClient t = new TenantClient(node, "busy");
            t.sql("CREATE TABLE e (id BIGINT NOT NULL, PRIMARY KEY (id))", 200);
            t.ingest("{\"ops\": [{\"op\": \"insert\", \"table\": \"e\", \"row\": {\"id\": -1}}]}", 200);
            TestProbe<TenantCircuit.Recovered> recoveries =
                    ActorTestKit.create(node.system()).createTestProbe();
            node.system()
                    .eventStream()
                    .tell(new EventStream.Subscribe<>(TenantCircuit.Recovered.class, recoveries.ref()));
            long end = System.nanoTime() + Duration.ofSeconds(5).toNanos(); // the subscription registers meanwhile
            for (int i = 0; System.nanoTime() < end; i++) { // 5 s: five times the idle timeout
                t.ingest("{\"ops\": [{\"op\": \"insert\", \"table\": \"e\", \"row\": {\"id\": " + i + "}}]}", 200);
                Thread.sleep(100);
            }
            recoveries.expectNoMessage(Duration.ofMillis(100));
            assertTrue(liveTenants(node).contains("busy"), "still running");
        } finally {
            node.stop();
        }
    }

    @Test
    void aNodeStoppedWhileASnapshotIsWrittenKeepsThatSnapshot() throws Exception {
        Map<String, Object> settings =
                Map.of("shardview.tenant.snapshot-every-events", 4, "shardview.tenant.snapshot-ops-per-state-row", 0);
        ShardviewNode first = TenantNodes.start(dataDir, settings);
        long version;
        try {
            TenantClient t = new TenantClient(first, "stopping");
            t.sql(
                    "CREATE TABLE ev (id BIGINT NOT NULL, s VARCHAR, PRIMARY KEY (id));"
                            + " CREATE VIEW v AS SELECT id, s FROM ev WHERE id >= 0",
                    200);
            for (int b = 0; b < 3; b++) { // events 2..4: the last one starts a snapshot of 150,000 rows and views rows
                StringBuilder ndjson = new StringBuilder();
                for (int i = b * 50_000; i < (b + 1) * 50_000; i++) {
                    ndjson.append("{\"op\": \"insert\", \"table\": \"ev\", \"row\": {\"id\": ")
                            .append(i)
                            .append(", \"s\": \"row ")
                            .append(i)
                            .append("\"}}\n");
                }
                assertEquals(
                        200,
                        t.post("ingest", "application/x-ndjson", ndjson.toString())
                                .statusCode());
            }
            version = 4;
        } finally {
            first.stop(); // at once: the snapshot of version 4 is still being encoded and written
        }
        ShardviewNode second = startOnceReleased(settings);
        try {
            TestProbe<TenantCircuit.Recovered> recoveries =
                    ActorTestKit.create(second.system()).createTestProbe();
            second.system()
                    .eventStream()
                    .tell(new EventStream.Subscribe<>(TenantCircuit.Recovered.class, recoveries.ref()));
            // The subscription is registered once a marker published after it arrives (one sender, in order).
            TenantCircuit.Recovered marker = new TenantCircuit.Recovered("marker", 0, 0, 0);
            second.system().eventStream().tell(new EventStream.Publish<>(marker));
            assertEquals(marker, recoveries.receiveMessage(Duration.ofSeconds(10)));
            assertEquals(version, new TenantClient(second, "stopping").version());
            assertEquals(
                    new TenantCircuit.Recovered("stopping", version, 0, version),
                    recoveries.receiveMessage(Duration.ofSeconds(10)),
                    "the snapshot taken by the last batch was written before the node stopped");
        } finally {
            second.stop();
        }
    }

    /** Starts a node on the data directory once the stopped node has released it (it does so just after stop() returns). */
    private ShardviewNode startOnceReleased(Map<String, Object> settings) throws Exception {
        for (int attempt = 0; ; attempt++) {
            try {
                return TenantNodes.start(dataDir, settings);
            } catch (DataDirectoryLock.DataDirectoryInUseException inUse) {
                if (attempt == 50) throw inUse;
                Thread.sleep(100);
            }
        }
    }

    /** The node's shardview_tenants_running, from its /metrics. */
    private static int running(ShardviewNode node) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^shardview_tenants_running (\\S+)$")
                .matcher(TestNodes.get(node, "/metrics").body());
        assertTrue(m.find(), "shardview_tenants_running on /metrics");
        return (int) Double.parseDouble(m.group(1));
    }

    /** The entity ids running in this node's tenant region. */
    private static Set<String> liveTenants(ShardviewNode node) throws Exception {
        CurrentShardRegionState state = AskPattern.<ClusterShardingQuery, CurrentShardRegionState>ask(
                        ClusterSharding.get(node.system()).shardState(),
                        replyTo -> new GetShardRegionState(TenantProtocol.ENTITY_KEY, replyTo),
                        Duration.ofSeconds(5),
                        node.system().scheduler())
                .toCompletableFuture()
                .get();
        return state.getShards().stream()
                .flatMap(s -> s.getEntityIds().stream())
                .collect(Collectors.toSet());
    }
}
