package io.shardview.node.membership;

import io.shardview.entity.CborSerializable;
import io.shardview.entity.tenant.LostRegions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Down;
import org.apache.pekko.cluster.typed.SelfUp;
import org.apache.pekko.cluster.typed.Subscribe;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lost regions of the cluster (docs/regions.md, "Failover"), one actor per node. An operator declares a region
 * lost on any node of a surviving region ({@link #declare}): the region's record is stored in that region's database,
 * every node of every other region is told (each stores it in its own region's database), the lost region's members
 * are downed, and from then on the tenants homed there fail over to a surviving region at their next write.
 *
 * <p>A node learns the record at its start: from its own region's database, then from a node of another region,
 * before its tenants act as homes on their events alone ({@link LostRegions#known}). So a node of a lost region that
 * is restarted on its data learns its region was declared lost and that its tenants have other homes, and follows
 * them. It waits for an answer as long as a node of another region is reachable; if none is, it goes on with what its
 * database says after {@link #STANDING_WAIT}.
 */
public final class LostRegionService {
    private static final Logger LOG = LoggerFactory.getLogger(LostRegionService.class);

    /** How long a starting node that reaches no other region waits for one to say which regions are lost. */
    static final Duration STANDING_WAIT = Duration.ofSeconds(10);

    private static final Duration ASK = Duration.ofSeconds(3);

    static final ServiceKey<Command> KEY = ServiceKey.create(Command.class, "shardview-lost-regions");

    /** Messages between the nodes' services. */
    public sealed interface Command extends CborSerializable {}

    /** Record {@code region} lost, as declared in {@code declaredIn}; answered once this node's region stored it. */
    public record Declare(String region, String declaredIn, ActorRef<Done> replyTo) implements Command {}

    /** Record {@code region} readmitted. */
    public record Readmit(String region, ActorRef<Done> replyTo) implements Command {}

    /** Which regions are lost, and were ever? */
    public record Standing(ActorRef<Standings> replyTo) implements Command {}

    public record Standings(String region, List<String> lost, List<String> ever) implements CborSerializable {}

    public record Done(String region, boolean stored) implements CborSerializable {}

    /** Are you there? (every second, to a node of each other region: automatic failover) */
    public record Ping(ActorRef<Pong> replyTo) implements Command {}

    public record Pong(String region) implements CborSerializable {}

    /** How long has it been since you heard from {@code region}? */
    public record Contact(String region, ActorRef<Silence> replyTo) implements Command {}

    /** {@code region}'s answer to {@link Contact}: how long since it heard from the region asked about. */
    public record Silence(String region, long millis) implements CborSerializable {}

    private record Tick() implements Command {}

    private record Ponged(String region) implements Command {}

    private record Agreed(String suspect, List<String> regions) implements Command {}

    private record Listed(Receptionist.Listing listing) implements Command {}

    private record Up() implements Command {}

    /** The other regions' record (null: none that counts), whether it is the last try, whether any region answered. */
    private record Heard(Standings standings, boolean last, boolean answered) implements Command {}

    private record Stored(ActorRef<Done> replyTo, boolean stored) implements Command {}

    private final ActorContext<Command> context;
    private final LostRegionTable table;
    private final LostRegions view;
    private final String self;
    private final Executor blocking;
    private Set<ActorRef<Command>> peers = Set.of();
    private Set<String> lost;
    private Set<String> ever;
    private boolean heard;
    private long deadlineNanos;
    private boolean toldWaiting;

    /** How long a majority must not hear from a region before it is declared lost (null: automatic failover off). */
    private final Duration failoverAfter;

    /** When this node last heard from each other region (or first knew of it). */
    private final java.util.Map<String, Long> lastContact = new java.util.HashMap<>();

    private long lastTickNanos;

    /** A declaration this node started and has not finished. */
    private String declaring;

    private LostRegionService(ActorContext<Command> context, LostRegionTable table, LostRegionTable.Record record) {
        this.context = context;
        this.table = table;
        this.view = LostRegions.get(context.getSystem());
        this.self = Cluster.get(context.getSystem()).selfMember().dataCenter();
        this.blocking = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "lost-regions");
            thread.setDaemon(true);
            return thread;
        });
        this.lost = new HashSet<>(record.lost());
        this.ever = new HashSet<>(record.ever());
        var config = context.getSystem().settings().config();
        String after = config.hasPath("shardview.replication.failover-after")
                ? config.getString("shardview.replication.failover-after")
                : "off";
        this.failoverAfter = after.equals("off") ? null : config.getDuration("shardview.replication.failover-after");
        publish();
    }

    /**
     * Starts the service on a node of the cluster profile (a journal in PostgreSQL): this node's tenants do not act as
     * homes on their events alone until it has heard from another region, or waited {@link #STANDING_WAIT}.
     */
    public static ActorRef<Command> start(ActorSystem<?> system, LostRegionTable table) {
        LostRegionTable.Record record;
        try {
            record = table.load();
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(
                    "cannot read the lost regions from the journal database: " + e.getMessage(), e);
        }
        LostRegions.get(system).known(false);
        LostRegions.get(system)
                .onSetAside((id, after, home, epoch) -> CompletableFuture.supplyAsync(() -> {
                    try {
                        return table.setAside(id, after, home, epoch);
                    } catch (java.sql.SQLException e) {
                        throw new java.util.concurrent.CompletionException(e);
                    }
                }));
        return system.systemActorOf(
                Behaviors.setup(context -> new LostRegionService(context, table, record).behavior()),
                "lost-regions",
                org.apache.pekko.actor.typed.Props.empty());
    }

    private Behavior<Command> behavior() {
        context.getSystem().receptionist().tell(Receptionist.register(KEY, context.getSelf()));
        context.getSystem()
                .receptionist()
                .tell(Receptionist.subscribe(KEY, context.messageAdapter(Receptionist.Listing.class, Listed::new)));
        Cluster.get(context.getSystem())
                .subscriptions()
                .tell(Subscribe.create(context.messageAdapter(SelfUp.class, up -> new Up()), SelfUp.class));
        return Behaviors.withTimers(timers -> {
            if (failoverAfter != null) timers.startTimerAtFixedRate(new Tick(), PING_EVERY);
            return receive();
        });
    }

    private Behavior<Command> receive() {
        return Behaviors.receive(Command.class)
                .onMessage(Tick.class, tick -> onTick())
                .onMessage(Ping.class, ping -> {
                    ping.replyTo().tell(new Pong(self));
                    return Behaviors.same();
                })
                .onMessage(Ponged.class, ponged -> {
                    if (ponged.region() != null) lastContact.put(ponged.region(), System.nanoTime());
                    return Behaviors.same();
                })
                .onMessage(Contact.class, contact -> {
                    contact.replyTo().tell(new Silence(self, silenceMillis(contact.region())));
                    return Behaviors.same();
                })
                .onMessage(Agreed.class, this::onAgreed)
                .onMessage(Listed.class, listed -> {
                    peers = listed.listing().getServiceInstances(KEY);
                    return Behaviors.same();
                })
                .onMessage(Up.class, up -> {
                    if (deadlineNanos == 0) deadlineNanos = System.nanoTime() + STANDING_WAIT.toNanos();
                    if (!heard) askOthers(deadlineNanos);
                    return Behaviors.same();
                })
                .onMessage(Heard.class, this::onHeard)
                .onMessage(Standing.class, asked -> {
                    asked.replyTo().tell(standings());
                    return Behaviors.same();
                })
                .onMessage(Declare.class, declare -> {
                    store(declare.replyTo(), () -> table.declare(declare.region(), declare.declaredIn()));
                    lost.add(declare.region());
                    ever.add(declare.region());
                    publish();
                    return Behaviors.same();
                })
                .onMessage(Readmit.class, readmit -> {
                    store(readmit.replyTo(), () -> table.readmit(readmit.region()));
                    lost.remove(readmit.region());
                    publish();
                    return Behaviors.same();
                })
                .onMessage(Stored.class, stored -> {
                    stored.replyTo().tell(new Done(self, stored.stored()));
                    return Behaviors.same();
                })
                .build();
    }

    private static final Duration PING_EVERY = Duration.ofSeconds(1);

    /** A region not heard from for this long is silent: writes homed there are refused at once. */
    private static final Duration SILENT = Duration.ofSeconds(3);

    /** Milliseconds since this node last heard from {@code region} (0 for its own region). */
    private long silenceMillis(String region) {
        if (region.equals(self)) return 0;
        long sinceTick = System.nanoTime() - lastTickNanos;
        if (lastTickNanos == 0 || sinceTick > 3 * PING_EVERY.toNanos()) return 0; // it was not listening: it cannot say
        Long last = lastContact.get(region);
        return last == null ? 0 : (System.nanoTime() - last) / 1_000_000;
    }

    /** The regions that count for majorities: those with members now, less those declared lost. */
    private List<String> countedRegions() {
        List<String> regions = new ArrayList<>();
        for (String region : Cluster.get(context.getSystem()).state().getAllDataCenters()) {
            if (!lost.contains(region)) regions.add(region);
        }
        regions.sort(null);
        return regions;
    }

    /**
     * Every second: ping a node of each other region; with three counted regions or more, say whether this region is
     * cut off from a majority (its homes refuse writes), and, at its region's leader, ask the others about a region
     * this node has not heard from for {@code failover-after}.
     */
    private Behavior<Command> onTick() {
        List<String> regions = countedRegions();
        long now = System.nanoTime();
        if (lastTickNanos != 0 && now - lastTickNanos > 3 * PING_EVERY.toNanos()) {
            // This node was not running (paused, starved): what it did not hear meanwhile says nothing of the others.
            LOG.warn(
                    "no tick for {} ms: the other regions' silence is counted again from now",
                    (now - lastTickNanos) / 1_000_000);
            lastContact.replaceAll((region, last) -> now);
        }
        lastTickNanos = now;
        java.util.Map<String, ActorRef<Command>> one = new java.util.TreeMap<>();
        for (ActorRef<Command> peer : peers) {
            String region = regionOf(context.getSystem(), peer);
            if (region == null || region.equals(self) || lost.contains(region)) continue;
            one.putIfAbsent(region, peer);
            // Every node of the region is asked: one answer is enough to know the region is there.
            context.pipeToSelf(
                    AskPattern.<Command, Pong>ask(
                            peer, Ping::new, PING_EVERY, context.getSystem().scheduler()),
                    (pong, error) -> pong == null ? new Ponged(null) : new Ponged(pong.region()));
        }
        lastContact.keySet().removeIf(region -> !regions.contains(region)); // lost or gone: counted afresh if back
        for (String region : regions) {
            if (!region.equals(self)) lastContact.putIfAbsent(region, now); // known from now on
        }
        Set<String> silent = new HashSet<>();
        for (String region : regions) {
            if (silenceMillis(region) >= SILENT.toMillis()) silent.add(region);
        }
        view.silent(silent);
        int majority = regions.size() / 2 + 1;
        if (regions.size() < 3) {
            view.cutOff(null);
            return Behaviors.same();
        }
        long fence = failoverAfter.toMillis() / 2;
        long heard = regions.stream().filter(r -> silenceMillis(r) < fence).count();
        view.cutOff(
                heard < majority
                        ? self + " has heard from " + heard + " of the cluster's " + regions.size() + " regions for "
                                + fence
                                + " ms, fewer than a majority: a majority may fail its tenants over, so it takes no"
                                + " writes until it hears from them"
                        : null);
        if (declaring != null || !leader()) return Behaviors.same();
        for (String suspect : regions) {
            if (suspect.equals(self) || silenceMillis(suspect) < failoverAfter.toMillis()) continue;
            askAbout(suspect, one);
            break; // one region at a time
        }
        return Behaviors.same();
    }

    /** Whether this node is its region's leader (one node per region decides). */
    private boolean leader() {
        var leader = Cluster.get(context.getSystem()).state().getLeader();
        return leader != null && leader.equals(context.getSystem().address());
    }

    /** Asks a node of every counted region ({@code one}: a node by region) but {@code suspect} how long it has not heard from it. */
    private void askAbout(String suspect, java.util.Map<String, ActorRef<Command>> one) {
        declaring = suspect;
        List<CompletableFuture<Silence>> answers = new ArrayList<>();
        for (var entry : one.entrySet()) {
            if (entry.getKey().equals(suspect)) continue;
            answers.add(AskPattern.<Command, Silence>ask(
                            entry.getValue(),
                            replyTo -> new Contact(suspect, replyTo),
                            ASK,
                            context.getSystem().scheduler())
                    .toCompletableFuture()
                    .exceptionally(error -> null));
        }
        long limit = failoverAfter.toMillis();
        context.pipeToSelf(CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)), (done, error) -> {
            List<String> agreeing = new ArrayList<>(List.of(self));
            for (CompletableFuture<Silence> answer : answers) {
                Silence silence = answer.join();
                if (silence != null && silence.millis() >= limit) agreeing.add(silence.region());
            }
            agreeing.sort(null);
            return new Agreed(suspect, agreeing);
        });
    }

    /**
     * The regions that have not heard from {@code suspect} for {@code failover-after}: a majority of the counted
     * regions declares it lost, the first of them by name on behalf of all (the others see it declared).
     */
    private Behavior<Command> onAgreed(Agreed agreed) {
        List<String> regions = countedRegions();
        int majority = regions.size() / 2 + 1;
        boolean decides = agreed.regions().size() >= majority
                && agreed.regions().get(0).equals(self)
                && !lost.contains(agreed.suspect());
        if (!decides) {
            declaring = null;
            return Behaviors.same();
        }
        LOG.warn(
                "regions {} have not heard from region {} for {}: declaring it lost (automatic failover)",
                agreed.regions(),
                agreed.suspect(),
                failoverAfter);
        declare(context.getSystem(), agreed.suspect()).whenComplete((outcome, error) -> {
            if (error != null) LOG.error("declaring region {} lost failed", agreed.suspect(), error);
            context.getSelf().tell(new Agreed(agreed.suspect(), List.of())); // done: the next tick may decide again
        });
        return Behaviors.same();
    }

    private interface Write {
        void run() throws java.sql.SQLException;
    }

    private void store(ActorRef<Done> replyTo, Write write) {
        context.pipeToSelf(
                CompletableFuture.runAsync(
                        () -> {
                            try {
                                write.run();
                            } catch (java.sql.SQLException e) {
                                throw new java.util.concurrent.CompletionException(e);
                            }
                        },
                        blocking),
                (done, error) -> {
                    if (error != null) LOG.error("storing the lost regions failed", error);
                    return new Stored(replyTo, error == null);
                });
    }

    private Standings standings() {
        return new Standings(self, List.copyOf(lost), List.copyOf(ever));
    }

    private void publish() {
        view.set(lost, ever);
    }

    /** Asks the nodes of the other regions which regions are lost, until one answers or the deadline passes. */
    private void askOthers(long deadlineNanos) {
        List<ActorRef<Command>> others = new ArrayList<>();
        for (ActorRef<Command> peer : peers) {
            if (!peer.path().address().equals(context.getSystem().address())
                    && !regionOf(peer).equals(self)) others.add(peer);
        }
        var cluster = Cluster.get(context.getSystem());
        var status = cluster.selfMember().status();
        if (status == MemberStatus.joining() || status == MemberStatus.weaklyUp()) {
            // Cluster.state() is updated by a subscriber of its own and can lag the SelfUp event: until it has this
            // node Up it may not list the members this node joined (at first it lists none at all).
            context.scheduleOnce(Duration.ofMillis(100), context.getSelf(), new Up());
            return;
        }
        boolean otherRegions = cluster.state().getAllDataCenters().stream().anyMatch(region -> !region.equals(self));
        if (!otherRegions) {
            LOG.info("no other region is a member: this node's region's record of lost regions stands, {}", lost);
            known();
            return;
        }
        boolean last = lastTry(deadlineNanos);
        if (others.isEmpty()) {
            if (last) {
                LOG.warn(
                        "no node of another region is listed, none reachable, after {}: going on with this node's"
                                + " region's record of lost regions, {}",
                        STANDING_WAIT,
                        lost);
                known();
            } else {
                context.scheduleOnce(Duration.ofMillis(500), context.getSelf(), new Up()); // the listing is late
            }
            return;
        }
        List<CompletableFuture<Standings>> answers = new ArrayList<>();
        for (ActorRef<Command> peer : others) {
            CompletionStage<Standings> answer =
                    AskPattern.ask(peer, Standing::new, ASK, context.getSystem().scheduler());
            answers.add(answer.toCompletableFuture().exceptionally(error -> null));
        }
        context.pipeToSelf(CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)), (done, error) -> {
            Standings merged = null;
            boolean answered = false;
            for (CompletableFuture<Standings> answer : answers) {
                Standings standings = answer.join();
                if (standings == null) continue;
                answered = true;
                // A region that holds itself lost speaks from before its return (a readmission it missed): what the
                // regions that are not lost say is the cluster's record.
                if (!standings.lost().contains(standings.region())) merged = merge(merged, standings);
            }
            return new Heard(merged, lastTry(deadlineNanos), answered);
        });
    }

    /**
     * Whether this is the last try: the wait is over and no node of another region is reachable. While one is, its
     * answer is awaited however long it takes (a region busy or just joined answers late; going on without it would
     * make a returning lost region act as home on its own events).
     */
    private boolean lastTry(long deadlineNanos) {
        if (System.nanoTime() < deadlineNanos) return false;
        var state = Cluster.get(context.getSystem()).state();
        List<String> reachable = new ArrayList<>();
        for (Member member : state.getMembers()) {
            String region = member.dataCenter();
            if (region.equals(self) || state.getUnreachableDataCenters().contains(region)) continue;
            if (member.status() == MemberStatus.up() && !reachable.contains(region)) reachable.add(region);
        }
        if (reachable.isEmpty()) return true;
        if (!toldWaiting) {
            toldWaiting = true;
            LOG.warn(
                    "regions {} are reachable but have not said which regions are lost after {}: this node's tenants"
                            + " wait for them",
                    reachable,
                    STANDING_WAIT);
        }
        return false;
    }

    private static Standings merge(Standings a, Standings b) {
        if (a == null) return b;
        Set<String> lost = new HashSet<>(a.lost());
        lost.addAll(b.lost());
        Set<String> ever = new HashSet<>(a.ever());
        ever.addAll(b.ever());
        return new Standings(a.region(), List.copyOf(lost), List.copyOf(ever));
    }

    private Behavior<Command> onHeard(Heard heard) {
        if (heard.standings() == null) {
            // Only regions that hold themselves lost answered: this node's own record stands.
            if (heard.answered()) {
                LOG.info("only regions that hold themselves lost answered: this region's record stands, {}", lost);
                known();
            } else if (heard.last()) {
                LOG.warn(
                        "no other region answered, none reachable, after {}: going on with this region's record of"
                                + " lost regions, {}",
                        STANDING_WAIT,
                        lost);
                known();
            } else {
                context.scheduleOnce(Duration.ofMillis(500), context.getSelf(), new Up());
            }
            return Behaviors.same();
        }
        if (this.heard) return Behaviors.same();
        // The other regions' record is the cluster's: a readmission made while this node was away counts.
        Set<String> before = Set.copyOf(lost);
        for (String region : heard.standings().lost()) {
            if (!lost.contains(region)) {
                ActorRef<Done> ignore = context.getSystem().ignoreRef();
                store(ignore, () -> table.declare(region, heard.standings().region()));
            }
        }
        for (String region : before) {
            if (!heard.standings().lost().contains(region)) {
                store(context.getSystem().ignoreRef(), () -> table.readmit(region));
            }
        }
        lost = new HashSet<>(heard.standings().lost());
        ever.addAll(heard.standings().ever());
        ever.addAll(lost);
        publish();
        LOG.info("region {} says the lost regions are {}", heard.standings().region(), lost);
        if (lost.contains(self)) {
            LOG.warn(
                    "region {} was declared lost while this node was away: its tenants follow the regions that took"
                            + " them over, and set aside what they wrote past that point",
                    self);
        }
        known();
        return Behaviors.same();
    }

    private void known() {
        heard = true;
        view.known(true);
    }

    private String regionOf(ActorRef<Command> peer) {
        String region = regionOf(context.getSystem(), peer);
        return region == null ? self : region;
    }

    /** The region of the node {@code peer} runs on, or null when it is not a member (any more). */
    private static String regionOf(ActorSystem<?> system, ActorRef<Command> peer) {
        org.apache.pekko.actor.Address address = peer.path().address();
        if (!address.hasGlobalScope()) return Cluster.get(system).selfMember().dataCenter();
        for (Member member : Cluster.get(system).state().getMembers()) {
            if (member.address().equals(address)) return member.dataCenter();
        }
        return null;
    }

    // ---- the operator's commands, from the HTTP routes ------------------------------------------

    /** The outcome of a declaration or readmission: the regions whose nodes stored it, and the members downed. */
    public record Outcome(String region, List<String> storedIn, List<String> downed) {}

    /**
     * Declares {@code region} lost from this node: every node of every other region records it (answered once they
     * did, or failed after the ask timeout), then the region's members are downed.
     */
    public static CompletionStage<Outcome> declare(ActorSystem<?> system, String region) {
        String self = Cluster.get(system).selfMember().dataCenter();
        return tellAll(system, region, true, replyTo -> new Declare(region, self, replyTo))
                .thenApply(storedIn -> {
                    List<String> downed = new ArrayList<>();
                    for (Member member : Cluster.get(system).state().getMembers()) {
                        if (member.dataCenter().equals(region)) {
                            Cluster.get(system).manager().tell(new Down(member.address()));
                            downed.add(member.address().toString());
                        }
                    }
                    return new Outcome(region, storedIn, downed);
                });
    }

    /** Readmits {@code region}: it may be a tenant's home again (moves to it are allowed again). */
    public static CompletionStage<Outcome> readmit(ActorSystem<?> system, String region) {
        return tellAll(system, region, false, replyTo -> new Readmit(region, replyTo))
                .thenApply(storedIn -> new Outcome(region, storedIn, List.of()));
    }

    /** Tells every node (but those of {@code region}, with {@code skipRegion}: gone, or about to be downed). */
    private static CompletionStage<List<String>> tellAll(
            ActorSystem<?> system,
            String region,
            boolean skipRegion,
            java.util.function.Function<ActorRef<Done>, Command> message) {
        return AskPattern.<Receptionist.Command, Receptionist.Listing>ask(
                        system.receptionist(), replyTo -> Receptionist.find(KEY, replyTo), ASK, system.scheduler())
                .thenCompose(listing -> {
                    List<CompletableFuture<Done>> asked = new ArrayList<>();
                    for (ActorRef<Command> peer : listing.getServiceInstances(KEY)) {
                        if (skipRegion && region.equals(regionOf(system, peer))) continue;
                        asked.add(AskPattern.<Command, Done>ask(peer, message::apply, ASK, system.scheduler())
                                .toCompletableFuture()
                                .exceptionally(error -> null));
                    }
                    return CompletableFuture.allOf(asked.toArray(CompletableFuture[]::new))
                            .thenApply(done -> {
                                Set<String> stored = new java.util.TreeSet<>();
                                for (CompletableFuture<Done> answer : asked) {
                                    Done d = answer.join();
                                    if (d != null && d.stored()) stored.add(d.region());
                                }
                                return List.copyOf(stored);
                            });
                });
    }
}
