package io.shardview.multijvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two regions of two nodes each, each region on its own journal database (docs/regions.md), driven over HTTP as a
 * user would: they form one cluster; a tenant created in region eu is read in region us with identical hashes; writes
 * sent to us land once in eu; region us paused with SIGSTOP for 30 s while eu keeps ingesting converges after SIGCONT
 * with every acknowledged batch and a change stream held in us that continues without a gap; and kill -9 of the eu
 * node holding the tenant loses no acknowledged write while the other eu node takes over.
 */
class TwoRegionsTest {
    @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS) // the nodes' logs stay when it fails
    Path tmp;

    private static final String TENANT = "/v1/tenants/acme";

    @Test
    void regionsReplicateATenantThroughPartitionsAndNodeLoss() throws Exception {
        try (RegionNodes cluster = new RegionNodes(tmp, List.of("eu", "us"), 2)) {
            cluster.startAll();
            List<Integer> eu = cluster.nodesOf("eu");
            List<Integer> us = cluster.nodesOf("us");
            JsonNode view = cluster.cluster(us.get(0));
            assertEquals("us", view.get("region").asText());
            for (JsonNode member : view.get("members"))
                assertTrue(member.get("reachable").asBoolean(), member.toString());

            // Created in eu: eu is home.
            String euUrl = cluster.url(eu.get(0));
            String usUrl = cluster.url(us.get(0));
            HttpResponse<String> created = RegionNodes.post(
                    euUrl + TENANT + "/sql",
                    "application/sql",
                    "CREATE TABLE events (id BIGINT NOT NULL, origin VARCHAR NOT NULL, PRIMARY KEY (id));"
                            + "CREATE VIEW all_events AS SELECT id, origin FROM events;"
                            + "CREATE VIEW per_origin AS SELECT origin, COUNT(*) AS n FROM events GROUP BY origin");
            assertEquals(200, created.statusCode(), created.body());

            Set<Long> acked = new TreeSet<>();
            long id = 0;
            for (; id < 20; id++) ingest(cluster.url(eu.get((int) id % 2)), id, "eu", acked);
            // Writes sent to us land in eu once, even sent twice.
            for (; id < 40; id++) {
                ingest(cluster.url(us.get((int) id % 2)), id, "us", acked);
                JsonNode again = ingest(cluster.url(us.get((int) id % 2)), id, "us", acked);
                assertTrue(again.get("duplicate").asBoolean(), again.toString());
            }
            long version = read(euUrl, "views/all_events", 0).get("version").asLong();
            assertEquals(41, version, "one version per SQL request and per batch, once each");
            assertSameContent(cluster, eu, us, version);

            // A change stream held by a node of us, from the current version.
            List<JsonNode> streamed = new CopyOnWriteArrayList<>();
            CompletableFuture<Integer> connected = new CompletableFuture<>();
            StringBuffer streamEnded = new StringBuffer();
            CompletableFuture<Void> stream = follow(
                    usUrl + TENANT + "/views/all_events/changes?from=" + version, streamed, connected, streamEnded);
            assertEquals(200, connected.get(30, java.util.concurrent.TimeUnit.SECONDS), "the stream is open");

            // Region us paused for 30 s while eu keeps ingesting, 20 batches a second: what the stream held in us
            // misses stays within the view's retained change history (1,000 changes), as the API requires of a
            // stream that is to continue without a gap (docs/regions.md, "Partitions").
            for (int node : us) cluster.signal(node, "STOP");
            long pausedAt = System.nanoTime();
            long pausedUntil = pausedAt + Duration.ofSeconds(30).toNanos();
            for (int sent = 0; System.nanoTime() < pausedUntil; sent++) {
                long due = pausedAt + sent * Duration.ofMillis(50).toNanos();
                Thread.sleep(Math.max(0, (due - System.nanoTime()) / 1_000_000));
                ingest(cluster.url(eu.get((int) id % 2)), id++, "eu", acked);
            }
            for (int node : us) cluster.signal(node, "CONT");
            long atResume = read(euUrl, "views/all_events", 0).get("version").asLong();
            assertEquals(1 + acked.size(), atResume);
            JsonNode caughtUp = read(usUrl, "views/all_events", atResume);
            assertEquals(atResume, caughtUp.get("version").asLong(), "us caught up: " + caughtUp);
            assertSameContent(cluster, eu, us, atResume);

            // Writes through us work again after the partition.
            for (int i = 0; i < 5; i++) ingest(cluster.url(us.get(i % 2)), id++, "us", acked);

            // kill -9 of the eu node holding the tenant: the other eu node takes over; nothing acknowledged is lost.
            int host = hostOf(cluster, eu.get(0));
            assertEquals(137, cluster.node(host).kill9(Duration.ofSeconds(30)));
            int survivor = host == eu.get(0) ? eu.get(1) : eu.get(0);
            long afterKill = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            int written = 0;
            while (written < 10 && System.nanoTime() < afterKill) {
                if (tryIngest(cluster.url(survivor), id, "eu", acked)) {
                    id++;
                    written++;
                } else {
                    Thread.sleep(500);
                }
            }
            assertEquals(10, written, "the surviving eu node serves the tenant within 60 s of the kill");
            long last = 1 + acked.size();
            JsonNode home = read(cluster.url(survivor), "tables/events?limit=10000", last);
            assertEquals(last, home.get("version").asLong());
            assertEquals(acked, ids(home), "every acknowledged batch is in the home region");
            JsonNode away = read(usUrl, "tables/events?limit=10000", last);
            assertEquals(acked, ids(away), "and in the other region");
            assertEquals(home.get("hash"), away.get("hash"));

            // The change stream held in us went through the pause without a gap or a repeat.
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (lastVersion(streamed) < last && System.nanoTime() < deadline) Thread.sleep(200);
            stream.cancel(true);
            long expected = version + 1;
            for (JsonNode change : streamed) {
                assertEquals(expected++, change.path("version").asLong(), "the change stream in us: " + change);
            }
            assertEquals(
                    last + 1,
                    expected,
                    "the change stream in us delivered every version up to " + last
                            + (streamEnded.length() > 0 ? " (" + streamEnded + ")" : " (still open)"));
        }
    }

    private static JsonNode ingest(String url, long id, String origin, Set<Long> acked) throws Exception {
        HttpResponse<String> reply = RegionNodes.post(url + TENANT + "/ingest", "application/json", batch(id, origin));
        assertEquals(200, reply.statusCode(), reply.body());
        acked.add(id);
        return RegionNodes.JSON.readTree(reply.body());
    }

    /** One attempt; a 503/504 or a timeout while the tenant moves is retried by the caller with the same batch id. */
    private static boolean tryIngest(String url, long id, String origin, Set<Long> acked) {
        try {
            HttpResponse<String> reply =
                    RegionNodes.post(url + TENANT + "/ingest", "application/json", batch(id, origin));
            if (reply.statusCode() != 200) return false;
            acked.add(id);
            return true;
        } catch (Exception timedOut) {
            return false;
        }
    }

    private static String batch(long id, String origin) {
        return "{\"batch_id\": \"b" + id + "\", \"ops\": [{\"op\": \"insert\", \"table\": \"events\", \"row\": "
                + "{\"id\": " + id + ", \"origin\": \"" + origin + "\"}}]}";
    }

    /** Reads a view or table, waiting up to 60 s for {@code minVersion} (10 s per request). */
    private static JsonNode read(String url, String what, long minVersion) throws Exception {
        String sep = what.contains("?") ? "&" : "?";
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            HttpResponse<String> reply;
            try {
                reply = RegionNodes.get(
                        url + TENANT + "/" + what + sep + "min_version=" + minVersion + "&wait_ms=10000");
            } catch (java.io.IOException timedOut) {
                if (System.nanoTime() > deadline) throw timedOut;
                continue;
            }
            assertEquals(200, reply.statusCode(), reply.body());
            JsonNode body = RegionNodes.JSON.readTree(reply.body());
            if (!body.path("stale").asBoolean() || System.nanoTime() > deadline) return body;
        }
    }

    /** Every node of both regions has the same rows and hash for both views at {@code version}. */
    private static void assertSameContent(RegionNodes cluster, List<Integer> eu, List<Integer> us, long version)
            throws Exception {
        for (String viewName : List.of("views/all_events?limit=10000", "views/per_origin")) {
            JsonNode reference = read(cluster.url(eu.get(0)), viewName, version);
            for (int node : List.of(eu.get(1), us.get(0), us.get(1))) {
                JsonNode other = read(cluster.url(node), viewName, version);
                assertEquals(version, other.get("version").asLong(), cluster.region(node) + " " + other);
                assertEquals(reference.get("hash"), other.get("hash"), viewName + " on node " + node);
                assertEquals(reference.get("rows"), other.get("rows"), viewName + " on node " + node);
            }
        }
    }

    private static Set<Long> ids(JsonNode rows) {
        Set<Long> ids = new TreeSet<>();
        for (JsonNode row : rows.get("rows")) ids.add(row.get("id").asLong());
        return ids;
    }

    private static int hostOf(RegionNodes cluster, int via) throws Exception {
        String node = RegionNodes.JSON
                .readTree(RegionNodes.get(cluster.url(via) + "/v1/cluster/entities/tenant-circuit/acme")
                        .body())
                .path("node")
                .asText();
        for (int i = 0; i < cluster.size(); i++) if (cluster.address(i).equals(node)) return i;
        throw new AssertionError("no eu node hosts the tenant: " + node);
    }

    /**
     * Follows a change stream as NDJSON in the background, collecting its events (heartbeats skipped); {@code
     * connected} completes with the status once the node has answered (subscribed and read the history).
     */
    /**
     * Follows the change stream at {@code url} into {@code into}; {@code ended} says how it ended, if it did before the
     * test cancelled it (the stream closed by the node, or the read failed): the failure message then says so.
     */
    private static CompletableFuture<Void> follow(
            String url, List<JsonNode> into, CompletableFuture<Integer> connected, StringBuffer ended) {
        return CompletableFuture.runAsync(() -> {
            try {
                HttpResponse<java.io.InputStream> response = RegionNodes.HTTP.send(
                        HttpRequest.newBuilder(URI.create(url))
                                .header("Accept", "application/x-ndjson")
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofInputStream());
                connected.complete(response.statusCode());
                try (BufferedReader lines =
                        new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                    int heartbeats = 0;
                    for (String line; (line = lines.readLine()) != null; ) {
                        if (line.isBlank()) {
                            heartbeats++;
                            continue;
                        }
                        into.add(RegionNodes.JSON.readTree(line)); // an error event fails the comparison
                    }
                    ended.append("the node ended the stream after " + into.size() + " changes and " + heartbeats
                            + " heartbeats");
                }
            } catch (Exception failed) {
                ended.append("the stream failed: " + failed);
                connected.completeExceptionally(failed); // else cancelled at the end of the test
            }
        });
    }

    private static long lastVersion(List<JsonNode> streamed) {
        return streamed.isEmpty()
                ? 0
                : streamed.get(streamed.size() - 1).path("version").asLong();
    }
}
