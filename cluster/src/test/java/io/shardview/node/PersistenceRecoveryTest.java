package io.shardview.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PersistenceRecoveryTest {
    private static final Duration ASK = Duration.ofSeconds(10);

    @TempDir
    Path dataDir;

    @Test
    void entityStatePersistedToLevelDbIsRecoveredAfterRestartOnTheSameDataDirectory() throws Exception {
        ShardviewNode first = TestNodes.start(dataDir, List.of(TestCounter.entityType()));
        try {
            assertEquals(
                    200,
                    TestNodes.awaitStatus(first, "/ready", 200, Duration.ofSeconds(30))
                            .statusCode());
            long total = 0;
            for (long amount = 1; amount <= 7; amount++) {
                total = add(first, "alpha", amount);
            }
            assertEquals(28, total);
            assertEquals(100, add(first, "beta", 100));
            assertShardsReported(first);
        } finally {
            first.stop();
        }
        try (Stream<Path> snapshots = Files.list(dataDir.resolve("snapshots"))) {
            assertTrue(snapshots.findAny().isPresent(), "snapshots written to the local snapshot store");
        }

        ShardviewNode second = TestNodes.start(dataDir, List.of(TestCounter.entityType()));
        try {
            assertEquals(
                    200,
                    TestNodes.awaitStatus(second, "/ready", 200, Duration.ofSeconds(30))
                            .statusCode());
            assertEquals(28, get(second, "alpha"), "recovered from snapshot plus events");
            assertEquals(100, get(second, "beta"), "recovered from events alone");
            assertEquals(29, add(second, "alpha", 1), "and it keeps going");
        } finally {
            second.stop();
        }
    }

    private static void assertShardsReported(ShardviewNode node) throws Exception {
        JsonNode cluster =
                new ObjectMapper().readTree(TestNodes.get(node, "/v1/cluster").body());
        JsonNode perNode = cluster.at("/shards/test-counter");
        assertEquals(1, perNode.size(), cluster.toString());
        assertTrue(perNode.elements().next().asInt() >= 1, "at least one shard hosted: " + cluster);
    }

    private static long add(ShardviewNode node, String id, long amount) throws Exception {
        return counter(node, id)
                .<Long>ask(replyTo -> new TestCounter.Add(amount, replyTo), ASK)
                .toCompletableFuture()
                .get();
    }

    private static long get(ShardviewNode node, String id) throws Exception {
        return counter(node, id)
                .<Long>ask(TestCounter.Get::new, ASK)
                .toCompletableFuture()
                .get();
    }

    private static EntityRef<TestCounter.Command> counter(ShardviewNode node, String id) {
        return ClusterSharding.get(node.system()).entityRefFor(TestCounter.ENTITY_KEY, id);
    }
}
