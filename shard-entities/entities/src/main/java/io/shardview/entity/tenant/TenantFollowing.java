package io.shardview.entity.tenant;

import io.shardview.entity.tenant.TenantProtocol.HomeAnswers;
import io.shardview.entity.tenant.TenantProtocol.Pull;
import io.shardview.entity.tenant.TenantProtocol.PulledFromJournal;
import io.shardview.entity.tenant.TenantProtocol.Replicate;
import io.shardview.entity.tenant.TenantProtocol.SyncTick;
import io.shardview.entity.tenant.TenantProtocol.WhoIsHome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.persistence.typed.javadsl.Effect;

/**
 * A tenant entity's side of replication across regions (docs/regions.md), with {@link TenantReplica} holding what the
 * replica knows: which region is home (asked of the other regions while nobody knows), the home answering pulls, and a
 * follower persisting and applying the events its home pushes, in the home's order, then publishing their view
 * changes in this region.
 */
final class TenantFollowing {
    private static final String SYNC_TIMER = "sync-with-home";
    private static final String CATCH_UP_TIMER = "catch-up";

    private final TenantContext tenant;
    private final TenantReads reads;

    /**
     * A follower's events from the home not persisted yet, each wrapped as {@link TenantEvent.Replicated}, in the
     * home's order from this replica's last sequence number + 1, and when the home sent each push among them. Pushes
     * that arrive while an earlier persist runs wait together, and are then persisted and applied as one write.
     */
    private final List<TenantEvent> received = new ArrayList<>();

    private final List<Long> receivedSentAt = new ArrayList<>();

    TenantFollowing(TenantContext tenant, TenantReads reads) {
        this.tenant = tenant;
        this.reads = reads;
    }

    /** Whether commands wait (stashed) because this replica is asking the other regions which one is home. */
    boolean waitingForHome() {
        return tenant.replica.lookup == TenantReplica.Lookup.RUNNING;
    }

    /** After recovery: a replica that does not know its home asks; one that follows another region starts syncing. */
    void recovered(TenantState state) {
        long lastSeqNr = tenant.lastSequenceNumber();
        if (tenant.replica.home(state, lastSeqNr) == null) tenant.replica.startLookup(false);
        else if (tenant.replica.isFollower(state, lastSeqNr)) startFollowing(state, lastSeqNr);
    }

    /**
     * The other regions answered which one is home: this replica claims it (a first SQL request nobody else claims),
     * follows the home they named, or knows the tenant exists nowhere; the waiting commands go on.
     */
    Effect<TenantEvent, TenantState> onHomeAnswers(TenantState state, HomeAnswers answers) {
        TenantReplica replica = tenant.replica;
        long lastSeqNr = tenant.lastSequenceNumber();
        boolean claim = replica.lookupAnswered(answers, state, lastSeqNr);
        if (claim && replica.home(state, lastSeqNr) == null) {
            TenantEvent.HomeSet event = new TenantEvent.HomeSet(
                    state.circuit.version(), replica.self(), state.terms.epoch() + 1, lastSeqNr, null);
            tenant.actor.getLog().info("tenant {}: home region is {}", tenant.tenant, replica.self());
            return tenant.effects
                    .persist(event)
                    .thenRun(s -> {
                        tenant.durability.durableUpTo(tenant.lastSequenceNumber()); // synced with the writes before it
                        s.enforceBudgets();
                        replica.pushed(List.of(event), tenant.lastSequenceNumber(), s.circuit.version());
                    })
                    .thenUnstashAll();
        }
        if (replica.isFollower(state, lastSeqNr)) {
            state.stopEnforcingBudgets();
            startFollowing(state, lastSeqNr);
        } else if (lastSeqNr > 0 && replica.isHome(state, lastSeqNr)) { // its events said so, and the others agree
            state.enforceBudgets();
            tenant.confirmations.mode(state.replication, 0);
        }
        return tenant.effects.unstashAll();
    }

    /**
     * Another region's replica asks which region is home. A replica of a region declared lost asking its own region's
     * home makes this surviving replica take the home over now, if it is to (the asker asks again).
     */
    Effect<TenantEvent, TenantState> onWhoIsHome(TenantState state, WhoIsHome asked) {
        long lastSeqNr = tenant.lastSequenceNumber();
        TenantProtocol.HomeAnswer answer = tenant.replica.answer(state, lastSeqNr, asked);
        if (tenant.replica.lost(asked.region())
                && asked.region().equals(answer.home())
                && !tenant.replica.lost(tenant.replica.self())) {
            tenant.actor.getSelf().tell(new TenantProtocol.TakeOver());
        }
        return tenant.answer(asked.replyTo(), answer);
    }

