package io.shardview.entity.rules;

import io.shardview.entity.metrics.ShardedAppend;
import io.shardview.entity.metrics.ShardedQuery;
import io.shardview.entity.rules.RulesProtocol.GroupCommand;
import io.shardview.entity.rules.RulesProtocol.GroupId;
import io.shardview.metrics.rules.Alert;
import io.shardview.metrics.rules.GroupState;
import io.shardview.metrics.rules.RuleFiles;
import io.shardview.metrics.rules.RuleGroup;
import io.shardview.metrics.rules.RuleHealth;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.ClusterShardingSettings;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityContext;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.SnapshotAdapter;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.Effect;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;

/**
 * One rule group of a tenant, evaluated on its interval at Prometheus's aligned times (each group offset within its
 * interval by a hash of its id, so a tenant's groups do not all run at once): the evaluation ({@link GroupEvaluation})
 * runs off the actor, and once its results are stored the entity journals its time and the alerts' states, then sends
 * the alerts due to Alertmanager. The next evaluation is the next aligned time after the journaled one, so a group
 * that moved, or whose node was down, evaluates every time it missed (up to {@code max-catch-up}) and none twice: a
 * crash between storing and journaling repeats that one evaluation, whose results are the same points again.
 * Remembered by sharding; removed with its namespace ({@link RulesProtocol.Remove}), when it stops for good.
 */
public final class GroupRuler extends EventSourcedBehavior<GroupCommand, RulesEvent, GroupRuler.State> {
    private static final Object TICK = "tick";
    private static final Duration RETRY_AFTER = Duration.ofSeconds(5);

    /** Messages the group sends itself. */
    sealed interface Private extends GroupCommand permits Tick, Evaluated, EvaluationFailed {}

    /** Time to see whether an evaluation is due. */
    record Tick() implements Private {}

    /** An evaluation of {@code group} finished; {@code skipped} times were given up before it. */
    record Evaluated(GroupEvaluation.Done done, RuleGroup group, long skipped) implements Private {}

    /** An evaluation could not finish; it is tried again. */
    record EvaluationFailed(long time, Throwable error) implements Private {}

    /** The group's definition and what its last evaluation left. */
    static final class State {
        String yaml;
        RuleGroup group;
        GroupState rules;
        long lastEvaluation;
        double evaluationSeconds;
        long skipped;
        boolean removed;
    }

    /** What every group of this node shares. */
    private record Shared(
            RulesSettings settings, ShardedQuery query, ShardedAppend append, AlertNotifier notifier, Clock clock) {}

    private final GroupId id;
    private final ActorContext<GroupCommand> context;
    private final TimerScheduler<GroupCommand> timers;
    private final ActorRef<ClusterSharding.ShardCommand> shard;
    private final Shared shared;
    private boolean evaluating;
    /** The evaluation being journaled: its state is the group's next, series it wrote included. */
    private GroupEvaluation.Done journaling;

    private GroupRuler(
            EntityContext<GroupCommand> entity,
            ActorContext<GroupCommand> context,
            TimerScheduler<GroupCommand> timers,
            Shared shared) {
        super(PersistenceId.of("rule-group", entity.getEntityId()));
        this.id = GroupId.parse(entity.getEntityId());
        this.context = context;
        this.timers = timers;
        this.shard = entity.getShard();
        this.shared = shared;
    }

    /** Starts sharding for the entity on this node, remembered so that every group runs without a request. */
    public static void init(ActorSystem<?> system, Clock clock) {
        RulesSettings settings = RulesSettings.from(system.settings().config());
        ShardedQuery query = new ShardedQuery(
                system,
                new ShardedQuery.Settings(
                        settings.shardsPerTenant(),
                        settings.attemptTimeout(),
                        settings.askTimeout(),
                        settings.maxPointsPerQuery()));
        ShardedAppend append = new ShardedAppend(
                system,
                settings.shardsPerTenant(),
                settings.futureTolerance(),
                settings.attemptTimeout(),
                settings.askTimeout());
        Shared shared = new Shared(settings, query, append, AlertNotifier.get(system), clock);
        ClusterSharding.get(system)
                .init(Entity.of(RulesProtocol.GROUP_KEY, entity -> GroupRuler.behavior(entity, shared))
                        .withSettings(ClusterShardingSettings.create(system).withRememberEntities(true)));
    }

    private static Behavior<GroupCommand> behavior(EntityContext<GroupCommand> entity, Shared shared) {
        return Behaviors.setup(
                context -> Behaviors.withTimers(timers -> new GroupRuler(entity, context, timers, shared)));
    }

