package io.shardview.entity.tenant;

import io.shardview.entity.tenant.TenantProtocol.Command;
import io.shardview.entity.tenant.TenantProtocol.Diverged;
import io.shardview.entity.tenant.TenantProtocol.Forwarded;
import io.shardview.entity.tenant.TenantProtocol.HomeAnswer;
import io.shardview.entity.tenant.TenantProtocol.Refused;
import io.shardview.entity.tenant.TenantProtocol.SetAsideDone;
import io.shardview.entity.tenant.TenantProtocol.TakeoverAnswers;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.persistence.typed.javadsl.Effect;

/**
 * A tenant entity's side of failover (docs/regions.md, "Failover"): a replica in a surviving region taking the home
 * over from a region declared lost, and a replica that finds it wrote past a newer home's start setting those events
 * aside.
 *
 * <p>Taking over: when the lost home's tenant is next written (or a replica of the lost region asks who is home), the
 * surviving replicas agree on one of them, the one whose journal goes furthest (then the region whose name sorts
 * first), asking each other how far they go; it persists {@link TenantEvent.HomeSet} with the epoch raised by two
 * (never one a move of the lost home may have used) and the sequence number it starts after, and pushes it. With three
 * regions or more it writes only once a majority of all regions journaled that event (it and the others that confirm
 * it); with two, the operator's declaration stands in for the lost region.
 *
 * <p>Setting aside: a home answers a pull from a replica whose last term it does not share to the end with {@link
 * Diverged}; the replica moves the events after the common point into the journal's set-aside table (listed by
 * {@code shardview journal diverged}), and restarts from its journal, which now ends there, to follow the new home.
 */
final class TenantFailover {
    private final TenantContext tenant;
    private final TenantFollowing following;

    /** Whether the surviving regions are being asked how far their journals go. */
    private boolean probing;

    /** The region that is to take the home over, as the last probe decided (null: none decided). */
    private String winner;

    private long decidedAt;

    /** At a new home that took over: the regions that journaled its term's first event, and how many it needs. */
    private long termSeqNr;

    private final Set<String> termJournaledBy = new HashSet<>();
    private int termNeeds;

    /** Whether this replica is moving its events after a fork point aside (every command is refused meanwhile). */
    private boolean settingAside;

    TenantFailover(TenantContext tenant, TenantFollowing following) {
        this.tenant = tenant;
        this.following = following;
        tenant.termRefusal = this::termUnconfirmed;
    }

    // ---- taking over ------------------------------------------------------------------------

    /**
     * A write at a replica whose home is the lost region {@code lost}: this replica takes the home over (then the
     * write is applied here), or sends the write to the survivor that does, or refuses it while none can be chosen.
     */
    Effect<TenantEvent, TenantState> write(TenantState state, Command write, int hops, String lost) {
        TenantReplica replica = tenant.replica;
        // Events received from the lost home and not yet persisted go first: the new term starts after them (and a
        // write persisted before them would interleave two homes' events in this journal).
        if (probing || following.pending()) return write == null ? tenant.effects.none() : tenant.effects.stash();
        boolean fresh = System.currentTimeMillis() - decidedAt
                < replica.settings().syncInterval().toMillis();
        List<String> survivors = survivors();
        if (survivors.isEmpty() || fresh && replica.self().equals(winner)) return takeOver(state, lost, write);
        if (fresh && winner != null) {
            if (write == null) return tenant.effects.none(); // the winner takes over when it is asked or written
            if (hops >= 2) {
                tenant.answerFailed(
                        write,
                        Refused.unavailable("region " + winner + " is taking tenant " + tenant.tenant
                                + " over from the lost region " + lost));
            } else {
                replica.forward(winner, Forwarded.of(write, replica.self(), hops + 1));
            }
            return tenant.effects.none();
        }
        if (fresh) { // the last probe could not decide: a surviving region did not answer
            if (write == null) return tenant.effects.none();
            tenant.answerFailed(
                    write,
                    Refused.unavailable("tenant " + tenant.tenant + "'s home region " + lost + " was declared lost"
                            + " and not every surviving region answered which of them takes it over"));
            return tenant.effects.none();
        }
        probe(survivors, lost);
        return write == null ? tenant.effects.none() : tenant.effects.stash();
    }

