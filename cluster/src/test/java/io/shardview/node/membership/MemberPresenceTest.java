package io.shardview.node.membership;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.shardview.node.JournalDatabase;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A restarted first seed node joins the nodes that are alive instead of forming a cluster of its own. */
class MemberPresenceTest {
    private static final String SELF = "pekko://shardview@127.0.0.1:25520";
    private static final String OTHER = "pekko://shardview@127.0.0.1:25521";

    private static Config config(JournalDatabase db) {
        return ConfigFactory.parseMap(Map.of(
                "pekko.cluster.seed-nodes",
                List.of(SELF, OTHER),
                "shardview.journal.url",
                db.url(),
                "shardview.journal.user",
                io.shardview.testsupport.TestPostgres.USER,
                "shardview.journal.password",
                "",
                "shardview.cluster.first-seed-wait",
                "30s"));
    }

    @Test
    void theFirstSeedJoinsALiveNodeAndFormsTheClusterWhenTheOthersDiedOrLeft() throws Exception {
        try (JournalDatabase db = new JournalDatabase()) {
            Config config = config(db);
            assertEquals(List.of(SELF, OTHER), seeds(MemberPresence.seedsFor(config, SELF)), "nobody seen: it forms");

            MemberPresence other = MemberPresence.start(config, OTHER);
            long deadline = System.nanoTime() + java.time.Duration.ofSeconds(10).toNanos();
            while (!seeds(MemberPresence.seedsFor(config, SELF)).equals(List.of(OTHER, SELF))
                    && System.nanoTime() < deadline) {
                Thread.sleep(50); // its first recording
            }
            assertEquals(List.of(OTHER, SELF), seeds(MemberPresence.seedsFor(config, SELF)), "another is alive");
            assertEquals(List.of(SELF, OTHER), seeds(MemberPresence.seedsFor(config, OTHER)), "only the first moves");

            // Died without a word (kill -9): its row stays but is no longer renewed, so the first seed forms again.
            other.stopRecording(); // and a recording under way ends
            db.execute("UPDATE shardview_members SET seen_at = now()");
            assertEquals(List.of(SELF, OTHER), seeds(MemberPresence.seedsFor(config, SELF)), "a dead node's row");
            other.close();
            assertEquals(0, db.count("SELECT count(*) FROM shardview_members"), "a node that leaves forgets itself");
        }
    }

    @Test
    void theFirstSeedWaitsLongerForOtherSeedsWhosePortsAcceptConnections() throws Exception {
        Config base = ConfigFactory.parseMap(Map.of("shardview.cluster.first-seed-wait", "30s"))
                .withFallback(ConfigFactory.parseString("pekko.cluster.seed-node-timeout = 5s"));
        int closedPort;
        try (java.net.ServerSocket listening =
                        new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
                java.net.ServerSocket closed =
                        new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = closed.getLocalPort();
            closed.close();
            String listens = "pekko://shardview@127.0.0.1:" + listening.getLocalPort();
            String gone = "pekko://shardview@127.0.0.1:" + closedPort;
            Config waits = MemberPresence.waitForListeningSeeds(base, List.of(SELF, gone, listens));
            assertEquals(
                    30_000, waits.getDuration("pekko.cluster.seed-node-timeout").toMillis(), "a node listens");
            Config forms = MemberPresence.waitForListeningSeeds(base, List.of(SELF, gone));
            assertEquals(
                    5_000, forms.getDuration("pekko.cluster.seed-node-timeout").toMillis(), "nobody listens");
        }
    }

    private static List<String> seeds(Config config) {
        return config.getStringList("pekko.cluster.seed-nodes");
    }
}
