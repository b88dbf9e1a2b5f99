package io.shardview.node.membership;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.Done;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.PoisonPill;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.Cluster;
import org.apache.pekko.cluster.sharding.ClusterSharding;
import org.apache.pekko.cluster.sharding.ShardRegion;
import org.apache.pekko.pattern.Patterns;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends, while the only member of its cluster stops, the graceful shutdown of a shard region that has handed off all its
 * shards and waits only for messages no node will host. A region shutting down buffers a message for a shard without a
 * home and asks the coordinator for one, which never allocates a shard to a region that is shutting down; the region
 * stops only once its shards are gone and its buffers empty, so with no other member it waits out its whole timeout
 * (the phase's 60 s, which tenants' snapshots need) and then drops them anyway. Such a message comes from Pekko itself:
 * a shard that restarts its remembered entities sends each a start message through its region, again and again until
 * acknowledged, and one sent as the shard is handed off is buffered that way (a node stopped right after it started,
 * with a tenant's rules remembered, took over a minute to stop). Pekko 1.7 has no fix (Akka's akka-core#33002 drops
 * such buffers on a single member). Here a region that still runs, holds no shard at two checks
 * {@link #EVERY} apart during the shutdown phase, on a node that is its cluster's only member, is stopped; the
 * messages it held are dropped, as the timeout would drop them. With other members the region waits as before: its
 * buffers go to the shards' new homes.
 */
public final class LoneNodeRegionStop {
    private static final Logger LOG = LoggerFactory.getLogger(LoneNodeRegionStop.class);
    static final Duration EVERY = Duration.ofMillis(500);

    private sealed interface Command {}

    private record Check() implements Command {}

    private record State(ActorRef region, ShardRegion.CurrentShardRegionState state) implements Command {}

    private LoneNodeRegionStop() {}

    /** Adds the task to the phase in which shard regions shut down. */
    public static void register(ActorSystem<?> system) {
        CoordinatedShutdown.get(system)
                .addTask(CoordinatedShutdown.PhaseClusterShardingShutdownRegion(), "stop-lone-node-regions", () -> {
                    CompletableFuture<Done> done = new CompletableFuture<>();
                    system.systemActorOf(
                            Behaviors.<Command>setup(context -> new Watch(context, done).behavior()),
                            "lone-node-region-stop",
                            org.apache.pekko.actor.typed.Props.empty());
                    return done;
                });
    }

    /** Watches the node's regions until every one has stopped. */
    private static final class Watch {
        private final ActorContext<Command> context;
        private final CompletableFuture<Done> done;
        private final Cluster cluster;
        /** The regions still running, each with how many checks in a row found it without a shard. */
        private final Map<ActorRef, Integer> emptyChecks = new HashMap<>();
        /** The regions told to stop. */
        private final Set<ActorRef> stopped = new HashSet<>();

        Watch(ActorContext<Command> context, CompletableFuture<Done> done) {
            this.context = context;
            this.done = done;
            var classic = Adapter.toClassic(context.getSystem());
            this.cluster = Cluster.get(classic);
            ClusterSharding sharding = ClusterSharding.get(classic);
            for (String type : sharding.getShardTypeNames()) {
                ActorRef region = sharding.shardRegion(type);
                emptyChecks.put(region, 0);
                context.watch(Adapter.toTyped(region));
            }
        }

        Behavior<Command> behavior() {
            if (emptyChecks.isEmpty()) return finished();
            return Behaviors.withTimers(timers -> {
                timers.startTimerWithFixedDelay(new Check(), EVERY);
                return Behaviors.receive(Command.class)
                        .onMessage(Check.class, check -> check())
                        .onMessage(State.class, this::state)
                        .onSignal(Terminated.class, stopped -> {
                            emptyChecks.remove(Adapter.toClassic(stopped.getRef()));
                            return emptyChecks.isEmpty() ? finished() : Behaviors.same();
                        })
                        .build();
            });
        }

        private Behavior<Command> check() {
            boolean alone = cluster.state().members().size() <= 1;
            if (!alone) return Behaviors.same();
            for (ActorRef region : emptyChecks.keySet()) {
                if (stopped.contains(region)) continue;
                context.pipeToSelf(
                        Patterns.ask(region, ShardRegion.getShardRegionStateInstance(), EVERY),
                        (state, failure) -> new State(region, (ShardRegion.CurrentShardRegionState) state));
            }
            return Behaviors.same();
        }

        private Behavior<Command> state(State reply) {
            Integer checks = emptyChecks.get(reply.region());
            if (checks == null || stopped.contains(reply.region())) return Behaviors.same();
            if (reply.state() == null || !reply.state().shards().isEmpty()) { // no answer, or shards still handed off
                emptyChecks.put(reply.region(), 0);
                return Behaviors.same();
            }
            if (checks + 1 < 2) {
                emptyChecks.put(reply.region(), checks + 1);
                return Behaviors.same();
            }
            LOG.info(
                    "Shard region {} has handed off its shards but holds messages for shards no node will host (this"
                            + " node is its cluster's only member): stopping it, dropping them",
                    reply.region().path().name());
            reply.region().tell(PoisonPill.getInstance(), ActorRef.noSender());
            stopped.add(reply.region());
            return Behaviors.same();
        }

        private Behavior<Command> finished() {
            done.complete(Done.getInstance());
            return Behaviors.stopped();
        }
    }
}
