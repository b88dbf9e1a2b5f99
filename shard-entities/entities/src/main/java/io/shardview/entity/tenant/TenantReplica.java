package io.shardview.entity.tenant;

import io.shardview.entity.RegionProxies;
import io.shardview.entity.large.LargeMessages;
import io.shardview.entity.tenant.TenantProtocol.Command;
import io.shardview.entity.tenant.TenantProtocol.HomeAnswer;
import io.shardview.entity.tenant.TenantProtocol.Pull;
import io.shardview.entity.tenant.TenantProtocol.Replicate;
import io.shardview.entity.tenant.TenantProtocol.WhoIsHome;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.persistence.query.javadsl.CurrentEventsByPersistenceIdQuery;
import org.apache.pekko.stream.javadsl.Sink;

/**
 * One tenant entity's place among the tenant's replicas, one per region (docs/regions.md). The replica in the home
 * region is the only writer: it persists each accepted write as before and pushes the events to the other regions'
 * replicas, which persist them in their own journals at the same sequence numbers and apply them as the home did, so
 * every replica holds the same state at the same version. A replica that misses events (a push lost in a partition, a
 * replica stopped meanwhile) pulls them from the home: from the home's memory when recent, else from its journal. A
 * replica that has heard nothing for {@code sync-interval} asks the home where it is, which bounds how long it can
 * fall behind unnoticed and tells it how stale it is.
 *
 * <p>Which region is home: the region named by the tenant's events ({@link TenantEvent.HomeSet}, or the origin of
 * the events a replica follows); for a tenant created in a cluster of one region, the region holding its events. A
 * replica with no events asks the other regions' replicas ({@link WhoIsHome}) before it answers anything: a tenant
 * may exist in another region, or be created there at the same moment. A new tenant's first SQL request makes the
 * region that received it home, unless another region's replica is claiming it too, in which case the region whose
 * name sorts first wins and the other forwards to it.
 *
 * <p>Not state: after a restart a replica knows its home from its events and the rest again from the home.
 */
final class TenantReplica {
    /** What a replica knows about its tenant's home before its events say it. */
    enum Lookup {
        /** Nothing asked yet. */
        NONE,
        /** Asking the other regions now; commands wait. */
        RUNNING,
        /** Every other region answered: none has the tenant (valid for a sync interval). */
        ABSENT,
        /** Some region did not answer: nobody can say whether the tenant exists elsewhere. */
        UNDECIDED
    }

    private record Sequenced(long seqNr, TenantEvent event, long bytes) {}

    private final ActorContext<Command> actor;
    private final String tenant;
    private final Regions regions;
    private final String persistenceId;

    /** Whether {@code ref} is on this node or another of this region's (see {@link Regions#sameRegion}). */
    boolean inThisRegion(org.apache.pekko.actor.typed.ActorRef<?> ref) {
        return regions.sameRegion(ref.path().address());
    }

    /** The home region as learned from other replicas (a lookup, a push), before this replica's events say it. */
    private String knownHome;

    Lookup lookup = Lookup.NONE;
    private long lookupAt;
    /** Whether the running lookup means to claim home for this region. */
    private boolean claimingLookup;

    /** During a claiming lookup: a region that claims too and wins, to forward to. */
    private String yieldedTo;

    private final long startedAtMillis = System.currentTimeMillis();

    /** The region this replica told it would not claim against (a claiming region asked it), and when. */
    private String promisedTo;

    private long promisedAt;

    /**
     * Whether this replica, home by its events, was confirmed home by the other regions: needed when its region was
     * ever declared lost (a failover may have taken the home), or while this node has not heard which regions are.
     */
    private boolean homeVerified;

    /** The home that took this replica's place (a newer epoch, as the other regions answered), or null. */
    private String deposedBy;

    /** The epoch of the home that took this replica's place: once its events reach it, they say who is home. */
    private long deposedAtEpoch;

