package io.shardview.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shardview.entity.durability.JournalDurability;
import io.shardview.persistence.JournalSyncStats;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded journal acknowledges a batch's event once written and syncs it while the tenant applies its next group;
 * nothing built on the event leaves the node before the sync that makes it durable: not the batch's answer, not a
 * read, not a change on a stream. Tested by holding the journal's syncs (the node's {@link JournalDurability}).
 */
class AnswersWhenDurableTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void aBatchItsReadsAndItsChangesWaitForTheSyncThatMakesItDurable() throws Exception {
        ShardviewNode node = TestNodes.startServing(TestNodes.config(dir, Map.of()));
        Gate gate = null;
        try {
            TenantClient t = new TenantClient(node, "dur");
            t.sql("CREATE TABLE t (id BIGINT PRIMARY KEY, v INT); CREATE VIEW s AS SELECT COUNT(*) AS n FROM t", 200);
            t.ingest("{\"ops\": [{\"op\":\"insert\",\"table\":\"t\",\"row\":{\"id\":1,\"v\":1}}]}", 200);
            CopyOnWriteArrayList<String> changes = new CopyOnWriteArrayList<>();
            follow(node, "/v1/tenants/dur/views/s/changes?from=2", changes); // from version 2: whenever it starts

            gate = Gate.hold(node);
            JournalSyncStats journal = JournalSyncStats.get(node.system());
            long writesBefore = journal.writes();
            CompletableFuture<HttpResponse<String>> batch = post(
                    node, "/v1/tenants/dur/ingest", "{\"op\":\"insert\",\"table\":\"t\",\"row\":{\"id\":2,\"v\":2}}");
            // The read is sent once the batch's event is written (not yet durable), so that it reaches the tenant
            // after the batch: sent at once, it could be answered first, rightly, at version 2.
            waitFor(() -> journal.writes() > writesBefore, () -> "the batch's event was not written");
            CompletableFuture<HttpResponse<String>> read = get(node, "/v1/tenants/dur/views/s");
            Thread.sleep(700);
            assertFalse(batch.isDone(), "a batch is answered only once durable");
            assertFalse(read.isDone(), "a read does not show what may not survive a power cut");
            assertTrue(changes.stream().noneMatch(c -> c.contains("\"version\":3")), changes.toString());

            gate.release();
            assertEquals(
                    200,
                    batch.get(10, TimeUnit.SECONDS).statusCode(),
                    batch.get().body());
            assertEquals(3, JSON.readTree(batch.get().body()).path("version").asLong());
            JsonNode view = JSON.readTree(read.get(10, TimeUnit.SECONDS).body());
            assertEquals(3, view.path("version").asLong(), view.toString());
            assertEquals(2, view.path("rows").get(0).path("n").asLong(), view.toString());
            waitFor(() -> changes.stream().anyMatch(c -> c.contains("\"version\":3")), changes::toString);
        } finally {
            if (gate != null) gate.release(); // else a failed assertion leaves the node's stop waiting for a sync
            node.stop();
        }
    }

    @Test
    void aFailedSyncAnswersNoSuccessAndTheTenantComesBackFromItsJournal() throws Exception {
        ShardviewNode node = TestNodes.startServing(TestNodes.config(dir, Map.of()));
        Gate gate = null;
        try {
            TenantClient t = new TenantClient(node, "fail");
            t.sql("CREATE TABLE t (id BIGINT PRIMARY KEY, v INT)", 200);
            gate = Gate.hold(node);
            CompletableFuture<HttpResponse<String>> batch = post(
                    node, "/v1/tenants/fail/ingest", "{\"op\":\"insert\",\"table\":\"t\",\"row\":{\"id\":1,\"v\":1}}");
            Thread.sleep(300);
            gate.fail(new IOException("injected: fdatasync failed"));
            HttpResponse<String> answer = batch.get(30, TimeUnit.SECONDS);
            assertEquals(504, answer.statusCode(), answer.body()); // written, its fate unknown: never a 2xx
            assertEquals(
                    "outcome_unknown",
                    JSON.readTree(answer.body()).at("/error/code").asText());
            gate.release();
            // The entity restarted from its journal: the batch was written, so it is there, and the tenant serves on.
            waitFor(() -> t.get("tables/t").body().contains("\"id\":1"), () -> t.get("tables/t")
                    .body());
            t.ingest("{\"ops\": [{\"op\":\"insert\",\"table\":\"t\",\"row\":{\"id\":2,\"v\":2}}]}", 200);
        } finally {
            if (gate != null) gate.release();
            node.stop();
        }
    }

    /** The node's journal syncs, held until released (or failed). */
    private static final class Gate {
        private final JournalDurability durability;
        private final CompletableFuture<Void> opened = new CompletableFuture<>();
        private JournalDurability.Syncs real;

        private Gate(JournalDurability durability) {
            this.durability = durability;
        }

        static Gate hold(ShardviewNode node) {
            Gate gate = new Gate(JournalDurability.get(node.system()));
            gate.real = gate.durability.syncWith(new JournalDurability.Syncs(
                    () -> gate.opened.thenCompose(
                            open -> gate.real.afterAcknowledgedWrites().get()),
                    () -> gate.opened.thenCompose(open -> gate.real.nextSync().get())));
            return gate;
        }

        /** The syncs held so far run, and later ones are not held; again, it changes nothing. */
        void release() {
            durability.syncWith(real);
            opened.complete(null);
        }

        /** The syncs held so far fail with {@code error}. */
        void fail(Throwable error) {
            opened.completeExceptionally(error);
        }
    }

    private static CompletableFuture<HttpResponse<String>> post(ShardviewNode node, String path, String ndjson) {
        return TestNodes.HTTP.sendAsync(
                HttpRequest.newBuilder(URI.create(node.url() + path))
                        .timeout(Duration.ofSeconds(30))
                        .header("Content-Type", "application/x-ndjson")
                        .POST(HttpRequest.BodyPublishers.ofString(ndjson))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static CompletableFuture<HttpResponse<String>> get(ShardviewNode node, String path) {
        return TestNodes.HTTP.sendAsync(
                HttpRequest.newBuilder(URI.create(node.url() + path))
                        .timeout(Duration.ofSeconds(30))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Follows a change stream in the background, keeping every data line. */
    private static void follow(ShardviewNode node, String path, CopyOnWriteArrayList<String> lines) {
        TestNodes.HTTP
                .sendAsync(
                        HttpRequest.newBuilder(URI.create(node.url() + path))
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofLines())
                .thenAccept(response -> {
                    try (Stream<String> body = response.body()) {
                        body.filter(line -> line.startsWith("data:")).forEach(lines::add);
                    } catch (RuntimeException closed) {
                        // the node stopped
                    }
                });
    }

    private static void waitFor(java.util.function.BooleanSupplier condition, Supplier<String> state)
            throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > until) throw new AssertionError("not within 15 s: " + state.get());
            Thread.sleep(50);
        }
    }
}
