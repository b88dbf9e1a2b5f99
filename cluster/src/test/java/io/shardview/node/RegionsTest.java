package io.shardview.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.shardview.node.journal.JournalCli;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Two regions of one node each, in one process, each on its own journal database (docs/regions.md): they form one
 * cluster; a tenant created in one region is replicated to the other, which answers reads from its own replica with
 * the same hash at the same version and sends writes on to the home, where each lands once. The multi-JVM suite
 * (TwoRegionsTest) adds partitions and kill -9.
 */
class RegionsTest {
    @TempDir
    Path dir;

    private final List<AutoCloseable> closing = new java.util.ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) closing.get(i).close();
    }

    @Test
    void aTenantWrittenInOneRegionIsReadInTheOtherAndWritesThereLandOnceAtHome() throws Exception {
        ShardviewNode eu = node("eu", null);
        ShardviewNode us = node("us", eu);
        awaitMembers(eu, 2);

        JsonNode cluster = json(TestNodes.get(us, "/v1/cluster"));
        assertEquals("us", cluster.get("region").asText());
        List<String> regions = new java.util.ArrayList<>();
        cluster.get("members").forEach(m -> regions.add(m.get("region").asText() + ":" + m.get("reachable")));
        regions.sort(null);
        assertEquals(List.of("eu:true", "us:true"), regions);

        // Created in us: us is its home.
        TenantClient home = new TenantClient(us, "acme");
        TenantClient away = new TenantClient(eu, "acme");
        home.sql(
                "CREATE TABLE orders (id BIGINT NOT NULL, customer VARCHAR NOT NULL, amount INT, PRIMARY KEY (id));"
                        + "CREATE VIEW totals AS SELECT customer, COUNT(*) AS n, SUM(amount) AS spent FROM orders "
                        + "GROUP BY customer",
                200);
        home.ingest(batch("b1", 1, "ann", 120), 200);

        // Read in eu, waiting for version 2: its own replica, the same content as at home.
        HttpResponse<String> read = away.get("views/totals?min_version=2&wait_ms=5000");
        JsonNode inEu = away.json(read, 200);
        assertEquals(2, inEu.get("version").asLong());
        assertEquals("eu", read.headers().firstValue("X-Shardview-Region").orElseThrow());
        assertEquals("us", read.headers().firstValue("X-Shardview-Home-Region").orElseThrow());
        JsonNode atHome = home.json(home.get("views/totals"), 200);
        assertEquals(atHome.get("hash"), inEu.get("hash"));
        assertEquals(atHome.get("rows"), inEu.get("rows"));

        // A batch sent to eu lands in us, once, even when the client sends it twice.
        JsonNode viaEu = away.ingest(batch("b2", 2, "bob", 40), 200);
        assertEquals(3, viaEu.get("version").asLong());
        assertTrue(away.ingest(batch("b2", 2, "bob", 40), 200).get("duplicate").asBoolean());
        JsonNode homeAfter = home.json(home.get("views/totals"), 200);
        assertEquals(3, homeAfter.get("version").asLong());
        JsonNode euAfter = away.json(away.get("views/totals?min_version=3&wait_ms=5000"), 200);
        assertEquals(homeAfter.get("hash"), euAfter.get("hash"));
        assertEquals(2, euAfter.get("rows").size());

        // SQL sent to eu is applied at home too, and reaches eu's replica.
        away.sql("CREATE VIEW big AS SELECT id, amount FROM orders WHERE amount >= 100", 200);
        JsonNode big = away.json(away.get("views/big?min_version=4&wait_ms=5000"), 200);
        assertEquals(1, big.get("rows").size());
        assertEquals(big.get("hash"), home.json(home.get("views/big"), 200).get("hash"));

        // A tenant created in eu has its home there; us follows it.
        TenantClient other = new TenantClient(eu, "globex");
        other.sql("CREATE TABLE t (id BIGINT NOT NULL, PRIMARY KEY (id))", 200);
        HttpResponse<String> followed = new TenantClient(us, "globex").get("tables/t?min_version=1&wait_ms=5000");
        assertEquals(200, followed.statusCode(), followed.body());
        assertEquals(
                "eu", followed.headers().firstValue("X-Shardview-Home-Region").orElseThrow());

        String metrics = TestNodes.get(eu, "/metrics").body();
        assertTrue(metrics.contains("shardview_replicas_following{home_region=\"us\"} 1"), metrics);

        // Gathered from every node: eu's replica of acme under region eu, and an error answered in eu listed in us.
        // (Each node's reports actor is found through the receptionist, whose listing reaches the other region a moment
        // after the node joins.)
        TestNodes.awaitTrue(
                () -> json(TestNodes.get(us, "/v1/cluster/replication"))
                                .get("regions")
                                .size()
                        == 2,
                "us lists both regions' replication");
        JsonNode replication = json(TestNodes.get(us, "/v1/cluster/replication"));
        assertEquals(0, replication.get("unanswered").size(), replication.toString());
        JsonNode euRegion = null;
        for (JsonNode region : replication.get("regions"))
            if (region.get("region").asText().equals("eu")) euRegion = region;
        assertTrue(euRegion != null && euRegion.get("follows").size() == 1, replication.toString());
        assertEquals("us", euRegion.get("follows").get(0).get("home_region").asText());
        assertEquals(1, euRegion.get("follows").get(0).get("replicas").asInt());
        away.sql("CREATE VIEW nothing AS SELEC 1", 400);
        JsonNode errors = json(TestNodes.get(us, "/v1/tenants/acme/errors"));
        assertEquals(2, errors.get("nodes").asInt(), errors.toString());
        assertEquals(1, errors.get("errors").size(), errors.toString());
        assertEquals("eu", errors.get("errors").get(0).get("region").asText());

        // journal lag reads each region's journal: eu's replica holds the home's log at the same sequence numbers.
        JournalCli.Run lag = JournalCli.journal(
                "lag",
                "acme",
                "--json",
                "--region",
                "eu=" + databases.get("eu").url(),
                "--region",
                "us=" + databases.get("us").url());
        assertEquals(0, lag.exit(), lag.err());
        JsonNode acme = lag.json().get("tenants").get(0).get("regions");
        assertTrue(acme.get("us").get("sequence_nr").asLong() >= 4, lag.out());
        assertEquals(acme.get("us").get("sequence_nr"), acme.get("eu").get("sequence_nr"), lag.out());
        assertEquals(0, acme.get("eu").get("behind").asLong());
    }

    /**
     * A replica with every event of its home and nothing new asks its home less and less often (1, 2, 4, 8 s apart),
     * still says it is current, and the home's next write reaches it at once by push, which brings it back to asking
     * every second.
     */
    @Test
    void anIdleReplicaAsksItsHomeLessAndLessOftenAndAPushBringsItBack() throws Exception {
        ShardviewNode eu = node("eu", null);
        ShardviewNode us = node("us", eu);
        awaitMembers(eu, 2);
        TenantClient home = new TenantClient(us, "quiet");
        TenantClient away = new TenantClient(eu, "quiet");
        home.sql(
                "CREATE TABLE orders (id BIGINT NOT NULL, customer VARCHAR NOT NULL, amount INT, PRIMARY KEY (id));"
                        + "CREATE VIEW totals AS SELECT customer, COUNT(*) AS n, SUM(amount) AS spent FROM orders "
                        + "GROUP BY customer",
                200);
        home.ingest(batch("q1", 1, "ann", 120), 200);
        away.json(away.get("views/totals?min_version=2&wait_ms=5000"), 200);

        long before = pulls(eu);
        Thread.sleep(9_000);
        long idle = pulls(eu) - before;
        // Asking every second, 9 s would be 8-9 pulls; backing off from 1 s it is 3 or 4 (at 1, 3, 7 s; the first
        // may come before the count started).
        assertTrue(idle <= 5, "pulls over 9 s idle: " + idle);
        HttpResponse<String> read = away.get("views/totals");
        assertEquals(200, read.statusCode(), read.body());
        assertEquals(
                0.0,
                Double.parseDouble(
                        read.headers().firstValue("X-Shardview-Lag-Seconds").orElseThrow()),
                "still current");
        assertEquals(
                0.0,
                Double.parseDouble(
                        read.headers().firstValue("X-Shardview-Lag-Versions").orElseThrow()));

        // A read waiting for a version the replica does not have makes it ask its home at once, not at its next tick
        // (about 6 s away now: they came 1, 3 and 7 s after the last event).
        long beforeRead = pulls(eu);
        JsonNode stale = away.json(away.get("views/totals?min_version=99&wait_ms=500"), 200);
        assertTrue(stale.path("stale").asBoolean(), stale.toString());
        assertEquals(beforeRead + 1, pulls(eu), "asked once, for the read");

        long written = System.nanoTime();
        home.ingest(batch("q2", 2, "bob", 40), 200);
        away.json(away.get("views/totals?min_version=3&wait_ms=5000"), 200);
        assertTrue(
                System.nanoTime() - written < Duration.ofSeconds(3).toNanos(),
                "pushed, not found at the next ask, which was up to 8 s away");
        long afterPush = pulls(eu);
        Thread.sleep(2_500);
        assertTrue(pulls(eu) - afterPush >= 1, "back to asking every second once the push came");
    }

    private static long pulls(ShardviewNode node) throws Exception {
        for (String line : TestNodes.get(node, "/metrics").body().split("\n")) {
            if (line.startsWith("shardview_replication_pulls_total "))
                return (long) Double.parseDouble(line.split(" ")[1]);
        }
        throw new AssertionError("no shardview_replication_pulls_total on /metrics");
    }

    @Test
    void theHomeMovesToAnotherRegionUnderWritesWithNoBatchLostOrAppliedTwice() throws Exception {
        ShardviewNode eu = node("eu", null);
        ShardviewNode us = node("us", eu);
        awaitMembers(eu, 2);
        TenantClient inEu = new TenantClient(eu, "moving");
        TenantClient inUs = new TenantClient(us, "moving");
        inEu.sql(
                "CREATE TABLE orders (id BIGINT NOT NULL, customer VARCHAR NOT NULL, amount INT, PRIMARY KEY (id))",
                200);

        // Batches through both regions, each retried with its batch id until it is answered 200.
        int batches = 60;
        java.util.concurrent.atomic.AtomicInteger sent = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger retries = new java.util.concurrent.atomic.AtomicInteger();
        Thread writer = new Thread(() -> {
            for (int i = 0; i < batches; i++) {
                TenantClient via = i % 2 == 0 ? inEu : inUs;
                while (true) {
                    HttpResponse<String> reply = via.post("ingest", "application/json", batch("m" + i, i, "c", i));
                    if (reply.statusCode() == 200) break;
                    assertTrue(reply.statusCode() == 503 || reply.statusCode() == 504, reply.body());
                    retries.incrementAndGet();
                    try {
                        Thread.sleep(50);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                sent.incrementAndGet();
            }
        });
        writer.start();
        while (sent.get() < batches / 3) Thread.sleep(20);
        HttpResponse<String> moved = inUs.put("home", "application/json", "{\"region\": \"us\"}");
        assertEquals(200, moved.statusCode(), moved.body());
        assertEquals(
                "us",
                io.shardview.http.Json.MAPPER.readTree(moved.body()).get("home").asText());
        writer.join(60_000);
        assertEquals(batches, sent.get());

        long version = 1 + batches; // the SQL request, then one version per batch: none lost, none twice
        for (TenantClient client : List.of(inEu, inUs)) {
            HttpResponse<String> read = client.get("tables/orders?limit=1000&min_version=" + version + "&wait_ms=5000");
            JsonNode rows = client.json(read, 200);
            assertEquals(version, rows.get("version").asLong(), read.body());
            assertEquals(batches, rows.get("rows").size());
            assertEquals(
                    "us", read.headers().firstValue("X-Shardview-Home-Region").orElseThrow());
        }
        assertEquals(
                inEu.json(inEu.get("tables/orders?limit=1000"), 200).get("hash"),
                inUs.json(inUs.get("tables/orders?limit=1000"), 200).get("hash"));
        // A batch applied in eu before the move is still known in us, its new home.
        assertTrue(inUs.ingest(batch("m0", 0, "c", 0), 200).get("duplicate").asBoolean());
        assertEquals(400, inEu.put("home", "application/json", "{}").statusCode());
        HttpResponse<String> nowhere = inEu.put("home", "application/json", "{\"region\": \"mars\"}");
        assertEquals(400, nowhere.statusCode(), nowhere.body());
        assertTrue(nowhere.body().contains("no region named mars"), nowhere.body());
    }

    /**
     * Sync replication (docs/regions.md): a batch is acknowledged only once the other region has it in its journal;
     * with that region gone, no write is acknowledged (503 insufficient_regions, nothing applied, or 504 for one the
     * home applied and nobody confirmed); once the region is back, writes are acknowledged again.
     */
    @Test
    void aTenantInSyncReplicationIsAcknowledgedOnlyOnceAnotherRegionJournaledEachWrite() throws Exception {
        ShardviewNode eu = node("eu", null);
        ShardviewNode us = node("us", eu);
        awaitMembers(eu, 2);
        TenantClient home = new TenantClient(us, "safe");
        home.sql(
                "CREATE TABLE orders (id BIGINT NOT NULL, customer VARCHAR NOT NULL, amount INT, PRIMARY KEY (id))",
                200);
        assertEquals(
                "async", home.json(home.get(""), 200).at("/replication/mode").asText());

        HttpResponse<String> tooMany =
                home.put("replication", "application/json", "{\"mode\": \"sync\", \"min_regions\": 2}");
        assertEquals(400, tooMany.statusCode(), tooMany.body());
        assertTrue(tooMany.body().contains("more than the 1 other region(s)"), tooMany.body());
        assertEquals(
                400,
                home.put("replication", "application/json", "{\"mode\": \"sync\"}")
                        .statusCode());
        assertEquals(
                400,
                home.put("replication", "application/json", "{\"mode\": \"quorum\"}")
                        .statusCode());
        HttpResponse<String> set =
                home.put("replication", "application/json", "{\"mode\": \"sync\", \"min_regions\": 1}");
        assertEquals(200, set.statusCode(), set.body());
        assertEquals(1, home.json(set, 200).at("/replication/min_regions").asInt());
        JsonNode described = home.json(home.get(""), 200);
        assertEquals("sync", described.at("/replication/mode").asText(), described.toString());
        assertEquals(1, described.at("/replication/min_regions").asInt(), described.toString());

        // Every acknowledged batch is in eu's journal when its answer comes, whichever region it was sent to.
        TenantClient away = new TenantClient(eu, "safe");
        for (int i = 0; i < 10; i++) {
            TenantClient via = i % 2 == 0 ? home : away;
            via.ingest(batch("s" + i, i, "ann", i), 200);
            long atHome = TestNodes.journalEvents(us, "tenant|safe");
            assertEquals(atHome, TestNodes.journalEvents(eu, "tenant|safe"), "batch s" + i + " acknowledged");
        }
        assertTrue(away.ingest(batch("s3", 3, "ann", 3), 200).get("duplicate").asBoolean());

        // Without eu no write is acknowledged: refused before anything is applied once us knows eu is gone.
        eu.stop();
        long versionBefore =
                home.json(home.get("tables/orders"), 200).get("version").asLong();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        JsonNode refused = null;
        for (int i = 100; refused == null; i++) {
            assertTrue(System.nanoTime() < deadline, "never refused: us still counts eu");
            HttpResponse<String> reply = home.post("ingest", "application/json", batch("g" + i, i, "bob", i));
            assertTrue(reply.statusCode() == 503 || reply.statusCode() == 504, "no region has it: " + reply.body());
            if (reply.statusCode() == 503) refused = io.shardview.http.Json.MAPPER.readTree(reply.body());
            else
                versionBefore =
                        home.json(home.get("tables/orders"), 200).get("version").asLong(); // applied, unknown
        }
        assertEquals("insufficient_regions", refused.at("/error/code").asText(), refused.toString());
        assertEquals(
                versionBefore,
                home.json(home.get("tables/orders"), 200).get("version").asLong(),
                "nothing applied");
        HttpResponse<String> sql =
                home.post("sql", "application/sql", "CREATE VIEW n AS SELECT COUNT(*) AS n FROM orders");
        assertEquals(503, sql.statusCode(), sql.body());
        String metrics = TestNodes.get(us, "/metrics").body();
        assertTrue(metrics.matches("(?s).*shardview_replication_writes_refused_total [1-9].*"), "counted in /metrics");
        assertTrue(
                metrics.matches("(?s).*shardview_replication_confirm_seconds_count [1-9].*"),
                "each answer's wait for eu timed");

        // eu back on its data: writes are acknowledged again, and eu has them.
        ShardviewNode back = start(config("eu", databases.get("eu"), us, dir.resolve("eu")));
        closing.add(back::stop);
        awaitMembers(us, 2);
        deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            HttpResponse<String> reply = home.post("ingest", "application/json", batch("b-again", 500, "cy", 5));
            if (reply.statusCode() == 200) break;
            assertTrue(reply.statusCode() == 503 || reply.statusCode() == 504, reply.body());
            assertTrue(System.nanoTime() < deadline, "writes never resumed: " + reply.body());
            Thread.sleep(200);
        }
        assertEquals(TestNodes.journalEvents(us, "tenant|safe"), TestNodes.journalEvents(back, "tenant|safe"));
    }

    /**
     * A batch larger than remoting's frame, sent to the region that is not home: forwarded to the home in parts,
     * applied once, and its event replicated back in parts, so both regions show the same rows at the same version.
     */
    @Test
    void aBatchLargerThanARemotingFrameIsForwardedAndReplicated() throws Exception {
        ShardviewNode eu = node("eu", null);
        ShardviewNode us = node("us", eu);
        awaitMembers(eu, 2);
        TenantClient home = new TenantClient(us, "bulk");
        TenantClient away = new TenantClient(eu, "bulk");
        home.sql("CREATE TABLE docs (id BIGINT NOT NULL, body VARCHAR NOT NULL, PRIMARY KEY (id))", 200);

        int rows = 2_000;
        StringBuilder batch = new StringBuilder("{\"batch_id\": \"bulk-1\", \"ops\": [");
        for (int i = 0; i < rows; i++) {
            batch.append(i == 0 ? "" : ",")
                    .append("{\"op\": \"insert\", \"table\": \"docs\", \"row\": {\"id\": ")
                    .append(i)
                    .append(", \"body\": \"")
                    .append("y".repeat(500))
                    .append("\"}}");
        }
        JsonNode applied = away.ingest(batch.append("]}").toString(), 200);
        assertEquals(2, applied.get("version").asLong());
        assertTrue(away.ingest(batch.toString(), 200).get("duplicate").asBoolean(), "applied once");

        JsonNode inEu = away.json(away.get("tables/docs?limit=5000&min_version=2&wait_ms=10000"), 200);
        JsonNode inUs = home.json(home.get("tables/docs?limit=5000"), 200);
        assertEquals(2, inEu.get("version").asLong());
        assertEquals(rows, inEu.get("rows").size());
        assertEquals(inUs.get("hash"), inEu.get("hash"));
    }

    /** docs/regions.md, "Metrics shards across regions": each region stores the metrics its own nodes ingested. */
    @Test
    void metricsStayInTheRegionThatIngestedThem() throws Exception {
        ShardviewNode eu = node("eu", null);
        ShardviewNode us = node("us", eu);
        awaitMembers(eu, 2);
        TenantClient inEu = new TenantClient(eu, "ops");
        TenantClient inUs = new TenantClient(us, "ops");
        long at = System.currentTimeMillis() - 60_000;
        for (TenantClient via : List.of(inEu, inUs)) {
            String region = via == inEu ? "eu" : "us";
            HttpResponse<String> written = via.post(
                    "prom/api/v1/import",
                    "application/json",
                    "{\"metric\":{\"__name__\":\"up\",\"job\":\"api\",\"sent_to\":\"" + region
                            + "\"},\"values\":[1,0],\"timestamps\":[" + at + "," + (at + 10_000) + "]}\n"
                            + "{\"metric\":{\"__name__\":\"up\",\"job\":\"both\"},\"values\":["
                            + (region.equals("eu") ? 1 : 2)
                            + "],\"timestamps\":[" + at + "]}");
            assertTrue(written.statusCode() / 100 == 2, written.statusCode() + " " + written.body());
        }
        String match = "prom/api/v1/export?match%5B%5D="
                + java.net.URLEncoder.encode("{__name__=\"up\"}", java.nio.charset.StandardCharsets.UTF_8);
        for (TenantClient via : List.of(inEu, inUs)) {
            String region = via == inEu ? "eu" : "us";
            HttpResponse<String> exported = via.get(match);
            assertEquals(200, exported.statusCode(), exported.body());
            List<String> series =
                    exported.body().lines().filter(l -> !l.isBlank()).toList();
            assertEquals(2, series.size(), region + ": " + exported.body());
            JsonNode own = io.shardview.http.Json.MAPPER.readTree(series.get(0));
            JsonNode both = io.shardview.http.Json.MAPPER.readTree(series.get(1));
            assertEquals("api", own.at("/metric/job").asText(), exported.body());
            assertEquals(region, own.at("/metric/sent_to").asText(), "only what this region ingested");
            assertEquals(2, own.get("values").size());
            assertEquals("both", both.at("/metric/job").asText());
            assertEquals(
                    region.equals("eu") ? 1.0 : 2.0, both.get("values").get(0).asDouble(), "not replicated");
        }

        // A read names another region with `region`: a PromQL query, the series API and export, from either side.
        String query = "prom/api/v1/query?time=" + (at / 1000.0 + 5) + "&query="
                + java.net.URLEncoder.encode("sum by (job) (up)", java.nio.charset.StandardCharsets.UTF_8);
        for (TenantClient via : List.of(inEu, inUs)) {
            String here = via == inEu ? "eu" : "us";
            String there = via == inEu ? "us" : "eu";
            JsonNode result = via.json(via.get(query + "&region=" + there), 200).at("/data/result");
            assertEquals(2, result.size(), result.toString());
            for (JsonNode sample : result) {
                double expected = sample.at("/metric/job").asText().equals("both") && there.equals("us") ? 2.0 : 1.0;
                assertEquals(expected, sample.at("/value/1").asDouble(), here + " asking " + there + ": " + result);
            }
            JsonNode series = via.json(
                            via.get("prom/api/v1/series?region=" + there + "&match%5B%5D=up%7Bjob%3D%22api%22%7D"), 200)
                    .get("data");
            assertEquals(1, series.size(), series.toString());
            assertEquals(there, series.get(0).get("sent_to").asText());
            HttpResponse<String> exported = via.get(match + "&region=" + there);
            assertEquals(200, exported.statusCode(), exported.body());
            assertTrue(exported.body().contains("\"sent_to\":\"" + there + "\""), exported.body());
            assertEquals(
                    via.json(via.get(query), 200).at("/data/result"),
                    via.json(via.get(query + "&region=" + here), 200).at("/data/result"),
                    "its own region by name");
            HttpResponse<String> unknown = via.get(query + "&region=mars");
            assertEquals(400, unknown.statusCode(), unknown.body());
            assertTrue(unknown.body().contains("unknown region \\\"mars\\\""), unknown.body());
            assertTrue(unknown.body().contains("eu, us"), unknown.body());
        }

        // region=*: every region at once, each series labelled with its region; a series' own `region` label is kept
        // as `exported_region`.
        HttpResponse<String> own = inEu.post(
                "prom/api/v1/import",
                "application/json",
                "{\"metric\":{\"__name__\":\"temp\",\"region\":\"lab\"},\"values\":[20],\"timestamps\":[" + at + "]}");
        assertTrue(own.statusCode() / 100 == 2, own.statusCode() + " " + own.body());
        String every = "prom/api/v1/query?region=*&time=" + (at / 1000.0 + 5) + "&query=";
        for (TenantClient via : List.of(inEu, inUs)) {
            assertEquals(
                    Map.of("{job=both}", 3.0, "{job=api}", 2.0),
                    values(via, every, "sum by (job) (up)", "job"),
                    "computed in part in each region and merged");
            assertEquals(Map.of("{}", 4.0), values(via, every, "count(up)", "job"));
            assertEquals(
                    Map.of("{region=eu}", 1.0, "{region=us}", 2.0),
                    values(via, every, "up{job=\"both\"}", "region"),
                    "one series a region, never merged");
            assertEquals(
                    Map.of("{region=eu}", 2.0, "{region=us}", 3.0),
                    values(via, every, "sum by (region) (up)", "region"));
            assertEquals(
                    Map.of("{region=eu}", 2.0, "{region=us}", 3.0),
                    values(via, every, "sum without (job, sent_to) (up)", "region"),
                    "without keeps the region");
            assertEquals(
                    Map.of("{region=us}", 3.0),
                    values(via, every, "sum by (region) (up{region=\"us\"})", "region"),
                    "the other region not asked");
            assertEquals(
                    Map.of("{region=eu,exported_region=lab}", 20.0),
                    values(via, every, "temp{exported_region=\"lab\"}", "region", "exported_region"));
            assertEquals(Map.of(), values(via, every, "temp{region=\"lab\"}", "region"), "region names the region");
            long edge = at % 300_000 == 0 ? at : (at / 300_000 + 1) * 300_000; // a window on 5-minute bucket edges
            assertEquals(
                    Map.of("{region=eu}", 1.0, "{region=us}", 2.0),
                    values(
                            via,
                            "prom/api/v1/query?region=*&time=" + (edge / 1000.0) + "&query=",
                            "max_over_time(up{job=\"both\"}[5m])",
                            "region"),
                    "from each region's rollup buckets");

            // The series API, label values and export of every region: the same labelling.
            JsonNode series = via.json(via.get("prom/api/v1/series?region=*&match%5B%5D=up%7Bjob%3D%22both%22%7D"), 200)
                    .get("data");
            List<String> seriesRegions = new java.util.ArrayList<>();
            series.forEach(one -> seriesRegions.add(one.get("region").asText()));
            assertEquals(List.of("eu", "us"), seriesRegions, series.toString());
            assertEquals(
                    "[\"eu\",\"us\"]",
                    via.json(via.get("prom/api/v1/label/region/values?region=*"), 200)
                            .get("data")
                            .toString());
            assertEquals(
                    "[\"lab\"]",
                    via.json(via.get("prom/api/v1/label/exported_region/values?region=*"), 200)
                            .get("data")
                            .toString());
            assertEquals(
                    "[\"us\"]",
                    via.json(
                                    via.get(
                                            "prom/api/v1/label/region/values?region=*&match%5B%5D=up%7Bregion%3D%22us%22%7D"),
                                    200)
                            .get("data")
                            .toString(),
                    "a matcher on region asks that region only");
            HttpResponse<String> exported = via.get("prom/api/v1/export?region=*&match%5B%5D=up%7Bjob%3D%22both%22%7D");
            assertEquals(200, exported.statusCode(), exported.body());
            String[] lines = exported.body().strip().split("\n");
            assertEquals(2, lines.length, exported.body());
            assertTrue(lines[0].contains("\"region\":\"eu\""), exported.body());
            assertTrue(lines[1].contains("\"region\":\"us\""), exported.body());
        }
    }

    /** A query's result as {labels named} -> value, through {@code via}. */
    private static Map<String, Double> values(TenantClient via, String prefix, String promql, String... names)
            throws Exception {
        JsonNode result = via.json(
                        via.get(prefix + java.net.URLEncoder.encode(promql, java.nio.charset.StandardCharsets.UTF_8)),
                        200)
                .at("/data/result");
        Map<String, Double> out = new java.util.HashMap<>();
        for (JsonNode sample : result) {
            StringBuilder key = new StringBuilder("{");
            for (String name : names) {
                JsonNode value = sample.at("/metric/" + name);
                if (value.isMissingNode()) continue;
                key.append(key.length() > 1 ? "," : "").append(name).append('=').append(value.asText());
            }
            out.put(key.append('}').toString(), sample.at("/value/1").asDouble());
        }
        assertEquals(result.size(), out.size(), promql + ": " + result);
        return out;
    }

    @Test
    void aNodeOfAnotherRegionOnARegionsJournalDatabaseIsRefusedAtStart() throws Exception {
        JournalDatabase db = database();
        ShardviewNode eu = start(config("eu", db, null, dir.resolve("eu")));
        closing.add(eu::stop);
        ShardviewNode.NodeStartException refused = assertThrows(
                ShardviewNode.NodeStartException.class,
                () -> ShardviewNode.start(config("us", db, eu, dir.resolve("us")), List.of(new TenantModule())));
        assertTrue(refused.getMessage().contains("belongs to region 'eu'"), refused.getMessage());
        assertTrue(refused.getMessage().contains("docs/regions.md"), refused.getMessage());
    }

    /** Each region's journal database, by region. */
    private final Map<String, JournalDatabase> databases = new HashMap<>();

    private ShardviewNode node(String region, ShardviewNode seed) throws Exception {
        JournalDatabase db = database();
        databases.put(region, db);
        ShardviewNode node = start(config(region, db, seed, dir.resolve(region)));
        closing.add(node::stop);
        return node;
    }

    private JournalDatabase database() throws Exception {
        JournalDatabase db = new JournalDatabase();
        closing.add(db);
        Path file = dir.resolve(db.name + ".conf");
        Files.writeString(file, "shardview.journal.url = \"" + db.url() + "\"\n");
        assertEquals(0, new CommandLine(new Main()).execute("journal", "init", "--config", file.toString()));
        return db;
    }

    private static com.typesafe.config.Config config(String region, JournalDatabase db, ShardviewNode seed, Path data)
            throws Exception {
        Map<String, Object> settings = new HashMap<>(db.settings());
        int port = freePort();
        settings.put("shardview.region", region);
        settings.put("shardview.cluster.port", port);
        String seedAddress = seed == null
                ? "pekko://shardview@127.0.0.1:" + port
                : org.apache.pekko.cluster.typed.Cluster.get(seed.system())
                        .selfMember()
                        .address()
                        .toString();
        settings.put("shardview.cluster.seed-nodes", List.of(seedAddress));
        return TestNodes.config("cluster", data, settings);
    }

    private static ShardviewNode start(com.typesafe.config.Config config) throws InterruptedException {
        ShardviewNode node = ShardviewNode.start(config, List.of(new TenantModule(), new MetricsModule()));
        int ready = TestNodes.awaitStatus(node, "/ready", 200, Duration.ofSeconds(60))
                .statusCode();
        if (ready != 200) {
            node.stop();
            throw new IllegalStateException("node not ready: " + ready);
        }
        return node;
    }

    private static void awaitMembers(ShardviewNode node, int members) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode cluster = json(TestNodes.get(node, "/v1/cluster"));
            long up = 0;
            for (JsonNode m : cluster.get("members"))
                if (m.get("status").asText().equals("Up")) up++;
            if (up == members) return;
            Thread.sleep(200);
        }
        throw new AssertionError("the regions did not form one cluster of " + members);
    }

    private static JsonNode json(HttpResponse<String> response) throws Exception {
        assertEquals(200, response.statusCode(), response.body());
        return io.shardview.http.Json.MAPPER.readTree(response.body());
    }

    private static String batch(String id, long key, String customer, int amount) {
        return "{\"batch_id\": \"" + id + "\", \"ops\": [{\"op\": \"upsert\", \"table\": \"orders\", \"row\": {\"id\": "
                + key + ", \"customer\": \"" + customer + "\", \"amount\": " + amount + "}}]}";
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