    /**
     * This replica became home through its events (a move to its region, or its own takeover), applied after the
     * previous home's: it is home without asking anyone, and no longer deposed.
     */
    void handedOver() {
        homeVerified = true;
        deposedBy = null;
        checkedAgainstNewHome = false;
    }

    /** The entity's state once recovered (one mutable instance for the incarnation): its terms name its epoch. */
    private TenantState state;

    /** After recovery: the state whose terms the messages of this replica carry. */
    void attach(TenantState state) {
        this.state = state;
    }

    /** The epoch of the home's term as this replica's events say (0 before any home was set). */
    long epoch() {
        return state == null ? 0 : state.terms.epoch();
    }

    /** The home this replica's events name: set by an event, or this region for a log written here alone. */
    private String written(TenantState state, long lastSeqNr) {
        return state.home != null ? state.home : lastSeqNr > 0 ? self() : null;
    }

    /**
     * A home of a newer term than this replica's (a higher epoch) sent events: this replica, home by its events, lost
     * its place while it could not hear of it, and follows that home from now on.
     */
    void deposedBy(String home, long epoch) {
        deposedAtEpoch = Math.max(deposedAtEpoch, epoch);
        if (deposedBy == null)
            actor.getLog()
                    .warn(
                            "tenant {}: region {} is home at epoch {}, above this replica's {}; it follows",
                            tenant,
                            home,
                            epoch,
                            epoch());
        deposedBy = home;
    }

    /** Whether a deposed replica heard from its new home that its events are the new home's up to its last. */
    private boolean checkedAgainstNewHome;

    /**
     * Whether this replica was home by its events, lost its place to a newer home, and has not yet heard from that
     * home that its events are part of the tenant's history: it may hold events the new home does not have, which are
     * never served, so it answers no read until it has heard (or set them aside and restarted).
     */
    boolean unchecked() {
        return deposedBy != null && !checkedAgainstNewHome;
    }

    /** Whether this replica is home by its events but waits for the other regions to confirm it. */
    boolean verifying(TenantState state, long lastSeqNr) {
        return self().equals(written(state, lastSeqNr)) && !settled() && deposedBy == null;
    }

    /** Whether a replica that is home by its events may act as home without asking the other regions. */
    private boolean settled() {
        if (homeVerified || regions.others().isEmpty()) return true;
        LostRegions lost = lostRegions();
        return lost.known() && !lost.everLost(self());
    }

    private LostRegions lostRegions() {
        return LostRegions.get(actor.getSystem());
    }

    /**
     * How many other regions, of the cluster's and of {@code heardFrom} (which may have no members now), are not
     * declared lost: those sync replication may wait for.
     */
    int standingOthers(java.util.Set<String> heardFrom) {
        java.util.Set<String> all = new java.util.HashSet<>(regions.others());
        all.addAll(heardFrom);
        all.remove(self());
        all.removeIf(this::lost);
        return all.size();
    }

    /** Whether {@code region} was declared lost (its tenants fail over to a surviving region). */
    boolean lost(String region) {
        return lostRegions().lost(region);
    }

    // A follower's view of its home.
    private long homeSeqNr;
    private long homeVersion;
    private long lastHeardMillis;
    /** When this replica last knew it had every event the home had (0: never). */
    private long caughtUpAtMillis;

    private long pullSentMillis;

    /** When a follower next asks its home (created with the settings, on first use). */
    private SyncBackoff backoff;

    /** Whether events came while the follower's next ask was backed off: its tick is brought forward. */
    private boolean syncSooner;

    // The home's recent events, to answer pulls without reading the journal (kept only with other regions).
    private final ArrayDeque<Sequenced> recent = new ArrayDeque<>();
    private long recentBytes;

    TenantReplica(ActorContext<Command> actor, String tenant, Regions regions, String persistenceId) {
        this.actor = actor;
        this.tenant = tenant;
        this.regions = regions;
        this.persistenceId = persistenceId;
    }

