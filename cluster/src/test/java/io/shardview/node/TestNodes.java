package io.shardview.node;

import com.typesafe.config.Config;
import io.shardview.node.config.NodeConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.Props;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.persistence.AbstractPersistentActor;
import org.apache.pekko.persistence.Recovery;
import org.apache.pekko.persistence.RecoveryCompleted;
import org.apache.pekko.persistence.SnapshotSelectionCriteria;

/** Starts in-process nodes on free ports and talks to them over real HTTP. */
public final class TestNodes {
    static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final AtomicLong PROBES = new AtomicLong();

    private TestNodes() {}

    public static Config config(Path dataDir, Map<String, Object> extra) {
        return config(NodeConfig.DEFAULT_PROFILE, dataDir, extra);
    }

    public static Config config(String profile, Path dataDir, Map<String, Object> extra) {
        Map<String, Object> flags = new HashMap<>(Map.of(
                "shardview.http.port",
                0,
                "shardview.cluster.port",
                0,
                "shardview.data-dir",
                dataDir.toString(),
                // Every message between actors goes through its serializer, as it would between nodes:
                // a command, reply or event that cannot cross the network fails here, in one process.
                "pekko.actor.serialize-messages",
                "on"));
        flags.putAll(extra);
        return NodeConfig.load(profile, Optional.empty(), Map.of(), flags);
    }

    static ShardviewNode start(Path dataDir, List<EntityType> types) {
        return ShardviewNode.start(config(dataDir, Map.of()), List.of(NodeModule.of(types)));
    }

    /** A node on this configuration serving what {@code shardview serve} serves (tenants and metrics), ready. */
    public static ShardviewNode startServing(Config config) throws InterruptedException {
        ShardviewNode node = ShardviewNode.start(config, List.of(new TenantModule(), new MetricsModule()));
        int status = awaitStatus(node, "/ready", 200, Duration.ofSeconds(60)).statusCode();
        if (status != 200) {
            node.stop();
            throw new AssertionError("node not ready: " + status);
        }
        return node;
    }

    static HttpResponse<String> get(ShardviewNode node, String path) {
        return send(node, HttpRequest.newBuilder(URI.create(node.url() + path)).GET());
    }

    static HttpResponse<String> send(ShardviewNode node, HttpRequest.Builder request) {
        try {
            return HTTP.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Polls {@code path} until it answers {@code status}, or fails after {@code timeout}. */
    static HttpResponse<String> awaitStatus(ShardviewNode node, String path, int status, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        HttpResponse<String> last = get(node, path);
        while (last.statusCode() != status && System.nanoTime() < deadline) {
            Thread.sleep(50);
            last = get(node, path);
        }
        return last;
    }

    /** A condition a test waits for; it may throw. */
    interface Condition {
        boolean holds() throws Exception;
    }

    /** Waits up to 15 s for the condition, failing with {@code what}. */
    static void awaitTrue(Condition condition, String what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!condition.holds()) {
            if (System.nanoTime() > deadline) throw new AssertionError(what);
            Thread.sleep(100);
        }
    }

    /**
     * Events the node's journal still holds for a persistence id, counted by a probe that replays
     * them (no snapshot) and never writes. Pekko's LevelDB read journal cannot be used: it refuses
     * any journal class but Pekko's own, and the node runs GroupCommitLeveldbJournal.
     */
    static long journalEvents(ShardviewNode node, String persistenceId) throws Exception {
        CompletableFuture<Long> count = new CompletableFuture<>();
        ((ExtendedActorSystem) Adapter.toClassic(node.system()))
                .systemActorOf(
                        Props.create(JournalEventCount.class, () -> new JournalEventCount(persistenceId, count)),
                        "journal-event-count-" + PROBES.incrementAndGet());
        return count.get(10, TimeUnit.SECONDS);
    }

    /** Replays a persistence id's events, completes {@code count} with their number, and stops. */
    private static final class JournalEventCount extends AbstractPersistentActor {
        private final String persistenceId;
        private final CompletableFuture<Long> count;
        private long events;

        JournalEventCount(String persistenceId, CompletableFuture<Long> count) {
            this.persistenceId = persistenceId;
            this.count = count;
        }

        @Override
        public String persistenceId() {
            return persistenceId;
        }

        @Override
        public Recovery recovery() {
            return Recovery.create(SnapshotSelectionCriteria.none());
        }

        @Override
        public Receive createReceiveRecover() {
            return receiveBuilder()
                    .match(RecoveryCompleted.class, done -> {
                        count.complete(events);
                        getContext().stop(getSelf());
                    })
                    .matchAny(event -> events++)
                    .build();
        }

        @Override
        public Receive createReceive() {
            return receiveBuilder().build();
        }
    }
}