    @Override
    public State emptyState() {
        return new State();
    }

    @Override
    public RetentionCriteria retentionCriteria() {
        return RetentionCriteria.snapshotEvery(100, 2).withDeleteEventsOnSnapshot();
    }

    @Override
    public CommandHandler<GroupCommand, RulesEvent, State> commandHandler() {
        return newCommandHandlerBuilder()
                .forAnyState()
                .onCommand(RulesProtocol.Configure.class, this::configure)
                .onCommand(
                        RulesProtocol.Remove.class,
                        (state, remove) -> state.yaml == null || state.removed
                                ? stop()
                                : Effect()
                                        .persist(new RulesEvent.GroupRemoved())
                                        .thenRun(s -> passivate()))
                .onCommand(
                        RulesProtocol.ReadGroup.class, (state, read) -> Effect().reply(read.replyTo(), view(state)))
                .onCommand(Tick.class, (state, tick) -> tick(state))
                .onCommand(Evaluated.class, this::evaluated)
                .onCommand(EvaluationFailed.class, (state, failed) -> {
                    evaluating = false;
                    context.getLog()
                            .warn(
                                    "rule group {} of tenant {}: the evaluation at {} failed, tried again in {}: {}",
                                    id.group(),
                                    id.tenant(),
                                    failed.time(),
                                    RETRY_AFTER,
                                    failed.error().toString());
                    timers.startSingleTimer(TICK, new Tick(), RETRY_AFTER);
                    return Effect().none();
                })
                .build();
    }

    private Effect<RulesEvent, State> configure(State state, RulesProtocol.Configure configure) {
        if (configure.yaml().equals(state.yaml) && !state.removed) {
            if (!evaluating && !timers.isTimerActive(TICK)) context.getSelf().tell(new Tick());
            return Effect().none();
        }
        return Effect()
                .persist(new RulesEvent.GroupConfigured(configure.yaml()))
                .thenRun(s -> context.getSelf().tell(new Tick()));
    }

    private Effect<RulesEvent, State> stop() {
        passivate();
        return Effect().none();
    }

    /** Stops for good: sharding forgets a remembered entity that passivates. */
    private void passivate() {
        timers.cancelAll();
        shard.tell(new ClusterSharding.Passivate<>(context.getSelf()));
    }

    private Effect<RulesEvent, State> tick(State state) {
        if (state.group == null || state.removed || evaluating) return Effect().none();
        long interval = interval(state.group);
        long now = shared.clock().millis();
        // A group's first evaluation is at its latest aligned time; each next one an interval after the last.
        long due =
                state.lastEvaluation == 0 ? aligned(now, interval) : aligned(state.lastEvaluation, interval) + interval;
        if (due > now) {
            timers.startSingleTimer(TICK, new Tick(), Duration.ofMillis(due - now));
            return Effect().none();
        }
        long skipped = 0;
        long horizon = now - shared.settings().maxCatchUpMillis();
        if (due < horizon) {
            long first = aligned(horizon, interval) + interval;
            skipped = (first - due) / interval;
            due = first;
        }
        evaluating = true;
        RuleGroup group = state.group;
        long time = due;
        long skip = skipped;
        GroupEvaluation evaluation =
                new GroupEvaluation(id.tenant(), shared.query(), shared.append(), shared.settings(), interval);
        context.pipeToSelf(
                evaluation.run(state.rules.copy(), time, now),
                (done, error) -> error == null ? new Evaluated(done, group, skip) : new EvaluationFailed(time, error));
        return Effect().none();
    }

    private Effect<RulesEvent, State> evaluated(State state, Evaluated evaluated) {
        evaluating = false;
        if (evaluated.group() != state.group || state.removed) { // reconfigured meanwhile: evaluate the new group
            context.getSelf().tell(new Tick());
            return Effect().none();
        }
        GroupEvaluation.Done done = evaluated.done();
        GroupState next = done.state();
        List<List<Alert>> alerts = new ArrayList<>();
        List<RuleHealth> health = new ArrayList<>();
        for (int i = 0; i < state.group.rules().size(); i++) {
            alerts.add(next.alerts(i));
            health.add(next.health(i));
        }
        journaling = done;
        return Effect()
                .persist(new RulesEvent.GroupEvaluated(done.time(), evaluated.skipped(), alerts, health))
                .thenRun(s -> {
                    shared.notifier().send(id.tenant(), done.notifications());
                    context.getSelf().tell(new Tick());
                });
    }

