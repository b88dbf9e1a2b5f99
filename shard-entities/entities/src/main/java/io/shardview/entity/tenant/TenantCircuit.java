package io.shardview.entity.tenant;

import io.shardview.circuit.Circuit;
import io.shardview.entity.durability.JournalDurability;
import io.shardview.entity.fault.InternalErrors;
import io.shardview.entity.large.Assembly;
import io.shardview.entity.large.LargeMessages;
import io.shardview.entity.tenant.TenantProtocol.ClockTick;
import io.shardview.entity.tenant.TenantProtocol.Command;
import io.shardview.entity.tenant.TenantProtocol.ConfirmTick;
import io.shardview.entity.tenant.TenantProtocol.Confirmed;
import io.shardview.entity.tenant.TenantProtocol.Describe;
import io.shardview.entity.tenant.TenantProtocol.Diverged;
import io.shardview.entity.tenant.TenantProtocol.DrainInbox;
import io.shardview.entity.tenant.TenantProtocol.Durable;
import io.shardview.entity.tenant.TenantProtocol.ExecuteSql;
import io.shardview.entity.tenant.TenantProtocol.ExplainView;
import io.shardview.entity.tenant.TenantProtocol.Forwarded;
import io.shardview.entity.tenant.TenantProtocol.HomeAnswers;
import io.shardview.entity.tenant.TenantProtocol.IngestMany;
import io.shardview.entity.tenant.TenantProtocol.MessagePart;
import io.shardview.entity.tenant.TenantProtocol.PersistReceived;
import io.shardview.entity.tenant.TenantProtocol.Pull;
import io.shardview.entity.tenant.TenantProtocol.PulledFromJournal;
import io.shardview.entity.tenant.TenantProtocol.Query;
import io.shardview.entity.tenant.TenantProtocol.QueryPlanned;
import io.shardview.entity.tenant.TenantProtocol.ReadRows;
import io.shardview.entity.tenant.TenantProtocol.ReadWaitOver;
import io.shardview.entity.tenant.TenantProtocol.Refused;
import io.shardview.entity.tenant.TenantProtocol.ReplayChanges;
import io.shardview.entity.tenant.TenantProtocol.Replicate;
import io.shardview.entity.tenant.TenantProtocol.SetAsideDone;
import io.shardview.entity.tenant.TenantProtocol.SetBudgets;
import io.shardview.entity.tenant.TenantProtocol.SetHome;
import io.shardview.entity.tenant.TenantProtocol.SetReplication;
import io.shardview.entity.tenant.TenantProtocol.SnapshotWritten;
import io.shardview.entity.tenant.TenantProtocol.SqlPlanned;
import io.shardview.entity.tenant.TenantProtocol.StillActive;
import io.shardview.entity.tenant.TenantProtocol.Stop;
import io.shardview.entity.tenant.TenantProtocol.StopWaitOver;
import io.shardview.entity.tenant.TenantProtocol.SyncTick;
import io.shardview.entity.tenant.TenantProtocol.TakeOver;
import io.shardview.entity.tenant.TenantProtocol.TakeSnapshot;
import io.shardview.entity.tenant.TenantProtocol.TakeoverAnswers;
import io.shardview.entity.tenant.TenantProtocol.WhoIsHome;
import java.time.Duration;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.eventstream.EventStream;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.ClusterShardingSettings;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.RecoveryFailed;
import org.apache.pekko.persistence.typed.SnapshotAdapter;
import org.apache.pekko.persistence.typed.SnapshotCompleted;
import org.apache.pekko.persistence.typed.SnapshotFailed;
import org.apache.pekko.persistence.typed.SnapshotSelectionCriteria;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.Effect;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.Recovery;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;

/**
 * One tenant's incremental SQL circuit as a persistent sharded entity (entity id = tenant name; its messages are
 * {@link TenantProtocol}'s).
 *
 * <p>A write is validated against the current state, persisted as one {@link TenantEvent}, applied,
 * and only then acknowledged; a rejected write persists and changes nothing. After a batch is
 * persisted its view changes are published to the views' topics. Snapshots hold the whole circuit,
 * so recovery never recomputes a view.
 *
 * <p>This file is the entity's life: sharding, recovery, snapshots, stopping, and which part handles each command.
 * The parts: {@link TenantWrites} (where a write goes), {@link TenantIngest}, {@link TenantSqlRequests},
 * {@link TenantReads} and {@link TenantFollowing} (replication across regions), sharing a {@link TenantContext}.
 */
