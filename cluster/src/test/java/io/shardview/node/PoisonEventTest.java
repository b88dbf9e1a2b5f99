package io.shardview.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.shardview.http.Json;
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

/**
 * A poison event (bytes its tenant cannot apply) on a real node: after max-recovery-failures failed recoveries the
 * tenant stops trying and answers every request 503 entity_failed naming the event, /metrics counts it, and every
 * other tenant is served; once truncated away with the node stopped, the tenant is back.
 */
class PoisonEventTest {
    @TempDir
    Path dir;

    @Test
    void aTenantWhoseEventCannotBeAppliedAnswersEntityFailedAndTheOthersGoOn() throws Exception {
        try (JournalDatabase db = new JournalDatabase()) {
            Path conf = dir.resolve("journal.conf");
            Files.writeString(conf, "shardview.journal.url = \"" + db.url() + "\"\n");
            assertEquals(0, new CommandLine(new Main()).execute("journal", "init", "--config", conf.toString()));
            Map<String, Object> settings = new HashMap<>(db.settings());
            settings.put("shardview.cluster.seed-nodes", List.of());
            settings.put("shardview.tenant.snapshot-on-stop-after-events", 0); // recovery replays the events
            ShardviewNode node = TestNodes.startServing(TestNodes.config("cluster", dir.resolve("node"), settings));
            try {
                for (String tenant : List.of("poisoned", "healthy")) {
                    TenantClient client = new TenantClient(node, tenant);
                    client.sql("CREATE TABLE t (id BIGINT NOT NULL, PRIMARY KEY (id))", 200);
                    client.ingest("{\"ops\": [{\"op\": \"insert\", \"table\": \"t\", \"row\": {\"id\": 1}}]}", 200);
                }
            } finally {
                node.stop();
            }
            db.execute("UPDATE event_journal SET event_payload = '\\x00ff' WHERE persistence_id = 'tenant|poisoned'"
                    + " AND sequence_number = 2");

            node = TestNodes.startServing(TestNodes.config("cluster", dir.resolve("node"), settings));
            try {
                TenantClient poisoned = new TenantClient(node, "poisoned");
                long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
                JsonNode failed = null;
                while (failed == null) {
                    assertTrue(System.nanoTime() < deadline, "never answered entity_failed");
                    HttpResponse<String> reply = poisoned.get("");
                    assertEquals(503, reply.statusCode(), reply.body());
                    JsonNode body = Json.MAPPER.readTree(reply.body());
                    if (body.at("/error/code").asText().equals("entity_failed")) failed = body;
                }
                assertEquals("poisoned", failed.at("/error/details/tenant").asText());
                // The journal failed a page of events as a whole: recovery read none of them, and says where it
                // could not read on from (the tools name the damaged event itself).
                assertEquals(1, failed.at("/error/details/sequence_nr").asLong(), failed.toString());
                assertTrue(failed.at("/error/details/unread").asBoolean(), failed.toString());
                assertTrue(failed.at("/error/message").asText().contains("journal verify poisoned"), failed.toString());
                long started = System.nanoTime();
                HttpResponse<String> batch = poisoned.post(
                        "ingest",
                        "application/json",
                        "{\"ops\": [{\"op\": \"insert\", \"table\": \"t\", \"row\": {\"id\": 2}}]}");
                assertEquals(503, batch.statusCode(), batch.body());
                assertTrue(batch.body().contains("entity_failed"), batch.body());
                assertTrue(
                        System.nanoTime() - started < Duration.ofSeconds(2).toNanos(),
                        "answered at once, without recovering again");
                String metrics = TestNodes.get(node, "/metrics").body();
                assertTrue(metrics.contains("shardview_tenants_failed 1.0"), "counted in /metrics");
                assertTrue(
                        metrics.contains(
                                "shardview_tenant_failed_sequence_nr{tenant=\"poisoned\",unread=\"true\"} 1.0"),
                        "named in /metrics");
                JsonNode errors = poisoned.json(poisoned.get("errors"), 200);
                assertTrue(errors.toString().contains("entity_failed"), "listed among its errors: " + errors);
                TenantClient healthy = new TenantClient(node, "healthy");
                healthy.ingest("{\"ops\": [{\"op\": \"insert\", \"table\": \"t\", \"row\": {\"id\": 2}}]}", 200);
            } finally {
                node.stop();
            }

            // Truncated after the last good event with the node stopped: the tenant is back.
            String[] cluster = {"--profile", "cluster", "--config", conf.toString()};
            String[] truncate = {"journal", "truncate", "poisoned", "--after", "1", "--execute"};
            String[] args = java.util.stream.Stream.concat(List.of(truncate).stream(), List.of(cluster).stream())
                    .toArray(String[]::new);
            assertEquals(0, new CommandLine(new Main()).execute(args));
            node = TestNodes.startServing(TestNodes.config("cluster", dir.resolve("node"), settings));
            try {
                TenantClient poisoned = new TenantClient(node, "poisoned");
                assertEquals(
                        1, poisoned.json(poisoned.get(""), 200).get("version").asLong());
                poisoned.ingest("{\"ops\": [{\"op\": \"insert\", \"table\": \"t\", \"row\": {\"id\": 2}}]}", 200);
            } finally {
                node.stop();
            }
        }
    }
}
