package io.shardview.entity.tenant;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.shardview.circuit.Circuit;
import io.shardview.circuit.DdlResult;
import io.shardview.circuit.PreparedSql;
import io.shardview.circuit.QueryResult;
import io.shardview.circuit.RowsPage;
import io.shardview.circuit.batch.BatchOutcome;
import io.shardview.circuit.batch.BatchValidation;
import io.shardview.circuit.batch.Op;
import io.shardview.circuit.batch.ValidatedBatch;
import io.shardview.circuit.budget.Budgets;
import io.shardview.circuit.catalog.CatalogDescription;
import io.shardview.circuit.catalog.Column;
import io.shardview.circuit.error.RejectionKind;
import io.shardview.entity.CborSerializable;
import io.shardview.entity.fault.FailPoints;
import io.shardview.entity.fault.InternalErrors;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.eventstream.EventStream;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.ClusterShardingSettings;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.SnapshotAdapter;
import org.apache.pekko.persistence.typed.SnapshotCompleted;
import org.apache.pekko.persistence.typed.SnapshotFailed;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.Effect;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;

/**
 * One tenant's incremental SQL circuit as a persistent sharded entity (entity id = tenant name).
 *
 * <p>A write is validated against the current state, persisted as one {@link TenantEvent}, applied,
 * and only then acknowledged; a rejected write persists and changes nothing. After a batch is
 * persisted its view changes are published to the views' topics. Snapshots hold the whole circuit,
 * so recovery never recomputes a view.
 */
public final class TenantCircuit extends EventSourcedBehavior<TenantCircuit.Command, TenantEvent, TenantState> {
    /** Sharding type key of tenant circuits. */
    public static final EntityTypeKey<Command> ENTITY_KEY = EntityTypeKey.create(Command.class, "tenant-circuit");

    /** The bounded pool tenant circuits run on, never the dispatcher HTTP runs on (config/dispatchers.conf). */
    public static final String DISPATCHER = "shardview.dispatchers.tenant-circuits";

    /**
     * How long a stopping tenant waits for its snapshot: as long as sharding gives a region to stop its entities at
     * shutdown (config/membership.conf, cluster-sharding-shutdown-region).
     */
    private static final Duration SNAPSHOT_BEFORE_STOP_TIMEOUT = Duration.ofSeconds(60);

    private static final Pattern CREATE_VIEW = Pattern.compile("(?i)\\bcreate\\s+(materialized\\s+)?view\\b");

    // ---- protocol ---------------------------------------------------------------------------

    /** Messages a tenant circuit accepts. */
    public sealed interface Command extends CborSerializable
            permits ExecuteSql,
                    IngestMany,
                    ReadRows,
                    Describe,
                    Query,
                    ReplayChanges,
                    Stop,
                    SnapshotWritten,
                    ReadWaitOver,
                    SqlPlanned,
                    QueryPlanned,
                    SetBudgets {}

    /**
     * Sharding's stop message (passivation, hand-off, node shutdown). A tenant writing a snapshot stops
     * once the snapshot is written: the snapshot store encodes it after the entity took its image, and
     * a snapshot cut off by a shutdown would make the next recovery replay everything since the last one.
     */
    public record Stop() implements Command {}

    /**
     * From the entity to itself: the snapshot it took is written (or failed). {@code sequenceNr}: that of a snapshot
     * the entity wrote itself before stopping, whose older ones are to be deleted; 0 for one Pekko wrote (its signal
     * handler deletes those) or a failure.
     */
    private record SnapshotWritten(long sequenceNr) implements Command {}

    /** From the entity to itself: the read {@code id}, waiting for a version, has waited long enough. */
    private record ReadWaitOver(long id) implements Command {}

    /**
     * Runs a request of ';'-separated DDL statements atomically. requestKey: the client's Idempotency-Key, or null;
     * a request whose key was applied before is answered with its original result. deadlineMillis: the wall-clock time
     * (epoch ms) after which the request must not start applying (0: none); a request that reaches it first is
     * refused as unavailable, with nothing applied.
     */
    public record ExecuteSql(String sql, String requestKey, long deadlineMillis, ActorRef<SqlReply> replyTo)
            implements Command {}

    /** From the entity to itself: the planner's answer for the SQL request being planned. */
    private record SqlPlanned(ExecuteSql request, PreparedSql prepared, Throwable failure) implements Command {}

    /** From the entity to itself: the planner's answer for the query being planned. */
    private record QueryPlanned(Query request, PreparedSql.PreparedQuery prepared, Throwable failure)
            implements Command {}

    /**
     * Applies atomic batches in order, each accepted or refused on its own, and persists the accepted
     * ones in one journal write (group commit). A node's ingress gathers the batches that arrive
     * while the previous group is being written.
     */
    public record IngestMany(List<BatchRequest> batches, ActorRef<IngestResults> replyTo) implements Command {}