    /** The other regions that can take the home over: reachable now and not declared lost. */
    private List<String> survivors() {
        return tenant.replica.reachableOthers().stream()
                .filter(region -> !tenant.replica.lost(region))
                .toList();
    }

    private void probe(List<String> survivors, String lost) {
        probing = true;
        tenant.replica.ask(survivors, answers -> new TakeoverAnswers(lost, answers));
    }

    /** The surviving regions answered how far their journals go: the furthest takes over (then the first by name). */
    Effect<TenantEvent, TenantState> onTakeoverAnswers(TenantState state, TakeoverAnswers answers) {
        probing = false;
        decidedAt = System.currentTimeMillis();
        String best = tenant.replica.self();
        long bestSeqNr = tenant.lastSequenceNumber();
        winner = best;
        for (HomeAnswer answer : answers.answers()) {
            if (!answer.answered()) {
                winner = null; // undecided until every survivor answers
                break;
            }
            if (answer.home() != null && !answer.home().equals(answers.lost())) {
                best = answer.home(); // one took over already
                bestSeqNr = Long.MAX_VALUE;
            } else if (answer.lastSeqNr() > bestSeqNr
                    || answer.lastSeqNr() == bestSeqNr && answer.region().compareTo(best) < 0) {
                best = answer.region();
                bestSeqNr = answer.lastSeqNr();
            }
        }
        if (winner != null) winner = best;
        return tenant.effects.unstashAll();
    }

    /**
     * Persists this replica's term as home, raising the epoch by two; the write, if any, is applied once it is durable
     * (and, with three regions or more, journaled by a majority).
     */
    private Effect<TenantEvent, TenantState> takeOver(TenantState state, String lost, Command write) {
        TenantReplica replica = tenant.replica;
        long after = tenant.lastSequenceNumber();
        long epoch = state.terms.epoch() + 2;
        TenantEvent.HomeSet event =
                new TenantEvent.HomeSet(state.circuit.version(), replica.self(), epoch, after, lost);
        if (write != null) tenant.actor.getSelf().tell(write); // after the event, as a write to this home
        return tenant.effects.persist(event).thenRun(s -> {
            long seqNr = tenant.lastSequenceNumber();
            tenant.durability.durableUpTo(seqNr); // synced with the writes before it
            tenant.actor
                    .getLog()
                    .warn(
                            "tenant {}: home region {} was declared lost; region {} takes the home over at epoch {},"
                                    + " after sequence number {}",
                            tenant.tenant,
                            lost,
                            replica.self(),
                            epoch,
                            after);
            termSeqNr = seqNr;
            termJournaledBy.clear();
            termNeeds = majorityOfOthers();
            following.becameHome(s);
            replica.pushed(List.of(event), seqNr, s.circuit.version());
        });
    }

    /**
     * How many other regions must journal a new term before its home writes: a majority of every region, lost ones
     * included, less this one; none with two regions, where the operator's declaration decides.
     */
    private int majorityOfOthers() {
        Set<String> all = new HashSet<>(tenant.replica.otherRegions());
        all.addAll(LostRegions.get(tenant.actor.getSystem()).lost());
        all.add(tenant.replica.self());
        return all.size() <= 2 ? 0 : all.size() / 2;
    }

    /** At a new home: {@code region} journaled this home's events up to {@code seqNr}. */
    void journaled(String region, long seqNr) {
        if (termSeqNr > 0 && seqNr >= termSeqNr) termJournaledBy.add(region);
    }

    /** The refusal of a write while this new home's term is not yet journaled by a majority, or null. */
    Refused termUnconfirmed() {
        if (termNeeds == 0 || termJournaledBy.size() >= termNeeds) return null;
        return Refused.unavailable("tenant " + tenant.tenant + "'s new home is recording its term in a majority of"
                + " regions (" + termJournaledBy.size() + " of " + termNeeds + " other regions so far)");
    }

    /** Whether {@code command} reads the tenant's state (what a replica that may hold set-aside events never serves). */
    static boolean isRead(Command command) {
        return command instanceof TenantProtocol.ReadRows
                || command instanceof TenantProtocol.Query
                || command instanceof TenantProtocol.QueryPlanned
                || command instanceof TenantProtocol.Describe
                || command instanceof TenantProtocol.ExplainView
                || command instanceof TenantProtocol.ReplayChanges;
    }

