package io.shardview.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sealed layout over HTTP: an idle shard seals its heads and snapshots (when enough was written
 * since its last snapshot), the events the snapshot covers and older snapshots are deleted, and a
 * restart recovers exactly the same data from the snapshot alone, or from the snapshot plus the
 * events after it.
 */
class MetricsSealingTest {
    private static final String TENANT = "seal";

    @TempDir
    Path dataDir;

    private ShardviewNode start(String sealAfterIdle) throws Exception {
        ShardviewNode node = ShardviewNode.start(
                TestNodes.config(
                        dataDir,
                        Map.of(
                                "shardview.metrics.shards-per-tenant",
                                1,
                                "shardview.metrics.seal-after-idle",
                                sealAfterIdle)),
                List.of(new MetricsModule(Clock.systemUTC())));
        assertEquals(
                200,
                TestNodes.awaitStatus(node, "/ready", 200, Duration.ofSeconds(30))
                        .statusCode());
        return node;
    }

    /** Three series of {@code n} points 10 s apart ending at {@code end}, plus one point 25 min late. */
    private static String lines(long end, int n, double base) {
        StringBuilder b = new StringBuilder();
        for (int i = n - 1; i >= 0; i--) {
            long ts = end - i * 10_000L;
            b.append("cpu,host=a usage=")
                    .append(base + i % 17 * 0.25)
                    .append(' ')
                    .append(ts)
                    .append('\n');
            b.append("cpu,host=b usage=")
                    .append(base - i % 5)
                    .append(' ')
                    .append(ts)
                    .append('\n');
            b.append("mem,host=a used=")
                    .append(1_000_000 + i * 4096)
                    .append(' ')
                    .append(ts)
                    .append('\n');
        }
        b.append("cpu,host=a usage=99.5 ").append(end - 25 * 60_000L + 5_000).append('\n');
        return b.toString();
    }

    private static void write(ShardviewNode node, String lines) {
        HttpResponse<String> response = TestNodes.send(
                node,
                HttpRequest.newBuilder(URI.create(node.url() + "/v1/tenants/" + TENANT + "/influx/write?precision=ms"))
                        .POST(HttpRequest.BodyPublishers.ofString(lines)));
        assertEquals(204, response.statusCode(), response.body());
    }

    /** Every series with its timestamps and values, as export prints them, in a stable order. */
    private static List<String> exported(ShardviewNode node) {
        HttpResponse<String> response = TestNodes.get(
                node,
                "/v1/tenants/" + TENANT + "/prom/api/v1/export?match%5B%5D="
                        + URLEncoder.encode("{__name__=~\".+\"}", StandardCharsets.UTF_8));
        assertEquals(200, response.statusCode(), response.body());
        return Arrays.stream(response.body().split("\n"))
                .filter(l -> !l.isBlank())
                .sorted()
                .toList();
    }

    @Test
    void anIdleShardSealsSnapshotsAndDeletesWhatTheSnapshotCoversAndRecoversExactly() throws Exception {
        long now = System.currentTimeMillis();
        List<String> sealed;
        List<String> withMore;
        ShardviewNode node = start("300ms");
        try {
            write(node, lines(now - 3_600_000L, 300, 10));
            write(node, lines(now - 60_000L, 200, 20));
            List<String> written = exported(node);
            assertEquals(3, written.size());
            TestNodes.awaitTrue(
                    () -> events(node) == 0 && snapshots() == 1,
                    "idle: heads sealed, snapshot saved, the events it covers and older snapshots deleted");
            assertEquals(written, exported(node), "sealing changes no point");

            // One more point is far less than idle-seal-min-growth (10%) of the snapshot: no rewrite of it.
            write(node, "cpu,host=b usage=7.5 " + (now - 30_001L) + "\n");
            Thread.sleep(1500); // five idle checks
            assertEquals(1, events(node), "a small write does not make an idle shard rewrite its snapshot");
            write(node, lines(now, 300, 30)); // later points, and one late into sealed chunks
            TestNodes.awaitTrue(() -> events(node) == 0 && snapshots() == 1, "a larger one does");
            sealed = exported(node);
            assertTrue(
                    sealed.stream().anyMatch(series -> series.contains("7.5")), "the small write is kept: " + sealed);
        } finally {
            node.stop();
        }

        ShardviewNode fromSnapshot = start("1h");
        try {
            assertEquals(0, events(fromSnapshot));
            assertEquals(sealed, exported(fromSnapshot), "recovered from the snapshot alone");
            write(fromSnapshot, lines(now + 60_000L, 10, 40));
            withMore = exported(fromSnapshot);
            assertTrue(!withMore.equals(sealed));
        } finally {
            fromSnapshot.stop();
        }

        ShardviewNode replayed = start("1h");
        try {
            assertEquals(1, events(replayed), "the batch after the snapshot is still an event");
            assertEquals(withMore, exported(replayed), "snapshot plus the event after it");
        } finally {
            replayed.stop();
        }
    }

    /** Events the journal still holds for the tenant's shard. */
    private static long events(ShardviewNode node) throws Exception {
        return TestNodes.journalEvents(node, "metrics|" + TENANT + ".0");
    }

    /** Snapshot files of the tenant's shard. */
    private long snapshots() throws IOException {
        try (Stream<Path> files = Files.list(dataDir.resolve("snapshots"))) {
            return files.filter(f -> f.getFileName().toString().contains(TENANT + ".0"))
                    .count();
        }
    }
}