    /**
     * One client batch; {@code batchId} (or null) makes a retry answer the original result. deadlineMillis: as
     * {@link ExecuteSql}'s (0: none).
     */
    public record BatchRequest(List<IngestOp> ops, String batchId, long deadlineMillis) {}

    /** The reply to each batch of an {@link IngestMany}, in order. */
    public record IngestResults(List<IngestReply> replies) implements CborSerializable {}

    /**
     * One page of a view's ({@code view} true) or table's rows. Read at once when the circuit has
     * reached {@code minVersion}; otherwise the answer waits in the entity until it does, or for at
     * most {@code waitMillis}, then comes with whatever version the circuit has (the caller tells
     * the client it is stale). Waiting here rather than asking again and again means one message per
     * read, and the answer leaves as soon as the version is written.
     */
    public record ReadRows(
            String name,
            boolean view,
            int limit,
            String after,
            long minVersion,
            long waitMillis,
            ActorRef<ReadReply> replyTo)
            implements Command {}

    /** The tenant's tables and views. */
    public record Describe(ActorRef<DescribeReply> replyTo) implements Command {}

    /** A one-off SELECT over current tables and views; deadlineMillis as {@link ExecuteSql}'s. */
    public record Query(String sql, long deadlineMillis, ActorRef<QueryReply> replyTo) implements Command {}

    /** A view's snapshot ({@code from} null) or its changes after version {@code from}. */
    public record ReplayChanges(String view, Long from, ActorRef<ChangeReplay> replyTo) implements Command {}

    /** An ingest operation as the API spells it: op, table, and a row or a key of column values. */
    public record IngestOp(String op, String table, Map<String, Object> row, Map<String, Object> key) {
        public IngestOp {
            row = widenIntegers(row);
            key = widenIntegers(key);
        }

        // Integers are Longs here, as the HTTP parser makes them; CBOR reads small ones back as
        // Integer on the entity's node, so the same batch means the same values on every node.
        private static Map<String, Object> widenIntegers(Map<String, Object> values) {
            if (values == null || !containsInteger(values)) return values;
            Map<String, Object> widened = new java.util.LinkedHashMap<>(values);
            widened.replaceAll((column, v) -> v instanceof Integer i ? (Object) i.longValue() : v);
            return widened;
        }

        private static boolean containsInteger(Map<String, Object> values) {
            for (Object value : values.values()) if (value instanceof Integer) return true;
            return false;
        }
    }

    /** Reply to {@link ExecuteSql}. */
    public sealed interface SqlReply extends CborSerializable permits SqlApplied, Refused {}

    /** Reply to one batch of {@link IngestMany}; typed by name inside {@link IngestResults}, which crosses nodes. */
    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
    @JsonSubTypes({
        @JsonSubTypes.Type(value = Ingested.class, name = "ingested"),
        @JsonSubTypes.Type(value = Refused.class, name = "refused")
    })
    public sealed interface IngestReply extends CborSerializable permits Ingested, Refused {}

    /** Reply to {@link ReadRows}. */
    public sealed interface ReadReply extends CborSerializable permits Rows, Refused {}

    /** Reply to {@link Describe}. */
    public sealed interface DescribeReply extends CborSerializable permits TenantInfo, Refused {}

    /** Reply to {@link Query}. */
    public sealed interface QueryReply extends CborSerializable permits QueryRows, Refused {}

    /** The request changed nothing: why, as a kind the HTTP layer maps to a status, and where. */
    public record Refused(RejectionKind kind, String message, Map<String, Object> details)
            implements SqlReply, IngestReply, ReadReply, DescribeReply, QueryReply {}

    /** Every statement applied (or, with {@code duplicate}, applied before under the same Idempotency-Key). */
    public record SqlApplied(long version, List<DdlResult.ChangedObject> objects, boolean duplicate)
            implements SqlReply {}

    /** A batch applied (or, with {@code duplicate}, applied before under the same batch id). */
    public record Ingested(long version, int ops, Map<String, ViewCount> views, boolean duplicate)
            implements IngestReply {}

    /** Rows a batch added to and removed from one view, copies counted. */
    public record ViewCount(long inserted, long deleted) {}

    /** A column as replies describe it. */
    public record ColumnInfo(String name, String type, boolean nullable) {}

    /** One page of rows, values as the API writes them. */
    public record Rows(
            String name,
            long version,
            String hash,
            long count,
            List<ColumnInfo> columns,
            List<List<Object>> rows,
            String next)
            implements ReadReply {}

    /** The result of a one-off query. */
    public record QueryRows(List<ColumnInfo> columns, List<List<Object>> rows) implements QueryReply {}

    /** The tenant's catalog, and each budget with its use. */
    public record TenantInfo(
            String tenant, long version, List<TableInfo> tables, List<ViewInfo> views, Map<String, BudgetUse> budgets)
            implements DescribeReply {}

    /**
     * One budget: its value, how much of it the tenant uses now (null for a budget of one request, which nothing
     * uses between requests), and whether the admin set it for this tenant (else it is the node's default).
     */
    public record BudgetUse(long limit, Long used, boolean overridden) {}

