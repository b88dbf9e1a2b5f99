package io.shardview.node;

import io.shardview.entity.CborSerializable;
import io.shardview.entity.tenant.LostRegions;
import io.shardview.http.RecentErrors;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.sharding.ShardRegion.CurrentShardRegionState;
import org.apache.pekko.cluster.sharding.typed.ClusterShardingQuery;
import org.apache.pekko.cluster.sharding.typed.GetShardRegionState;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Subscribe;

/**
 * What each node can tell about itself, gathered from every node for the API (docs/api.md): the errors it answered a
 * tenant's requests with lately ({@code GET /v1/tenants/{t}/errors}), how far its replicas lag their homes in other
 * regions ({@code GET /v1/cluster/replication}), the entities running on it ({@code GET /v1/cluster/entities}), and
 * the cluster events it has seen since it started ({@code GET
 * /v1/cluster/events}: members joining, up, unreachable, reachable again, downed, removed; the leader changing; regions
 * declared lost or readmitted; its region cut off from a majority of regions and back).
 *
 * <p>One actor per node, registered with the receptionist; {@link #gather} asks every registered node and answers with
 * what came back in time, naming the nodes that did not answer.
 */
final class NodeReports {
    static final ServiceKey<Command> KEY = ServiceKey.create(Command.class, "shardview-node-reports");

    /** How long {@link #gather} waits for each node. */
    static final Duration ASK = Duration.ofSeconds(3);

    /** The events kept, the oldest dropped first. */
    static final int EVENTS = 500;

    sealed interface Command extends CborSerializable {}

    /** This node's latest errors to {@code tenant}'s requests, at most {@code limit}. */
    record Errors(String tenant, int limit, ActorRef<ErrorList> replyTo) implements Command {}

    record ErrorList(String node, String region, List<RecentErrors.Entry> errors) implements CborSerializable {}

    /** How far this node's replicas lag their homes. */
    record Replication(ActorRef<ReplicationReport> replyTo) implements Command {}

    /**
     * @param cutOff why this node's region is cut off from a majority of regions (its homes refuse writes), or null
     * @param homes per home region, the replicas on this node following it and the furthest behind of them
     */
    record ReplicationReport(String node, String region, String cutOff, List<HomeLag> homes)
            implements CborSerializable {}

    /** The replicas on a node following {@code home}: how many, and the largest lag, in versions and seconds. */
    record HomeLag(String home, int replicas, long versions, double seconds) {}

    /** The entities running on this node (not passivated), per entity type. */
    record Running(ActorRef<RunningEntities> replyTo) implements Command {}

    /** @param entities per entity type name, the entities running on the node; a type whose region did not answer is absent */
    record RunningEntities(String node, String region, Map<String, Integer> entities) implements CborSerializable {}

    /** The cluster events this node has seen. */
    record Events(ActorRef<EventList> replyTo) implements Command {}

    record EventList(String node, String region, long since, List<Event> events) implements CborSerializable {}

    /**
     * One event as this node saw it.
     *
     * @param at when this node learnt it, epoch milliseconds
     * @param kind member_joined, member_up, member_unreachable, member_reachable, member_downed, member_left,
     *     member_removed, leader_changed, region_unreachable, region_reachable, region_lost, region_readmitted,
     *     region_cut_off, region_reconnected
     * @param subject the member's address, or the region
     */
    record Event(long at, String kind, String subject, String region, String detail) {}

    private record Changed(ClusterEvent.ClusterDomainEvent event) implements Command {}

    private record Tick() implements Command {}

    /** A gathered answer: what each node said, and the nodes that did not answer in time. */
    record Gathered<T>(List<T> answers, List<String> unanswered) {}

    /** Starts this node's reports actor. */
    static ActorRef<Command> start(
            ActorSystem<?> system, RecentErrors errors, Supplier<List<HomeLag>> lags, List<EntityTypeKey<?>> types) {
        return system.systemActorOf(
                Behaviors.setup(context -> {
                    context.getSystem().receptionist().tell(Receptionist.register(KEY, context.getSelf()));
                    Cluster.get(context.getSystem())
                            .subscriptions()
                            .tell(Subscribe.create(
                                    context.messageAdapter(ClusterEvent.ClusterDomainEvent.class, Changed::new),
                                    ClusterEvent.ClusterDomainEvent.class));
                    return Behaviors.withTimers(timers -> {
                        timers.startTimerAtFixedRate(new Tick(), Duration.ofSeconds(1));
                        return new Reports(system, errors, lags, types).behavior();
                    });
                }),
                "node-reports",
                org.apache.pekko.actor.typed.Props.empty());
    }