    String self() {
        return regions.self();
    }

    /**
     * The home region, or null while nobody knows (this replica has no events and the other regions were not asked, or
     * its events say it is home and it has yet to check that no failover took its place: {@link #settled}).
     */
    String home(TenantState state, long lastSeqNr) {
        String written = written(state, lastSeqNr);
        if (deposedBy != null && epoch() >= deposedAtEpoch) deposedBy = null; // its events have caught up with it
        if (written != null && written.equals(self()) && (deposedBy != null || !settled())) {
            return deposedBy; // null: it asks the others
        }
        if (written != null) return written;
        if (knownHome != null && !knownHome.equals(self())) return knownHome;
        if (promisedTo != null && System.currentTimeMillis() - promisedAt < promiseMillis()) return promisedTo;
        if (regions.others().isEmpty()) return self();
        return null;
    }

    boolean isHome(TenantState state, long lastSeqNr) {
        return self().equals(home(state, lastSeqNr));
    }

    /** Whether this replica follows a home in another region. */
    boolean isFollower(TenantState state, long lastSeqNr) {
        String home = home(state, lastSeqNr);
        return home != null && !home.equals(self());
    }

    /** Whether a write must ask the other regions first: no home known and no recent answer that it exists nowhere. */
    boolean mustLookUp(TenantState state, long lastSeqNr) {
        if (home(state, lastSeqNr) != null) return false;
        return lookup != Lookup.ABSENT
                || System.currentTimeMillis() - lookupAt
                        > settings().syncInterval().toMillis();
    }

    /** Whether {@code region} still has members (a home whose region left the cluster cannot be reached). */
    boolean hasMembers(String region) {
        return regions.others().contains(region);
    }

    Regions.Settings settings() {
        return regions.settings();
    }

    /** Whether the last lookup was answered less than {@code interval} ago. */
    boolean answeredWithin(Duration interval) {
        return System.currentTimeMillis() - lookupAt < interval.toMillis();
    }

    /** Whether writes can be sent to {@code home}: it has members and this node does not see it cut off. */
    boolean reachable(String home) {
        return hasMembers(home) && !regions.unreachable(home) && !lostRegions().silent(home);
    }

    /** The other regions of the cluster (with members now). */
    List<String> otherRegions() {
        return regions.others();
    }

    /** The other regions this node reaches now (with members, not cut off). */
    List<String> reachableOthers() {
        return regions.others().stream()
                .filter(region -> !regions.unreachable(region) && !lostRegions().silent(region))
                .toList();
    }

    /** Sends a write on to the home replica. */
    void forward(String home, TenantProtocol.Forwarded write) {
        send(home, write);
    }

    /** An answer of this home in sync replication waited {@code millis} for other regions (the node's histogram). */
    void confirmWaited(long millis) {
        regions.recordConfirmWait(millis);
    }

    /** A write to this home in sync replication was refused: too few regions could confirm it (the node's count). */
    void syncRefused() {
        regions.syncRefused();
    }

    /** A write this home applied was answered unconfirmed (the node's count). */
    void syncUnconfirmed() {
        regions.syncUnconfirmed();
    }

    /** A replicated event applied here: how long after the home sent it (the replication delay metric). */
    void replicated(long sentAtMillis) {
        regions.recordDelay(Math.max(0, System.currentTimeMillis() - sentAtMillis));
    }

    private long promiseMillis() {
        return 3 * settings().homeLookupTimeout().toMillis();
    }

    /**
     * Tells the replicas in {@code regions} where the home is (a push of no events): one that lacks events pulls them,
     * one that has them all says so ({@link TenantProtocol.Confirmed}, in sync replication). The message starts a
     * replica that is not running, as after its node restarted.
     */
    void remind(List<String> regions, long lastSeqNr, long version) {
        for (String region : regions) {
            send(
                    region,
                    new Replicate(
                            self(), lastSeqNr + 1, List.of(), lastSeqNr, version, System.currentTimeMillis(), epoch()));
        }
    }

