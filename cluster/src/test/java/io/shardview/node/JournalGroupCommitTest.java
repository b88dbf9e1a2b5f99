package io.shardview.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Group commit of the embedded journal seen from outside: a metrics ingest request is persisted by
 * up to 16 shards at once, and their writes share fsync rounds ({@code shardview_journal_*} on
 * /metrics).
 */
class JournalGroupCommitTest {
    private static final long T = 1_700_000_000_000L;
    private static final int REQUESTS = 20;
    private static final int SERIES = 64;

    @TempDir
    Path dataDir;

    private static double sample(ShardviewNode node, String name) {
        String body = TestNodes.get(node, "/metrics").body();
        for (String line : body.split("\n")) {
            if (line.startsWith(name + " ")) return Double.parseDouble(line.substring(name.length() + 1));
        }
        throw new AssertionError(name + " not on /metrics");
    }

    @Test
    void theShardWritesOfIngestRequestsShareFsyncs() throws Exception {
        ShardviewNode node = ShardviewNode.start(
                TestNodes.config(
                        dataDir,
                        Map.of(
                                "shardview.metrics.raw-retention", "36500d",
                                "shardview.metrics.rollup-retention", "36500d")),
                List.of(new MetricsModule()));
        try {
            assertEquals(
                    200,
                    TestNodes.awaitStatus(node, "/ready", 200, Duration.ofSeconds(30))
                            .statusCode());
            double writesBefore = sample(node, "shardview_journal_writes_total");
            double fsyncsBefore = sample(node, "shardview_journal_fsyncs_total");

            for (int request = 0; request < REQUESTS; request++) {
                StringBuilder influx = new StringBuilder();
                for (int series = 0; series < SERIES; series++) {
                    influx.append("cpu,host=h")
                            .append(series)
                            .append(" user=")
                            .append(request)
                            .append(' ')
                            .append(T + request * 10_000L)
                            .append('\n');
                }
                int status = TestNodes.send(
                                node,
                                HttpRequest.newBuilder(URI.create(
                                                node.url() + "/v1/tenants/grouped/influx/write?precision=ms"))
                                        .POST(HttpRequest.BodyPublishers.ofString(influx.toString())))
                        .statusCode();
                assertEquals(204, status);
            }

            double writes = sample(node, "shardview_journal_writes_total") - writesBefore;
            double fsyncs = sample(node, "shardview_journal_fsyncs_total") - fsyncsBefore;
            assertTrue(writes >= REQUESTS * 2, "each request writes to several shards: " + writes + " writes");
            assertTrue(fsyncs >= 1 && fsyncs < writes, fsyncs + " fsyncs for " + writes + " writes");
        } finally {
            node.stop();
        }
    }
}