    /**
     * This replica became the writer (a move reached it, or it took the home over from a lost region): it enforces the
     * budgets, its followers confirm from here, and it stops following.
     */
    void becameHome(TenantState state) {
        TenantReplica replica = tenant.replica;
        replica.handedOver();
        tenant.actor.getLog().info("tenant {}: home region is now {}", tenant.tenant, replica.self());
        state.enforceBudgets();
        tenant.confirmations.mode(state.replication, 0); // the other followers confirm what it has
        tenant.timers.cancel(SYNC_TIMER);
        replica.stopped();
    }

    /** A follower asks for the events from a sequence number on: from memory, or read from the journal. */
    Effect<TenantEvent, TenantState> onPull(TenantState state, Pull pull) {
        TenantReplica replica = tenant.replica;
        long lastSeqNr = tenant.lastSequenceNumber();
        tenant.confirmations.journaled(pull.region(), pull.fromSeqNr() - 1); // it has those before what it asks for
        replica.answerPull(
                pull,
                replica.isHome(state, lastSeqNr),
                replica.home(state, lastSeqNr),
                lastSeqNr,
                state.circuit.version());
        return tenant.effects.none();
    }

    /** The events a pull asked for, read from the journal: sent to the follower. */
    Effect<TenantEvent, TenantState> onPulledFromJournal(TenantState state, PulledFromJournal pulled) {
        tenant.replica.answerPulledFromJournal(pulled, tenant.lastSequenceNumber(), state.circuit.version());
        return tenant.effects.none();
    }

    /** At the home: a follower in another region has journaled the home's events up to a sequence number. */
    Effect<TenantEvent, TenantState> onConfirmed(TenantProtocol.Confirmed confirmed) {
        tenant.confirmations.journaled(confirmed.region(), confirmed.seqNr());
        return tenant.effects.none();
    }

    /** A follower behind its home whose last pull was too recent to pull again: now it may. */
    Effect<TenantEvent, TenantState> onCatchUp(TenantState state) {
        long last = tenant.lastSequenceNumber();
        if (tenant.replica.isFollower(state, last) && received.isEmpty()) tenant.replica.applied(state, last);
        return tenant.effects.none();
    }

    /** A follower's tick: it asks its home for what it may have missed, and sets its next tick (backed off if idle). */
    Effect<TenantEvent, TenantState> onSyncTick(TenantState state) {
        Duration next = tenant.replica.sync(state, tenant.lastSequenceNumber());
        if (!tenant.replica.isHome(state, tenant.lastSequenceNumber()))
            tenant.timers.startSingleTimer(SYNC_TIMER, new SyncTick(), next);
        return tenant.effects.none();
    }

    /** From now on this replica follows a home in another region: it syncs with it, then at every tick. */
    void startFollowing(TenantState state, long lastSeqNr) {
        tenant.timers.startSingleTimer(SYNC_TIMER, new SyncTick(), tenant.replica.sync(state, lastSeqNr));
    }

    /** Ticks, if they were not already; brought forward when events came while the next tick was backed off. */
    private void startSyncTimer() {
        if (tenant.replica.takeSyncSooner() || !tenant.timers.isTimerActive(SYNC_TIMER)) {
            tenant.timers.startSingleTimer(SYNC_TIMER, new SyncTick(), tenant.replica.syncDelay());
        }
    }