    /**
     * Sets the tenant's budgets (the admin API): these values by name, the node's defaults for the others; an empty
     * map returns to the defaults. The names and values are checked by the sender ({@link Budgets#with}). Answered
     * with every budget and its use once the change is durable.
     */
    public record SetBudgets(Map<String, Long> budgets, ActorRef<BudgetsReply> replyTo) implements Command {}

    /** The tenant's budgets after {@link SetBudgets}. */
    public record BudgetsReply(Map<String, BudgetUse> budgets) implements CborSerializable {}

    /** A table in {@link TenantInfo}. */
    public record TableInfo(String name, List<ColumnInfo> columns, List<String> primaryKey, long rows) {}

    /** A view in {@link TenantInfo}. */
    public record ViewInfo(String name, String sql, List<ColumnInfo> columns, long rows) {}

    // ---- sharding ---------------------------------------------------------------------------

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
    public static void init(ActorSystem<?> system, TenantSettings settings, ViewTopics topics, SqlPlanning planning) {
        ClusterShardingSettings sharding = ClusterShardingSettings.create(system);
        sharding = settings.passivateIdleAfter().isZero()
                ? sharding.withNoPassivationStrategy()
                : sharding.withPassivationStrategy(sharding.passivationStrategySettings()
                        .withIdleEntityPassivation(settings.passivateIdleAfter()));
        ClusterSharding.get(system)
                .init(Entity.of(ENTITY_KEY, context -> behavior(context.getEntityId(), settings, topics, planning))
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
        return Behaviors.supervise(Behaviors.<Command>setup(actor -> Behaviors.withTimers(
                        timers -> new TenantCircuit(actor, timers, tenant, settings, topics, planning))))
                .onFailure(
                        EntityFailed.class,
                        SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.2)
                                .withLoggingEnabled(false)); // logged once, with its request id
    }

    /** Thrown after a contained failure was answered: the entity's in-memory state is suspect, so it restarts. */
    static final class EntityFailed extends RuntimeException {
        EntityFailed(String incident, Throwable cause) {
            super("tenant entity failed (incident " + incident + ")", cause);
        }
    }

    // ---- behavior ---------------------------------------------------------------------------

    private final ActorContext<Command> actor;
    private final TimerScheduler<Command> timers;
    private final String tenant;
    private final TenantSettings settings;
    private final ViewTopics topics;
    private final SqlPlanning planning;

    /**
     * The SQL request or query being planned (one at a time, so each is planned against the catalog the previous one
     * left), and those waiting for it, in arrival order. Not state: a stop or failure answers them, nothing applied.
     */
    private Command planned;

    private final ArrayDeque<Command> sqlWaiting = new ArrayDeque<>();
    /** Sequence numbers of the snapshots kept, oldest first (see {@link #retainSnapshots}). */
    private final ArrayDeque<Long> keptSnapshots = new ArrayDeque<>();

    /** Reads waiting for a version, by id (a timer with the same key ends each wait). Not state: a stop answers them. */
    private final Map<Long, ReadRows> waitingReads = new HashMap<>();

    private long nextReadId;

    private TenantCircuit(
            ActorContext<Command> actor,
            TimerScheduler<Command> timers,
            String tenant,
            TenantSettings settings,
            ViewTopics topics,
            SqlPlanning planning) {
        super(PersistenceId.of("tenant", tenant)); // a failed write stops this instance (see behavior())
        this.actor = actor;
        this.timers = timers;
        this.tenant = tenant;
        this.settings = settings;
        this.topics = topics;
        this.planning = planning;
    }

    @Override
    public TenantState emptyState() {
        return new TenantState(tenant, settings, new Circuit());
    }

    @Override
    public SnapshotAdapter<TenantState> snapshotAdapter() {
        return TenantSnapshot.adapter(tenant, settings);
    }

    @Override
    public RetentionCriteria retentionCriteria() {
        var criteria = RetentionCriteria.snapshotEvery(settings.snapshotEveryEvents(), settings.keepSnapshots());
        return settings.deleteEventsOnSnapshot() ? criteria.withDeleteEventsOnSnapshot() : criteria;
    }

    /** Besides every N events (retention criteria), snapshot once enough ops were applied since the last one. */
    @Override
    public boolean shouldSnapshot(TenantState state, TenantEvent event, long sequenceNr) {
        if (state.opsSinceSnapshot < settings.snapshotEveryOps()) return false;
        state.opsSinceSnapshot = 0;
        return true;
    }

    @Override
    public SignalHandler<TenantState> signalHandler() {
        return newSignalHandlerBuilder()
                .onSignal(RecoveryCompleted.instance(), this::onRecovered)
                .onSignal(SnapshotCompleted.class, (state, done) -> {
                    retainSnapshots(done.metadata().sequenceNr());
                    actor.getSelf().tell(new SnapshotWritten(0));
                })
                .onSignal(SnapshotFailed.class, (state, failed) -> {
                    actor.getLog().warn("tenant {}: snapshot failed", tenant, failed.getFailure());
                    actor.getSelf().tell(new SnapshotWritten(0));
                })
                .build();
    }

