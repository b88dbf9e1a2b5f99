package io.shardview.entity.tenant;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;

/**
 * At a tenant's home in {@code sync} replication ({@link Replication}): which of its events the other regions have in
 * their journals, and the answers that wait for enough of them. A follower tells its home the last sequence number it
 * has journaled after every write ({@link TenantProtocol.Confirmed}), and each of its pulls says the same; an event is
 * confirmed once {@code min-regions} other regions have it, and the answers waiting for it run then, in the order of
 * the writes. In {@code async} mode nothing waits.
 *
 * <p>A region counts towards a write only while it keeps up: reachable, and not leaving unconfirmed an event that
 * waited longer than the confirm timeout. With fewer such regions than {@code min-regions} the home refuses writes
 * before applying them ({@link #keepingUp}), so that no write is acknowledged that a region's loss could take back.
 * An answer still waiting at the confirm timeout is given up ({@link #expire}): the client is told the outcome is
 * unknown; the event stays in the home's journal and its confirmation may still come.
 *
 * <p>Owned by one entity incarnation; its methods run on the entity's thread. Not state: a home that recovered (or
 * became home) knows nothing confirmed until its followers say how far their journals go, with their next
 * confirmation or pull, so a batch it had applied and not confirmed before a restart is not answered 2xx when sent
 * again until it is confirmed.
 */
final class RegionConfirmations {
    private record Waiting(long seqNr, long atMillis, Runnable action, Runnable onTimeout) {}

    private final ArrayDeque<Waiting> waiting = new ArrayDeque<>();
    /** Told how long each answer that waited for confirmation waited, in milliseconds. */
    private final LongConsumer waited;
    /** The last sequence number each follower region said it has journaled. */
    private final Map<String, Long> journaledBy = new HashMap<>();

    /** How many other regions must have an event before its answer (0: async, none). */
    private int minRegions;

    /**
     * How many other regions, of those with members and those that confirmed before, are not declared lost: sync asks
     * at most so many (docs/regions.md, "Failover").
     */
    private final java.util.function.ToIntFunction<java.util.Set<String>> standing;

    RegionConfirmations(LongConsumer waited, java.util.function.ToIntFunction<java.util.Set<String>> standing) {
        this.waited = waited;
        this.standing = standing;
    }

    /**
     * How many other regions must confirm a write now: the tenant's {@code min_regions}, or fewer while regions are
     * declared lost (an operator's declaration stands for their confirmations, as a dead standby is taken out of
     * PostgreSQL's {@code synchronous_standby_names}).
     */
    private int required() {
        return minRegions == 0 ? 0 : Math.min(minRegions, standing.applyAsInt(journaledBy.keySet()));
    }

    /** Events up to this one need no confirmation: written before sync mode began, or recovered. */
    private long floor;

    /** The confirmed point: every event up to it is in the journals of {@code minRegions} other regions. */
    private long confirmed;

    /**
     * From the event after {@code lastSeqNr} on, answers wait for {@code replication}'s regions; switching to async
     * answers everything that waited.
     */
    void mode(Replication replication, long lastSeqNr) {
        minRegions = replication.sync() ? replication.minRegions() : 0;
        floor = lastSeqNr;
        confirmed = Math.max(confirmed, floor);
        if (required() == 0) runConfirmed(Long.MAX_VALUE);
    }

    /** Whether answers wait for other regions (sync mode, with some region not declared lost). */
    boolean syncing() {
        return required() > 0;
    }

    /** Answers what waited for regions since declared lost, if none are now required. */
    void recheck() {
        if (required() == 0) runConfirmed(Long.MAX_VALUE);
    }

    /**
     * {@code action} once the events up to {@code seqNr} are confirmed, after the actions waiting before it; at once
     * when they are (or in async mode). {@code onTimeout} (may be null) runs instead of nothing if the confirmation has
     * not come within the confirm timeout; {@code action} still runs when it comes.
     */
    void whenConfirmed(long seqNr, Runnable action, Runnable onTimeout) {
        if (waiting.isEmpty() && (required() == 0 || seqNr <= confirmed)) {
            action.run();
            return;
        }
        long after =
                waiting.isEmpty() ? seqNr : Math.max(seqNr, waiting.peekLast().seqNr());
        waiting.add(new Waiting(after, System.currentTimeMillis(), action, onTimeout));
    }

