package io.shardview.http.auth;

import io.shardview.entity.auth.TokenProtocol;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's copy of the token registry, refreshed every interval: a token created or revoked on any node is known
 * here within one interval and a round trip, and one created or revoked through this node once that is answered. Between refreshes, checking a token is a map lookup and a hash. While
 * the registry cannot be reached (its node died and sharding is moving it) the last copy stays in use.
 */
public final class TokenCache {
    private static final Logger LOG = LoggerFactory.getLogger(TokenCache.class);

    private final ActorSystem<?> system;
    private final Duration interval;
    private volatile Map<String, TokenProtocol.Token> byId = Map.of();
    private volatile long version = -1;
    private boolean fetching;
    private volatile boolean stopped;

    /** False for a node with auth off: nothing is ever fetched. */
    private final boolean active;

    private TokenCache(ActorSystem<?> system, Duration interval, boolean active) {
        this.system = system;
        this.interval = interval;
        this.active = active;
    }

    /**
     * A cache that refreshes itself from the registry every {@code interval} until the node begins to shut its cluster
     * services down. It stops asking before sharding hands its shards off: on the last node a request for the
     * registry's shard after its hand-off finds no new home, and its region then waited out the whole shutdown
     * phase (60 s) before the node could stop (HttpsTest, now and then).
     */
    public static TokenCache start(ActorSystem<?> system, Duration interval) {
        TokenCache cache = new TokenCache(system, interval, true);
        var task = system.scheduler()
                .scheduleWithFixedDelay(Duration.ZERO, interval, cache::refresh, system.executionContext());
        CoordinatedShutdown.get(system)
                .addTask(CoordinatedShutdown.PhaseBeforeClusterShutdown(), "stop-token-refresh", () -> {
                    cache.stopped = true;
                    task.cancel();
                    return CompletableFuture.completedFuture(Done.getInstance());
                });
        return cache;
    }

    /** A cache that never asks: auth is off, so no token is ever checked. */
    public static TokenCache idle(ActorSystem<?> system) {
        return new TokenCache(system, Duration.ofSeconds(1), false);
    }

    /** Whether the registry answered at least once: before, no tenant token can be checked. */
    public boolean loaded() {
        return version >= 0;
    }

    /** The token with this id, or null. */
    public TokenProtocol.Token get(String id) {
        return byId.get(id);
    }

    /** Every token, for the listing. */
    public List<TokenProtocol.Token> all() {
        return List.copyOf(byId.values());
    }

    /** Waiting for a fetch that starts after they asked ({@link #refreshNow}). */
    private final List<CompletableFuture<Void>> waiting = new ArrayList<>();

    private synchronized void refresh() {
        if (!active || stopped) { // off, or shutting down: nothing will be fetched
            waiting.forEach(w -> w.complete(null));
            waiting.clear();
            return;
        }
        if (fetching) return; // the ask out now started before some waiting asked: they wait for the next
        fetching = true;
        List<CompletableFuture<Void>> answered = List.copyOf(waiting);
        waiting.clear();
        TokenProtocol.<TokenProtocol.Tokens>ask(
                        system, replyTo -> new TokenProtocol.Fetch(version, replyTo), interval.multipliedBy(4))
                .whenComplete((tokens, failure) -> {
                    if (failure != null) {
                        LOG.debug("token registry did not answer: {}", failure.toString());
                    } else {
                        if (tokens.tokens() != null) {
                            Map<String, TokenProtocol.Token> next = new HashMap<>();
                            for (TokenProtocol.Token t : tokens.tokens()) next.put(t.id(), t);
                            byId = Map.copyOf(next);
                        }
                        version = tokens.version();
                    }
                    boolean again;
                    synchronized (this) {
                        fetching = false;
                        again = !waiting.isEmpty();
                    }
                    answered.forEach(w -> w.complete(null));
                    if (again) refresh();
                });
    }

    /**
     * Fetches now, and completes once a fetch that started after this call has answered (or failed): after a change
     * made through this node the copy holds it, so a token is known here once its creation is answered.
     */
    public CompletionStage<Void> refreshNow() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        synchronized (this) {
            waiting.add(done);
        }
        refresh();
        return done;
    }
}