public final class TenantCircuit extends EventSourcedBehavior<Command, TenantEvent, TenantState> {
    /** The bounded pool tenant circuits run on, never the dispatcher HTTP runs on (config/dispatchers.conf). */
    public static final String DISPATCHER = "shardview.dispatchers.tenant-circuits";

    /**
     * Published on the actor system's event stream when a tenant finished recovering: the version its
     * snapshot restored (0 without one), the events replayed after it, and the version reached. Local
     * to the node (the event stream does not cross nodes), so never serialized.
     */
    public record Recovered(String tenant, long snapshotVersion, long eventsReplayed, long version)
            implements org.apache.pekko.actor.NoSerializationVerificationNeeded {}

    /**
     * Registers tenant circuits with this node's sharding, on their own dispatcher; idle tenants are passivated
     * (tenant.conf). SQL requests are planned on {@code planning}'s threads. An entity that fails (a bug, contained by
     * {@link #commandHandler()}) is restarted from its journal, with back-off.
     */
    public static void init(
            ActorSystem<?> system, TenantSettings settings, ViewTopics topics, SqlPlanning planning, Regions regions) {
        ClusterShardingSettings sharding = ClusterShardingSettings.create(system);
        sharding = settings.passivateIdleAfter().isZero()
                ? sharding.withNoPassivationStrategy()
                : sharding.withPassivationStrategy(sharding.passivationStrategySettings()
                        .withIdleEntityPassivation(settings.passivateIdleAfter()));
        ClusterSharding.get(system)
                .init(Entity.of(
                                TenantProtocol.ENTITY_KEY,
                                context -> behavior(context.getEntityId(), settings, topics, planning, regions))
                        .withSettings(sharding)
                        .withEntityProps(DispatcherSelector.fromConfig(DISPATCHER))
                        .withStopMessage(new Stop()));
    }

    /**
     * The behavior of tenant {@code tenant}'s entity. After a contained failure it restarts with back-off as a new
     * instance, whose state is rebuilt from the journal alone. After a journal write that failed it stops, and sharding
     * starts a new instance with the tenant's next message.
     *
     * <p>Never Pekko's own restart on a failed write (onPersistFailure): it keeps the instance, and an
     * EventSourcedBehavior evaluates {@link #emptyState()} once per instance, so with a mutable state its recovery
     * started from the state as the command handler had left it, and a retry of the batch whose event the journal
     * refused was answered as a duplicate, applied ({@code TenantCircuitTest}).
     */
    static Behavior<Command> behavior(String tenant, TenantSettings settings, ViewTopics topics, SqlPlanning planning) {
        return behavior(tenant, settings, topics, planning, null);
    }

