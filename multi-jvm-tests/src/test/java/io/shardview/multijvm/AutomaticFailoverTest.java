package io.shardview.multijvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Files;
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
 * Automatic failover with three regions (docs/regions.md, "Failover"), on packaged nodes with the shipped settings
 * ({@code failover-after} 10 s): clients write batches with ids through the two regions that are not home, the home
 * region's node is killed (kill -9), and with no operator the two others agree it is lost and one takes its tenant
 * over: writes are answered again within 15 s of the kill. The killed region, restarted on its data, follows the new
 * home; every region then holds the same rows at the same version, every batch a client saw acknowledged and not in
 * the new home's history is among what the returned region set aside, and no set-aside batch is in that history.
 *
 * <p>{@code -Dfailover.runs=N} repeats the kill N times (each a fresh cluster) and prints each run's time to the first
 * acknowledged write, for bench/RESULTS.md ({@code -Dfailover.replication='{"mode": "sync", "min_regions": 1}'} for
 * sync); the suite runs it once.
 */
class AutomaticFailoverTest {
    @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS) // the nodes' logs stay when it fails
    Path tmp;

    @Test
    void aMajorityOfRegionsFailsALostHomeOverWithinFifteenSeconds() throws Exception {
        int runs = Integer.getInteger("failover.runs", 1);
        List<Long> recoveries = new ArrayList<>();
        for (int run = 0; run < runs; run++) {
            long millis = killTheHome(
                    Files.createDirectories(tmp.resolve("run-" + run)),
                    System.getProperty("failover.replication", "{\"mode\": \"async\"}"));
            recoveries.add(millis);
            System.out.println("automatic failover, run " + run + ": writes answered " + millis + " ms after the kill");
        }
        System.out.println("automatic failover: " + recoveries);
    }

    /**
     * The two other regions paused (SIGSTOP) for 8 s: the home region, hearing from one region of three, refuses
     * writes (it may be the minority side of a partition, whose tenants a majority could take over); resumed, the
     * paused regions do not count their own pause as the home's silence: no region is declared lost, the epoch stays,
     * and the home writes again.
     */
    @Test
    void aHomeCutOffFromTheMajorityStopsWritingAndAPauseFailsNothingOver() throws Exception {
        try (RegionNodes cluster =
                new RegionNodes(Files.createDirectories(tmp.resolve("pause")), List.of("ap", "eu", "us"), 1)) {
            cluster.startAll();
            int ap = cluster.nodesOf("ap").get(0);
            int eu = cluster.nodesOf("eu").get(0);
            int us = cluster.nodesOf("us").get(0);
            String tenant = cluster.url(eu) + "/v1/tenants/safe";
            assertEquals(
                    200,
                    RegionNodes.post(tenant + "/sql", "application/sql", "CREATE TABLE events (id BIGINT PRIMARY KEY)")
                            .statusCode());
            assertEquals(200, insert(tenant, 1));

            long pausedAt = System.nanoTime();
            cluster.signal(us, "STOP");
            cluster.signal(ap, "STOP");
            long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            int status = 200;
            long id = 2;
            while (status != 503 && System.nanoTime() < until) {
                Thread.sleep(250);
                status = insert(tenant, id++);
            }
            HttpResponse<String> refused = RegionNodes.post(
                    tenant + "/ingest",
                    "application/json",
                    "{\"ops\": [{\"op\": \"insert\", \"table\": \"events\", \"row\": {\"id\": -1}}]}");
            Thread.sleep(Math.max(0, 8_000 - (System.nanoTime() - pausedAt) / 1_000_000));
            cluster.signal(us, "CONT");
            cluster.signal(ap, "CONT");
            assertEquals(503, status, "the home cut off from two regions of three stops writing");
            assertTrue(refused.body().contains("majority"), refused.body());

            until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (insert(tenant, id) != 200 && System.nanoTime() < until) Thread.sleep(250);
            assertEquals(200, insert(tenant, id + 1), "the home writes again once it hears from the others");
            Thread.sleep(12_000); // longer than failover-after: a false declaration would have come by now
            for (int node : List.of(ap, eu, us)) {
                JsonNode view = cluster.cluster(node);
                assertEquals("[]", view.path("lost_regions").toString(), cluster.region(node) + ": " + view);
            }
            JsonNode info = RegionNodes.JSON.readTree(RegionNodes.get(tenant).body());
            assertEquals("eu", info.path("home").asText(), info.toString());
            assertEquals(1, info.path("home_epoch").asLong(), info.toString());
        }
    }

    /**
     * No version of the view was served with two contents by the surviving regions and the returned one. The lost home
     * may have served a version with another content before its loss only in async mode, and only one it set aside on
     * its return ({@code divergedVersions}, as {@code journal diverged} lists them): a version it wrote alone, which
     * the new home wrote with other batches.
     */
    static void assertOneContentPerVersion(ServedContents contents, boolean sync, Set<Long> divergedVersions)
            throws InterruptedException {
        // The returned region's reader gets its turn once that region serves reads.
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(30).toNanos();
        while (List.of("us", "eu-before", "eu-after").stream().anyMatch(who -> contents.versionsServedTo(who) == 0)
                && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        contents.close();
        for (String who : List.of("us", "eu-before", "eu-after")) {
            assertTrue(contents.versionsServedTo(who) > 0, "no version of the view was served to " + who);
        }
        assertEquals(
                java.util.Map.of(),
                contents.twoContents(who -> !who.equals("eu-before")),
                "versions served with two contents after the failover");
        var beforeTheLoss = contents.twoContents(who -> true);
        if (sync) assertEquals(java.util.Map.of(), beforeTheLoss, "sync: versions served with two contents");
        Set<Long> notSetAside = new TreeSet<>(beforeTheLoss.keySet());
        notSetAside.removeAll(divergedVersions);
        assertEquals(Set.of(), notSetAside, "versions the lost home served with another content, not set aside");
        System.out.println("view versions served: us " + contents.versionsServedTo("us") + ", eu before its loss "
                + contents.versionsServedTo("eu-before") + " (" + beforeTheLoss.size()
                + " of them with another content elsewhere, all set aside), eu after "
                + contents.versionsServedTo("eu-after"));
    }

    private static int insert(String tenant, long id) throws Exception {
        return RegionNodes.post(
                        tenant + "/ingest",
                        "application/json",
                        "{\"ops\": [{\"op\": \"insert\", \"table\": \"events\", \"row\": {\"id\": " + id + "}}]}")
                .statusCode();
    }

    /**
     * The same with the tenant in sync replication (min_regions 1): the survivor that goes furthest takes over, so no
     * batch a client saw acknowledged is lost, and the returned region sets none of them aside.
     */
    @Test
    void inSyncModeTheFurthestSurvivorTakesOverLosingNoAcknowledgedBatch() throws Exception {
        long millis =
                killTheHome(Files.createDirectories(tmp.resolve("sync")), "{\"mode\": \"sync\", \"min_regions\": 1}");
        System.out.println("automatic failover, sync: writes answered " + millis + " ms after the kill");
    }

    private long killTheHome(Path dir, String replication) throws Exception {
        try (RegionNodes cluster = new RegionNodes(dir, List.of("ap", "eu", "us"), 1);
                ServedContents contents = new ServedContents()) {
            cluster.startAll();
            int ap = cluster.nodesOf("ap").get(0);
            int eu = cluster.nodesOf("eu").get(0);
            int us = cluster.nodesOf("us").get(0);
            String tenantAtEu = cluster.url(eu) + "/v1/tenants/safe";
            HttpResponse<String> created = RegionNodes.post(
                    tenantAtEu + "/sql",
                    "application/sql",
                    "CREATE TABLE events (id BIGINT NOT NULL, PRIMARY KEY (id));"
                            + " CREATE VIEW n AS SELECT COUNT(*) AS c FROM events;"
                            + " CREATE VIEW digest AS SELECT COUNT(*) AS c, SUM(id) AS s FROM events");
            assertEquals(200, created.statusCode(), created.body());
            HttpResponse<String> mode = RegionNodes.HTTP.send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create(tenantAtEu + "/replication"))
                            .header("Content-Type", "application/json")
                            .PUT(java.net.http.HttpRequest.BodyPublishers.ofString(replication))
                            .timeout(RegionNodes.REQUEST)
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, mode.statusCode(), mode.body());
            boolean sync = replication.contains("\"sync\"");

            Set<Long> acked = new ConcurrentSkipListSet<>();
            AtomicLong ids = new AtomicLong();
            AtomicBoolean writing = new AtomicBoolean(true);
            AtomicLong killedAt = new AtomicLong(Long.MAX_VALUE);
            AtomicLong firstAfterKill = new AtomicLong();
            List<Thread> writers = new ArrayList<>();
            for (int w = 0; w < 4; w++) {
                String target = (w % 2 == 0 ? cluster.url(us) : cluster.url(ap)) + "/v1/tenants/safe";
                Thread writer = new Thread(() -> {
                    while (writing.get()) {
                        long id = ids.incrementAndGet();
                        long sent = System.nanoTime();
                        try {
                            HttpResponse<String> reply = RegionNodes.post(
                                    target + "/ingest",
                                    "application/json",
                                    "{\"batch_id\": \"b" + id
                                            + "\", \"ops\": [{\"op\": \"insert\", \"table\": \"events\","
                                            + " \"row\": {\"id\": " + id + "}}]}");
                            if (reply.statusCode() == 200) {
                                acked.add(id);
                                if (sent > killedAt.get()) firstAfterKill.compareAndSet(0, System.nanoTime());
                            } else {
                                Thread.sleep(100); // 503 while the home is gone: ask again
                            }
                        } catch (Exception timeout) {
                            // no answer: nothing acknowledged
                        }
                    }
                });
                writer.start();
                writers.add(writer);
            }
            // Every version of the view as each region serves it, before the kill, after it, and once eu is back.
            contents.read("ap", cluster.url(ap) + "/v1/tenants/safe/views/digest");
            contents.read("us", cluster.url(us) + "/v1/tenants/safe/views/digest");
            contents.read("eu-before", cluster.url(eu) + "/v1/tenants/safe/views/digest");
            long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (acked.size() < 200 && System.nanoTime() < until) Thread.sleep(50);
            assertTrue(acked.size() >= 200, "only " + acked.size() + " batches acknowledged in 60 s");

            killedAt.set(System.nanoTime());
            assertEquals(137, cluster.node(eu).kill9(Duration.ofSeconds(30)));
            contents.stop("eu-before");
            until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (firstAfterKill.get() == 0 && System.nanoTime() < until) Thread.sleep(20);
            assertTrue(firstAfterKill.get() != 0, "no write answered within 60 s of the kill");
            long recoveredMillis = (firstAfterKill.get() - killedAt.get()) / 1_000_000;
            assertTrue(recoveredMillis < 15_000, "writes answered " + recoveredMillis + " ms after the kill");
            JsonNode view = cluster.cluster(us);
            assertTrue(view.path("lost_regions").toString().contains("eu"), view.toString());

            cluster.start(eu);
            contents.read("eu-after", cluster.awaitReady(eu) + "/v1/tenants/safe/views/digest");
            writing.set(false);
            for (Thread writer : writers) writer.join(30_000);

            JsonNode tenant = RegionNodes.JSON.readTree(
                    RegionNodes.get(cluster.url(us) + "/v1/tenants/safe").body());
            String home = tenant.path("home").asText();
            assertTrue(home.equals("us") || home.equals("ap"), "the home is a survivor: " + tenant);
            assertEquals(3, tenant.path("home_epoch").asLong(), tenant.toString());
            long version = tenant.path("version").asLong();
            Set<Long> kept = RegionFailoverTest.rows(cluster.url(us) + "/v1/tenants/safe", version);
            for (int node : List.of(ap, eu)) {
                Set<Long> there = RegionFailoverTest.rows(cluster.url(node) + "/v1/tenants/safe", version);
                assertEquals(kept.size(), there.size(), cluster.region(node) + " at version " + version);
                assertTrue(kept.equals(there), cluster.region(node) + " holds the new home's rows");
            }
            Set<Long> lost = new TreeSet<>(acked);
            lost.removeAll(kept);
            String[] listed = cluster.journal("eu", "diverged", "--json");
            assertEquals("0", listed[0], listed[2]);
            Set<Long> diverged = new TreeSet<>();
            Set<Long> divergedVersions = new TreeSet<>();
            for (String line : listed[1].split("\n")) {
                if (line.isBlank()) continue;
                JsonNode event = RegionNodes.JSON.readTree(line);
                if (event.has("batch_id"))
                    diverged.add(Long.parseLong(event.path("batch_id").asText().substring(1)));
                if (event.has("version"))
                    divergedVersions.add(event.path("version").asLong());
            }
            if (sync) {
                assertEquals(Set.of(), lost, "sync: no acknowledged batch lost");
                Set<Long> ackedSetAside = new TreeSet<>(diverged);
                ackedSetAside.retainAll(acked);
                assertEquals(Set.of(), ackedSetAside, "sync: no acknowledged batch set aside");
            }
            assertTrue(diverged.containsAll(lost), "every acknowledged batch lost is set aside: " + lost);
            Set<Long> setAsideButKept = new TreeSet<>(diverged);
            setAsideButKept.retainAll(kept);
            assertEquals(Set.of(), setAsideButKept, "no set-aside batch is in the new home's history");
            assertOneContentPerVersion(contents, sync, divergedVersions);
            return recoveredMillis;
        }
    }
}