    /** A follower in sync replication tells its home it has journaled the home's events up to {@code seqNr}. */
    void confirm(String home, long seqNr) {
        if (home != null && !home.equals(self())) send(home, new TenantProtocol.Confirmed(self(), seqNr));
    }

    /** Tells the replica in {@code region} the command, in parts when it is too large for one remoting frame. */
    private void send(String region, Command command) {
        LargeMessages.tellViaSharding(actor.getSystem(), replicaIn(region), command, TenantProtocol.MessagePart::new);
    }

    private org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef<Command> replicaIn(String region) {
        return RegionProxies.get(actor.getSystem()).entityRef(TenantProtocol.ENTITY_KEY, tenant, region);
    }

    // ---- which region is home ---------------------------------------------------------------

    /**
     * Asks every other region's replica which region is home; with {@code claiming}, this replica means to become home
     * if none is. The answers come back to the entity as one {@link TenantProtocol.HomeAnswers}.
     */
    void startLookup(boolean claiming) {
        lookup = Lookup.RUNNING;
        claimingLookup = claiming;
        yieldedTo = null;
        ask(regions.others(), claiming, answers -> new TenantProtocol.HomeAnswers(answers, claiming));
    }

    /**
     * Asks the replicas in {@code regions} which region is home and how far their journals go ({@link WhoIsHome}, not
     * claiming); their answers come back to the entity as one command, made by {@code answered}.
     */
    void ask(List<String> regions, java.util.function.Function<List<HomeAnswer>, Command> answered) {
        ask(regions, false, answered);
    }

    private void ask(
            List<String> askedRegions,
            boolean claiming,
            java.util.function.Function<List<HomeAnswer>, Command> answered) {
        Duration timeout = settings().homeLookupTimeout();
        List<CompletableFuture<HomeAnswer>> asked = new ArrayList<>();
        for (String region : askedRegions) {
            CompletionStage<HomeAnswer> answer = regions.unreachable(region)
                    ? CompletableFuture.completedFuture(HomeAnswer.silent(region))
                    : replicaIn(region)
                            .<HomeAnswer>ask(replyTo -> new WhoIsHome(self(), claiming, replyTo), timeout)
                            .exceptionally(silent -> HomeAnswer.silent(region));
            asked.add(answer.toCompletableFuture());
        }
        actor.pipeToSelf(
                CompletableFuture.allOf(asked.toArray(CompletableFuture[]::new))
                        .thenApply(done ->
                                asked.stream().map(CompletableFuture::join).toList()),
                (answers, error) -> answered.apply(answers == null ? List.of() : answers));
    }

    String persistenceId() {
        return persistenceId;
    }

    /**
     * The answers of a lookup. Returns true when this replica is to claim home: it was claiming, every other region
     * answered, none has a home or wins the claim, and none made it yield.
     */
    boolean lookupAnswered(TenantProtocol.HomeAnswers answers, TenantState state, long lastSeqNr) {
        lookupAt = System.currentTimeMillis();
        if (self().equals(written(state, lastSeqNr))) {
            verified(answers.answers());
            return false;
        }
        String winner = yieldedTo;
        boolean silent = false;
        for (HomeAnswer answer : answers.answers()) {
            if (!answer.answered()) silent = true;
            else if (answer.home() != null) winner = answer.home();
            else if (answer.claiming() && winner == null) winner = answer.region();
        }
        if (winner != null && winner.equals(self())) {
            // The others expect this region to be home (it won a claim before, or they were told so): it claims now.
            lookup = Lookup.NONE;
            return answers.claiming();
        }
        if (winner != null) {
            knownHome = winner;
            lookup = Lookup.NONE;
            return false;
        }
        lookup = silent ? Lookup.UNDECIDED : Lookup.ABSENT;
        return answers.claiming() && !silent;
    }