    /**
     * Writes a snapshot of the state at the last persisted event, as Pekko writes its own (the snapshot adapter's
     * form, at that sequence number), for a tenant about to stop: its next start, on this node or the one its shard
     * moves to, reads it instead of replaying the events since the last one. Pekko snapshots only after an event,
     * and a stopping tenant persists none, hence the direct request to the snapshot store. The answer comes back as
     * {@link SnapshotWritten}; the Stop waits for it.
     */
    private void snapshotBeforeStopping(TenantState state) {
        long sequenceNr = lastSequenceNumber(actor);
        Object snapshot = snapshotAdapter().toJournal(state);
        var save = new org.apache.pekko.persistence.SnapshotProtocol.SaveSnapshot(
                new org.apache.pekko.persistence.SnapshotMetadata(
                        persistenceId().id(), sequenceNr, System.currentTimeMillis()),
                snapshot);
        actor.pipeToSelf(
                org.apache.pekko.pattern.Patterns.ask(snapshotStore(), save, SNAPSHOT_BEFORE_STOP_TIMEOUT),
                (reply, error) -> {
                    if (reply instanceof org.apache.pekko.persistence.SaveSnapshotSuccess) {
                        return new SnapshotWritten(sequenceNr);
                    }
                    Throwable cause = reply instanceof org.apache.pekko.persistence.SaveSnapshotFailure failure
                            ? failure.cause()
                            : error;
                    actor.getLog().warn("tenant {}: snapshot before stopping failed", tenant, cause);
                    return new SnapshotWritten(0);
                });
    }

    private org.apache.pekko.actor.ActorRef snapshotStore() {
        return org.apache.pekko.persistence.Persistence.get(actor.getSystem().classicSystem())
                .snapshotStoreFor("", com.typesafe.config.ConfigFactory.empty());
    }

    /**
     * Keeps the newest keep-snapshots snapshots and deletes every older one, whatever took them. Pekko's retention
     * deletes only after snapshots of its every-N-events schedule, not after those {@link #shouldSnapshot} takes
     * for large batches, so a tenant fed big batches kept every snapshot it ever took.
     */
    private void retainSnapshots(long sequenceNr) {
        keptSnapshots.addLast(sequenceNr);
        if (keptSnapshots.size() <= settings.keepSnapshots()) return;
        while (keptSnapshots.size() > settings.keepSnapshots()) keptSnapshots.removeFirst();
        snapshotStore()
                .tell(
                        new org.apache.pekko.persistence.SnapshotProtocol.DeleteSnapshots(
                                persistenceId().id(),
                                org.apache.pekko.persistence.SnapshotSelectionCriteria.create(
                                        keptSnapshots.peekFirst() - 1, Long.MAX_VALUE)),
                        org.apache.pekko.actor.typed.javadsl.Adapter.toClassic(
                                actor.getSystem().ignoreRef()));
    }

    private void onRecovered(TenantState state) {
        state.enforceBudgets();
        if (state.snapshotVersion > 0)
            keptSnapshots.addLast(state.snapshotVersion); // a tenant's sequence number is its version
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
    }

    @Override
    public EventHandler<TenantState, TenantEvent> eventHandler() {
        return (state, event) -> state.apply(event);
    }

