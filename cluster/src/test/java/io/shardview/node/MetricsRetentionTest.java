package io.shardview.node;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Retention over HTTP: a shard applies it on its own timer, at a time it journals; dropped data
 * leaves export, the journal and older snapshots, and stays gone after a restart.
 */
class MetricsRetentionTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long HOUR = 3_600_000L;

    @TempDir
    Path dataDir;

    /** A clock the test moves; the shard reads it when its retention timer fires. */
    static final class MovableClock extends Clock {
        volatile long millis;

        MovableClock(long millis) {
            this.millis = millis;
        }

        @Override
        public long millis() {
            return millis;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return Clock.fixed(
                    instant(), zone); // the shard never asks for another zone; a fixed copy is the honest answer
        }
    }

    /** One shard per tenant, 3 h of raw points and rollups, retention every 200 ms. */
    private ShardviewNode start(Clock clock) throws Exception {
        ShardviewNode node = ShardviewNode.start(
                TestNodes.config(
                        dataDir,
                        Map.of(
                                "shardview.metrics.shards-per-tenant", 1,
                                "shardview.metrics.out-of-order-window", "10m",
                                "shardview.metrics.raw-retention", "3h",
                                "shardview.metrics.rollup-retention", "3h",
                                "shardview.metrics.retention-interval", "200ms")),
                List.of(new MetricsModule(clock)));
        assertEquals(
                200,
                TestNodes.awaitStatus(node, "/ready", 200, Duration.ofSeconds(30))
                        .statusCode());
        return node;
    }

    private static HttpResponse<String> write(ShardviewNode node, String lines) {
        return TestNodes.send(
                node,
                HttpRequest.newBuilder(URI.create(node.url() + "/v1/tenants/ret/influx/write?precision=ms"))
                        .POST(HttpRequest.BodyPublishers.ofString(lines)));
    }

    private static List<String> exported(ShardviewNode node) throws Exception {
        HttpResponse<String> response = TestNodes.get(
                node,
                "/v1/tenants/ret/prom/api/v1/export?match%5B%5D="
                        + URLEncoder.encode("{__name__=~\".+\"}", StandardCharsets.UTF_8));
        assertEquals(200, response.statusCode(), response.body());
        List<String> series = new ArrayList<>();
        for (String line : response.body().split("\n")) {
            if (line.isBlank()) continue;
            JsonNode s = JSON.readTree(line);
            series.add(s.at("/metric/__name__").asText() + " " + s.get("timestamps"));
        }
        return series;
    }

    @Test
    void retentionDropsOldPointsFromExportJournalAndSnapshotsAndTheyStayGoneAfterRestart() throws Exception {
        long now = System.currentTimeMillis();
        long old = now - 5 * HOUR;
        MovableClock clock = new MovableClock(now - 10 * HOUR); // retention has nothing to drop yet
        ShardviewNode node = start(clock);
        try {
            // "old" only has old points; "mixed" has an old window (sealed when the new point opens another) and a new
            // point.
            assertEquals(
                    204,
                    write(node, "old v=1 " + old + "\nold v=2 " + (old + 10_000) + "\nmixed v=1 " + old)
                            .statusCode());
            assertEquals(
                    204, write(node, "mixed v=2 " + now + "\nnew v=3 " + now).statusCode());
            assertEquals(
                    List.of(
                            "mixed_v [" + old + "," + now + "]",
                            "new_v [" + now + "]",
                            "old_v [" + old + "," + (old + 10_000) + "]"),
                    exported(node));

            clock.millis = now; // the next timer tick drops everything older than 3 h
            List<String> kept = List.of("mixed_v [" + now + "]", "new_v [" + now + "]");
            awaitExport(node, kept);
            TestNodes.awaitTrue(
                    () -> events(node) == 0 && snapshots() == 1,
                    "the events up to the retention snapshot and older snapshots are deleted");
            HttpResponse<String> late = write(node, "new v=9 " + old);
            assertEquals(200, late.statusCode(), late.body());
            assertEquals(
                    1,
                    JSON.readTree(late.body()).at("/rejected/too_old").asInt(),
                    "before the raw horizon: " + late.body());
            assertEquals(204, write(node, "new v=4 " + (now + 1000)).statusCode());
        } finally {
            node.stop();
        }
        ShardviewNode restarted = start(new MovableClock(now));
        try {
            assertEquals(
                    List.of("mixed_v [" + now + "]", "new_v [" + now + "," + (now + 1000) + "]"), exported(restarted));
            assertEquals(1, events(restarted), "only the batch after the retention snapshot");
        } finally {
            restarted.stop();
        }
    }

    private static void awaitExport(ShardviewNode node, List<String> expected) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        List<String> seen = exported(node);
        while (!seen.equals(expected) && System.nanoTime() < deadline) {
            Thread.sleep(100);
            seen = exported(node);
        }
        assertEquals(expected, seen);
    }

    /** Events the journal still holds for the tenant's shard. */
    private static long events(ShardviewNode node) throws Exception {
        return TestNodes.journalEvents(node, "metrics|ret.0");
    }

    /** Snapshot files of the tenant's shard. */
    private long snapshots() throws IOException {
        try (Stream<Path> files = Files.list(dataDir.resolve("snapshots"))) {
            return files.filter(f -> f.getFileName().toString().contains("ret.0"))
                    .count();
        }
    }
}