    /**
     * The other regions' answers to a replica that is home by its events and must confirm it: one that names a newer
     * home (a higher epoch) deposes it, and it follows that home from now on, setting aside what it wrote past the
     * new home's start; if every region answered, none knows a newer home and this region is not declared lost, it is
     * home. Otherwise it cannot say yet (writes are refused 503 until it can).
     */
    private void verified(List<HomeAnswer> answers) {
        boolean silent = false;
        String newer = null;
        long newest = epoch();
        for (HomeAnswer answer : answers) {
            if (!answer.answered()) silent = true;
            else if (answer.home() != null && !answer.home().equals(self()) && answer.epoch() > newest) {
                newer = answer.home();
                newest = answer.epoch();
            }
        }
        if (newer != null) {
            deposedBy = newer;
            deposedAtEpoch = newest;
            lookup = Lookup.NONE;
            actor.getLog()
                    .warn(
                            "tenant {}: region {} took the home over at epoch {} (this replica's is {}); it follows",
                            tenant,
                            newer,
                            newest,
                            epoch());
        } else if (silent || lost(self())) {
            lookup = Lookup.UNDECIDED;
        } else {
            homeVerified = true;
            lookup = Lookup.NONE;
        }
    }

    /** Why a write cannot be placed now: some region did not answer whether it has the tenant. */
    boolean undecided() {
        return lookup == Lookup.UNDECIDED;
    }

    /** The answer to another region's {@link WhoIsHome}. */
    HomeAnswer answer(TenantState state, long lastSeqNr, WhoIsHome asked) {
        String home = home(state, lastSeqNr);
        if (home == null) home = written(state, lastSeqNr); // its events name a home it has yet to confirm: said
        if (home != null) return new HomeAnswer(self(), home, false, true, epoch(), lastSeqNr);
        if (lookup == Lookup.RUNNING && claimingLookup && asked.claiming()) {
            if (self().compareTo(asked.region()) < 0) return new HomeAnswer(self(), null, true, true, 0, lastSeqNr);
            yieldedTo = asked.region(); // it wins: this replica's claim ends by forwarding to it
        }
        if (asked.claiming()) {
            promisedTo = asked.region();
            promisedAt = System.currentTimeMillis();
        }
        return new HomeAnswer(self(), null, false, true, 0, lastSeqNr);
    }

    // ---- the home side ----------------------------------------------------------------------

    /** After the home persisted {@code events} ending at {@code lastSeqNr}: keep them for pulls and push them. */
    void pushed(List<TenantEvent> events, long lastSeqNr, long version) {
        List<String> others = regions.others();
        if (events.isEmpty()) return;
        if (others.isEmpty()) {
            // Nobody to push to; what it keeps would have a gap once another region is back: pulls read the journal.
            recent.clear();
            recentBytes = 0;
            return;
        }
        long first = lastSeqNr - events.size() + 1;
        for (int i = 0; i < events.size(); i++) remember(first + i, events.get(i));
        // In slices of at most pull-max-bytes, as pulls are answered: remoting drops a message above its frame size
        // (256 KiB), and a group commit of many batches can be larger.
        long firstOfSlice = first;
        for (List<TenantEvent> slice : slices(events, settings().pullMaxBytes())) {
            Replicate push =
                    new Replicate(self(), firstOfSlice, slice, lastSeqNr, version, System.currentTimeMillis(), epoch());
            for (String region : others) {
                if (!regions.unreachable(region)) send(region, push);
            }
            firstOfSlice += slice.size();
        }
    }

