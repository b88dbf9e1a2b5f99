package io.shardview.multijvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What each replication mode (docs/regions.md, "Replication modes") promises when the whole home region is lost under
 * load, after the other region stopped following: two regions of one node each, four clients writing batches with ids
 * to the home region as fast as it answers, the other region paused (SIGSTOP) for 3 s, then kill -9 of the home
 * region's node, then the other region resumed. A tenant in sync replication lost no batch it acknowledged (the writes
 * of the pause were never answered 2xx); a tenant in async replication lost only batches acknowledged during the pause,
 * which the other region never received.
 */
class SyncRegionLossTest {
    @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS) // the nodes' logs stay when it fails
    Path tmp;

    @Test
    void losingTheHomeRegionLosesNoAcknowledgedBatchInSyncModeAndOnlyUnpushedOnesInAsync() throws Exception {
        Loss sync = loseTheHomeRegion("sync", "{\"mode\": \"sync\", \"min_regions\": 1}");
        assertEquals(Set.of(), sync.lost(), "sync: " + sync);

        Loss async = loseTheHomeRegion("async", "{\"mode\": \"async\"}");
        assertFalse(async.ackedDuringPause().isEmpty(), "async kept acknowledging alone: " + async);
        assertTrue(async.ackedDuringPause().containsAll(async.lost()), "async lost only the unpushed: " + async);
        System.out.println("home region lost: sync " + sync + "; async " + async);
    }

    /** Batches acknowledged, those of them acknowledged while the other region was paused, and those it lacks. */
    private record Loss(Set<Long> acked, Set<Long> ackedDuringPause, Set<Long> lost) {
        @Override
        public String toString() {
            return acked.size() + " acknowledged, " + ackedDuringPause.size() + " during the pause, " + lost.size()
                    + " lost" + (lost.isEmpty() ? "" : " (" + lost.iterator().next() + " ...)");
        }
    }

    private Loss loseTheHomeRegion(String name, String replication) throws Exception {
        Path dir = java.nio.file.Files.createDirectories(tmp.resolve(name));
        try (RegionNodes cluster = new RegionNodes(dir, List.of("eu", "us"), 1)) {
            cluster.startAll();
            int eu = cluster.nodesOf("eu").get(0);
            int us = cluster.nodesOf("us").get(0);
            String tenant = cluster.url(eu) + "/v1/tenants/safe";
            HttpResponse<String> created = RegionNodes.post(
                    tenant + "/sql", "application/sql", "CREATE TABLE events (id BIGINT NOT NULL, PRIMARY KEY (id))");
            assertEquals(200, created.statusCode(), created.body());
            HttpResponse<String> set = RegionNodes.HTTP.send(
                    HttpRequest.newBuilder(URI.create(tenant + "/replication"))
                            .header("Content-Type", "application/json")
                            .PUT(HttpRequest.BodyPublishers.ofString(replication))
                            .timeout(RegionNodes.REQUEST)
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, set.statusCode(), set.body());

            Set<Long> acked = new ConcurrentSkipListSet<>();
            Set<Long> ackedDuringPause = new ConcurrentSkipListSet<>();
            AtomicBoolean paused = new AtomicBoolean();
            AtomicLong ids = new AtomicLong();
            AtomicBoolean writing = new AtomicBoolean(true);
            List<Thread> writers = new ArrayList<>();
            for (int w = 0; w < 4; w++) {
                Thread writer = new Thread(() -> {
                    while (writing.get()) {
                        long id = ids.incrementAndGet();
                        try {
                            HttpResponse<String> reply = RegionNodes.post(
                                    tenant + "/ingest",
                                    "application/json",
                                    "{\"batch_id\": \"b" + id
                                            + "\", \"ops\": [{\"op\": \"insert\", \"table\": \"events\","
                                            + " \"row\": {\"id\": " + id + "}}]}");
                            if (reply.statusCode() == 200) {
                                acked.add(id);
                                if (paused.get()) ackedDuringPause.add(id);
                            }
                        } catch (Exception gone) {
                            // the home region is being killed: no answer, nothing acknowledged
                        }
                    }
                });
                writer.start();
                writers.add(writer);
            }
            long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (acked.size() < 200 && System.nanoTime() < until) Thread.sleep(50);
            assertTrue(acked.size() >= 200, "the home acknowledged only " + acked.size() + " batches in 60 s");

            paused.set(true); // set before the stop: a batch us had before it may count as during, never the reverse
            cluster.signal(us, "STOP");
            Thread.sleep(3_000); // the writers go on for 3 s while us is paused: what eu does with their batches
            assertEquals(137, cluster.node(eu).kill9(Duration.ofSeconds(30)));
            writing.set(false);
            for (Thread writer : writers) writer.join(30_000);
            cluster.signal(us, "CONT");

            HttpResponse<String> read =
                    RegionNodes.get(cluster.url(us) + "/v1/tenants/safe/tables/events?limit=100000");
            assertEquals(200, read.statusCode(), read.body());
            Set<Long> inUs = new TreeSet<>();
            for (JsonNode row : RegionNodes.JSON.readTree(read.body()).get("rows"))
                inUs.add(row.get("id").asLong());
            Set<Long> lost = new TreeSet<>(acked);
            lost.removeAll(inUs);
            return new Loss(new TreeSet<>(acked), new TreeSet<>(ackedDuringPause), lost);
        }
    }
}
