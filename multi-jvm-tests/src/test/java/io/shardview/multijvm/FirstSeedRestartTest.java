package io.shardview.multijvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A first seed restarted while the rest of the cluster is too busy to answer it joins that cluster instead of forming
 * one of its own (docs/operations.md, "Restarting a node"). Two regions of one node each, so the first seed's own
 * region has no other node recording its presence: eu, first in every node's seed list, is killed (kill -9), us is
 * paused (SIGSTOP: its remoting port still accepts connections, and nothing answers on them) and eu is restarted on its
 * data. Pekko's first seed forms a new cluster when no seed answers within its 5 s; eu instead finds us's port open,
 * waits for an answer, and joins us once us resumes 8 s past those 5 s. Then both see both Up, and eu has learned the
 * cluster's lost regions from us rather than going on with its own database's record.
 */
class FirstSeedRestartTest {
    @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS) // the nodes' logs stay when it fails
    Path tmp;

    @Test
    void aRestartedFirstSeedWaitsForABusyClusterAndJoinsIt() throws Exception {
        try (RegionNodes cluster = new RegionNodes(tmp, List.of("eu", "us"), 1)) {
            cluster.startAll();
            int eu = cluster.nodesOf("eu").get(0);
            int us = cluster.nodesOf("us").get(0);

            assertEquals(137, cluster.node(eu).kill9(Duration.ofSeconds(30)));
            cluster.signal(us, "STOP");
            try {
                cluster.start(eu);
                awaitLog(cluster, eu, "accept connections: it waits up to");
                Thread.sleep(Duration.ofSeconds(13).toMillis()); // past Pekko's seed-node-timeout (5 s), with room
            } finally {
                cluster.signal(us, "CONT");
            }

            cluster.awaitReady(eu);
            cluster.awaitMembers(us, List.of(eu, us));
            cluster.awaitMembers(eu, List.of(eu, us));
            awaitLog(cluster, eu, "region us says the lost regions are []");
        }
    }

    /** Waits until node {@code i}'s log has {@code line} in it. */
    private static void awaitLog(RegionNodes cluster, int i, String line) throws Exception {
        long deadline = System.nanoTime() + RegionNodes.START.toNanos();
        while (!cluster.node(i).stderr().contains(line) && System.nanoTime() < deadline) Thread.sleep(100);
        assertTrue(
                cluster.node(i).stderr().contains(line),
                () -> "node " + i + " never logged \"" + line + "\": " + cluster.tail(i));
    }
}