    /**
     * Every command runs guarded: a Throwable that escapes (a bug in the engine, a class missing at run time, an
     * assertion) is logged once with an incident id, answered 500 to whoever waits on the command, and the entity
     * restarts from its journal, since the circuit may be half-changed. Only a JVM-level failure passes through.
     */
    @Override
    public CommandHandler<Command, TenantEvent, TenantState> commandHandler() {
        CommandHandler<Command, TenantEvent, TenantState> handler = newCommandHandlerBuilder()
                .forAnyState()
                .onCommand(ExecuteSql.class, this::onSql)
                .onCommand(SqlPlanned.class, this::onSqlPlanned)
                .onCommand(Query.class, this::onQuery)
                .onCommand(QueryPlanned.class, this::onQueryPlanned)
                .onCommand(IngestMany.class, this::onIngest)
                .onCommand(ReadRows.class, this::onRead)
                .onCommand(ReadWaitOver.class, (state, over) -> {
                    ReadRows read = waitingReads.remove(over.id());
                    if (read != null) read.replyTo().tell(TenantReads.rows(state, read));
                    return Effect().none();
                })
                .onCommand(Describe.class, (state, d) -> Effect().reply(d.replyTo(), TenantReads.describe(state)))
                .onCommand(SetBudgets.class, (state, set) -> Effect()
                        .persist(new TenantEvent.BudgetsSet(state.circuit.version(), set.budgets()))
                        .thenReply(set.replyTo(), s -> new BudgetsReply(TenantReads.budgets(s))))
                .onCommand(ReplayChanges.class, (state, r) -> Effect().reply(r.replyTo(), TenantReads.replay(state, r)))
                .onCommand(Stop.class, (state, stop) -> {
                    answerWaitingReads(state, Long.MAX_VALUE);
                    answerSqlWaiting(unavailable("tenant " + tenant + " is stopping or moving to another node"));
                    if (state.snapshotsInFlight == 0
                            && settings.snapshotOnStopAfterEvents() > 0
                            && state.eventsSinceSnapshot >= settings.snapshotOnStopAfterEvents()) {
                        snapshotBeforeStopping(state);
                    }
                    // Stashed until the snapshots being written are done; then handled again, and it stops.
                    return state.snapshotsInFlight > 0
                            ? Effect().stash()
                            : Effect().stop();
                })
                .onCommand(SnapshotWritten.class, (state, written) -> {
                    state.snapshotsInFlight--;
                    if (written.sequenceNr() > 0) retainSnapshots(written.sequenceNr());
                    return Effect().unstashAll();
                })
                .build();
        return (state, command) -> {
            try {
                return handler.apply(state, command);
            } catch (EntityFailed answered) {
                throw answered;
            } catch (Throwable error) {
                String incident = InternalErrors.record(
                        actor.getLog(),
                        "tenant-circuit",
                        "tenant " + tenant + ", " + command.getClass().getSimpleName(),
                        error);
                answerFailed(command, internal(incident));
                answerSqlWaiting(unavailable("tenant " + tenant + " restarted after an internal error"));
                throw new EntityFailed(incident, error);
            }
        };
    }

    /** The 500 answer to a request a bug failed; nothing of it applied. */
    private Refused internal(String incident) {
        return new Refused(
                RejectionKind.INTERNAL,
                "internal error in tenant " + tenant + "; nothing of the request "
                        + "was applied; the node log has the details under request id " + incident,
                Map.of("request_id", incident));
    }

    /** The 503 answer to a request that could not run; nothing of it applied. */
    private static Refused unavailable(String why) {
        return new Refused(RejectionKind.UNAVAILABLE, why + "; nothing of the request was applied; retry", Map.of());
    }

    /** Answers {@code command}'s requester (every batch, for a group of batches) with {@code refused}. */
    private static void answerFailed(Command command, Refused refused) {
        if (command instanceof ExecuteSql sql) sql.replyTo().tell(refused);
        else if (command instanceof SqlPlanned p) p.request().replyTo().tell(refused);
        else if (command instanceof Query q) q.replyTo().tell(refused);
        else if (command instanceof QueryPlanned p) p.request().replyTo().tell(refused);
        else if (command instanceof ReadRows read) read.replyTo().tell(refused);
        else if (command instanceof Describe describe) describe.replyTo().tell(refused);
        else if (command instanceof IngestMany ingest) {
            ingest.replyTo()
                    .tell(new IngestResults(
                            java.util.Collections.nCopies(ingest.batches().size(), refused)));
        }
    }

    /** Answers the SQL request being planned and those waiting with {@code refused}, and forgets them. */
    private void answerSqlWaiting(Refused refused) {
        if (planned != null) answerFailed(planned, refused);
        planned = null;
        sqlWaiting.forEach(waiting -> answerFailed(waiting, refused));
        sqlWaiting.clear();
    }

    private static boolean expired(long deadlineMillis) {
        return deadlineMillis > 0 && System.currentTimeMillis() > deadlineMillis;
    }

    private Effect<TenantEvent, TenantState> onRead(TenantState state, ReadRows read) {
        ReadReply reply = TenantReads.rows(state, read);
        if (state.circuit.version() >= read.minVersion() || read.waitMillis() <= 0 || !(reply instanceof Rows)) {
            return Effect().reply(read.replyTo(), reply);
        }
        long id = nextReadId++;
        waitingReads.put(id, read);
        timers.startSingleTimer(id, new ReadWaitOver(id), Duration.ofMillis(read.waitMillis()));
        return Effect().none();
    }

    /** Answers the waiting reads whose version the circuit has reached, all of them with {@code Long.MAX_VALUE}. */
    private void answerWaitingReads(TenantState state, long reached) {
        if (waitingReads.isEmpty()) return;
        var waiting = waitingReads.entrySet().iterator();
        while (waiting.hasNext()) {
            var entry = waiting.next();
            if (entry.getValue().minVersion() > reached) continue;
            waiting.remove();
            timers.cancel(entry.getKey());
            entry.getValue().replyTo().tell(TenantReads.rows(state, entry.getValue()));
        }
    }

    // ---- SQL and queries: planned on the planner's threads, one request at a time ---------------

    private Effect<TenantEvent, TenantState> onSql(TenantState state, ExecuteSql command) {
        return enqueueSql(state, command);
    }

    private Effect<TenantEvent, TenantState> onQuery(TenantState state, Query command) {
        return enqueueSql(state, command);
    }