    /** {@code events} in order, cut into runs of at most {@code maxBytes} (a larger event alone in its run). */
    static List<List<TenantEvent>> slices(List<TenantEvent> events, long maxBytes) {
        List<List<TenantEvent>> slices = new ArrayList<>();
        List<TenantEvent> slice = new ArrayList<>();
        long bytes = 0;
        for (TenantEvent event : events) {
            long size = sizeOf(event);
            if (!slice.isEmpty() && bytes + size > maxBytes) {
                slices.add(List.copyOf(slice));
                slice.clear();
                bytes = 0;
            }
            slice.add(event);
            bytes += size;
        }
        if (!slice.isEmpty()) slices.add(List.copyOf(slice));
        return slices;
    }

    private void remember(long seqNr, TenantEvent event) {
        long bytes = sizeOf(event);
        recent.addLast(new Sequenced(seqNr, event, bytes));
        recentBytes += bytes;
        while (recent.size() > settings().recentEvents()
                || (recentBytes > settings().pullMaxBytes() && recent.size() > 1)) {
            recentBytes -= recent.removeFirst().bytes();
        }
    }

    private static long sizeOf(TenantEvent event) {
        if (event instanceof TenantEvent.Replicated replicated) return sizeOf(replicated.event());
        if (event instanceof TenantEvent.BatchApplied batch) return 64 + batch.deltas().length;
        if (event instanceof TenantEvent.SqlApplied sql)
            return 64 + 2L * sql.sql().length();
        return 64;
    }

    /**
     * Answers a replica's pull from this home: from memory when the events are recent, else from the journal (the
     * answer then arrives later, through the entity, as {@link TenantProtocol.PulledFromJournal}).
     */
    void answerPull(Pull pull, boolean isHome, String home, long lastSeqNr, long version) {
        long common = state == null ? Long.MAX_VALUE : state.terms.commonEnd(pull.epoch(), pull.termRegion());
        if (common < pull.fromSeqNr() - 1) {
            // The replica holds events past the end of its term in this history: written by a home that lost its place.
            LargeMessages.tell(actor.getSystem(), pull.replyTo(), new TenantProtocol.Diverged(self(), epoch(), common));
            return;
        }
        if (pull.fromSeqNr() > lastSeqNr) {
            // Only the home may say there is nothing more; a replica behind it says nothing.
            if (isHome)
                LargeMessages.tell(
                        actor.getSystem(),
                        pull.replyTo(),
                        new Replicate(
                                self(),
                                pull.fromSeqNr(),
                                List.of(),
                                lastSeqNr,
                                version,
                                now(),
                                epoch(),
                                pull.fromSeqNr()));
            return;
        }
        if (home == null) return;
        if (!recent.isEmpty()
                && recent.peekFirst().seqNr() <= pull.fromSeqNr()
                && recent.peekLast().seqNr() == lastSeqNr) { // what it keeps runs to its last event, without a gap
            List<TenantEvent> chunk = new ArrayList<>();
            long bytes = 0;
            for (Sequenced event : recent) {
                if (event.seqNr() < pull.fromSeqNr()) continue;
                if (!chunk.isEmpty()
                        && (chunk.size() >= settings().pullMaxEvents()
                                || bytes + event.bytes() > settings().pullMaxBytes())) break;
                chunk.add(event.event());
                bytes += event.bytes();
            }
            LargeMessages.tell(
                    actor.getSystem(),
                    pull.replyTo(),
                    new Replicate(home, pull.fromSeqNr(), chunk, lastSeqNr, version, now(), epoch(), pull.fromSeqNr()));
            return;
        }
        if (regions.readJournal() == null) return; // a journal of one node has no other region to answer
        long to = Math.min(lastSeqNr, pull.fromSeqNr() + settings().pullMaxEvents() - 1);
        CurrentEventsByPersistenceIdQuery journal = PersistenceQuery.get(actor.getSystem())
                .getReadJournalFor(CurrentEventsByPersistenceIdQuery.class, regions.readJournal());
        long maxBytes = settings().pullMaxBytes();
        actor.pipeToSelf(
                journal.currentEventsByPersistenceId(persistenceId, pull.fromSeqNr(), to)
                        .map(EventEnvelope::event)
                        .map(TenantEvent.class::cast)
                        .runWith(Sink.seq(), actor.getSystem()),
                (events, error) -> {
                    if (error != null) {
                        actor.getLog()
                                .warn("tenant {}: reading events for region {} failed", tenant, pull.region(), error);
                        return new TenantProtocol.PulledFromJournal(pull, home, List.of());
                    }
                    List<TenantEvent> chunk = new ArrayList<>();
                    long bytes = 0;
                    for (TenantEvent event : events) {
                        if (!chunk.isEmpty() && bytes + sizeOf(event) > maxBytes) break;
                        chunk.add(event);
                        bytes += sizeOf(event);
                    }
                    return new TenantProtocol.PulledFromJournal(pull, home, chunk);
                });
    }

