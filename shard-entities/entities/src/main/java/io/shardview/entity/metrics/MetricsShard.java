package io.shardview.entity.metrics;

import io.shardview.entity.fault.InternalErrors;
import io.shardview.entity.large.Assembly;
import io.shardview.entity.large.LargeMessages;
import io.shardview.entity.metrics.MetricsProtocol.AggregatePartially;
import io.shardview.entity.metrics.MetricsProtocol.Append;
import io.shardview.entity.metrics.MetricsProtocol.Appended;
import io.shardview.entity.metrics.MetricsProtocol.ApplyRetention;
import io.shardview.entity.metrics.MetricsProtocol.CheckSeries;
import io.shardview.entity.metrics.MetricsProtocol.Command;
import io.shardview.entity.metrics.MetricsProtocol.Failed;
import io.shardview.entity.metrics.MetricsProtocol.KeepRunning;
import io.shardview.entity.metrics.MetricsProtocol.MessagePart;
import io.shardview.entity.metrics.MetricsProtocol.PublishStats;
import io.shardview.entity.metrics.MetricsProtocol.SealIfIdle;
import io.shardview.entity.metrics.MetricsProtocol.Select;
import io.shardview.entity.metrics.MetricsProtocol.SelectBuckets;
import io.shardview.entity.metrics.MetricsProtocol.SeriesLimitReached;
import io.shardview.entity.metrics.MetricsProtocol.SeriesRoom;
import io.shardview.metrics.index.Labels;
import io.shardview.metrics.storage.AppendResult;
import io.shardview.metrics.storage.PointBatch;
import io.shardview.metrics.storage.RetentionCutoffs;
import io.shardview.metrics.storage.ShardStorage;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.SnapshotAdapter;
import org.apache.pekko.persistence.typed.SnapshotCompleted;
import org.apache.pekko.persistence.typed.SnapshotFailed;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.Effect;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;

/**
 * One of a tenant's metrics shards as a persistent sharded entity (entity id {@code tenant.n}; its messages are
 * {@link MetricsProtocol}'s).
 * A series lives in shard {@code labels.shard(N)}. An append is checked against the storage (which
 * points the out-of-order window rejects), persisted as one binary point batch, applied, and only
 * then acknowledged. Snapshots hold the storage with its sealed chunks as encoded. Retention is
 * journaled as the time it ran at, so replay is deterministic.
 *
 * <p>Storage layout (docs/storage.md): the journal holds only what happened since the shard's one
 * snapshot. A snapshot is taken every snapshot-every-events events, after a retention that dropped
 * data, and when the shard has been idle for seal-after-idle (it then journals {@code HeadsSealed}
 * first, so every head is sealed into a chunk); once the snapshot store confirms it, the events up
 * to it and every older snapshot are deleted ({@link JournalPruner}). An acknowledged point is thus
 * always in the journal or in a snapshot that is saved.
 */
public final class MetricsShard extends EventSourcedBehavior<Command, MetricsEvent, ShardStorage> {
    /** The bounded pool metrics shards run on, never the dispatcher HTTP runs on (config/dispatchers.conf). */
    public static final String DISPATCHER = "shardview.dispatchers.metrics-shards";

    /**
     * Registers metrics shards with this node's sharding, on their own dispatcher; {@code clock} dates
     * retention (the wall clock but in tests), and shards publish their figures to {@code board}.
     */
    public static void init(ActorSystem<?> system, MetricsSettings settings, Clock clock, ShardStatsBoard board) {
        ClusterSharding.get(system)
                .init(Entity.of(MetricsProtocol.ENTITY_KEY, entity -> Behaviors.supervise(
                                        behavior(entity.getEntityId(), settings, clock, board))
                                .onFailure(
                                        ShardFailed.class,
                                        SupervisorStrategy.restartWithBackoff(
                                                        Duration.ofMillis(200), Duration.ofSeconds(5), 0.2)
                                                .withLoggingEnabled(false))) // logged once, with its request id
                        .withEntityProps(DispatcherSelector.fromConfig(DISPATCHER)));
    }

    /** The shard {@code entityId} ({@link #entityId}) as sharding runs it, without the restart supervision. */
    static Behavior<Command> behavior(String entityId, MetricsSettings settings, Clock clock, ShardStatsBoard board) {
        return Behaviors.<Command>setup(context ->
                Behaviors.withTimers(timers -> new MetricsShard(entityId, settings, clock, board, context, timers)));
    }

    /** Thrown after a contained failure was answered: the storage may be half-changed, so the shard restarts. */
    static final class ShardFailed extends RuntimeException {
        ShardFailed(String requestId, Throwable cause) {
            super("metrics shard failed (request id " + requestId + ")", cause);
        }
    }