    private Effect<TenantEvent, TenantState> enqueueSql(TenantState state, Command command) {
        if (planned == null) {
            planNext(state, command);
        } else if (sqlWaiting.size() >= settings.sqlMaxWaiting()) {
            answerFailed(
                    command, unavailable("tenant " + tenant + " has " + sqlWaiting.size() + " SQL requests waiting"));
        } else {
            sqlWaiting.add(command);
        }
        return Effect().none();
    }

    /** Starts planning {@code next}, or if it can be answered at once, answers it and goes on with the waiting ones. */
    private void planNext(TenantState state, Command next) {
        while (next != null) {
            if (startPlanning(state, next)) return;
            next = sqlWaiting.poll();
        }
    }

    /** Whether {@code command} is now being planned (else it was answered). */
    private boolean startPlanning(TenantState state, Command command) {
        if (command instanceof ExecuteSql sql) {
            Refused refused = refusedBeforePlanning(state, sql);
            if (refused != null) {
                sql.replyTo().tell(refused);
                return false;
            }
            if (sql.requestKey() != null && state.sqlRequests.get(sql.requestKey()) != null) {
                SqlApplied earlier = state.sqlRequests.get(sql.requestKey());
                sql.replyTo().tell(new SqlApplied(earlier.version(), earlier.objects(), true));
                return false;
            }
        } else {
            Query query = (Query) command;
            if (expired(query.deadlineMillis())) {
                query.replyTo().tell(unavailable("the query waited past its deadline"));
                return false;
            }
            if (state.circuit.version() == 0) {
                query.replyTo().tell(noSuchTenant(state));
                return false;
            }
        }
        var catalog = state.circuit.catalog();
        try {
            if (command instanceof ExecuteSql sql) {
                actor.pipeToSelf(
                        planning.prepare(sql.sql(), catalog),
                        (prepared, failure) -> new SqlPlanned(sql, prepared, failure));
            } else {
                Query query = (Query) command;
                actor.pipeToSelf(
                        planning.prepareQuery(query.sql(), catalog),
                        (prepared, failure) -> new QueryPlanned(query, prepared, failure));
            }
        } catch (java.util.concurrent.RejectedExecutionException busy) {
            answerFailed(command, unavailable("the SQL planner of this node is busy"));
            return false;
        }
        planned = command;
        return true;
    }

    private Refused refusedBeforePlanning(TenantState state, ExecuteSql command) {
        if (expired(command.deadlineMillis())) return unavailable("the SQL request waited past its deadline");
        long newViews = CREATE_VIEW
                .matcher(command.sql() == null ? "" : command.sql())
                .results()
                .count();
        int views = state.histories.size();
        int maxViews = state.budgets().maxViews();
        if (newViews > 0 && views + newViews > maxViews) {
            return new Refused(
                    RejectionKind.LIMIT_EXCEEDED,
                    "a tenant may have at most " + maxViews + " views (" + Budgets.VIEWS + "); it has " + views,
                    Map.of("limit", Budgets.VIEWS, "max", maxViews, "reached", views + newViews));
        }
        return null;
    }

    /** Why planning failed, as the answer to the request: over budget (422), planner busy (503), or a bug (500). */
    private Refused planningFailed(Command request, Throwable failure) {
        Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                ? failure.getCause()
                : failure;
        if (cause instanceof java.util.concurrent.TimeoutException) {
            long budget = planning.budget().toMillis();
            return new Refused(
                    RejectionKind.LIMIT_EXCEEDED,
                    "planning the statement took longer than its budget of " + budget + " ms",
                    Map.of("limit", "sql-plan-budget", "max_ms", budget));
        }
        if (cause instanceof java.util.concurrent.RejectedExecutionException) {
            return unavailable("the SQL planner of this node is busy");
        }
        return internal(InternalErrors.record(
                actor.getLog(),
                "sql-planner",
                "tenant " + tenant + ", " + request.getClass().getSimpleName(),
                cause));
    }

    /**
     * The plan of the SQL request is ready: DDL has no dry run, so it applies here, filling new views from the
     * data, and the event handler sees its version already reached.
     */
    private Effect<TenantEvent, TenantState> onSqlPlanned(TenantState state, SqlPlanned done) {
        if (done.request() != planned) return Effect().none(); // answered already (the tenant was stopping)
        ExecuteSql command = done.request();
        planned = null;
        Refused refused = null;
        if (done.failure() != null) {
            refused = planningFailed(command, done.failure());
        } else if (done.prepared().rejection() != null) {
            refused = refusal(done.prepared().rejection());
        } else if (expired(command.deadlineMillis())) {
            refused = unavailable("planning ended past the request's deadline");
        }
        if (refused != null) {
            command.replyTo().tell(refused);
            planNext(state, sqlWaiting.poll());
            return Effect().none();
        }
        DdlResult result = state.circuit.apply(done.prepared());
        if (result instanceof DdlResult.Rejected rejected) {
            command.replyTo().tell(refusal(rejected));
            planNext(state, sqlWaiting.poll());
            return Effect().none();
        }
        DdlResult.Applied applied = (DdlResult.Applied) result;
        return Effect()
                .persist(new TenantEvent.SqlApplied(
                        applied.version(),
                        command.sql(),
                        applied.objects(),
                        Circuit.SQL_REVISION,
                        command.requestKey()))
                .thenRun(s -> {
                    answerWaitingReads(s, s.circuit.version());
                    planNext(s, sqlWaiting.poll());
                })
                .thenReply(command.replyTo(), s -> new SqlApplied(applied.version(), applied.objects(), false));
    }

