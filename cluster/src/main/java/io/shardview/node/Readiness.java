package io.shardview.node;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * Whether the node should receive traffic: /ready answers 200 only in {@link State#READY}.
 *
 * <p>STARTING until this member is Up and every shard coordinator has answered once; LEAVING from
 * the first phase of coordinated shutdown on, so load balancers stop sending before HTTP unbinds.
 */
final class Readiness {
    enum State {
        STARTING,
        READY,
        LEAVING
    }

    private static final Duration RETRY = Duration.ofMillis(200);

    private final AtomicReference<State> state = new AtomicReference<>(State.STARTING);
    private final ActorSystem<?> system;
    private final ShardingQueries sharding;

    Readiness(ActorSystem<?> system, ShardingQueries sharding) {
        this.system = system;
        this.sharding = sharding;
    }

    State state() {
        return state.get();
    }

    /** Called once the member is Up: ready when sharding answers, retried until it does. */
    void memberUp() {
        sharding.shardCounts().whenComplete((counts, failure) -> {
            if (failure == null) {
                state.compareAndSet(State.STARTING, State.READY);
            } else if (state.get() == State.STARTING) {
                system.scheduler().scheduleOnce(RETRY, this::memberUp, system.executionContext());
            }
        });
    }

    /** From now on the node is leaving; there is no way back. */
    void leaving() {
        state.set(State.LEAVING);
    }
}