    /**
     * Asks every node's reports actor, this node's ({@code self}) always (the receptionist may not list it yet at
     * start); answers once all answered or {@link #ASK} ran out.
     */
    static <T> CompletionStage<Gathered<T>> gather(
            ActorSystem<?> system, ActorRef<Command> self, Function<ActorRef<T>, Command> question) {
        return AskPattern.<Receptionist.Command, Receptionist.Listing>ask(
                        system.receptionist(), replyTo -> Receptionist.find(KEY, replyTo), ASK, system.scheduler())
                .thenCompose(listing -> {
                    List<ActorRef<Command>> nodes = new ArrayList<>(listing.getServiceInstances(KEY));
                    if (!nodes.contains(self)) nodes.add(self);
                    List<CompletableFuture<T>> asks = new ArrayList<>();
                    for (ActorRef<Command> node : nodes) {
                        asks.add(AskPattern.<Command, T>ask(node, question::apply, ASK, system.scheduler())
                                .toCompletableFuture()
                                .exceptionally(failure -> null));
                    }
                    return CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new))
                            .thenApply(all -> {
                                List<T> answers = new ArrayList<>();
                                List<String> unanswered = new ArrayList<>();
                                Set<String> listed = new HashSet<>();
                                for (int i = 0; i < nodes.size(); i++) {
                                    T answer = asks.get(i).join();
                                    String node = address(system, nodes.get(i));
                                    listed.add(node);
                                    if (answer != null) answers.add(answer);
                                    else unanswered.add(node);
                                }
                                // A member up whose reports the receptionist does not list yet (it joined a moment
                                // ago) is named too, so an answer never looks whole when it is not.
                                for (Member member : Cluster.get(system).state().getMembers()) {
                                    String node = member.address().toString();
                                    if (member.status() == org.apache.pekko.cluster.MemberStatus.up()
                                            && !listed.contains(node)) unanswered.add(node);
                                }
                                return new Gathered<>(answers, unanswered);
                            });
                });
    }

    private static String address(ActorSystem<?> system, ActorRef<?> ref) {
        org.apache.pekko.actor.Address address = ref.path().address();
        return address.hasLocalScope() ? selfAddress(system) : address.toString();
    }

    static String selfAddress(ActorSystem<?> system) {
        return Cluster.get(system).selfMember().address().toString();
    }

    private static final class Reports {
        private final ActorSystem<?> system;
        private final RecentErrors errors;
        private final Supplier<List<HomeLag>> lags;
        private final List<EntityTypeKey<?>> types;
        private final Deque<Event> events = new ArrayDeque<>();
        private final long since = System.currentTimeMillis();
        private final String self;
        private final String region;
        private Set<String> lost = Set.of();
        private String cutOff;

        Reports(
                ActorSystem<?> system,
                RecentErrors errors,
                Supplier<List<HomeLag>> lags,
                List<EntityTypeKey<?>> types) {
            this.system = system;
            this.types = types;
            this.errors = errors;
            this.lags = lags;
            this.self = selfAddress(system);
            this.region = Cluster.get(system).selfMember().dataCenter();
        }

        Behavior<Command> behavior() {
            return Behaviors.receive(Command.class)
                    .onMessage(Errors.class, ask -> {
                        ask.replyTo().tell(new ErrorList(self, region, errors.of(ask.tenant(), ask.limit())));
                        return Behaviors.same();
                    })
                    .onMessage(Replication.class, ask -> {
                        ask.replyTo()
                                .tell(new ReplicationReport(
                                        self, region, LostRegions.get(system).cutOff(), lags.get()));
                        return Behaviors.same();
                    })
                    .onMessage(Running.class, ask -> {
                        running(ask.replyTo());
                        return Behaviors.same();
                    })
                    .onMessage(Events.class, ask -> {
                        ask.replyTo().tell(new EventList(self, region, since, List.copyOf(events)));
                        return Behaviors.same();
                    })
                    .onMessage(Changed.class, changed -> {
                        changed(changed.event());
                        return Behaviors.same();
                    })
                    .onMessage(Tick.class, tick -> {
                        regions();
                        return Behaviors.same();
                    })
                    .build();
        }

        /** Asks this node's shard region of each type for its entities; answers from the asks' thread. */
        private void running(ActorRef<RunningEntities> replyTo) {
            Map<String, Integer> counts = new java.util.concurrent.ConcurrentSkipListMap<>();
            List<CompletableFuture<?>> asks = new ArrayList<>();
            for (EntityTypeKey<?> type : types) {
                asks.add(AskPattern.<ClusterShardingQuery, CurrentShardRegionState>ask(
                                ClusterSharding.get(system).shardState(),
                                replyTo2 -> new GetShardRegionState(type, replyTo2),
                                Duration.ofSeconds(2),
                                system.scheduler())
                        .thenAccept(state -> counts.put(
                                type.name(),
                                state.getShards().stream()
                                        .mapToInt(shard -> shard.getEntityIds().size())
                                        .sum()))
                        .toCompletableFuture()
                        .exceptionally(failure -> null));
            }
            CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new))
                    .thenRun(() -> replyTo.tell(new RunningEntities(self, region, Map.copyOf(counts))));
        }

        private void changed(ClusterEvent.ClusterDomainEvent event) {
            if (event instanceof ClusterEvent.MemberJoined e) member("member_joined", e.member());
            else if (event instanceof ClusterEvent.MemberUp e) member("member_up", e.member());
            else if (event instanceof ClusterEvent.UnreachableMember e) member("member_unreachable", e.member());
            else if (event instanceof ClusterEvent.ReachableMember e) member("member_reachable", e.member());
            else if (event instanceof ClusterEvent.MemberDowned e) member("member_downed", e.member());
            else if (event instanceof ClusterEvent.MemberLeft e) member("member_left", e.member());
            else if (event instanceof ClusterEvent.MemberRemoved e)
                member(
                        "member_removed",
                        e.member(),
                        "was " + e.previousStatus().toString().toLowerCase());
            else if (event instanceof ClusterEvent.UnreachableDataCenter e)
                region("region_unreachable", e.dataCenter());
            else if (event instanceof ClusterEvent.ReachableDataCenter e) region("region_reachable", e.dataCenter());
            else if (event instanceof ClusterEvent.LeaderChanged e)
                add(new Event(
                        System.currentTimeMillis(),
                        "leader_changed",
                        e.getLeader() == null ? "" : e.getLeader().toString(),
                        region,
                        "leader of region " + region));
        }

        /** Another region as this node's failure detector across regions hears it. */
        private void region(String kind, String other) {
            add(new Event(System.currentTimeMillis(), kind, other, other, ""));
        }

        private void member(String kind, Member member) {
            List<String> roles = member.getRoles().stream()
                    .filter(role -> !role.startsWith("dc-"))
                    .sorted()
                    .toList();
            member(kind, member, roles.isEmpty() ? "" : "roles " + String.join(", ", roles));
        }

        private void member(String kind, Member member, String detail) {
            add(new Event(System.currentTimeMillis(), kind, member.address().toString(), member.dataCenter(), detail));
        }

        /** Regions declared lost or readmitted, and this region cut off or back, since the last tick. */
        private void regions() {
            LostRegions regions = LostRegions.get(system);
            Set<String> now = new HashSet<>(regions.lost());
            long at = System.currentTimeMillis();
            for (String r : now)
                if (!lost.contains(r)) add(new Event(at, "region_lost", r, r, "its tenants fail over"));
            for (String r : lost) if (!now.contains(r)) add(new Event(at, "region_readmitted", r, r, ""));
            lost = now;
            String cut = regions.cutOff();
            if (cut != null && cutOff == null) add(new Event(at, "region_cut_off", region, region, cut));
            if (cut == null && cutOff != null) add(new Event(at, "region_reconnected", region, region, ""));
            cutOff = cut;
        }

        private void add(Event event) {
            if (events.size() == EVENTS) events.removeFirst();
            events.addLast(event);
        }
    }

    /** The events of {@code list}, newest first. */
    static List<Event> newestFirst(List<Event> events) {
        List<Event> sorted = new ArrayList<>(events);
        sorted.sort(Comparator.comparingLong(Event::at).reversed());
        return sorted;
    }
}