    private final MetricsSettings settings;
    private final Clock clock;
    private final ShardStatsBoard board;
    private final String entityId;
    /** Whether this is the copy of another region's shard ({@link MetricsCopies}). */
    private final boolean copy;

    private final String persistenceId;
    private final ActorContext<Command> context;
    private final TimerScheduler<Command> timers;

    /**
     * The storage as other threads read it ({@link LocalShards#readHere}), once recovered: locked for writing from a
     * command that persists events until the journal has them, so that such a read sees neither a change half applied
     * nor one not yet durable.
     */
    private GuardedStorage guarded;
    /** Parts of large commands received so far (not state: a command lost with a stop is one its sender retries). */
    private final Assembly parts = LargeMessages.assembly();
    /** Set by the event handler: whether the last retention event dropped data (then snapshot and prune). */
    private boolean retentionDroppedData;
    /**
     * Set by the event handler: whether an event other than {@code HeadsSealed} came after the last
     * one (or after the snapshot recovery started from), i.e. whether an idle shard should seal.
     */
    private boolean unsealedEvents;
    /** When this shard last persisted a point batch (System.nanoTime), or started. */
    private long lastWriteNanos = System.nanoTime();
    /** Size of the shard's latest snapshot (taken or recovered from), 0 if none. */
    private long snapshotBytes;
    /** Bytes of the point batch events applied since that snapshot was taken (replayed ones included). */
    private long journalBytesSinceSnapshot;
    /** Events applied since that snapshot was taken (replayed ones included): what a recovery would replay. */
    private long eventsSinceSnapshot;

    private MetricsShard(
            String entityId,
            MetricsSettings settings,
            Clock clock,
            ShardStatsBoard board,
            ActorContext<Command> context,
            TimerScheduler<Command> timers) {
        // A failed write stops this instance, and sharding starts a new one with the next message: Pekko's own restart
        // (onPersistFailure) would recover onto the storage this instance already holds (emptyState is evaluated once
        // per instance and the storage is mutable), applying every event again.
        super(PersistenceId.of("metrics", entityId));
        this.settings = settings;
        this.clock = clock;
        this.board = board;
        this.entityId = entityId;
        this.copy = MetricsCopies.isCopy(entityId);
        this.persistenceId = PersistenceId.of("metrics", entityId).id();
        this.context = context;
        this.timers = timers;
    }

    @Override
    public ShardStorage emptyState() {
        return new ShardStorage(settings.storage());
    }

    /** The binary snapshot form, noting the sizes the idle seal weighs (both calls run in the entity). */
    @Override
    public SnapshotAdapter<ShardStorage> snapshotAdapter() {
        SnapshotAdapter<ShardStorage> codec = MetricsShardSnapshot.adapter(settings.storage());
        return new SnapshotAdapter<>() {
            @Override
            public Object toJournal(ShardStorage storage) {
                MetricsShardSnapshot snapshot = (MetricsShardSnapshot) codec.toJournal(storage);
                snapshotBytes = snapshot.bytes().length;
                journalBytesSinceSnapshot = 0;
                eventsSinceSnapshot = 0;
                return snapshot;
            }

            @Override
            public ShardStorage fromJournal(Object from) {
                snapshotBytes = ((MetricsShardSnapshot) from).bytes().length;
                return codec.fromJournal(from);
            }
        };
    }

    /**
     * A snapshot every snapshot-every-events events, after the heads were sealed, and right after a
     * retention that dropped data (so dropped data leaves the journal and snapshot store at once).
     * No Pekko retention criteria: {@link #signalHandler} prunes after every snapshot instead, since
     * typed retention deletes only events older than the kept snapshots, and keeps at least two.
     */
    @Override
    public boolean shouldSnapshot(ShardStorage storage, MetricsEvent event, long sequenceNr) {
        if (event instanceof MetricsEvent.HeadsSealed) return true;
        if (event instanceof MetricsEvent.RetentionApplied && retentionDroppedData) return true;
        return sequenceNr % settings.snapshotEveryEvents() == 0;
    }

    @Override
    public EventHandler<ShardStorage, MetricsEvent> eventHandler() {
        return (storage, event) -> {
            if (event instanceof MetricsEvent.PointsAppended appended) {
                if (appended.backfill()) storage.backfill(appended.batch());
                else storage.append(appended.batch());
                journalBytesSinceSnapshot += appended.bytes().length;
            } else if (event instanceof MetricsEvent.RetentionApplied retention) {
                retentionDroppedData = storage.applyRetention(retention.cutoffs());
            } else if (event instanceof MetricsEvent.HeadsSealed) {
                storage.sealAll();
            }
            unsealedEvents = !(event instanceof MetricsEvent.HeadsSealed);
            eventsSinceSnapshot++;
            return storage;
        };
    }

