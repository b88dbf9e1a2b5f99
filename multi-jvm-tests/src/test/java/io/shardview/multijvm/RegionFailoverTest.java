package io.shardview.multijvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
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
 * Failover of a lost home region with two regions (docs/regions.md, "Failover"), on packaged nodes with a journal
 * database per region: four clients write batches with ids through both regions, the other region stops following
 * for 2 s (SIGSTOP), the home region's node is killed (kill -9), and an operator declares it lost on the surviving
 * region ({@code POST /v1/cluster/regions/eu/lost}). The tenant answers writes in its new home within 5 s of the
 * command. The lost region's node is then restarted on its data: it learns it was declared lost, its replica follows
 * the new home and sets aside what it had written past the new home's start, which {@code shardview journal
 * diverged} lists: in sync mode no batch a client saw acknowledged; in async mode every acknowledged batch the new
 * home lacks, and nothing else a client saw acknowledged. Both regions then hold the same rows at the same version,
 * and the export of the set-aside batches, sent again, brings the lost ones back.
 *
 * <p>The cross-region failure detector is set to notice a silent region in seconds, not the shipped 23 s, to keep
 * the test short: the operator's command is refused while the region is reachable.
 */
class RegionFailoverTest {
    private static final String FAST_DETECTOR = "pekko.cluster.multi-data-center.failure-detector {\n"
            + "  heartbeat-interval = 1s\n  acceptable-heartbeat-pause = 4s\n}\n";

    /** Runs of each mode: {@code -Dfailover.runs=N} for bench/RESULTS.md; the suite runs each once. */
    private static final int RUNS = Integer.getInteger("failover.runs", 1);