    /** As above, with the node's {@link Regions} (null: made for this entity alone, as tests of one process do). */
    static Behavior<Command> behavior(
            String tenant, TenantSettings settings, ViewTopics topics, SqlPlanning planning, Regions regions) {
        return Behaviors.supervise(Behaviors.<Command>setup(actor -> {
                    FailedTenants.Failure failed =
                            FailedTenants.get(actor.getSystem()).failed(tenant, settings.maxRecoveryFailures());
                    if (failed != null) return FailedTenant.behavior(failed); // no recovery: it fails there
                    return Behaviors.withTimers(timers -> new TenantCircuit(
                            actor,
                            timers,
                            tenant,
                            settings,
                            topics,
                            planning,
                            regions != null ? regions : new Regions(actor.getSystem())));
                }))
                .onFailure(
                        EntityFailed.class,
                        SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.2)
                                .withLoggingEnabled(false)); // logged once, with its request id
    }

    private final ActorContext<Command> actor;
    private final String tenant;
    private final TenantSettings settings;
    private final TenantContext context;
    private final TenantReads reads;
    private final TenantSqlRequests sql;
    private final TenantFollowing following;
    private final TenantWrites writes;
    private final TenantFailover failover;
    private final TenantIngest ingest;
    private final TenantClock clock;
    private final TenantSnapshots snapshots;

    /** Batches handed to this incarnation on this node, from its recovery to its stop (see {@link IngestInbox}). */
    private final IngestInbox inbox;

    /** Whether this incarnation's recovery restored a snapshot (else a recovery failure may be the snapshot's). */
    private boolean snapshotRestored;

    /** Events this incarnation applied (replayed or persisted): after one, a recovery failure is an event's. */
    private long eventsRecovered;

    /** Whether this incarnation's recovery failed (counted once, in {@link FailedTenants}). */
    private boolean recoveryFailureSeen;

    /** The sequence number of an event that could not be applied in recovery (0: none). */
    private long failedSeqNr;

    /** Parts of large commands received so far (not state: a command lost with a stop is one its sender retries). */
    private final Assembly parts = LargeMessages.assembly();

    private TenantCircuit(
            ActorContext<Command> actor,
            TimerScheduler<Command> timers,
            String tenant,
            TenantSettings settings,
            ViewTopics topics,
            SqlPlanning planning,
            Regions regions) {
        super(PersistenceId.of("tenant", tenant)); // a failed write stops this instance (see behavior())
        this.actor = actor;
        this.tenant = tenant;
        this.settings = settings;
        TenantReplica replica =
                new TenantReplica(actor, tenant, regions, persistenceId().id());
        this.context = new TenantContext(
                actor, timers, tenant, settings, topics, replica, Effect(), () -> lastSequenceNumber(actor));
        this.reads = new TenantReads(context);
        this.sql = new TenantSqlRequests(context, planning, reads, this::checkClock); // the first tick at once
        this.following = new TenantFollowing(context, reads);
        this.inbox = new IngestInbox(actor.getSelf(), tenant, batch -> TenantIngress.get(actor.getSystem())
                .viaSharding(tenant, batch));
        this.ingest = new TenantIngest(context);
        this.clock = new TenantClock(context, ingest);
        this.failover = new TenantFailover(context, following);
        this.writes = new TenantWrites(context, sql, ingest, following, inbox, failover, clock);
        this.snapshots = new TenantSnapshots(context, persistenceId().id());
    }

    @Override
    public TenantState emptyState() {
        return new TenantState(tenant, settings, new Circuit());
    }

    @Override
    public SnapshotAdapter<TenantState> snapshotAdapter() {
        SnapshotAdapter<TenantState> adapter = TenantSnapshot.adapter(tenant, settings);
        return new SnapshotAdapter<>() {
            @Override
            public Object toJournal(TenantState state) {
                // Taken right after an event the journal may have acknowledged before syncing it: the snapshot is
                // written only once that event is durable, so no snapshot holds what a power cut takes back.
                return TenantSnapshot.of(
                        state, JournalDurability.get(actor.getSystem()).afterAcknowledgedWrites());
            }

            @Override
            public TenantState fromJournal(Object from) {
                try {
                    TenantState state = adapter.fromJournal(from);
                    snapshotRestored = true;
                    return state;
                } catch (RuntimeException damaged) {
                    snapshotDamaged(damaged);
                    throw damaged;
                }
            }
        };
    }

    /**
     * After a snapshot that could not be restored, this tenant recovers from its events alone: they are all kept
     * (delete-events-on-snapshot off), so its state is the same, only slower to rebuild.
     */
    @Override
    public Recovery recovery() {
        return DamagedSnapshots.get(actor.getSystem()).damaged(tenant)
                ? Recovery.withSnapshotSelectionCriteria(SnapshotSelectionCriteria.none())
                : super.recovery();
    }

    /**
     * Recovery failed. Before any snapshot was restored or event replayed it may be the snapshot (a store that cannot
     * read it), so the next start tries the events alone; otherwise, or once the events alone fail too, an event is
     * damaged: the tenant stays down (every other tenant goes on), and the log names it and the way out.
     */
    private void recoveryFailed(Throwable cause) {
        if (recoveryFailureSeen) return; // Pekko may signal one failed recovery more than once
        recoveryFailureSeen = true;
        boolean mayBeTheSnapshot = !snapshotRestored && eventsRecovered == 0;
        if (mayBeTheSnapshot && !DamagedSnapshots.get(actor.getSystem()).damaged(tenant)) {
            snapshotDamaged(cause);
            return;
        }
        // An event that failed to apply is at failedSeqNr; one the journal could not read follows the last applied.
        long after = failedSeqNr > 0 ? failedSeqNr - 1 : lastSequenceNumber(actor);
        FailedTenants.Failure failure = FailedTenants.get(actor.getSystem())
                .recoveryFailed(tenant, after + 1, failedSeqNr == 0, String.valueOf(cause));
        actor.getLog()
                .error(
                        "tenant {}: recovery failed at (or reading) the event after sequence number {} of {} ({} of"
                                + " {} times);"
                                + " after {} it stays down, answering 503 entity_failed, until the node restarts;"
                                + " `shardview journal verify {}` names the damage, and restoring the tenant from a"
                                + " backup, `shardview journal skip {} --event N --execute` (keeping the events"
                                + " after it) or `shardview journal truncate {} --after {} --execute` brings it back",
                        tenant,
                        after,
                        persistenceId().id(),
                        failure.times(),
                        settings.maxRecoveryFailures(),
                        settings.maxRecoveryFailures(),
                        tenant,
                        tenant,
                        tenant,
                        after,
                        cause);
    }

    /**
     * The latest snapshot cannot be restored (damaged bytes, a snapshot store that cannot read it): this incarnation
     * fails, and the next, started by the tenant's next message, recovers from the events alone. With the events
     * deleted up to the snapshot that would lose data, so the tenant then stays down and the log says so.
     */
    private void snapshotDamaged(Throwable cause) {
        if (settings.deleteEventsOnSnapshot()) {
            actor.getLog()
                    .error(
                            "tenant {}: its latest snapshot cannot be restored and the events before it were "
                                    + "deleted (delete-events-on-snapshot): restore the tenant from a backup",
                            tenant,
                            cause);
        } else if (DamagedSnapshots.get(actor.getSystem()).record(tenant)) {
            actor.getLog()
                    .error(
                            "tenant {}: its latest snapshot cannot be restored; it recovers from its events "
                                    + "alone from its next request on (`shardview journal verify` shows the damage)",
                            tenant,
                            cause);
        }
    }

    /** The fewest events between two snapshots that {@code snapshot-event-rows} asks for (see shouldSnapshot). */
    static final int MIN_WEIGHED_SNAPSHOT_EVENTS = 100;

    /**
     * Snapshots are decided by {@link #shouldSnapshot} and taken by the entity itself ({@link TakeSnapshot}), and the
     * newest keep-snapshots kept by {@link TenantSnapshots}. Only with delete-events-on-snapshot does Pekko take them
     * (every snapshot-every-events events, and when due): it deletes events only after its own.
     */
    @Override
    public RetentionCriteria retentionCriteria() {
        if (!settings.deleteEventsOnSnapshot()) return RetentionCriteria.disabled();
        return RetentionCriteria.snapshotEvery(settings.snapshotEveryEvents(), settings.keepSnapshots())
                .withDeleteEventsOnSnapshot();
    }

    /**
     * Whether to snapshot after this event. Replaying the events since the last snapshot weighs each event
     * {@code snapshot-event-rows} rows plus its ops; a snapshot is due once that weight reaches
     * {@code snapshot-ops-per-state-row} times the rows the latest snapshot held, and besides one of: every
     * snapshot-every-events events, every snapshot-every-ops ops, or once the events would cost more to replay than
     * the state's snapshot to read (never sooner than {@link #MIN_WEIGHED_SNAPSHOT_EVENTS} events after the last: a
     * tiny tenant would otherwise snapshot at almost every event). A small tenant under a stream of small batches then
     * recovers (after a failover, or on its first request after passivation) by reading a small snapshot and about as
     * many rows of events.
     *
     * <p>The weight a snapshot waits for grows with the state, since a snapshot writes all of it: a tenant of millions
     * of rows wrote every row every 10,000 events (every 3 s at 3,000 batches/s, a 53 MB snapshot: its batches' p99
     * was 200 ms) and every 200,000 ops (every 1.5 s at 137,000 rows/s: 14% of the node's CPU, bench/RESULTS.md). Now
     * its snapshots cost about a row written per row changed (a growing tenant's snapshots are at least twice as large
     * each time), and its recovery replays about as much as its latest snapshot held at most.
     */
    @Override
    public boolean shouldSnapshot(TenantState state, TenantEvent event, long sequenceNr) {
        if (settings.deleteEventsOnSnapshot()) return snapshotDue(state, sequenceNr); // Pekko's, to delete events
        if (snapshotAsked || !snapshotDue(state, sequenceNr)) return false;
        // Taken by this entity once the write is done (TakeSnapshot), not by Pekko, which would stash every command
        // until the store has written it; one due while another is being written is taken once that one is.
        snapshotAsked = true;
        actor.getSelf().tell(TAKE_SNAPSHOT);
        return false;
    }

    private static final TakeSnapshot TAKE_SNAPSHOT = new TakeSnapshot();

    /** A snapshot is due and not taken yet (a TakeSnapshot is on its way, or one in flight holds it back). */
    private boolean snapshotAsked;

    /** Takes the snapshot asked for, unless one is being written (then once it is). */
    private void takeAskedSnapshot(TenantState state) {
        if (!snapshotAsked || state.snapshotsInFlight > 0) return;
        snapshotAsked = false;
        snapshots.save(state);
    }

    /** See {@link #shouldSnapshot}: whether the events since the last snapshot make one due at {@code sequenceNr}. */
    private boolean snapshotDue(TenantState state, long sequenceNr) {
        // By sequence numbers: Pekko asks before applying each event of a list persisted together, after a lone one.
        long events = sequenceNr - state.seqNrAtSnapshot;
        long weight = events * settings.snapshotEventRows() + state.opsSinceSnapshot;
        boolean due = weight >= settings.snapshotOpsPerStateRow() * state.rowsAtSnapshot
                && (events >= settings.snapshotEveryEvents()
                        || state.opsSinceSnapshot >= settings.snapshotEveryOps()
                        || (settings.snapshotEventRows() > 0
                                && events >= MIN_WEIGHED_SNAPSHOT_EVENTS
                                && weight >= state.snapshotRows()));
        if (due) state.seqNrAtSnapshot = sequenceNr;
        return due;
    }

    @Override
    public SignalHandler<TenantState> signalHandler() {
        return newSignalHandlerBuilder()
                .onSignal(RecoveryCompleted.instance(), this::onRecovered)
                .onSignal(PostStop.instance(), state -> stopped())
                .onSignal(RecoveryFailed.class, (state, failed) -> recoveryFailed(failed.getFailure()))
                .onSignal(SnapshotCompleted.class, (state, done) -> {
                    DamagedSnapshots.get(actor.getSystem()).repaired(tenant); // the new one is used from now on
                    snapshots.retain(done.metadata().sequenceNr());
                    actor.getSelf().tell(new SnapshotWritten(0));
                })
                .onSignal(SnapshotFailed.class, (state, failed) -> {
                    actor.getLog().warn("tenant {}: snapshot failed", tenant, failed.getFailure());
                    actor.getSelf().tell(new SnapshotWritten(0));
                })
                .build();
    }

    private void onRecovered(TenantState state) {
        FailedTenants.get(actor.getSystem()).recovered(tenant);
        context.replica.attach(state);
        state.seqNrAtSnapshot = lastSequenceNumber(actor) - state.eventsSinceSnapshot; // every event replayed counted
        context.durability.recovered(lastSequenceNumber(actor));
        if (context.replica.isHome(state, lastSequenceNumber(actor))) {
            state.enforceBudgets(); // a replica of another region's home never does
            context.confirmations.mode(state.replication, 0); // what it recovered, its followers confirm again
        }
        following.recovered(state);
        if (state.snapshotVersion > 0) snapshots.restored(state.snapshotVersion); // a sequence number is a version
        Recovered recovered =
                new Recovered(tenant, state.snapshotVersion, state.eventsReplayed, state.circuit.version());
        if (recovered.version() > 0) {
            actor.getLog()
                    .info(
                            "tenant {} recovered at version {}: snapshot at version {}, {} events replayed",
                            tenant,
                            recovered.version(),
                            recovered.snapshotVersion(),
                            recovered.eventsReplayed());
        }
        actor.getSystem().eventStream().tell(new EventStream.Publish<>(recovered));
        LocalTenants.get(actor.getSystem()).running(tenant, inbox);
        clock.check(state);
    }

    /** A request's statements applied: a view reading the clock starts it (TenantClock). */
    private void checkClock(TenantState state) {
        clock.check(state);
    }

    /** This incarnation stopped: batches handed to it and not answered go on through sharding (or fail as unknown). */
    private void stopped() {
        LocalTenants.get(actor.getSystem()).stopped(tenant, inbox);
        inbox.closeAndSendOn();
        context.durability.abandon();
        ingest.stopped(inbox.sendOn());
    }

    @Override
    public EventHandler<TenantState, TenantEvent> eventHandler() {
        return (state, event) -> {
            try {
                state.apply(event);
            } catch (RuntimeException damaged) {
                failedSeqNr = lastSequenceNumber(actor); // the event being applied
                throw damaged;
            }
            eventsRecovered++;
            return state;
        };
    }

    /**
     * Which part handles each command. Reads and queries wait (stashed) while this replica asks the other regions
     * which one is home. Every command runs guarded: a Throwable that escapes (a bug in the engine, a class missing at
     * run time, an assertion) is logged once with an incident id, answered 500 to whoever waits on the command, and
     * the entity restarts from its journal, since the circuit may be half-changed. Only a JVM-level failure passes
     * through.
     */
    @Override
    public CommandHandler<Command, TenantEvent, TenantState> commandHandler() {
        CommandHandler<Command, TenantEvent, TenantState> handler = newCommandHandlerBuilder()
                .forAnyState()
                .onCommand(MessagePart.class, this::onPart)
                // writes: applied at the home, forwarded to it elsewhere
                .onCommand(
                        ExecuteSql.class, (state, request) -> afterReads(state, () -> writes.write(state, request, 0)))
                .onCommand(IngestMany.class, (state, ingest) -> afterReads(state, () -> writes.write(state, ingest, 0)))
                .onCommand(
                        DrainInbox.class,
                        (state, drain) -> afterReads(state, () -> {
                            tellShardStillActive();
                            return writes.fromInbox(state);
                        }))
                .onCommand(StillActive.class, (state, active) -> Effect().none())
                .onCommand(SetBudgets.class, (state, set) -> afterReads(state, () -> writes.write(state, set, 0)))
                .onCommand(SetHome.class, (state, set) -> afterReads(state, () -> writes.write(state, set, 0)))
                .onCommand(SetReplication.class, (state, set) -> afterReads(state, () -> writes.write(state, set, 0)))
                .onCommand(
                        TenantProtocol.SetClock.class,
                        (state, set) -> afterReads(state, () -> writes.write(state, set, 0)))
                .onCommand(
                        Forwarded.class,
                        (state, forwarded) ->
                                afterReads(state, () -> writes.write(state, forwarded.write(), forwarded.hops())))
                .onCommand(
                        SqlPlanned.class, (state, planned) -> afterReads(state, () -> sql.onSqlPlanned(state, planned)))
                .onCommand(Durable.class, this::onDurable)
                .onCommand(StopWaitOver.class, (state, over) -> onStopWaitOver())
                // reads, at any replica, of what is durable
                .onCommand(Query.class, (state, query) -> whenHomeKnown(() -> sql.enqueue(state, query)))
                .onCommand(
                        QueryPlanned.class,
                        (state, planned) -> whenDurable(state, () -> sql.onQueryPlanned(state, planned)))
                .onCommand(
                        ReadRows.class,
                        (state, read) -> whenHomeKnown(() -> whenDurable(state, () -> reads.onRead(state, read))))
                .onCommand(ReadWaitOver.class, (state, over) -> whenDurable(state, () -> reads.onWaitOver(state, over)))
                .onCommand(
                        Describe.class,
                        (state, d) -> whenHomeKnown(() -> whenDurable(
                                state, () -> context.answer(d.replyTo(), TenantReads.describe(state, clock)))))
                .onCommand(
                        ExplainView.class,
                        (state, e) -> whenHomeKnown(() -> whenDurable(
                                state, () -> context.answer(e.replyTo(), TenantReads.explain(state, e.view())))))
                .onCommand(
                        ReplayChanges.class,
                        (state, r) ->
                                whenDurable(state, () -> context.answer(r.replyTo(), TenantReads.replay(state, r))))
                // between regions
                .onCommand(Replicate.class, following::onReplicate)
                .onCommand(PersistReceived.class, (state, persist) -> following.onPersistReceived(state))
                .onCommand(Pull.class, following::onPull)
                .onCommand(PulledFromJournal.class, following::onPulledFromJournal)
                .onCommand(WhoIsHome.class, following::onWhoIsHome)
                .onCommand(HomeAnswers.class, following::onHomeAnswers)
                .onCommand(SyncTick.class, (state, tick) -> following.onSyncTick(state))
                .onCommand(ClockTick.class, (state, tick) -> {
                    tellShardStillActive(); // a tenant whose views follow the time is never idle
                    return afterReads(state, () -> clock.onTick(state));
                })
                .onCommand(TenantProtocol.CatchUp.class, (state, catchUp) -> following.onCatchUp(state))
                .onCommand(Confirmed.class, (state, confirmed) -> {
                    failover.journaled(confirmed.region(), confirmed.seqNr());
                    return following.onConfirmed(confirmed);
                })
                .onCommand(Diverged.class, failover::onDiverged)
                .onCommand(TakeOver.class, (state, take) -> afterReads(state, () -> writes.takeOver(state)))
                .onCommand(TakeoverAnswers.class, failover::onTakeoverAnswers)
                .onCommand(SetAsideDone.class, (state, done) -> failover.onSetAsideDone(done))
                .onCommand(ConfirmTick.class, (state, tick) -> {
                    context.confirmTick(state.circuit.version());
                    return Effect().none();
                })
                // life
                .onCommand(Stop.class, (state, stop) -> onStop(state))
                .onCommand(TakeSnapshot.class, (state, take) -> {
                    takeAskedSnapshot(state);
                    return Effect().none();
                })
                .onCommand(SnapshotWritten.class, (state, written) -> {
                    state.snapshotsInFlight--;
                    if (written.sequenceNr() > 0) {
                        DamagedSnapshots.get(actor.getSystem()).repaired(tenant); // the new one is used from now on
                        snapshots.retain(written.sequenceNr());
                    }
                    takeAskedSnapshot(state);
                    return Effect().unstashAll();
                })
                .build();
        return (state, command) -> guarded(handler, state, command);
    }

    /**
     * Tells the shard, through sharding, that this busy entity is not idle, at most every quarter of the passivation
     * timeout: batches from the inbox bypass the shard, which passivated a tenant under full load every two minutes
     * (a snapshot, a stop and a recovery each time). An entity run without sharding (tests) has no shard to tell.
     */
    private void tellShardStillActive() {
        long every = settings.passivateIdleAfter().toNanos() / 4;
        long now = System.nanoTime();
        if (every == 0 || shardToldAtNanos != 0 && now - shardToldAtNanos < every) return;
        shardToldAtNanos = now;
        try {
            ClusterSharding.get(actor.getSystem())
                    .entityRefFor(TenantProtocol.ENTITY_KEY, tenant)
                    .tell(STILL_ACTIVE);
        } catch (IllegalStateException | IllegalArgumentException noSharding) {
            // not started under sharding: nothing passivates it either
        }
    }

    private static final StillActive STILL_ACTIVE = new StillActive();

    /** When this incarnation last told its shard it is active (System.nanoTime; 0: never). */
    private long shardToldAtNanos;

    /** Whether reads wait for the durable point, so writes wait behind them (see {@link #whenDurable}). */
    private boolean readsWaiting;

    /**
     * A read answered from what is durable: now if the last event is, else stashed until it is. While reads wait, writes
     * wait behind them ({@link #afterReads}): the entity stops taking groups, the writes in flight become durable, and
     * the reads are answered before anything is applied after them, so a read under a stream of writes waits at most a
     * sync or two.
     */
    private Effect<TenantEvent, TenantState> whenDurable(
            TenantState state, Supplier<Effect<TenantEvent, TenantState>> read) {
        if (!context.durability.behind(lastSequenceNumber(actor))) return read.get();
        readsWaiting = true;
        return Effect().stash();
    }

    /** A write, handled now, or stashed behind reads that wait for the durable point. */
    private Effect<TenantEvent, TenantState> afterReads(
            TenantState state, Supplier<Effect<TenantEvent, TenantState>> write) {
        if (readsWaiting || reads.waitingUpTo(state.circuit.version())) {
            readsWaiting = true;
            return Effect().stash();
        }
        return write.get();
    }

    /**
     * Writes are durable up to a sequence number: what waited for them runs (answers, changes, pushes); once the last
     * event is durable, the reads waiting for a version it reached are answered, and whatever waited behind reads (or a
     * stop behind writes) is handled again. A failed sync fails the entity: its state holds events that may not survive,
     * so it restarts from its journal, and its unanswered batches are sent on or answered 504.
     */
    private Effect<TenantEvent, TenantState> onDurable(TenantState state, Durable durable) {
        if (durable.failure() != null) {
            throw new IllegalStateException(
                    "the journal's sync failed; tenant " + tenant + " restarts from its journal", durable.failure());
        }
        context.durability.durableUpTo(durable.sequenceNr());
        if (context.durability.behind(lastSequenceNumber(actor)))
            return Effect().none();
        reads.answerWaiting(state, state.circuit.version());
        if (!readsWaiting && !stopWaiting) return Effect().none();
        if (stopWaiting) context.timers.cancel(STOP_WAIT_TIMER);
        readsWaiting = false;
        stopWaiting = false;
        return Effect().unstashAll();
    }

    /** Whether a stop waits (stashed) for writes to become durable. */
    private boolean stopWaiting;

    /**
     * How long a stop waits for the writes in flight: a sync takes milliseconds, but one that never completes (a
     * journal stopped under it) must not keep the entity, and with it the node's shutdown, waiting for ever.
     */
    private static final Duration STOP_WAIT = Duration.ofSeconds(10);

    private static final String STOP_WAIT_TIMER = "stop-waits-for-durability";

    /**
     * A stop waited long enough for the writes in flight: their batches, not confirmed durable, are sent on (the next
     * incarnation answers each once its write is durable) or answered 504 outcome_unknown, and the stop goes on.
     */
    private Effect<TenantEvent, TenantState> onStopWaitOver() {
        if (!stopWaiting) return Effect().none();
        actor.getLog()
                .warn(
                        "tenant {}: stopping before the journal confirmed its last writes durable ({}, last event {});"
                                + " their batches are answered by the next incarnation, or as of unknown outcome",
                        tenant,
                        context.durability,
                        lastSequenceNumber(actor));
        context.durability.abandon();
        ingest.stopped(inbox.sendOn());
        stopWaiting = false;
        readsWaiting = false;
        return Effect().unstashAll();
    }

    /** A read answered now, or stashed while this replica asks the other regions which one is home. */
    private Effect<TenantEvent, TenantState> whenHomeKnown(Supplier<Effect<TenantEvent, TenantState>> handle) {
        return following.waitingForHome() ? Effect().stash() : handle.get();
    }

    /** Every waiting request is answered, and the tenant stops once the snapshots being written are done. */
    private Effect<TenantEvent, TenantState> onStop(TenantState state) {
        inbox.closeAndSendOn(); // to the next incarnation, which sharding starts once this one stopped
        if (!context.durability.idle()) {
            // Handled again once the writes in flight are durable and answered, or once it has waited long enough.
            if (!stopWaiting) context.timers.startSingleTimer(STOP_WAIT_TIMER, new StopWaitOver(), STOP_WAIT);
            stopWaiting = true;
            return Effect().stash();
        }
        context.replica.stopped();
        snapshotAsked = false; // the snapshot before stopping, if any, takes its place
        reads.answerWaiting(state, Long.MAX_VALUE);
        sql.refuseAll(Refused.unavailable("tenant " + tenant + " is stopping or moving to another node"));
        if (state.snapshotsInFlight == 0
                && settings.snapshotOnStopAfterEvents() > 0
                && state.eventsSinceSnapshot >= settings.snapshotOnStopAfterEvents()) {
            snapshots.beforeStopping(state);
        }
        // Stashed until the snapshots being written are done; then handled again, and it stops.
        return state.snapshotsInFlight > 0 ? Effect().stash() : Effect().stop();
    }

    private Effect<TenantEvent, TenantState> guarded(
            CommandHandler<Command, TenantEvent, TenantState> handler, TenantState state, Command command) {
        try {
            if (failover.settingAside() && !(command instanceof SetAsideDone)) {
                return failover.whileSettingAside(command);
            }
            if (context.replica.unchecked() && TenantFailover.isRead(command)) return failover.refuseRead(command);
            clock.check(state); // a view reading the clock was created or dropped, here or at the home
            return handler.apply(state, command);
        } catch (EntityFailed answered) {
            sql.refuseAll(Refused.unavailable("tenant " + tenant + " restarted after an internal error"));
            stopped();
            throw answered;
        } catch (Throwable error) {
            String incident = InternalErrors.record(
                    actor.getLog(),
                    "tenant-circuit",
                    "tenant " + tenant + ", " + command.getClass().getSimpleName(),
                    error);
            context.answerFailed(command, context.internal(incident));
            sql.refuseAll(Refused.unavailable("tenant " + tenant + " restarted after an internal error"));
            stopped();
            throw new EntityFailed(incident, error);
        }
    }

    /** A part of a large command: once it is whole, the command is handled as if it had come in one message. */
    private Effect<TenantEvent, TenantState> onPart(TenantState state, MessagePart part) {
        Command command = (Command) parts.receive(part.part(), actor.getSystem(), actor.getLog(), "tenant " + tenant);
        if (command == null) return Effect().none();
        if (following.waitingForHome() || context.replica.home(state, lastSequenceNumber(actor)) == null) {
            // It may wait, stashed, for the home to be known; a stash keeps the message being handled, which is this
            // part, so the whole command goes back to the mailbox to wait as itself.
            actor.getSelf().tell(command);
            return Effect().none();
        }
        return commandHandler().apply(state, command); // in its place among the messages (replicated events in order)
    }
}
