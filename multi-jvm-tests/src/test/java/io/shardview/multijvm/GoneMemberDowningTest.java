package io.shardview.multijvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A member whose process is gone is downed at once, one that is only paused is not (GoneMemberDowning): three packaged
 * nodes with a Split Brain Resolver that would wait a minute ({@code SHARDVIEW_DOWN_AFTER=60s}). A node paused with
 * SIGSTOP is marked unreachable and stays a member (its port still accepts connections), and is reachable again after
 * SIGCONT; a node killed with SIGKILL is downed and removed long before the resolver's minute, and a tenant it held
 * answers again from a survivor within that time.
 */
class GoneMemberDowningTest {
    private static final Duration RESOLVER = Duration.ofSeconds(60);
    private static final String TENANT = "gone";

    @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS)
    Path tmp;

    @Test
    void aKilledMemberIsDownedAtOnceAndAPausedOneIsNot() throws Exception {
        try (ThreeNodes cluster =
                new ThreeNodes(tmp, null, Map.of("SHARDVIEW_DOWN_AFTER", RESOLVER.toSeconds() + "s"))) {
            for (int i = 0; i < 3; i++) cluster.start(i);
            for (int i = 0; i < 3; i++) cluster.awaitReady(i);
            cluster.awaitMembers(0, List.of(0, 1, 2));

            cluster.node(2).signal("STOP");
            long paused = System.nanoTime();
            awaitUnreachable(cluster, 0, 2, Duration.ofSeconds(30));
            while (System.nanoTime() - paused < Duration.ofSeconds(15).toNanos()) {
                JsonNode member = member(cluster, 0, 2);
                assertEquals("Up", member.path("status").asText(), "a paused member is not downed: " + member);
                Thread.sleep(500);
            }
            cluster.node(2).signal("CONT");
            awaitReachable(cluster, 0, 2, Duration.ofSeconds(30));
            cluster.awaitMembers(0, List.of(0, 1, 2));

            assertEquals(
                    200,
                    ThreeNodes.post(
                                    cluster.url(0) + "/v1/tenants/" + TENANT + "/sql",
                                    "application/sql",
                                    "CREATE TABLE t (id BIGINT NOT NULL, PRIMARY KEY (id))")
                            .statusCode());
            int host = cluster.hostOfTenant(0, TENANT);
            int survivor = (host + 1) % 3;
            long killed = System.nanoTime();
            cluster.node(host).kill9(Duration.ofSeconds(30));
            List<Integer> rest = new java.util.ArrayList<>(List.of(0, 1, 2));
            rest.remove(Integer.valueOf(host));
            cluster.awaitMembers(survivor, rest);
            int status = 0;
            while (status != 200 && System.nanoTime() - killed < RESOLVER.toNanos()) {
                try {
                    status = ThreeNodes.post(
                                    cluster.url(survivor) + "/v1/tenants/" + TENANT + "/ingest",
                                    "application/json",
                                    "{\"ops\": [{\"op\": \"insert\", \"table\": \"t\", \"row\": {\"id\": 1}}]}")
                            .statusCode();
                } catch (java.io.IOException e) {
                    status = -1;
                }
                if (status != 200) Thread.sleep(200);
            }
            double seconds = (System.nanoTime() - killed) / 1e9;
            assertEquals(200, status, "the tenant answers again within the resolver's " + RESOLVER);
            assertTrue(seconds < RESOLVER.toSeconds(), "downed before the resolver would have: " + seconds + " s");
            String logs = cluster.node(survivor).stderr()
                    + cluster.node((host + 2) % 3).stderr();
            assertTrue(logs.contains("its process is gone"), "the leader said why it downed the member");
        }
    }

    private static JsonNode member(ThreeNodes cluster, int via, int node) throws Exception {
        for (JsonNode member : cluster.cluster(via).path("members")) {
            if (member.path("address").asText().equals(cluster.address(node))) return member;
        }
        throw new AssertionError("node " + node + " is not a member as node " + via + " sees it");
    }

    private static void awaitUnreachable(ThreeNodes cluster, int via, int node, Duration timeout) throws Exception {
        awaitReachability(cluster, via, node, false, timeout);
    }

    private static void awaitReachable(ThreeNodes cluster, int via, int node, Duration timeout) throws Exception {
        awaitReachability(cluster, via, node, true, timeout);
    }

    private static void awaitReachability(ThreeNodes cluster, int via, int node, boolean reachable, Duration timeout)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode member = member(cluster, via, node);
        while (member.path("reachable").asBoolean() != reachable && System.nanoTime() < deadline) {
            Thread.sleep(250);
            member = member(cluster, via, node);
        }
        assertEquals(reachable, member.path("reachable").asBoolean(), "node " + node + " as node " + via + " sees it");
    }
}