    /** Sends events read from the journal to the replica that pulled them. */
    void answerPulledFromJournal(TenantProtocol.PulledFromJournal pulled, long lastSeqNr, long version) {
        if (pulled.events().isEmpty()) return; // it asks again at its next sync
        LargeMessages.tell(
                actor.getSystem(),
                pulled.pull().replyTo(),
                new Replicate(
                        pulled.home(),
                        pulled.pull().fromSeqNr(),
                        pulled.events(),
                        lastSeqNr,
                        version,
                        now(),
                        epoch(),
                        pulled.pull().fromSeqNr()));
    }

    // ---- the follower side ------------------------------------------------------------------

    /**
     * What of a push or pull answer this replica persists: the events after {@code lastSeqNr}, or none (null) when
     * some are missing before them, in which case it pulls them.
     */
    List<TenantEvent> received(Replicate replicate, long lastSeqNr) {
        knownHome = replicate.home();
        lastHeardMillis = now();
        homeSeqNr = Math.max(homeSeqNr, replicate.homeSeqNr());
        homeVersion = Math.max(homeVersion, replicate.homeVersion());
        if (unchecked()) {
            // Deposed: only the new home's answer to a pull from its last event says its events are the home's.
            if (!replicate.home().equals(deposedBy) || replicate.pullFrom() != lastSeqNr + 1) {
                pull(deposedBy, lastSeqNr + 1, true);
                return null;
            }
            checkedAgainstNewHome = true;
        } else if (replicate.epoch() > epoch() && replicate.firstSeqNr() <= lastSeqNr) {
            // A home of a newer term, and events this replica has as well: are they the same? Its pull tells.
            pull(replicate.home(), lastSeqNr + 1, true);
            return null;
        }
        if (replicate.firstSeqNr() > lastSeqNr + 1) {
            syncSooner |= backoff().news();
            pull(replicate.home(), lastSeqNr + 1, true);
            return null;
        }
        int skip = (int) Math.max(0, lastSeqNr + 1 - replicate.firstSeqNr());
        List<TenantEvent> fresh = skip >= replicate.events().size()
                ? List.of()
                : replicate.events().subList(skip, replicate.events().size());
        if (fresh.isEmpty()) caughtUpIfAt(lastSeqNr);
        else syncSooner |= backoff().news();
        return fresh;
    }

    /**
     * A read waits for a version this replica does not have: a follower asks its home for what follows now (at most
     * every 200 ms) rather than at its next tick, which may be backed off for many seconds, as after a partition that
     * healed while the home, which wrote meanwhile, has been idle since.
     */
    void wanted(TenantState state, long lastSeqNr) {
        if (isFollower(state, lastSeqNr)) pull(home(state, lastSeqNr), lastSeqNr + 1, true);
    }

    /** Whether the follower's next ask, backed off, should be brought forward: events came meanwhile (once). */
    boolean takeSyncSooner() {
        boolean sooner = syncSooner;
        syncSooner = false;
        return sooner;
    }

