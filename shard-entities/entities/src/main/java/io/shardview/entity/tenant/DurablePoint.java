package io.shardview.entity.tenant;

import io.shardview.entity.durability.JournalDurability;
import io.shardview.entity.tenant.TenantProtocol.Command;
import io.shardview.entity.tenant.TenantProtocol.Durable;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * How far a tenant's journal is durable, and what waits for it. A batch's event is acknowledged by the journal once
 * written ({@link io.shardview.entity.durability.AcknowledgedWhenWritten}), so the entity applies its next group while
 * that write is synced; everything the write means outside the entity (the clients' answers, the views' changes, the
 * push to other regions) waits here until the sync that covers it has finished, and runs in the order of the writes.
 * Reads wait for the same point ({@link #behind}): nothing the entity answers shows a write that a power cut could
 * still take back.
 *
 * <p>Owned by one entity incarnation; its methods run on the entity's thread (a sync's outcome comes back as a
 * {@link Durable} message).
 */
final class DurablePoint {
    private record Waiting(long seqNr, Runnable action) {}

    private final ActorRef<Command> entity;
    private final JournalDurability journal;
    private final ArrayDeque<Waiting> waiting = new ArrayDeque<>();

    /** The highest sequence number known durable. */
    private long durable;

    /** The highest sequence number waited for (a sync asked for it). */
    private long asked;

    DurablePoint(ActorRef<Command> entity, JournalDurability journal) {
        this.entity = entity;
        this.journal = journal;
    }

    /**
     * Recovery replayed up to {@code lastSeqNr}: events a previous incarnation wrote may not have been synced yet (it
     * stopped while they waited, or their sync failed), so a sync that starts now must end before anything built on
     * them is answered.
     */
    void recovered(long lastSeqNr) {
        durable = 0;
        // Not afterAcknowledgedWrites: the last event may be one whose write was never acknowledged.
        if (lastSeqNr > 0) waitFor(lastSeqNr, () -> {}, journal::afterEverythingWritten);
    }

    /**
     * The journal acknowledged the write of the events up to {@code seqNr}: {@code action} runs once they are durable,
     * after the actions of the writes before it (at once when the journal's acknowledgement means durable).
     */
    void written(long seqNr, Runnable action) {
        waitFor(seqNr, action, journal::afterAcknowledgedWrites);
    }

    /** {@code action} waits for the events up to {@code seqNr}; a sync is asked for them with {@code nextSync}. */
    private void waitFor(long seqNr, Runnable action, Supplier<CompletableFuture<Void>> nextSync) {
        waiting.add(new Waiting(seqNr, action));
        if (seqNr <= asked) return;
        asked = seqNr;
        CompletableFuture<Void> sync = nextSync.get();
        if (sync.isDone() && !sync.isCompletedExceptionally()) {
            durableUpTo(seqNr);
            // The entity still hears of it: the reads waiting for a version this write reached, and the writes stashed
            // behind reads, are its to handle (a journal whose acknowledgement means durable comes this way every
            // time).
            entity.tell(new Durable(seqNr, null));
        } else {
            sync.whenComplete((done, failure) -> entity.tell(new Durable(seqNr, failure)));
        }
    }

    /**
     * {@code action} once the events up to {@code seqNr}, already written, are durable; at once if they are. Runs in
     * order with the writes' actions.
     */
    void whenDurable(long seqNr, Runnable action) {
        if (seqNr <= durable && waiting.isEmpty()) {
            action.run();
            return;
        }
        // Behind the writes waiting already, so that actions keep their order; a sync asked for those covers it.
        long after =
                waiting.isEmpty() ? seqNr : Math.max(seqNr, waiting.peekLast().seqNr());
        waitFor(after, action, journal::afterAcknowledgedWrites);
    }

    /** The events up to {@code seqNr} are durable: the actions waiting for them run, in order. */
    void durableUpTo(long seqNr) {
        if (seqNr > durable) durable = seqNr;
        while (!waiting.isEmpty() && waiting.peek().seqNr() <= durable) {
            waiting.poll().action().run();
        }
    }

    /** Whether the entity's last event ({@code lastSeqNr}) is not yet known durable: a read must wait. */
    boolean behind(long lastSeqNr) {
        return durable < lastSeqNr;
    }

    /** Whether nothing waits for a sync. */
    boolean idle() {
        return waiting.isEmpty();
    }

    /** Where it stands, for a log line. */
    @Override
    public String toString() {
        return "durable to " + durable + ", a sync asked for " + asked + ", " + waiting.size() + " waiting"
                + (waiting.isEmpty() ? "" : " (from " + waiting.peek().seqNr() + ")");
    }

    /** Drops what waits (the entity stops after a failure; its unanswered batches are answered apart). */
    void abandon() {
        waiting.clear();
    }
}