    /**
     * Retention runs when the shard starts (so a shard passivated for long catches up at once) and
     * then every retention-interval while it runs; the shard's figures go to the node's board
     * likewise, every stats-interval (computing them walks every chunk, too much for every batch),
     * and the idle check every half seal-after-idle. Once any snapshot is saved, the events up to it
     * and the older snapshots are deleted; when the shard stops, its figures leave the board. Between
     * recovery and stop the shard is among the node's {@link LocalShards}, with its series' label pairs.
     */
    @Override
    public SignalHandler<ShardStorage> signalHandler() {
        return newSignalHandlerBuilder()
                .onSignal(RecoveryCompleted.instance(), storage -> {
                    guarded = new GuardedStorage(storage);
                    LocalShards.get(context.getSystem())
                            .running(entityId, storage.pairFilter(), context.getSelf(), guarded);
                    timers.startTimerWithFixedDelay(
                            "retention", new ApplyRetention(), Duration.ZERO, settings.retentionInterval());
                    timers.startTimerWithFixedDelay(
                            "stats", new PublishStats(), Duration.ZERO, settings.statsInterval());
                    timers.startTimerWithFixedDelay(
                            "seal", new SealIfIdle(), settings.sealAfterIdle().dividedBy(2));
                })
                .onSignal(PostStop.instance(), storage -> {
                    board.remove(entityId);
                    LocalShards.get(context.getSystem()).stopped(entityId, storage.pairFilter());
                })
                .onSignal(
                        SnapshotCompleted.class,
                        (storage, completed) -> Adapter.actorOf(
                                context,
                                JournalPruner.props(
                                        persistenceId, completed.metadata().sequenceNr())))
                .onSignal(SnapshotFailed.class, (storage, failed) -> {
                    context.getLog()
                            .warn(
                                    "{}: snapshot at {} failed, its events stay in the journal",
                                    persistenceId,
                                    failed.metadata().sequenceNr(),
                                    failed.getFailure());
                    unsealedEvents = true; // try again once idle
                })
                .build();
    }

    /**
     * Every command runs guarded, as a tenant's do: a Throwable that escapes (a bug, a class missing at run time) is
     * logged once under a request id, an append is answered {@link Failed}, and the shard restarts from its journal.
     */
    @Override
    public CommandHandler<Command, MetricsEvent, ShardStorage> commandHandler() {
        CommandHandler<Command, MetricsEvent, ShardStorage> handler = commands();
        return (storage, command) -> {
            try {
                if (command instanceof MessagePart part) return onPart(storage, part);
                return handler.apply(storage, command);
            } catch (Throwable error) {
                String requestId = InternalErrors.record(
                        context.getLog(),
                        "metrics-shard",
                        "shard " + entityId + ", " + command.getClass().getSimpleName(),
                        error);
                if (command instanceof Append append) reply(append.replyTo(), new Failed(requestId));
                throw new ShardFailed(requestId, error);
            }
        };
    }

    /** A part of a large command: once it is whole, the command is handled as if it had come in one message. */
    private Effect<MetricsEvent, ShardStorage> onPart(ShardStorage storage, MessagePart part) {
        Command command = (Command)
                parts.receive(part.part(), context.getSystem(), context.getLog(), "metrics shard " + entityId);
        if (command == null) return Effect().none();
        return commandHandler().apply(storage, command);
    }

    /** Answers {@code to}, in parts when the answer is too large for one remoting frame. */
    private <T> void reply(ActorRef<T> to, T message) {
        LargeMessages.tell(context.getSystem(), to, message);
    }

    /** Answers {@code to} now, changing nothing. */
    private <T> Effect<MetricsEvent, ShardStorage> answer(ActorRef<T> to, T message) {
        reply(to, message);
        return Effect().none();
    }

    private CommandHandler<Command, MetricsEvent, ShardStorage> commands() {
        return newCommandHandlerBuilder()
                .forAnyState()
                .onCommand(Append.class, this::onAppend)
                .onCommand(CheckSeries.class, (storage, check) -> answer(check.replyTo(), seriesRoom(storage, check)))
                .onCommand(ApplyRetention.class, this::onApplyRetention)
                .onCommand(SealIfIdle.class, this::onSealIfIdle)
                .onCommand(KeepRunning.class, keep -> Effect().none())
                .onCommand(PublishStats.class, (storage, publish) -> {
                    ShardStorage.Stats stats = storage.stats();
                    board.update(
                            entityId,
                            new ShardStatsBoard.Stats(
                                    storage.activeSeries(),
                                    stats.sealedBytes(),
                                    stats.sealedPoints(),
                                    eventsSinceSnapshot));
                    return Effect().none();
                })
                .onCommand(
                        Select.class,
                        (storage, select) -> answer(select.replyTo(), ShardQueries.select(storage, select)))
                .onCommand(
                        SelectBuckets.class,
                        (storage, select) -> answer(select.replyTo(), ShardQueries.buckets(storage, select)))
                .onCommand(
                        AggregatePartially.class,
                        (storage, partial) -> answer(partial.replyTo(), ShardQueries.partial(storage, partial)))
                .build();
    }