    /**
     * Region {@code region} has journaled the events up to {@code seqNr}: the answers it completes run. Returns whether
     * the confirmed point moved.
     */
    boolean journaled(String region, long seqNr) {
        journaledBy.merge(region, seqNr, Math::max);
        if (required() == 0) return false;
        long point = Math.max(floor, quorum());
        if (point <= confirmed) return false;
        confirmed = point;
        runConfirmed(confirmed);
        return true;
    }

    /** The highest sequence number that {@code minRegions} regions have each journaled (0: not so many). */
    private long quorum() {
        int required = required();
        if (journaledBy.size() < required) return 0;
        long[] positions =
                journaledBy.values().stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(positions);
        return positions[positions.length - required];
    }

    private void runConfirmed(long upTo) {
        long now = System.currentTimeMillis();
        while (!waiting.isEmpty() && waiting.peek().seqNr() <= upTo) {
            Waiting w = waiting.poll();
            waited.accept(now - w.atMillis());
            w.action().run();
        }
    }

    /**
     * Which of {@code reachable} (the other regions this node reaches now) keep up, so may confirm a write: each has
     * journaled every event that has waited for confirmation longer than {@code timeoutMillis}. A region not heard from
     * since this incarnation started counts until a write has waited that long for it.
     */
    List<String> keepingUp(Collection<String> reachable, long timeoutMillis) {
        long stale = staleSeqNr(System.currentTimeMillis() - timeoutMillis);
        List<String> keeping = new ArrayList<>();
        for (String region : reachable) {
            if (stale == 0 || journaledBy.getOrDefault(region, 0L) >= stale) keeping.add(region);
        }
        return keeping;
    }

    /** How many other regions must confirm a write now (0: async, or every other region declared lost). */
    int minRegions() {
        return required();
    }

    /** The last sequence number waiting for confirmation since before {@code beforeMillis} (0: none). */
    private long staleSeqNr(long beforeMillis) {
        long stale = 0;
        for (Waiting w : waiting) {
            if (w.atMillis() > beforeMillis) break;
            stale = w.seqNr();
        }
        return stale;
    }

    /** Gives up the answers that waited longer than {@code timeoutMillis}: their {@code onTimeout} runs, once. */
    void expire(long timeoutMillis) {
        long before = System.currentTimeMillis() - timeoutMillis;
        ArrayDeque<Waiting> kept = new ArrayDeque<>(waiting.size());
        for (Waiting w : waiting) {
            if (w.atMillis() <= before && w.onTimeout() != null) {
                w.onTimeout().run();
                kept.add(new Waiting(w.seqNr(), w.atMillis(), w.action(), null));
            } else {
                kept.add(w);
            }
        }
        waiting.clear();
        waiting.addAll(kept);
    }

    /**
     * Which of {@code reachable} have not journaled the last event an answer waits for: the home reminds them where it
     * is, since a replica that was stopped is started again only by a message (a push, which only a new write sends).
     */
    List<String> behind(Collection<String> reachable) {
        if (waiting.isEmpty()) return List.of();
        long wanted = waiting.peekLast().seqNr();
        List<String> behind = new ArrayList<>();
        for (String region : reachable) {
            if (journaledBy.getOrDefault(region, 0L) < wanted) behind.add(region);
        }
        return behind;
    }

    /** Whether answers wait for confirmation (the entity checks their timeout meanwhile). */
    boolean waiting() {
        return !waiting.isEmpty();
    }

    /** Where it stands, for a log line and an error message. */
    @Override
    public String toString() {
        return "confirmed to " + confirmed + " by " + journaledBy + ", " + waiting.size() + " waiting";
    }
}