    private static Refused refusal(DdlResult.Rejected rejected) {
        Map<String, Object> details = new java.util.LinkedHashMap<>(rejected.details());
        details.put("statement", rejected.statement());
        return new Refused(rejected.kind(), rejected.message(), details);
    }

    private Effect<TenantEvent, TenantState> onQueryPlanned(TenantState state, QueryPlanned done) {
        if (done.request() != planned) return Effect().none();
        planned = null;
        Query query = done.request();
        QueryReply reply;
        if (done.failure() != null) {
            reply = planningFailed(query, done.failure());
        } else if (expired(query.deadlineMillis())) {
            reply = unavailable("planning ended past the query's deadline");
        } else {
            reply = TenantReads.query(state.circuit.query(done.prepared()));
        }
        query.replyTo().tell(reply);
        planNext(state, sqlWaiting.poll());
        return Effect().none();
    }

    private Refused noSuchTenant(TenantState state) {
        return new Refused(
                RejectionKind.NOT_FOUND,
                "no tenant named " + tenant + " (a tenant is created by its first SQL request)",
                Map.of("tenant", tenant));
    }

    // ---- ingest -------------------------------------------------------------------------------

    private Effect<TenantEvent, TenantState> onIngest(TenantState state, IngestMany command) {
        List<IngestReply> replies = new ArrayList<>(command.batches().size());
        List<TenantEvent> events = new ArrayList<>();
        List<ViewChange> changes = new ArrayList<>();
        for (int i = 0; i < command.batches().size(); i++) {
            BatchRequest batch = command.batches().get(i);
            if (state.circuit.version() == 0) {
                replies.add(noSuchTenant(state));
            } else if (expired(batch.deadlineMillis())) {
                replies.add(unavailable("the batch waited past its deadline"));
            } else {
                try {
                    replies.add(ingest(state, batch, events, changes));
                } catch (Throwable error) {
                    throw failedIngest(command, i, error);
                }
            }
        }
        IngestResults results = new IngestResults(replies);
        if (events.isEmpty()) return Effect().reply(command.replyTo(), results);
        return Effect()
                .persist(events)
                .thenRun(s -> {
                    changes.forEach(topics::publish);
                    answerWaitingReads(s, s.circuit.version());
                })
                .thenReply(command.replyTo(), s -> results);
    }

    /**
     * Batch {@code failed} of a group hit a bug: it is answered 500, the others 503 (those before it were applied in
     * memory only, and the restart drops them with it), and the entity restarts.
     */
    private EntityFailed failedIngest(IngestMany command, int failed, Throwable error) {
        String incident =
                InternalErrors.record(actor.getLog(), "tenant-circuit", "tenant " + tenant + ", ingest", error);
        List<IngestReply> replies = new ArrayList<>(command.batches().size());
        for (int i = 0; i < command.batches().size(); i++) {
            replies.add(
                    i == failed
                            ? internal(incident)
                            : unavailable("another batch written with it failed tenant " + tenant + "'s entity"));
        }
        command.replyTo().tell(new IngestResults(replies));
        answerSqlWaiting(unavailable("tenant " + tenant + " restarted after an internal error"));
        return new EntityFailed(incident, error);
    }

    /**
     * Validates one batch against the state the previous ones left and, if valid, applies it (see
     * TenantState); only a batch that applied becomes an event.
     */
    private static IngestReply ingest(
            TenantState state, BatchRequest batch, List<TenantEvent> events, List<ViewChange> changes) {
        if (batch.batchId() != null) {
            Ingested earlier = state.batches.get(batch.batchId());
            if (earlier != null) return new Ingested(earlier.version(), earlier.ops(), earlier.views(), true);
        }
        List<Op> ops = new ArrayList<>(batch.ops().size());
        for (int i = 0; i < batch.ops().size(); i++) {
            IngestOp op = batch.ops().get(i);
            Op converted = toEngineOp(op);
            if (converted == null) {
                return new Refused(
                        RejectionKind.INVALID,
                        "op " + i + ": unknown op '" + op.op() + "' or missing row/key",
                        Map.of("index", i));
            }
            ops.add(converted);
        }
        BatchValidation validation = state.circuit.validate(ops);
        if (validation instanceof BatchOutcome.Rejected rejected) {
            return new Refused(rejected.kind(), rejected.message(), Map.of("index", rejected.index()));
        }
        ValidatedBatch validated = (ValidatedBatch) validation;
        TenantState.AppliedBatch applied = state.applyBatch(validated, batch.batchId());
        for (IngestOp op : batch.ops())
            FailPoints.atName(op.table()); // after the circuit changed: a restart must undo it
        if (applied.result() instanceof Ingested) { // else a view failed on the batch's data: nothing changed
            events.add(TenantEvent.BatchApplied.of(validated, batch.batchId()));
            changes.addAll(applied.changes());
        }
        return applied.result();
    }