    @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS) // the nodes' logs stay when it fails
    Path tmp;

    @Test
    void syncModeFailsOverLosingNoAcknowledgedBatch() throws Exception {
        for (int run = 0; run < RUNS; run++) syncRun(run);
    }

    private void syncRun(int run) throws Exception {
        Outcome sync = failOver("sync-" + run, "{\"mode\": \"sync\", \"min_regions\": 1}");
        assertEquals(Set.of(), sync.lost(), "sync lost acknowledged batches: " + sync);
        Set<Long> acknowledgedAndSetAside = new TreeSet<>(sync.diverged());
        acknowledgedAndSetAside.retainAll(sync.acked());
        assertEquals(Set.of(), acknowledgedAndSetAside, "sync set aside acknowledged batches: " + sync);
        System.out.println("failover, sync, run " + run + ": " + sync);
    }

    @Test
    void asyncModeFailsOverAndSetsAsideExactlyWhatTheNewHomeLacks() throws Exception {
        for (int run = 0; run < RUNS; run++) asyncRun(run);
    }

    private void asyncRun(int run) throws Exception {
        Outcome async = failOver("async-" + run, "{\"mode\": \"async\"}");
        assertFalse(async.lost().isEmpty(), "the home acknowledged nothing alone during the pause: " + async);
        assertTrue(
                async.diverged().containsAll(async.lost()),
                "journal diverged names every lost batch: " + async + "; lost " + async.lost() + ", set aside "
                        + async.diverged());
        // A batch sent through us, which us forwarded to the old home, is sent on again by us's queue (with its id)
        // until answered: after the failover us applies it itself. If the old home had applied it alone, it is both
        // set aside and in the new home's history, and sending it again is answered as a duplicate. Any other batch
        // in both would be a batch the new home had but the old home's return set aside.
        Set<Long> setAsideButKept = new TreeSet<>(async.diverged());
        setAsideButKept.retainAll(async.kept());
        setAsideButKept.removeAll(async.viaNewHomesRegion());
        assertEquals(Set.of(), setAsideButKept, "a set-aside batch is in the new home's history: " + async);
        Set<Long> acknowledgedOrUnanswered = new TreeSet<>(async.acked());
        acknowledgedOrUnanswered.addAll(async.unanswered());
        assertTrue(
                acknowledgedOrUnanswered.containsAll(async.diverged()),
                "only batches sent to the old home are set aside: " + async);
        assertTrue(async.resentBack(), "the exported batches, sent again, are applied: " + async);
        System.out.println("failover, async, run " + run + ": " + async);
    }

    @Test
    void aPartitionThatHealsWithoutACommandFailsNothingOverAndSetsNothingAside() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("partition"));
        try (RegionNodes cluster = new RegionNodes(dir, List.of("eu", "us"), 1, FAST_DETECTOR)) {
            cluster.startAll();
            int eu = cluster.nodesOf("eu").get(0);
            int us = cluster.nodesOf("us").get(0);
            String tenantAtEu = cluster.url(eu) + "/v1/tenants/safe";
            String tenantAtUs = cluster.url(us) + "/v1/tenants/safe";
            assertEquals(
                    200,
                    RegionNodes.post(
                                    tenantAtEu + "/sql",
                                    "application/sql",
                                    "CREATE TABLE events (id BIGINT NOT NULL, PRIMARY KEY (id))")
                            .statusCode());
            Set<Long> acked = new TreeSet<>();
            long id = 0;
            for (; id < 50; id++) if (insert(tenantAtEu, id) == 200) acked.add(id);

            cluster.signal(eu, "STOP"); // the home region is cut off: us sees it unreachable, nobody declares it lost
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (reachable(cluster, us, "eu") && System.nanoTime() < deadline) Thread.sleep(200);
            assertFalse(reachable(cluster, us, "eu"), "us never saw eu unreachable");
            int refused = insert(tenantAtUs, id++);
            assertEquals(503, refused, "a write to a replica whose home is cut off is refused");
            cluster.signal(eu, "CONT");

            deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!reachable(cluster, us, "eu") && System.nanoTime() < deadline) Thread.sleep(200);
            for (long end = id + 50; id < end; id++) {
                int status = insert(id % 2 == 0 ? tenantAtEu : tenantAtUs, id);
                if (status == 200) acked.add(id);
            }
            JsonNode atUs =
                    RegionNodes.JSON.readTree(RegionNodes.get(tenantAtUs).body());
            JsonNode atEu =
                    RegionNodes.JSON.readTree(RegionNodes.get(tenantAtEu).body());
            assertEquals("eu", atEu.path("home").asText(), atEu.toString());
            assertEquals(1, atEu.path("home_epoch").asLong(), "no failover: the epoch stays " + atEu);
            long version = atEu.path("version").asLong();
            assertEquals(acked, rows(tenantAtUs, version), "us holds every acknowledged batch, and no other");
            assertEquals(acked, rows(tenantAtEu, version));
            assertEquals(
                    List.of(), RegionNodes.JSON.convertValue(cluster.cluster(us).path("lost_regions"), List.class));
            for (String region : List.of("eu", "us")) {
                String[] listed = cluster.journal(region, "diverged", "--json");
                assertEquals("0", listed[0], listed[2]);
                assertEquals("", listed[1].strip(), region + " set nothing aside");
            }
            assertTrue(atUs.path("version").asLong() <= version);
        }
    }

    private static int insert(String tenant, long id) throws Exception {
        return RegionNodes.post(
                        tenant + "/ingest",
                        "application/json",
                        "{\"batch_id\": \"p" + id + "\", \"ops\": [{\"op\": \"insert\", \"table\": \"events\","
                                + " \"row\": {\"id\": " + id + "}}]}")
                .statusCode();
    }

    /** What one failover run saw. */
    private record Outcome(
            Set<Long> acked,
            Set<Long> unanswered,
            Set<Long> viaNewHomesRegion,
            Set<Long> kept,
            Set<Long> lost,
            Set<Long> diverged,
            long writesAfterMillis,
            boolean resentBack) {
        @Override
        public String toString() {
            return acked.size() + " acknowledged, " + lost.size() + " of them lost " + sample(lost) + ", "
                    + diverged.size() + " set aside " + sample(diverged) + ", writes answered "
                    + writesAfterMillis + " ms after the command";
        }

        private static String sample(Set<Long> ids) {
            return ids.isEmpty() ? "" : "(" + ids.iterator().next() + " ...)";
        }
    }

    private Outcome failOver(String name, String replication) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve(name));
        try (RegionNodes cluster = new RegionNodes(dir, List.of("eu", "us"), 1, FAST_DETECTOR);
                ServedContents contents = new ServedContents()) {
            cluster.startAll();
            int eu = cluster.nodesOf("eu").get(0);
            int us = cluster.nodesOf("us").get(0);
            String tenantAtEu = cluster.url(eu) + "/v1/tenants/safe";
            String tenantAtUs = cluster.url(us) + "/v1/tenants/safe";
            HttpResponse<String> created = RegionNodes.post(
                    tenantAtEu + "/sql",
                    "application/sql",
                    "CREATE TABLE events (id BIGINT NOT NULL, PRIMARY KEY (id));"
                            + " CREATE VIEW n AS SELECT COUNT(*) AS c FROM events;"
                            + " CREATE VIEW digest AS SELECT COUNT(*) AS c, SUM(id) AS s FROM events");
            assertEquals(200, created.statusCode(), created.body());
            assertEquals(200, put(tenantAtEu + "/replication", replication).statusCode());

            Set<Long> acked = new ConcurrentSkipListSet<>();
            Set<Long> unanswered = new ConcurrentSkipListSet<>();
            Set<Long> viaUs = new ConcurrentSkipListSet<>(); // sent through the region that becomes home
            AtomicLong ids = new AtomicLong();
            AtomicBoolean writing = new AtomicBoolean(true);
            AtomicLong firstAfterCommand = new AtomicLong();
            AtomicLong commandAt = new AtomicLong(Long.MAX_VALUE);
            List<Thread> writers = new ArrayList<>();
            for (int w = 0; w < 4; w++) {
                String target = w % 2 == 0 ? tenantAtEu : tenantAtUs; // through both regions
                Thread writer = new Thread(() -> {
                    while (writing.get()) {
                        long id = ids.incrementAndGet();
                        if (target.equals(tenantAtUs)) viaUs.add(id);
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
                                // the first write sent after the command and answered 200 (one sent before may
                                // still be waiting out a request the killed home never answered)
                                if (sent > commandAt.get()) firstAfterCommand.compareAndSet(0, System.nanoTime());
                            } else if (reply.statusCode() == 504) {
                                unanswered.add(id); // applied or not: unknown
                            }
                        } catch (Exception gone) {
                            unanswered.add(id); // no answer: it may have been applied
                            sleepQuietly(100);
                        }
                    }
                });
                writer.start();
                writers.add(writer);
            }
            contents.read("us", tenantAtUs + "/views/digest");
            contents.read("eu-before", tenantAtEu + "/views/digest");
            long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            long deadline;
            while (acked.size() < 200 && System.nanoTime() < until) Thread.sleep(50);
            assertTrue(acked.size() >= 200, "only " + acked.size() + " batches acknowledged in 60 s");

            // us stops following; once eu sees it unreachable, eu stops pushing: in async mode it acknowledges
            // batches us never gets, in sync mode it refuses them (503 insufficient_regions).
            cluster.signal(us, "STOP");
            deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (reachable(cluster, eu, "us") && System.nanoTime() < deadline) Thread.sleep(200);
            assertFalse(reachable(cluster, eu, "us"), "eu never saw us unreachable");
            Thread.sleep(1_000);
            assertEquals(137, cluster.node(eu).kill9(Duration.ofSeconds(30)));
            contents.stop("eu-before");
            cluster.signal(us, "CONT");

            // The operator declares eu lost on us, once us sees it unreachable (refused 409 before).
            HttpResponse<String> lost = cluster.declareLost(us, "eu");
            commandAt.set(System.nanoTime());
            assertEquals(200, lost.statusCode(), lost.body());
            JsonNode declared = RegionNodes.JSON.readTree(lost.body());
            assertEquals("eu", declared.path("region").asText());
            assertTrue(declared.path("recorded_in").toString().contains("us"), lost.body());
            // us lists what it saw: eu unreachable, the region declared lost, its member downed.
            Set<String> seen = new TreeSet<>();
            deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            while (!seen.containsAll(Set.of("region_unreachable", "region_lost", "member_downed"))
                    && System.nanoTime() < deadline) {
                seen.clear();
                JsonNode events = RegionNodes.JSON.readTree(
                        RegionNodes.get(cluster.url(us) + "/v1/cluster/events").body());
                for (JsonNode event : events.path("events"))
                    if (event.path("region").asText().equals("eu"))
                        seen.add(event.path("kind").asText());
                Thread.sleep(200);
            }
            assertTrue(
                    seen.containsAll(Set.of("region_unreachable", "region_lost", "member_downed")),
                    "events of eu seen by us: " + seen);

            deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (firstAfterCommand.get() == 0 && System.nanoTime() < deadline) Thread.sleep(20);
            assertTrue(firstAfterCommand.get() != 0, "no write answered in the new home within 30 s");
            long writesAfterMillis = (firstAfterCommand.get() - commandAt.get()) / 1_000_000;
            assertTrue(writesAfterMillis < 5_000, "writes answered " + writesAfterMillis + " ms after the command");
            int before = acked.size();
            until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (acked.size() < before + 100 && System.nanoTime() < until) Thread.sleep(50);

            // The lost region returns on its data: it follows the new home and sets aside what it wrote past it.
            cluster.start(eu);
            contents.read("eu-after", cluster.awaitReady(eu) + "/v1/tenants/safe/views/digest");
            writing.set(false);
            for (Thread writer : writers) writer.join(30_000);

            JsonNode home =
                    RegionNodes.JSON.readTree(RegionNodes.get(tenantAtUs).body());
            long version = home.path("version").asLong();
            Set<Long> kept = rows(tenantAtUs, version);
            Set<Long> inEu = rows(cluster.url(eu) + "/v1/tenants/safe", version);
            Set<Long> onlyUs = new TreeSet<>(kept);
            onlyUs.removeAll(inEu);
            Set<Long> onlyEu = new TreeSet<>(inEu);
            onlyEu.removeAll(kept);
            assertEquals(
                    "",
                    onlyUs.isEmpty() && onlyEu.isEmpty() ? "" : "only in us " + onlyUs + ", only in eu " + onlyEu,
                    "both regions hold the same rows at version " + version);
            assertEquals(view(tenantAtUs, version), view(cluster.url(eu) + "/v1/tenants/safe", version));

            // A write through the returned region goes to the new home.
            HttpResponse<String> through = RegionNodes.post(
                    cluster.url(eu) + "/v1/tenants/safe/ingest",
                    "application/json",
                    "{\"batch_id\": \"after\", \"ops\": [{\"op\": \"insert\", \"table\": \"events\","
                            + " \"row\": {\"id\": -1}}]}");
            assertEquals(200, through.statusCode(), through.body());

            Set<Long> lostIds = new TreeSet<>(acked);
            lostIds.removeAll(kept);
            String[] listed = cluster.journal("eu", "diverged", "--json");
            assertEquals("0", listed[0], listed[2]);
            Set<Long> diverged = new TreeSet<>();
            Set<Long> divergedVersions = new TreeSet<>();
            for (String line : listed[1].split("\n")) {
                if (line.isBlank()) continue;
                JsonNode event = RegionNodes.JSON.readTree(line);
                assertEquals("safe", event.path("tenant").asText(), line);
                assertEquals("us", event.path("new_home").asText(), line);
                if (event.has("batch_id"))
                    diverged.add(Long.parseLong(event.path("batch_id").asText().substring(1)));
                if (event.has("version"))
                    divergedVersions.add(event.path("version").asLong());
            }

            AutomaticFailoverTest.assertOneContentPerVersion(
                    contents, replication.contains("\"sync\""), divergedVersions);

            boolean resentBack = true;
            if (!diverged.isEmpty()) {
                Path export = dir.resolve("diverged.ndjson");
                String[] exported = cluster.journal("eu", "diverged", "--export", export.toString());
                assertEquals("0", exported[0], exported[2]);
                for (String line : Files.readAllLines(export)) {
                    JsonNode request = RegionNodes.JSON.readTree(line);
                    assertEquals("ingest", request.path("request").asText(), line);
                    HttpResponse<String> sent = RegionNodes.post(
                            tenantAtUs + "/ingest",
                            "application/json",
                            request.path("body").toString());
                    resentBack &= sent.statusCode() == 200;
                }
                Set<Long> now = rows(tenantAtUs, 0);
                resentBack &= now.containsAll(lostIds);
            }
            // Readmitted, eu may be home again: every region records it (eu's own nodes too), and a move there works.
            HttpResponse<String> readmitted = RegionNodes.HTTP.send(
                    HttpRequest.newBuilder(URI.create(cluster.url(us) + "/v1/cluster/regions/eu/lost"))
                            .DELETE()
                            .timeout(RegionNodes.REQUEST)
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, readmitted.statusCode(), readmitted.body());
            assertTrue(readmitted.body().contains("\"eu\"") && readmitted.body().contains("\"us\""), readmitted.body());
            assertEquals("[]", cluster.cluster(eu).path("lost_regions").toString());
            assertEquals(200, put(tenantAtUs + "/home", "{\"region\": \"eu\"}").statusCode());
            long deadline2 = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            int back;
            do {
                back = RegionNodes.post(
                                cluster.url(eu) + "/v1/tenants/safe/ingest",
                                "application/json",
                                "{\"ops\": [{\"op\": \"insert\", \"table\": \"events\", \"row\": {\"id\": -2}}]}")
                        .statusCode();
                if (back != 200) Thread.sleep(200);
            } while (back != 200 && System.nanoTime() < deadline2);
            assertEquals(200, back, "eu writes as home again");
            JsonNode moved =
                    RegionNodes.JSON.readTree(RegionNodes.get(tenantAtUs).body());
            assertEquals("eu", moved.path("home").asText(), moved.toString());
            assertEquals(4, moved.path("home_epoch").asLong(), "a move raises the epoch by one: " + moved);

            return new Outcome(
                    new TreeSet<>(acked),
                    new TreeSet<>(unanswered),
                    new TreeSet<>(viaUs),
                    kept,
                    lostIds,
                    diverged,
                    writesAfterMillis,
                    resentBack);
        }
    }

    /** Whether node {@code via} sees the members of {@code region} as reachable. */
    private static boolean reachable(RegionNodes cluster, int via, String region) throws Exception {
        for (JsonNode member : cluster.cluster(via).path("members")) {
            if (member.path("region").asText().equals(region)
                    && !member.path("reachable").asBoolean()) return false;
        }
        return true;
    }

    /** The ids in table events as the replica behind {@code tenant} holds them, once it has {@code version}. */
    static Set<Long> rows(String tenant, long version) throws Exception {
        HttpResponse<String> read =
                readWhenChecked(tenant + "/tables/events?limit=100000&min_version=" + version + "&wait_ms=10000");
        assertEquals(200, read.statusCode(), read.body());
        JsonNode body = RegionNodes.JSON.readTree(read.body());
        assertFalse(body.path("stale").asBoolean(false), tenant + " did not reach version " + version);
        Set<Long> ids = new TreeSet<>();
        for (JsonNode row : body.get("rows")) ids.add(row.get("id").asLong());
        return ids;
    }

    /** View n's rows and hash at {@code version}, as the replica behind {@code tenant} shows them. */
    private static String view(String tenant, long version) throws Exception {
        HttpResponse<String> read = readWhenChecked(tenant + "/views/n?min_version=" + version + "&wait_ms=10000");
        assertEquals(200, read.statusCode(), read.body());
        JsonNode body = RegionNodes.JSON.readTree(read.body());
        return "version " + body.path("version") + " " + body.path("rows") + " hash " + body.path("hash");
    }

    /**
     * A read, asked again while it is answered 503: a returned replica answers no read until the new home told it how
     * much of its history is the tenant's (and it set the rest aside).
     */
    private static HttpResponse<String> readWhenChecked(String url) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        HttpResponse<String> read = RegionNodes.get(url);
        // 503 while it checks its history; "stale" while it is still catching up (min_version's wait ran out)
        while ((read.statusCode() == 503
                        || read.statusCode() == 200 && read.body().contains("\"stale\":true"))
                && System.nanoTime() < deadline) {
            Thread.sleep(200);
            read = RegionNodes.get(url);
        }
        return read;
    }

    private static HttpResponse<String> put(String url, String json) throws Exception {
        return RegionNodes.HTTP.send(
                HttpRequest.newBuilder(URI.create(url))
                        .header("Content-Type", "application/json")
                        .PUT(HttpRequest.BodyPublishers.ofString(json))
                        .timeout(RegionNodes.REQUEST)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
