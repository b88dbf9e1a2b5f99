package io.shardview.entity;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * Whether this node's region has a node its failure detector cannot hear. Until that node is downed and its shards
 * move (seconds: the failure detector, then the Split Brain Resolver's {@code down-after}), a request for an entity it
 * held is sent to it and lost; requests are then answered quickly (503, or 504 outcome_unknown for a write, both with
 * Retry-After) instead of waiting out the whole ask timeout: those sent while the region is degraded ({@link
 * #timeout}), and those already waiting when it turns degraded ({@link #cutShort}).
 */
public final class RegionHealth {
    private RegionHealth() {}

    /** How often pending requests are checked against the region's health. */
    private static final Duration SWEEP = Duration.ofMillis(250);

    /** Whether some member of this node's region is unreachable now (always false outside a cluster). */
    public static boolean degraded(ActorSystem<?> system) {
        if (!Node.ID.apply(system).clustered) return false;
        Cluster cluster = Cluster.get(system);
        String region = cluster.selfMember().dataCenter();
        for (var member : cluster.state().getUnreachable()) {
            if (member.dataCenter().equals(region)) return true;
        }
        return false;
    }

    /** {@code timeout}, or at most {@code degradedTimeout} plus {@code extra} while the region is degraded. */
    public static Duration timeout(ActorSystem<?> system, Duration timeout, Duration degradedTimeout, Duration extra) {
        if (!degraded(system)) return timeout;
        Duration quick = degradedTimeout.plus(extra);
        return quick.compareTo(timeout) < 0 ? quick : timeout;
    }

    /**
     * {@code ask}, failed with {@link CutShort} if it is still pending {@code degradedTimeout} after it was sent while
     * the region is degraded: the request in flight when a node died waits for the failure detector (a few seconds),
     * not for its whole ask timeout.
     */
    public static <T> CompletionStage<T> cutShort(
            ActorSystem<?> system, CompletionStage<T> ask, Duration degradedTimeout) {
        Node node = Node.ID.apply(system);
        return node.clustered ? node.pending.track(ask, degradedTimeout) : ask;
    }

    /** A request given up because a node of this region became unreachable while it waited. */
    public static final class CutShort extends TimeoutException {
        CutShort(String message) {
            super(message);
        }
    }

    private static boolean clustered(ActorSystem<?> system) {
        return system.settings().config().getString("pekko.actor.provider").equals("cluster");
    }

    /** The node's pending requests, checked against the region's health every {@link #SWEEP}. */
    private static final class Node implements Extension {
        static final ExtensionId<Node> ID = new ExtensionId<>() {
            @Override
            public Node createExtension(ActorSystem<?> system) {
                return new Node(system);
            }
        };

        private final Pending pending;
        private final boolean clustered;

        private Node(ActorSystem<?> system) {
            this.clustered = clustered(system);
            this.pending = new Pending(() -> degraded(system));
            system.scheduler()
                    .scheduleAtFixedRate(
                            SWEEP, SWEEP, () -> pending.sweep(System.nanoTime()), system.executionContext());
        }
    }

    /** Pending requests, each with the time from which it is cut short while {@code degraded} holds. */
    static final class Pending {
        private final java.util.function.BooleanSupplier degraded;
        private final ConcurrentHashMap<CompletableFuture<?>, Long> cutAt = new ConcurrentHashMap<>();

        Pending(java.util.function.BooleanSupplier degraded) {
            this.degraded = degraded;
        }

        <T> CompletionStage<T> track(CompletionStage<T> ask, Duration degradedTimeout) {
            CompletableFuture<T> answer = new CompletableFuture<>();
            cutAt.put(answer, System.nanoTime() + degradedTimeout.toNanos());
            answer.whenComplete((value, failure) -> cutAt.remove(answer));
            ask.whenComplete((value, failure) -> {
                if (failure != null) answer.completeExceptionally(failure);
                else answer.complete(value);
            });
            return answer;
        }

        int size() {
            return cutAt.size();
        }

        void sweep(long nowNanos) {
            if (cutAt.isEmpty() || !degraded.getAsBoolean()) return;
            cutAt.forEach((answer, at) -> {
                if (nowNanos - at >= 0)
                    answer.completeExceptionally(new CutShort("a node of this region is unreachable and the request "
                            + "waited longer than shardview.tenant.unreachable-ask-timeout: its entity may be on it"));
            });
        }
    }
}