    private static Op toEngineOp(IngestOp op) {
        if (op.op() == null || op.table() == null) return null;
        return switch (op.op()) {
            case "insert" -> op.row() == null ? null : Op.insert(op.table(), op.row());
            case "update" -> op.row() == null ? null : Op.update(op.table(), op.row());
            case "upsert" -> op.row() == null ? null : Op.upsert(op.table(), op.row());
            case "delete" -> op.key() != null
                    ? Op.deleteKey(op.table(), op.key())
                    : op.row() != null ? Op.deleteRow(op.table(), op.row()) : null;
            default -> null;
        };
    }

    static List<ColumnInfo> columns(List<Column> columns) {
        return columns.stream()
                .map(c -> new ColumnInfo(c.name(), c.sqlTypeName(), c.nullable()))
                .toList();
    }

    /** The read side of the entity: answers built from the state without changing it. */
    static final class TenantReads {
        private TenantReads() {}

        static ReadReply rows(TenantState state, ReadRows read) {
            CatalogDescription catalog = state.circuit.describe();
            boolean exists = read.view()
                    ? catalog.views().stream().anyMatch(v -> v.name().equals(read.name()))
                    : catalog.tables().stream().anyMatch(t -> t.name().equals(read.name()));
            if (!exists) {
                return new Refused(
                        RejectionKind.NOT_FOUND,
                        "tenant " + state.tenant + " has no " + (read.view() ? "view" : "table") + " named "
                                + read.name(),
                        Map.of());
            }
            RowsPage page;
            try {
                page = state.circuit
                        .read(read.name(), read.limit(), read.after())
                        .orElseThrow();
            } catch (NumberFormatException badCursor) {
                return new Refused(
                        RejectionKind.INVALID, "invalid cursor " + read.after(), Map.of("after", read.after()));
            }
            return new Rows(
                    page.name(),
                    page.version(),
                    page.hash(),
                    page.count(),
                    columns(page.columns()),
                    RowJson.rows(page.rows()),
                    page.next());
        }

        static DescribeReply describe(TenantState state) {
            CatalogDescription catalog = state.circuit.describe();
            if (catalog.version() == 0) {
                return new Refused(RejectionKind.NOT_FOUND, "no tenant named " + state.tenant, Map.of());
            }
            return new TenantInfo(
                    state.tenant,
                    catalog.version(),
                    catalog.tables().stream()
                            .map(t -> new TableInfo(t.name(), columns(t.columns()), t.primaryKey(), t.rows()))
                            .toList(),
                    catalog.views().stream()
                            .map(v -> new ViewInfo(v.name(), v.sql(), columns(v.columns()), v.rows()))
                            .toList(),
                    budgets(state));
        }

        /** Each budget by name with its value and the tenant's use of it, from counters (nothing is walked). */
        static Map<String, BudgetUse> budgets(TenantState state) {
            Budgets budgets = state.budgets();
            Map<String, Long> used = Map.of(
                    Budgets.STATE_ROWS, state.circuit.stateRows(),
                    Budgets.STATE_BYTES, state.circuit.stateBytes(),
                    Budgets.VIEWS, (long) state.histories.size());
            Map<String, BudgetUse> out = new java.util.LinkedHashMap<>();
            for (String name : Budgets.NAMES) {
                out.put(
                        name,
                        new BudgetUse(budgets.get(name), used.get(name), state.budgetOverrides.containsKey(name)));
            }
            return out;
        }

        static QueryReply query(QueryResult result) {
            if (result instanceof QueryResult.Rejected rejected) {
                return new Refused(rejected.kind(), rejected.message(), rejected.details());
            }
            QueryResult.Rows rows = (QueryResult.Rows) result;
            return new QueryRows(columns(rows.columns()), RowJson.rows(rows.rows()));
        }

        static ChangeReplay replay(TenantState state, ReplayChanges request) {
            ChangeHistory history = state.histories.get(request.view());
            if (history == null) {
                return new ChangeReplay.NotFound("tenant " + state.tenant + " has no view named " + request.view());
            }
            if (request.from() != null) return history.since(request.view(), request.from());
            RowsPage all =
                    state.circuit.read(request.view(), Integer.MAX_VALUE, null).orElseThrow();
            return new ChangeReplay.Snapshot(
                    request.view(),
                    state.circuit.version(),
                    history.lastVersion(),
                    state.viewColumns.get(request.view()),
                    RowJson.rows(all.rows()),
                    all.hash());
        }
    }
}
