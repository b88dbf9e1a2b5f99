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
                ""));
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

    private static List<String> seeds(Config config) {
        return config.getStringList("pekko.cluster.seed-nodes");
    }
}