    /** How long until the follower's next tick ({@link #sync}). */
    Duration syncDelay() {
        return Duration.ofMillis(backoff().delayMillis());
    }

    private SyncBackoff backoff() {
        if (backoff == null)
            backoff = new SyncBackoff(
                    settings().syncInterval().toMillis(),
                    settings().syncMaxInterval().toMillis());
        return backoff;
    }

    /** After this replica persisted what it received: caught up, or pulls the rest. */
    void applied(TenantState state, long lastSeqNr) {
        if (lastSeqNr < homeSeqNr) pull(home(state, lastSeqNr), lastSeqNr + 1, true);
        else caughtUpIfAt(lastSeqNr);
    }

    /**
     * How long until a follower behind its home may pull again, when it is behind and its last pull was too recent to
     * send another now (at most one every 200 ms); null when it is not behind or could pull now. A follower catching
     * up pulls again at that moment, not at its next tick: one answer (pull-max-events) a tick was 500 events a
     * second, so a region that came back 5,000 events behind took 10 s.
     */
    Duration catchUpIn(long lastSeqNr) {
        if (lastSeqNr >= homeSeqNr) return null;
        long wait = Math.min(200, settings().syncInterval().toMillis()) - (now() - pullSentMillis);
        return wait > 0 ? Duration.ofMillis(wait) : null;
    }

    private void caughtUpIfAt(long lastSeqNr) {
        if (lastSeqNr >= homeSeqNr) caughtUpAtMillis = lastHeardMillis;
    }

    /**
     * A follower's tick ({@link SyncBackoff}): one that knows it is behind, or had no events from its home since the
     * last tick, asks the home for what follows its last event. Returns how long until the next tick: longer each time
     * a follower with every event hears of nothing new, back to the sync interval when events come.
     */
    Duration sync(TenantState state, long lastSeqNr) {
        if (!isFollower(state, lastSeqNr)) return syncDelay();
        String home = home(state, lastSeqNr);
        if (lastSeqNr < homeSeqNr || !backoff().newsSinceLastTick()) pull(home, lastSeqNr + 1, false);
        reportLag(state, lastSeqNr);
        return Duration.ofMillis(backoff().tick(reachable(home) && lastSeqNr >= homeSeqNr));
    }

    /** Tells the node's metrics how far behind this replica is. */
    void reportLag(TenantState state, long lastSeqNr) {
        regions.reportLag(tenant, lag(state, lastSeqNr));
    }

    /** Asks the home for its events from {@code fromSeqNr}; at most one pull per sync interval unless {@code now}. */
    private void pull(String home, long fromSeqNr, boolean soon) {
        if (home == null || home.equals(self()) || !reachable(home)) return;
        long since = now() - pullSentMillis;
        long interval = settings().syncInterval().toMillis();
        if (since < (soon ? Math.min(200, interval) : interval)) return;
        pullSentMillis = now();
        regions.pullSent();
        HomeTerms.Term term = state == null ? null : state.terms.last();
        send(home, new Pull(self(), fromSeqNr, actor.getSelf(), epoch(), term == null ? null : term.region()));
    }

    /** How far this replica is behind its home: nothing for the home itself. */
    Regions.Lag lag(TenantState state, long lastSeqNr) {
        String home = home(state, lastSeqNr);
        if (home == null || home.equals(self())) return null;
        long versions = Math.max(0, homeVersion - state.circuit.version());
        long since = caughtUpAtMillis == 0 ? startedAtMillis : caughtUpAtMillis;
        long millis = now() - since;
        if (lastSeqNr >= homeSeqNr && reachable(home) && backoff().inContact(now() - lastHeardMillis)) millis = 0;
        return new Regions.Lag(home, versions, Math.max(0, millis), since);
    }

    /** Stops reporting this replica's lag (it stops, or it is home now). */
    void stopped() {
        regions.reportLag(tenant, null);
    }

    private static long now() {
        return System.currentTimeMillis();
    }
}