    /**
     * A read at a replica that lost its place as home and has not yet heard from the new home how much of its history
     * is the tenant's: refused (503, asked again in a moment), as it may hold events that are to be set aside.
     */
    Effect<TenantEvent, TenantState> refuseRead(Command read) {
        tenant.answerFailed(
                read,
                Refused.unavailable("tenant " + tenant.tenant + "'s replica in region " + tenant.replica.self()
                        + " is checking its events against the tenant's new home; ask again in a moment"));
        return tenant.effects.none();
    }

    // ---- setting aside ----------------------------------------------------------------------

    /** Whether this replica is setting events aside: it answers nothing until it restarts. */
    boolean settingAside() {
        return settingAside;
    }

    /** A command that arrives while events are set aside: a request is refused (503, sent again later). */
    Effect<TenantEvent, TenantState> whileSettingAside(Command command) {
        tenant.answerFailed(
                command,
                Refused.unavailable("tenant " + tenant.tenant + "'s replica in region " + tenant.replica.self()
                        + " is setting aside events a newer home does not have; it restarts in a moment"));
        return tenant.effects.none();
    }

    /**
     * The home says this replica's events after {@code commonEnd} are not the tenant's history: they are moved to the
     * journal's set-aside table, then this incarnation restarts from what is left.
     */
    Effect<TenantEvent, TenantState> onDiverged(TenantState state, Diverged diverged) {
        long last = tenant.lastSequenceNumber();
        // A snapshot still being written could land past the point once the events are gone: the next pull asks again.
        if (last <= diverged.commonEnd() || settingAside || state.snapshotsInFlight > 0) return tenant.effects.none();
        if (followsAlready(state.terms, diverged)) return tenant.effects.none();
        settingAside = true;
        tenant.actor
                .getLog()
                .warn(
                        "tenant {}: events {} to {} were written by a home region that lost its place to {} (epoch {});"
                                + " setting them aside (shardview journal diverged lists them)",
                        tenant.tenant,
                        diverged.commonEnd() + 1,
                        last,
                        diverged.home(),
                        diverged.epoch());
        CompletionStage<Integer> done;
        try {
            done = LostRegions.get(tenant.actor.getSystem())
                    .setAside(tenant.replica.persistenceId(), diverged.commonEnd(), diverged.home(), diverged.epoch());
        } catch (RuntimeException e) {
            done = CompletableFuture.failedFuture(e);
        }
        tenant.actor.pipeToSelf(
                done, (events, error) -> new SetAsideDone(diverged.commonEnd(), events == null ? 0 : events, error));
        return tenant.effects.none();
    }

    /**
     * Whether {@code diverged} answered a pull about a term this replica's journal no longer ends in: its last term is
     * the diverging home's own, or newer. Such an answer is late, not a verdict on these events. A pull names the term
     * of the journal as persisted but asks from past the events received and not yet persisted; when those begin with
     * the new home's term, the home answers Diverged to a journal that, by the time the answer arrives, holds that
     * term and the new home's events after it, which are the tenant's history (a home never answers Diverged to a
     * replica whose last term is its own or newer: it shares every event up to its own last).
     */
    private static boolean followsAlready(HomeTerms terms, Diverged diverged) {
        HomeTerms.Term last = terms.last();
        if (last == null) return false;
        return last.epoch() > diverged.epoch()
                || last.epoch() == diverged.epoch() && last.region().equals(diverged.home());
    }

    /** The events are set aside: this incarnation ends, and the next recovers from the journal as it now is. */
    Effect<TenantEvent, TenantState> onSetAsideDone(SetAsideDone done) {
        if (done.failure() != null) {
            settingAside = false;
            tenant.actor.getLog().error("tenant {}: setting events aside failed", tenant.tenant, done.failure());
            return tenant.effects.none();
        }
        tenant.actor
                .getLog()
                .warn(
                        "tenant {}: {} events after {} set aside; restarting",
                        tenant.tenant,
                        done.events(),
                        done.after());
        throw new EntityFailed("set-aside", null); // restarted by its supervisor, as after a contained failure
    }
}