    /**
     * Stores a batch, judged against the retention horizon of now. The retention timer's first tick
     * reaches a shard after the commands stashed while it recovered, so without this a shard that just
     * started (or one whose horizon moved since the last tick) would acknowledge points older than the
     * horizon and drop them at that tick: a due retention is journaled together with the batch, first.
     */
    private Effect<MetricsEvent, ShardStorage> onAppend(ShardStorage storage, Append append) {
        PointBatch batch = PointBatch.fromBytes(append.batch());
        long now = clock.millis();
        RetentionCutoffs due = storage.retentionDue(now) ? storage.retentionCutoffs(now) : null;
        AppendResult expected = due != null
                ? storage.checkAfter(due, batch, append.backfill())
                : append.backfill() ? storage.checkBackfill(batch) : storage.check(batch);
        int limit = settings.maxActiveSeriesPerShard();
        // A copy of another region's shard stores what it is sent: that shard judged the limit (MetricsCopies).
        if (!copy && expected.newSeries() > 0 && (long) storage.activeSeries() + expected.newSeries() > limit) {
            return answer(
                    append.replyTo(), new SeriesLimitReached(storage.activeSeries(), expected.newSeries(), limit));
        }
        Appended reply = new Appended(expected.accepted(), expected.rejectedOutOfOrder(), expected.rejectedTooOld());
        List<MetricsEvent> events = new ArrayList<>(2);
        if (due != null) events.add(new MetricsEvent.RetentionApplied(due.rawCutoffMs(), due.rollupCutoffMs()));
        if (expected.accepted() > 0) {
            lastWriteNanos = System.nanoTime();
            events.add(MetricsEvent.PointsAppended.of(append.batch(), batch, append.backfill()));
        }
        if (events.isEmpty()) return answer(append.replyTo(), reply);
        return persist(events, () -> reply(append.replyTo(), reply));
    }

    /**
     * Persists {@code events}, the storage locked against readers on other threads from now (the event handler applies
     * them before the journal answers) until they are journaled; then {@code then}. A write that fails stops this
     * instance with its lock held: readers ask the next one, which recovers from the journal into new storage.
     */
    private Effect<MetricsEvent, ShardStorage> persist(List<MetricsEvent> events, Runnable then) {
        GuardedStorage writing = guarded; // set once recovered, before any command runs
        long stamp = writing.beginWrite();
        // One event goes as one: Pekko asks shouldSnapshot after applying a single event, but before applying each
        // of a list, and a retention's snapshot depends on what applying it dropped.
        var persisting =
                events.size() == 1 ? Effect().persist(events.get(0)) : Effect().persist(events);
        return persisting.thenRun(s -> {
            writing.endWrite(stamp);
            then.run();
        });
    }

    /**
     * Seals the heads once nothing was stored for seal-after-idle, something is unsealed, and enough
     * was journaled since the last snapshot to be worth rewriting it (idle-seal-min-growth); the
     * snapshot after the {@code HeadsSealed} event lets the pruner delete every raw batch event.
     */
    private Effect<MetricsEvent, ShardStorage> onSealIfIdle(ShardStorage storage, SealIfIdle seal) {
        boolean idle =
                System.nanoTime() - lastWriteNanos >= settings.sealAfterIdle().toNanos();
        boolean grown = snapshotBytes == 0 || journalBytesSinceSnapshot >= settings.idleSealMinGrowth() * snapshotBytes;
        if (!idle || !unsealedEvents || !grown) return Effect().none();
        return persist(List.of(new MetricsEvent.HeadsSealed()), () -> {});
    }

    /**
     * Journals the cutoffs computed from the wall clock and applies retention from the event, so
     * replay drops exactly what was dropped here. Skipped until the raw horizon moves (once an hour).
     */
    private Effect<MetricsEvent, ShardStorage> onApplyRetention(ShardStorage storage, ApplyRetention apply) {
        long now = clock.millis();
        if (!storage.retentionDue(now)) return Effect().none();
        RetentionCutoffs cutoffs = storage.retentionCutoffs(now);
        return persist(
                List.of(new MetricsEvent.RetentionApplied(cutoffs.rawCutoffMs(), cutoffs.rollupCutoffMs())), () -> {});
    }

    private SeriesRoom seriesRoom(ShardStorage storage, CheckSeries check) {
        List<Labels> labels = check.labelSets().stream().map(Labels::of).toList();
        return new SeriesRoom(
                storage.activeSeries(), storage.unknownSeries(labels), settings.maxActiveSeriesPerShard());
    }
}