    /**
     * Events from the home (pushed, or answering a pull): kept with those received before and not persisted yet; the
     * first of them asks this replica to persist them ({@link TenantProtocol.PersistReceived}), which it does after
     * whatever persist runs now, so pushes that arrive meanwhile are written together.
     */
    Effect<TenantEvent, TenantState> onReplicate(TenantState state, Replicate replicate) {
        long lastSeqNr = tenant.lastSequenceNumber();
        if (tenant.replica.isHome(state, lastSeqNr)
                && (state.home != null || lastSeqNr > 0)
                && replicate.epoch() > tenant.replica.epoch()) {
            tenant.replica.deposedBy(replicate.home(), replicate.epoch());
            state.stopEnforcingBudgets();
        }
        if (tenant.replica.isHome(state, lastSeqNr) && (state.home != null || lastSeqNr > 0)) {
            tenant.actor
                    .getLog()
                    .warn(
                            "tenant {}: region {} sent events as its home, but this replica is home; ignored",
                            tenant.tenant,
                            replicate.home());
            return tenant.effects.none();
        }
        List<TenantEvent> fresh = tenant.replica.received(replicate, lastSeqNr + received.size());
        startSyncTimer();
        if (fresh != null && fresh.isEmpty() && received.isEmpty() && state.replication.sync()) {
            tenant.replica.confirm(replicate.home(), lastSeqNr); // it has every event the home has: say so
        }
        if (fresh == null || fresh.isEmpty()) return tenant.effects.none();
        if (received.isEmpty()) tenant.actor.getSelf().tell(new TenantProtocol.PersistReceived());
        for (TenantEvent event : fresh) {
            received.add(
                    event instanceof TenantEvent.Replicated
                            ? event
                            : new TenantEvent.Replicated(replicate.home(), event));
        }
        receivedSentAt.add(replicate.sentAtMillis());
        return tenant.effects.none();
    }

    /**
     * The events received from the home since the last time: applied to the circuit as the home applied them,
     * persisted in this region's journal at the home's sequence numbers, then published to this region's change
     * streams. A run of batches is one write; any other event (SQL, budgets, a home move) is written alone, as the
     * state takes its effect only in the event handler (a view's change history starts there) and the batches after
     * it need that effect.
     */
    Effect<TenantEvent, TenantState> onPersistReceived(TenantState state) {
        if (received.isEmpty()) return tenant.effects.none();
        long lastSeqNr = tenant.lastSequenceNumber();
        if (tenant.replica.isHome(state, lastSeqNr) && (state.home != null || lastSeqNr > 0)) {
            // It became home (a takeover waits for what was received; this is a last guard): its log is its own now.
            tenant.actor
                    .getLog()
                    .warn(
                            "tenant {}: {} received events dropped, this replica is home",
                            tenant.tenant,
                            received.size());
            received.clear();
            receivedSentAt.clear();
            return tenant.effects.unstashAll();
        }
        int run = 1;
        if (isBatch(received.get(0))) {
            while (run < received.size() && isBatch(received.get(run))) run++;
        }
        List<TenantEvent> persisted = List.copyOf(received.subList(0, run));
        received.subList(0, run).clear();
        List<Long> sentAt = received.isEmpty() ? List.copyOf(receivedSentAt) : List.of();
        if (received.isEmpty()) receivedSentAt.clear();
        else tenant.actor.getSelf().tell(new TenantProtocol.PersistReceived()); // the rest after this write
        List<ViewChange> changes = new ArrayList<>();
        boolean newTerm = persisted.stream()
                .anyMatch(event -> ((TenantEvent.Replicated) event).event() instanceof TenantEvent.HomeSet);
        for (TenantEvent event : persisted) {
            changes.addAll(state.applyFromHome(((TenantEvent.Replicated) event).event()));
        }
        return tenant.effects
                .persist(persisted)
                .thenRun(s -> {
                    tenant.durability.durableUpTo(tenant.lastSequenceNumber()); // synced with the writes before it
                    changes.forEach(tenant.topics::publish);
                    reads.answerWaiting(s, s.circuit.version());
                    long last = tenant.lastSequenceNumber();
                    TenantReplica replica = tenant.replica;
                    if (replica.isHome(s, last)) { // the home moved here: this replica writes from now on
                        becameHome(s);
                    } else {
                        // In sync replication the home waits for it; a new term's home waits for a majority to journal
                        // it.
                        if (s.replication.sync() || newTerm) replica.confirm(replica.home(s, last), last);
                        replica.applied(s, last);
                        Duration catchUp = replica.catchUpIn(last);
                        if (catchUp != null)
                            tenant.timers.startSingleTimer(CATCH_UP_TIMER, new TenantProtocol.CatchUp(), catchUp);
                        replica.reportLag(s, last);
                    }
                    sentAt.forEach(replica::replicated);
                })
                .thenUnstashAll(); // a takeover that waited for what was received goes on
    }

    /** Whether events received from the home wait to be persisted (a takeover waits for them). */
    boolean pending() {
        return !received.isEmpty();
    }

    private static boolean isBatch(TenantEvent event) {
        return ((TenantEvent.Replicated) event).event() instanceof TenantEvent.BatchApplied;
    }
}