    /** The group's interval: its own, or the node's default. */
    private long interval(RuleGroup group) {
        return group.intervalMillis() > 0
                ? group.intervalMillis()
                : shared.settings().evaluationIntervalMillis();
    }

    /** The latest evaluation time of this group at or before {@code time}. */
    private long aligned(long time, long interval) {
        long offset = Math.floorMod((long) id.entityId().hashCode(), interval);
        return time - Math.floorMod(time - offset, interval);
    }

    private RulesProtocol.GroupView view(State state) {
        if (state.group == null) return new RulesProtocol.GroupView(false, 0, 0, 0, 0, 0, List.of());
        List<RulesProtocol.RuleView> rules = new ArrayList<>();
        for (int i = 0; i < state.group.rules().size(); i++) {
            rules.add(new RulesProtocol.RuleView(state.rules.health(i), state.rules.alerts(i)));
        }
        return new RulesProtocol.GroupView(
                !state.removed,
                interval(state.group),
                state.group.limit(),
                state.lastEvaluation,
                state.evaluationSeconds,
                state.skipped,
                rules);
    }

    @Override
    public SignalHandler<State> signalHandler() {
        return newSignalHandlerBuilder()
                .onSignal(RecoveryCompleted.instance(), state -> {
                    // A put or delete sent while this group was down reaches it now; a removed group started again
                    // (by a put of its namespace) hears whether it is back, and else stops for good.
                    ClusterSharding.get(context.getSystem())
                            .entityRefFor(RulesProtocol.TENANT_KEY, id.tenant())
                            .tell(new RulesProtocol.Confirm(id.namespace(), id.group(), context.getSelf()));
                    if (!state.removed) context.getSelf().tell(new Tick());
                })
                .build();
    }

    @Override
    public EventHandler<State, RulesEvent> eventHandler() {
        return (state, event) -> {
            if (event instanceof RulesEvent.GroupConfigured configured) {
                RuleGroup group = RuleFiles.parse(configured.yaml()).get(0);
                state.rules = state.rules == null
                        ? new GroupState(group, shared.settings().externalUrl())
                        : state.rules.reconfigured(group);
                state.yaml = configured.yaml();
                state.group = group;
                state.removed = false;
            } else if (event instanceof RulesEvent.GroupEvaluated evaluated) {
                if (journaling != null && journaling.time() == evaluated.time()) {
                    state.rules = journaling.state(); // with the series it wrote, for its staleness markers
                    state.evaluationSeconds = journaling.seconds();
                    journaling = null;
                } else {
                    for (int i = 0; i < evaluated.alerts().size(); i++) {
                        state.rules.restoreAlerts(i, evaluated.alerts().get(i));
                        state.rules.restoreHealth(i, evaluated.health().get(i));
                    }
                }
                state.lastEvaluation = evaluated.time();
                state.skipped += evaluated.skipped();
            } else if (event instanceof RulesEvent.GroupRemoved) {
                state.removed = true;
            } else if (event instanceof RulesEvent.GroupSnapshot snapshot) {
                throw new IllegalStateException("a snapshot is not an event: " + snapshot);
            }
            return state;
        };
    }

    @Override
    public SnapshotAdapter<State> snapshotAdapter() {
        return new SnapshotAdapter<>() {
            @Override
            public Object toJournal(State state) {
                List<List<Alert>> alerts = new ArrayList<>();
                List<RuleHealth> health = new ArrayList<>();
                for (int i = 0; state.group != null && i < state.group.rules().size(); i++) {
                    alerts.add(state.rules.alerts(i));
                    health.add(state.rules.health(i));
                }
                return new RulesEvent.GroupSnapshot(
                        state.yaml, state.lastEvaluation, state.skipped, state.removed, alerts, health);
            }

            @Override
            public State fromJournal(Object from) {
                RulesEvent.GroupSnapshot snapshot = (RulesEvent.GroupSnapshot) from;
                State state = new State();
                state.yaml = snapshot.yaml();
                state.lastEvaluation = snapshot.lastEvaluation();
                state.skipped = snapshot.skipped();
                state.removed = snapshot.removed();
                if (snapshot.yaml() != null) {
                    state.group = RuleFiles.parse(snapshot.yaml()).get(0);
                    state.rules = new GroupState(state.group, shared.settings().externalUrl());
                    for (int i = 0; i < snapshot.alerts().size(); i++) {
                        state.rules.restoreAlerts(i, snapshot.alerts().get(i));
                        state.rules.restoreHealth(i, snapshot.health().get(i));
                    }
                }
                return state;
            }
        };
    }
}
