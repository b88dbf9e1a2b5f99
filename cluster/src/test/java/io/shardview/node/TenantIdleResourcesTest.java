package io.shardview.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.pekko.actor.AbstractActor;
import org.apache.pekko.actor.ActorIdentity;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.Identify;
import org.apache.pekko.actor.Props;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node does not keep per-tenant plumbing for tenants that went quiet: a tenant running on the node takes batches
 * into its entity's inbox, a tenant's group-commit queue (for one that does not run here) stops when idle and comes
 * back when needed, and a view has an actor for its changes only while a change
 * stream on the node follows it.
 */
class TenantIdleResourcesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aTenantRunningHereNeedsNoQueueAndAnIdleQueueStopsAndTheNextBatchStartsANewOne(@TempDir Path dir)
            throws Exception {
        ShardviewNode node = TenantNodes.start(
                dir,
                Map.of(
                        "shardview.tenant.group-commit.idle-after", "2s",
                        "shardview.tenant.passivate-idle-after", "1s"));
        try {
            String base = node.url() + "/v1/tenants/quiet";
            assertEquals(200, post(node, base + "/sql", "application/sql", "CREATE TABLE t (x INT)"));
            IntSupplier queues = () -> actors(node, "/system/ingress-quiet-*");
            assertEquals(200, post(node, base + "/ingest", "application/x-ndjson", insert(1)));
            assertEquals(0, queues.getAsInt(), "a batch for a tenant running here goes into its entity's inbox");

            awaitPassivated(node);
            assertEquals(200, post(node, base + "/ingest", "application/x-ndjson", insert(2)));
            assertEquals(1, queues.getAsInt(), "a batch for a tenant not running here goes through a queue");
            awaitZero(queues, "the idle queue stopped");

            awaitPassivated(node);
            assertEquals(200, post(node, base + "/ingest", "application/x-ndjson", insert(3)));
            assertEquals(1, queues.getAsInt(), "the next batch started a new queue");
            var table = JSON.readTree(
                    TestNodes.get(node, "/v1/tenants/quiet/tables/t").body());
            assertEquals(3, table.get("count").asLong());
            assertEquals(4, table.get("version").asLong());
        } finally {
            node.stop();
        }
    }

    /** Waits until no tenant runs on the node (shardview_tenants_running on /metrics). */
    private static void awaitPassivated(ShardviewNode node) throws InterruptedException {
        IntSupplier running = () -> {
            Matcher m = Pattern.compile("(?m)^shardview_tenants_running (\\S+)$")
                    .matcher(TestNodes.get(node, "/metrics").body());
            assertTrue(m.find(), "shardview_tenants_running on /metrics");
            return (int) Double.parseDouble(m.group(1));
        };
        awaitZero(running, "the idle tenant was passivated");
    }

    @Test
    void aViewCostsNoActorWhileNobodyFollowsIt(@TempDir Path dir) throws Exception {
        // The server notices a client that went away when it next writes to it: frequent heartbeats. The mediator
        // stops a topic's actor this long after its last subscriber left.
        ShardviewNode node = TenantNodes.start(
                dir,
                Map.of(
                        "pekko.cluster.pub-sub.removed-time-to-live", "2s",
                        "shardview.tenant.stream-heartbeat", "300ms"));
        try {
            String base = node.url() + "/v1/tenants/topics";
            assertEquals(
                    200,
                    post(
                            node,
                            base + "/sql",
                            "application/sql",
                            "CREATE TABLE t (x INT); CREATE VIEW v AS SELECT x FROM t"));
            IntSupplier topics = () -> actors(node, "/system/distributedPubSubMediator/*");
            for (int x = 1; x <= 3; x++)
                assertEquals(200, post(node, base + "/ingest", "application/x-ndjson", insert(x)));
            assertEquals(0, topics.getAsInt(), "changes nobody follows leave no actor behind");

            // A follower gets changes live while it follows; the view's topic has an actor meanwhile.
            List<String> events = new CopyOnWriteArrayList<>();
            HttpResponse<InputStream> stream = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(base + "/views/v/changes"))
                                    .GET()
                                    .build(),
                            HttpResponse.BodyHandlers.ofInputStream());
            Thread reader = new Thread(() -> {
                try (BufferedReader in =
                        new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
                    for (String line; (line = in.readLine()) != null; )
                        if (line.startsWith("id: ")) events.add(line.substring(4));
                } catch (java.io.IOException closed) {
                    // the test closed the stream
                }
            });
            reader.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (topics.getAsInt() == 0 && System.nanoTime() < deadline) Thread.sleep(50);
            assertEquals(1, topics.getAsInt(), "the followed view's topic has an actor");
            assertEquals(200, post(node, base + "/ingest", "application/x-ndjson", insert(7)));
            deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!events.contains("5") && System.nanoTime() < deadline) Thread.sleep(50);
            assertTrue(events.contains("5"), "the follower got version 5 live: " + events);

            // Without its follower the topic's actor stops, and later changes start none.
            stream.body().close();
            reader.join(10_000);
            awaitZero(topics, "the unfollowed topic's actor stopped");
            assertEquals(200, post(node, base + "/ingest", "application/x-ndjson", insert(8)));
            assertEquals(0, topics.getAsInt(), "publishing to an unfollowed view starts nothing");
        } finally {
            node.stop();
        }
    }

    private static String insert(int x) {
        return "{\"op\":\"insert\",\"table\":\"t\",\"row\":{\"x\":" + x + "}}";
    }

    private static int post(ShardviewNode node, String url, String type, String body) {
        return TestNodes.send(
                        node,
                        HttpRequest.newBuilder(URI.create(url))
                                .header("Content-Type", type)
                                .POST(HttpRequest.BodyPublishers.ofString(body)))
                .statusCode();
    }

    private static void awaitZero(IntSupplier count, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (count.getAsInt() > 0 && System.nanoTime() < deadline) Thread.sleep(100);
        assertEquals(0, count.getAsInt(), what);
    }

    /** How many live actors match the path pattern (each answers Identify; no match answers nothing). */
    private static int actors(ShardviewNode node, String pattern) {
        var system = (ExtendedActorSystem) Adapter.toClassic(node.system());
        List<ActorIdentity> replies = new CopyOnWriteArrayList<>();
        var probe = system.systemActorOf(
                Props.create(Collector.class, () -> new Collector(replies)), "probe-" + System.nanoTime());
        system.actorSelection(pattern).tell(new Identify("count"), probe);
        // Matches answer in any order and their number is not known: counted once none came for 300 ms (within 5 s).
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        int seen = -1;
        try {
            while (seen != replies.size() && System.nanoTime() < deadline) {
                seen = replies.size();
                Thread.sleep(300);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        system.stop(probe);
        return (int) replies.stream().filter(r -> r.getActorRef().isPresent()).count();
    }

    /** Collects the identities the selection's actors send back. */
    static final class Collector extends AbstractActor {
        private final List<ActorIdentity> replies;

        Collector(List<ActorIdentity> replies) {
            this.replies = replies;
        }

        @Override
        public Receive createReceive() {
            return receiveBuilder().match(ActorIdentity.class, replies::add).build();
        }
    }
}
