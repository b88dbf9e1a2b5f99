package io.shardview.node.membership;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.UniqueAddress;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Down;
import org.apache.pekko.cluster.typed.Subscribe;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Downs at once a member of this node's region whose process is gone, instead of after the Split Brain Resolver's
 * {@code down-after}. A member marked unreachable may be paused, overloaded, cut off by the network, or dead; only the
 * resolver can tell the first three apart from each other, by waiting. But a dead process has one sign the others lack:
 * its host answers a connection to its remoting port with a refusal (nothing listens there any more), while a paused
 * process's port still accepts (the kernel completes the handshake) and a cut-off one does not answer at all. So the
 * leader of the region connects to an unreachable member's remoting port, and a refusal seen twice, {@link #RECHECK}
 * apart, downs that member: its shards move after the removal margin alone. Anything else (accepted, timed out, no
 * route) leaves the decision to the resolver. Unreachability across regions is never downed here, as nowhere else
 * (docs/regions.md). A restarted process on the same address accepts the connection; Pekko replaces the old incarnation
 * itself when the new one joins.
 */
public final class GoneMemberDowning {
    private static final Logger LOG = LoggerFactory.getLogger(GoneMemberDowning.class);
    static final Duration RECHECK = Duration.ofMillis(250);
    /** How often a member that stays unreachable is connected to again (it may die after it was marked). */
    static final Duration EVERY = Duration.ofSeconds(2);

    private sealed interface Command {}

    private record Changed(ClusterEvent.ClusterDomainEvent event) implements Command {}

    private record Check(UniqueAddress member) implements Command {}

    private record Refused(UniqueAddress member, boolean twice) implements Command {}

    private GoneMemberDowning() {}

    /** Starts watching this node's region when {@code shardview.cluster.down-gone-members} is on. */
    public static void start(ActorSystem<?> system) {
        if (!system.settings().config().getBoolean("shardview.cluster.down-gone-members")) return;
        system.systemActorOf(
                Behaviors.<Command>setup(context -> new Watch(context).behavior()),
                "gone-member-downing",
                org.apache.pekko.actor.typed.Props.empty());
    }

    /**
     * What this node knows from the cluster's events, in their order: the unreachable members of its region and its
     * region's leader. (Not {@code Cluster.state()}: that view is updated by a subscriber of its own, so it can lag
     * behind the event this actor is handling.)
     */
    private static final class Watch {
        private final ActorContext<Command> context;
        private final Cluster cluster;
        private final Map<UniqueAddress, Member> unreachable = new HashMap<>();
        private final Executor probes = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "shardview-gone-member-probe");
            thread.setDaemon(true);
            return thread;
        });
        private Address leader;

        Watch(ActorContext<Command> context) {
            this.context = context;
            this.cluster = Cluster.get(context.getSystem());
            cluster.subscriptions()
                    .tell(Subscribe.create(
                            context.messageAdapter(ClusterEvent.ClusterDomainEvent.class, Changed::new),
                            ClusterEvent.ClusterDomainEvent.class));
        }

        Behavior<Command> behavior() {
            return Behaviors.withTimers(timers -> Behaviors.receive(Command.class)
                    .onMessage(Changed.class, changed -> {
                        changed(changed.event());
                        return Behaviors.same();
                    })
                    .onMessage(Check.class, check -> {
                        check(check.member(), timers);
                        return Behaviors.same();
                    })
                    .onMessage(Refused.class, refused -> {
                        Member member = unreachable.get(refused.member());
                        if (member == null) return Behaviors.same();
                        if (refused.twice() && leads()) {
                            LOG.warn(
                                    "{} is unreachable and its remoting port refuses connections: its process is gone;"
                                            + " downing it now rather than after down-after",
                                    member.address());
                            cluster.manager().tell(new Down(member.address()));
                            unreachable.remove(refused.member());
                        } else {
                            timers.startSingleTimer(refused.member(), new Check(refused.member()), EVERY);
                        }
                        return Behaviors.same();
                    })
                    .build());
        }

        private void changed(ClusterEvent.ClusterDomainEvent event) {
            if (event instanceof ClusterEvent.UnreachableMember e && sameRegion(e.member())) {
                unreachable.put(e.member().uniqueAddress(), e.member());
                context.getSelf().tell(new Check(e.member().uniqueAddress()));
            } else if (event instanceof ClusterEvent.ReachableMember e) {
                unreachable.remove(e.member().uniqueAddress());
            } else if (event instanceof ClusterEvent.MemberDowned e) {
                unreachable.remove(e.member().uniqueAddress());
            } else if (event instanceof ClusterEvent.MemberRemoved e) {
                unreachable.remove(e.member().uniqueAddress());
            } else if (event instanceof ClusterEvent.LeaderChanged e) {
                leader = e.getLeader();
                if (leads())
                    unreachable.keySet().forEach(member -> context.getSelf().tell(new Check(member)));
            }
        }

        /** The leader probes the member (off the actor's thread); the others look again later, should they lead. */
        private void check(UniqueAddress member, TimerScheduler<Command> timers) {
            if (!unreachable.containsKey(member)) return;
            if (!leads()) {
                timers.startSingleTimer(member, new Check(member), EVERY);
                return;
            }
            CompletableFuture.supplyAsync(() -> refusedTwice(member.address()), probes)
                    .exceptionally(error -> false)
                    .thenAccept(twice -> context.getSelf().tell(new Refused(member, twice)));
        }

        private boolean sameRegion(Member member) {
            return member.dataCenter().equals(cluster.selfMember().dataCenter());
        }

        /** This node is its region's leader: the one that decides, as the Split Brain Resolver's leader does. */
        private boolean leads() {
            return leader != null && leader.equals(cluster.selfMember().address());
        }
    }

    /** Two connections to the member's remoting port, {@link #RECHECK} apart, were both refused. */
    static boolean refusedTwice(Address address) {
        InetSocketAddress target = RemotingPort.of(address);
        if (target == null || !refused(target)) return false;
        try {
            Thread.sleep(RECHECK.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        return refused(target);
    }

    /** Whether a connection to {@code target} is refused (and not accepted, timed out or unroutable). */
    static boolean refused(InetSocketAddress target) {
        return RemotingPort.probe(target) == RemotingPort.Answer.REFUSED;
    }
}
