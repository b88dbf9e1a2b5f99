package io.shardview.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardview.persistence.DataDirectoryLock.DataDirectoryInUseException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeLifecycleTest {
    @TempDir
    Path tmp;

    /**
     * A node with auth on refreshes its token cache from the registry; it stops asking before sharding hands the
     * registry's shard off, so the stop completes (before, a refresh sent after the hand-off held the region until the
     * shutdown phase timed out, and stop() failed with "did not stop within 60 s"). A 10 ms refresh makes the race
     * near certain.
     */
    @Test
    void aNodeWithAuthStopsWhileItsTokenCacheRefreshesFast() throws Exception {
        for (int round = 0; round < 3; round++) {
            ShardviewNode node = ShardviewNode.start(
                    TestNodes.config(
                            tmp.resolve("auth-" + round),
                            Map.of(
                                    "shardview.auth.admin-token", "admin-token-for-the-lifecycle-test",
                                    "shardview.auth.refresh-interval", "10ms")),
                    List.of(new TenantModule()));
            assertEquals(
                    200,
                    TestNodes.awaitStatus(node, "/ready", 200, Duration.ofSeconds(30))
                            .statusCode());
            Thread.sleep(200);
            node.stop(); // throws when the node did not stop within 60 s
        }
    }

    /**
     * A node with auth on that cannot bind its HTTP port has started sharding and its token refresh already; it still
     * stops and answers the failure (before, a refresh in flight could hold the shutdown until "did not stop within
     * 60 s" replaced the reason).
     */
    @Test
    void aNodeWithAuthThatCannotBindItsPortFailsWithTheReason() throws Exception {
        try (java.net.ServerSocket taken =
                new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            for (int round = 0; round < 2; round++) {
                var refused = assertThrows(
                        ShardviewNode.NodeStartException.class,
                        () -> ShardviewNode.start(
                                TestNodes.config(
                                        tmp.resolve("bind-" + System.nanoTime()),
                                        Map.of(
                                                "shardview.auth.admin-token", "admin-token-for-the-lifecycle-test",
                                                "shardview.auth.refresh-interval", "10ms",
                                                "shardview.http.port", taken.getLocalPort())),
                                List.of(new TenantModule())));
                assertTrue(refused.getMessage().contains("cannot listen"), refused.getMessage());
            }
        }
    }

    /**
     * A message for a shard without a home that reaches a region while the region shuts down is buffered, and the
     * coordinator never gives a home to a shard on a region that is shutting down: on the cluster's only member the
     * region stops once its shards are handed off ({@link io.shardview.node.membership.LoneNodeRegionStop}). Before, it
     * waited out the phase's timeout (60 s, here 120 s) and stop() failed with "did not stop within 60 s"
     * (PrometheusMetadataTest in CI: a remembered rules entity restarted as its node stopped). Here messages to the
     * rules of ever new tenants reach the rules region as it hands off the shard of a tenant whose rules ran.
     */
    @Test
    void aLoneNodeStopsWhileMessagesForNewShardsReachARegionShuttingDown() throws Exception {
        ShardviewNode node = ShardviewNode.start(
                TestNodes.config(
                        tmp.resolve("lone"),
                        Map.of("pekko.coordinated-shutdown.phases.cluster-sharding-shutdown-region.timeout", "120 s")),
                List.of(new MetricsModule()));
        assertEquals(
                200,
                TestNodes.awaitStatus(node, "/ready", 200, Duration.ofSeconds(30))
                        .statusCode());
        // The tenant's rules run: the rules region hosts their shard, which it hands off as the node stops.
        assertEquals(
                200, TestNodes.get(node, "/v1/tenants/lone/prom/api/v1/alerts").statusCode());
        var system = node.system();
        org.apache.pekko.actor.CoordinatedShutdown.get(system)
                .addTask(
                        org.apache.pekko.actor.CoordinatedShutdown.PhaseClusterShardingShutdownRegion(),
                        "test-messages-for-new-shards",
                        () -> java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                            var sharding = org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding.get(system);
                            long until =
                                    System.nanoTime() + Duration.ofSeconds(2).toNanos();
                            for (int i = 0; System.nanoTime() < until; i++) {
                                sharding.entityRefFor(io.shardview.entity.rules.RulesProtocol.TENANT_KEY, "new-" + i)
                                        .tell(new io.shardview.entity.rules.RulesProtocol.Read(system.ignoreRef()));
                                java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
                            }
                            return org.apache.pekko.Done.getInstance();
                        }));
        node.stop(); // throws when the node did not stop within 60 s
    }

    @Test
    void readyIs503UntilTheNodeIsUpWhileHealthIs200() throws Exception {
        // The node joins itself but waits for a second member that never comes: it never becomes Up.
        ShardviewNode node =
                ShardviewNode.start(TestNodes.config(tmp, Map.of("pekko.cluster.min-nr-of-members", 2)), List.of());
        try {
            assertEquals(200, TestNodes.get(node, "/health").statusCode());
            var ready = TestNodes.get(node, "/ready");
            assertEquals(503, ready.statusCode());
            assertTrue(ready.body().contains("\"not_ready\""), ready.body());
            assertTrue(ready.headers().firstValue("Retry-After").isPresent());
        } finally {
            node.stop();
        }
    }

    @Test
    void shutdownLeavesNoNonDaemonThreadAndFreesThePort() throws Exception {
        Set<Thread> before = nonDaemonThreads();
        ShardviewNode node = TestNodes.start(tmp, List.of());
        int port = node.httpPort();
        assertEquals(
                200,
                TestNodes.awaitStatus(node, "/ready", 200, Duration.ofSeconds(30))
                        .statusCode());
        node.stop();

        Set<Thread> leftover = awaitNoNewNonDaemonThreads(before, Duration.ofSeconds(10));
        assertTrue(
                leftover.isEmpty(),
                "threads left running: "
                        + leftover.stream().map(Thread::getName).collect(Collectors.joining(", ")));
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            assertEquals(port, socket.getLocalPort());
        }
        TestNodes.start(tmp, List.of()).stop(); // the data directory was released too
    }

    @Test
    void secondNodeOnTheSameDataDirectoryIsRefusedWithAClearMessage() {
        ShardviewNode first = TestNodes.start(tmp, List.of());
        try {
            DataDirectoryInUseException refused =
                    assertThrows(DataDirectoryInUseException.class, () -> TestNodes.start(tmp, List.of()));
            assertTrue(refused.getMessage().contains(tmp.toAbsolutePath().toString()), refused.getMessage());
            assertTrue(refused.getMessage().contains("in use"), refused.getMessage());
        } finally {
            first.stop();
        }
    }

    @Test
    void whenStopReturnsTheDataDirectoryIsFreeForTheNextNode() {
        // The lock is released by a callback on the actor system's termination; stop() used to return on the
        // termination itself, so a restart right after could still find the directory held (MetricsRetentionTest).
        for (int i = 0; i < 5; i++) {
            TestNodes.start(tmp, List.of()).stop();
            io.shardview.persistence.DataDirectoryLock.acquire(tmp).close();
        }
    }

    @Test
    void startingOpensTheLevelDbJournalInTheDataDirectory() {
        ShardviewNode node = TestNodes.start(tmp, List.of());
        try {
            assertTrue(Files.isDirectory(tmp.resolve("journal")), "journal directory created at start-up");
        } finally {
            node.stop();
        }
    }

    @Test
    void nonLoopbackHttpHostIsRefusedWithoutAuth() {
        var refused = assertThrows(
                ShardviewNode.NodeStartException.class,
                () -> ShardviewNode.start(TestNodes.config(tmp, Map.of("shardview.http.host", "0.0.0.0")), List.of()));
        assertTrue(refused.getMessage().contains("auth"), refused.getMessage());
    }

    @Test
    void anAdvertisedUrlThatIsNotAnHttpUrlOfAHostIsRefusedAtStart() {
        for (String url : List.of("ftp://a.example:21", "http://a.example:8080/api", "a.example:8080", "http://:80")) {
            var refused = assertThrows(
                    ShardviewNode.NodeStartException.class,
                    () -> ShardviewNode.start(
                            TestNodes.config(tmp, Map.of("shardview.http.advertised-url", url)), List.of()),
                    url);
            assertTrue(refused.getMessage().contains("advertised-url"), refused.getMessage());
        }
    }

    @Test
    void aNodeBoundToEveryInterfaceAdvertisesItsClusterHost() {
        var config = TestNodes.config(tmp, Map.of("shardview.cluster.host", "node-7.internal"));
        assertEquals(
                "http://node-7.internal:8080",
                ShardviewNode.advertisedUrl(config, new java.net.InetSocketAddress("0.0.0.0", 8080), false));
        assertEquals(
                "https://127.0.0.1:8443",
                ShardviewNode.advertisedUrl(config, new java.net.InetSocketAddress("127.0.0.1", 8443), true));
    }

    private static Set<Thread> nonDaemonThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> !t.isDaemon() && t.isAlive())
                .collect(Collectors.toSet());
    }

    private static Set<Thread> awaitNoNewNonDaemonThreads(Set<Thread> before, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Set<Thread> extra;
        do {
            extra = nonDaemonThreads();
            extra.removeAll(before);
            if (extra.isEmpty()) return extra;
            Thread.sleep(100);
        } while (System.nanoTime() < deadline);
        return extra;
    }
}
