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
import io.shardview.entity.large.Assembly;
import io.shardview.entity.large.LargeMessages;
import io.shardview.entity.large.Part;
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

    /** How long a read waits at a replica that has not yet received its tenant's first events. */
    private static final Duration FIRST_EVENTS_WAIT = Duration.ofSeconds(2);

    private static final Pattern CREATE_VIEW = Pattern.compile("(?i)\\bcreate\\s+(materialized\\s+)?view\\b");

    // ---- protocol ---------------------------------------------------------------------------

    /** Messages a tenant circuit accepts. */
    public sealed interface Command extends CborSerializable
            permits ExecuteSql,
                    IngestMany,
                    ReadRows,
                    Describe,
                    ExplainView,
                    Query,
                    ReplayChanges,
                    Stop,
                    SnapshotWritten,
                    ReadWaitOver,
                    SqlPlanned,
                    QueryPlanned,
                    SetBudgets,
                    SetHome,
                    Forwarded,
                    Replicate,
                    Pull,
                    PulledFromJournal,
                    WhoIsHome,
                    HomeAnswers,
                    SyncTick,
                    PersistReceived,
                    MessagePart {}

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

    /**
     * A part of a command too large for one remoting frame, sent through sharding ({@link LargeMessages#viaSharding});
     * the command is handled once its last part arrives.
     */
    public record MessagePart(Part part) implements Command {}

    /** From the entity to itself: the read {@code id}, waiting for a version, has waited long enough. */
    private record ReadWaitOver(long id) implements Command {}

    // ---- between the replicas of a tenant in different regions (TenantReplica, docs/regions.md) ----

    /**
     * A write received by a replica outside the tenant's home region, sent on to the home replica, which answers the
     * original requester. Exactly one of the writes is set; hops counts the forwards, to stop a loop while the
     * replicas disagree about the home for a moment.
     */
    public record Forwarded(ExecuteSql sql, IngestMany ingest, SetBudgets budgets, SetHome home, String from, int hops)
            implements Command {
        Command write() {
            return sql != null ? sql : ingest != null ? ingest : budgets != null ? budgets : home;
        }
    }

    /**
     * From the home replica to another region's replica: events {@code firstSeqNr}.. of the home's log (possibly
     * none), and where the home stands: its last sequence number, its version, and when it sent this.
     */
    public record Replicate(
            String home, long firstSeqNr, List<TenantEvent> events, long homeSeqNr, long homeVersion, long sentAtMillis)
            implements Command {}

    /** From a replica to the home: the events from {@code fromSeqNr} on, please, to {@code replyTo}. */
    public record Pull(String region, long fromSeqNr, ActorRef<Command> replyTo) implements Command {}

    /** From a replica to itself: events a pull asked for, read from its journal, and the home they came from. */
    record PulledFromJournal(Pull pull, String home, List<TenantEvent> events) implements Command {}

    /** From a replica that has no events to every other region's replica: which region is home? */
    public record WhoIsHome(String region, boolean claiming, ActorRef<HomeAnswer> replyTo) implements Command {}

    /**
     * A replica's answer to {@link WhoIsHome}: the home it knows, or none; claiming when it is claiming home itself and
     * wins; answered false when the region did not answer in time (made up by the asker).
     */
    public record HomeAnswer(String region, String home, boolean claiming, boolean answered)
            implements CborSerializable {}

    /** From the entity to itself: the answers to its {@link WhoIsHome}. */
    record HomeAnswers(List<HomeAnswer> answers, boolean claiming) implements Command {}

    /** From the entity to itself, every sync interval while it follows a home in another region. */
    private record SyncTick() implements Command {}

    /** From a following replica to itself: persist the events received from the home since the last time. */
    private record PersistReceived() implements Command {}

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

    /** A view's operator graph with the state each operator holds (EXPLAIN). */
    public record ExplainView(String view, ActorRef<ExplainReply> replyTo) implements Command {}

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

    /** Reply to {@link ExplainView}. */
    public sealed interface ExplainReply extends CborSerializable permits ViewPlan, Refused {}

    /**
     * A view's plan at {@code version}: the SQL revision it was planned under, its rows, and its operators in order
     * (the last is the output), each a read of a table or view or an operator over earlier ones by index.
     */
    public record ViewPlan(String view, long version, int revision, long rows, List<PlanOperator> operators)
            implements ExplainReply {}

    /** One node of a {@link ViewPlan}; views: how many of the tenant's views hold the operator (0 for a read). */
    public record PlanOperator(
            int id, String operator, String relation, List<Integer> inputs, long stateRows, int views) {}

    /** The request changed nothing: why, as a kind the HTTP layer maps to a status, and where. */
    public record Refused(RejectionKind kind, String message, Map<String, Object> details)
            implements SqlReply,
                    IngestReply,
                    ReadReply,
                    DescribeReply,
                    QueryReply,
                    BudgetsAnswer,
                    HomeReply,
                    ExplainReply {}

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
            String next,
            Freshness freshness)
            implements ReadReply {}

    /**
     * Which replica answered a read and how far behind the tenant's home it is (docs/regions.md): lag in versions
     * (as far as it knows) and milliseconds since it last knew it had every event; 0 and 0 at the home.
     */
    public record Freshness(String region, String home, long lagVersions, long lagMillis) {}

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
    public record SetBudgets(Map<String, Long> budgets, ActorRef<BudgetsAnswer> replyTo) implements Command {}

    /** What {@link SetBudgets} is answered. */
    public sealed interface BudgetsAnswer extends CborSerializable permits BudgetsReply, Refused {}

    /** The tenant's budgets after {@link SetBudgets}. */
    public record BudgetsReply(Map<String, BudgetUse> budgets) implements BudgetsAnswer {}

    /**
     * Makes {@code region} the tenant's home region (the admin API; docs/regions.md): the home persists it as its
     * last event, after every write it accepted, and from then on writes go to the new home, which takes over once it
     * has applied that event, so no batch is lost or applied twice.
     */
    public record SetHome(String region, ActorRef<HomeReply> replyTo) implements Command {}

    /** What {@link SetHome} is answered. */
    public sealed interface HomeReply extends CborSerializable permits HomeMoved, Refused {}

    /** The tenant's home is {@code home} from {@code version} on. */
    public record HomeMoved(String home, long version) implements HomeReply {}

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
    public static void init(
            ActorSystem<?> system, TenantSettings settings, ViewTopics topics, SqlPlanning planning, Regions regions) {
        ClusterShardingSettings sharding = ClusterShardingSettings.create(system);
        sharding = settings.passivateIdleAfter().isZero()
                ? sharding.withNoPassivationStrategy()
                : sharding.withPassivationStrategy(sharding.passivationStrategySettings()
                        .withIdleEntityPassivation(settings.passivateIdleAfter()));
        ClusterSharding.get(system)
                .init(Entity.of(
                                ENTITY_KEY,
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
        return Behaviors.supervise(Behaviors.<Command>setup(actor -> Behaviors.withTimers(timers -> new TenantCircuit(
                        actor,
                        timers,
                        tenant,
                        settings,
                        topics,
                        planning,
                        regions != null ? regions : new Regions(actor.getSystem())))))
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
    private final TenantReplica replica;

    /**
     * A follower's events from the home not persisted yet, each wrapped as {@link TenantEvent.Replicated}, in the
     * home's order from this replica's last sequence number + 1, and when the home sent each push among them. Pushes
     * that arrive while an earlier persist runs wait together, and are then persisted and applied as one write.
     */
    private final List<TenantEvent> received = new ArrayList<>();

    private final List<Long> receivedSentAt = new ArrayList<>();

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

    /** Whether this incarnation's recovery restored a snapshot (else a recovery failure may be the snapshot's). */
    private boolean snapshotRestored;

    /** Events this incarnation applied (replayed or persisted): after one, a recovery failure is an event's. */
    private long eventsRecovered;

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
        this.timers = timers;
        this.tenant = tenant;
        this.settings = settings;
        this.topics = topics;
        this.planning = planning;
        this.replica = new TenantReplica(actor, tenant, regions, persistenceId().id());
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
                return adapter.toJournal(state);
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
        boolean mayBeTheSnapshot = !snapshotRestored && eventsRecovered == 0;
        if (mayBeTheSnapshot && !DamagedSnapshots.get(actor.getSystem()).damaged(tenant)) {
            snapshotDamaged(cause);
            return;
        }
        // An event that failed to apply is at failedSeqNr; one the journal could not read follows the last applied.
        long after = failedSeqNr > 0 ? failedSeqNr - 1 : lastSequenceNumber(actor);
        actor.getLog()
                .error(
                        "tenant {}: recovery failed at the event after sequence number {} of {}, so the tenant is"
                                + " down; `shardview journal verify {}` names the damage, and restoring the tenant"
                                + " from a backup or `shardview journal truncate {} --after {} --execute` brings it"
                                + " back",
                        tenant,
                        after,
                        persistenceId().id(),
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

    @Override
    public RetentionCriteria retentionCriteria() {
        var criteria = RetentionCriteria.snapshotEvery(settings.snapshotEveryEvents(), settings.keepSnapshots());
        return settings.deleteEventsOnSnapshot() ? criteria.withDeleteEventsOnSnapshot() : criteria;
    }

    /**
     * Besides every N events (retention criteria), snapshot once enough ops were applied since the last one, or once
     * replaying the events since the last snapshot would cost more than reading a snapshot: each event counts
     * {@code snapshot-event-rows} rows plus its ops, against the rows a snapshot of the state holds. A small tenant under
     * a stream of small batches then recovers (after a failover, or on its first request after passivation) by reading
     * a small snapshot and at most about as many rows of events, not up to snapshot-every-events events. Never sooner
     * than {@link #MIN_WEIGHED_SNAPSHOT_EVENTS} events after the last one: a tiny tenant would otherwise snapshot at
     * almost every event.
     */
    @Override
    public boolean shouldSnapshot(TenantState state, TenantEvent event, long sequenceNr) {
        boolean due = state.opsSinceSnapshot >= settings.snapshotEveryOps()
                || (settings.snapshotEventRows() > 0
                        && state.eventsSinceSnapshot >= MIN_WEIGHED_SNAPSHOT_EVENTS
                        && state.eventsSinceSnapshot * settings.snapshotEventRows() + state.opsSinceSnapshot
                                >= state.snapshotRows());
        if (!due) return false;
        state.opsSinceSnapshot = 0;
        return true;
    }

    @Override
    public SignalHandler<TenantState> signalHandler() {
        return newSignalHandlerBuilder()
                .onSignal(RecoveryCompleted.instance(), this::onRecovered)
                .onSignal(RecoveryFailed.class, (state, failed) -> recoveryFailed(failed.getFailure()))
                .onSignal(SnapshotCompleted.class, (state, done) -> {
                    DamagedSnapshots.get(actor.getSystem()).repaired(tenant); // the new one is used from now on
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
        long lastSeqNr = lastSequenceNumber(actor);
        if (replica.isHome(state, lastSeqNr)) state.enforceBudgets(); // a replica of another region's home never does
        if (replica.home(state, lastSeqNr) == null) replica.startLookup(false);
        else if (replica.isFollower(state, lastSeqNr)) startFollowing(state, lastSeqNr);
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
     * Every command runs guarded: a Throwable that escapes (a bug in the engine, a class missing at run time, an
     * assertion) is logged once with an incident id, answered 500 to whoever waits on the command, and the entity
     * restarts from its journal, since the circuit may be half-changed. Only a JVM-level failure passes through.
     */
    @Override
    public CommandHandler<Command, TenantEvent, TenantState> commandHandler() {
        CommandHandler<Command, TenantEvent, TenantState> handler = newCommandHandlerBuilder()
                .forAnyState()
                .onCommand(MessagePart.class, this::onPart)
                .onCommand(ExecuteSql.class, (state, sql) -> write(state, sql, 0))
                .onCommand(SqlPlanned.class, this::onSqlPlanned)
                .onCommand(
                        Query.class,
                        (state, query) -> waitForHome(state) ? Effect().stash() : onQuery(state, query))
                .onCommand(QueryPlanned.class, this::onQueryPlanned)
                .onCommand(IngestMany.class, (state, ingest) -> write(state, ingest, 0))
                .onCommand(
                        ReadRows.class,
                        (state, read) -> waitForHome(state) ? Effect().stash() : onRead(state, read))
                .onCommand(Forwarded.class, (state, forwarded) -> write(state, forwarded.write(), forwarded.hops()))
                .onCommand(Replicate.class, this::onReplicate)
                .onCommand(PersistReceived.class, (state, persist) -> onPersistReceived(state))
                .onCommand(Pull.class, (state, pull) -> {
                    long lastSeqNr = lastSequenceNumber(actor);
                    replica.answerPull(
                            pull,
                            replica.isHome(state, lastSeqNr),
                            replica.home(state, lastSeqNr),
                            lastSeqNr,
                            state.circuit.version());
                    return Effect().none();
                })
                .onCommand(PulledFromJournal.class, (state, pulled) -> {
                    replica.answerPulledFromJournal(pulled, lastSequenceNumber(actor), state.circuit.version());
                    return Effect().none();
                })
                .onCommand(
                        WhoIsHome.class,
                        (state, asked) ->
                                answer(asked.replyTo(), replica.answer(state, lastSequenceNumber(actor), asked)))
                .onCommand(HomeAnswers.class, this::onHomeAnswers)
                .onCommand(SyncTick.class, (state, tick) -> {
                    replica.sync(state, lastSequenceNumber(actor));
                    return Effect().none();
                })
                .onCommand(ReadWaitOver.class, (state, over) -> {
                    ReadRows read = waitingReads.remove(over.id());
                    if (read != null) reply(read.replyTo(), rowsReply(state, read));
                    return Effect().none();
                })
                .onCommand(
                        Describe.class,
                        (state, d) -> waitForHome(state)
                                ? Effect().stash()
                                : answer(d.replyTo(), TenantReads.describe(state)))
                .onCommand(
                        ExplainView.class,
                        (state, e) -> waitForHome(state)
                                ? Effect().stash()
                                : answer(e.replyTo(), TenantReads.explain(state, e.view())))
                .onCommand(SetBudgets.class, (state, set) -> write(state, set, 0))
                .onCommand(SetHome.class, (state, set) -> write(state, set, 0))
                .onCommand(ReplayChanges.class, (state, r) -> answer(r.replyTo(), TenantReads.replay(state, r)))
                .onCommand(Stop.class, (state, stop) -> {
                    replica.stopped();
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
        return (state, command) -> guarded(handler, state, command);
    }

    private Effect<TenantEvent, TenantState> guarded(
            CommandHandler<Command, TenantEvent, TenantState> handler, TenantState state, Command command) {
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
    }

    /** A part of a large command: once it is whole, the command is handled as if it had come in one message. */
    private Effect<TenantEvent, TenantState> onPart(TenantState state, MessagePart part) {
        Command command = (Command) parts.receive(part.part(), actor.getSystem(), actor.getLog(), "tenant " + tenant);
        if (command == null) return Effect().none();
        if (waitForHome(state) || replica.home(state, lastSequenceNumber(actor)) == null) {
            // It may wait, stashed, for the home to be known; a stash keeps the message being handled, which is this
            // part, so the whole command goes back to the mailbox to wait as itself.
            actor.getSelf().tell(command);
            return Effect().none();
        }
        return commandHandler().apply(state, command); // in its place among the messages (replicated events in order)
    }

    /** Answers {@code to}, in parts when the answer is too large for one remoting frame. */
    private <T> void reply(ActorRef<T> to, T message) {
        LargeMessages.tell(actor.getSystem(), to, message);
    }

    /** Answers {@code to} now, changing nothing. */
    private <T> Effect<TenantEvent, TenantState> answer(ActorRef<T> to, T message) {
        reply(to, message);
        return Effect().none();
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
    private void answerFailed(Command command, Refused refused) {
        if (command instanceof ExecuteSql sql) reply(sql.replyTo(), refused);
        else if (command instanceof SqlPlanned p) reply(p.request().replyTo(), refused);
        else if (command instanceof Query q) reply(q.replyTo(), refused);
        else if (command instanceof QueryPlanned p) reply(p.request().replyTo(), refused);
        else if (command instanceof ReadRows read) reply(read.replyTo(), refused);
        else if (command instanceof Describe describe) reply(describe.replyTo(), refused);
        else if (command instanceof ExplainView explain) reply(explain.replyTo(), refused);
        else if (command instanceof SetBudgets set) reply(set.replyTo(), refused);
        else if (command instanceof SetHome set) reply(set.replyTo(), refused);
        else if (command instanceof IngestMany ingest) {
            reply(
                    ingest.replyTo(),
                    new IngestResults(
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
        if (state.circuit.version() == 0 && replica.isFollower(state, lastSequenceNumber(actor))) {
            // A replica that has not received its tenant's first events yet: the read waits for them a moment
            // rather than saying the tenant does not exist.
            long id = nextReadId++;
            waitingReads.put(
                    id,
                    new ReadRows(
                            read.name(),
                            read.view(),
                            read.limit(),
                            read.after(),
                            Math.max(1, read.minVersion()),
                            read.waitMillis(),
                            read.replyTo()));
            timers.startSingleTimer(id, new ReadWaitOver(id), FIRST_EVENTS_WAIT.plusMillis(read.waitMillis()));
            return Effect().none();
        }
        ReadReply reply = rowsReply(state, read);
        if (state.circuit.version() >= read.minVersion() || read.waitMillis() <= 0 || !(reply instanceof Rows)) {
            return answer(read.replyTo(), reply);
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
            reply(entry.getValue().replyTo(), rowsReply(state, entry.getValue()));
        }
    }

    /** A page of rows, with which replica read it and how far behind its home that replica is. */
    private ReadReply rowsReply(TenantState state, ReadRows read) {
        long lastSeqNr = lastSequenceNumber(actor);
        String home = replica.home(state, lastSeqNr);
        Regions.Lag lag = replica.lag(state, lastSeqNr);
        return TenantReads.rows(
                state,
                read,
                new Freshness(
                        replica.self(),
                        home == null ? replica.self() : home,
                        lag == null ? 0 : lag.versions(),
                        lag == null ? 0 : lag.millis()));
    }

    // ---- regions: the home writes, the other regions' replicas follow (TenantReplica) ----------

    /** Whether commands wait (stashed) because this replica is asking the other regions which one is home. */
    private boolean waitForHome(TenantState state) {
        return replica.lookup == TenantReplica.Lookup.RUNNING;
    }

    /**
     * A write (SQL, a group of batches, budgets) reaching this replica: applied here at the home; else sent on to the
     * home replica, which answers the requester; or answered 503 when the home region is cut off. A replica that does
     * not know the home asks the other regions first, and the write waits for their answers.
     */
    private Effect<TenantEvent, TenantState> write(TenantState state, Command write, int hops) {
        if (waitForHome(state)) return Effect().stash();
        long lastSeqNr = lastSequenceNumber(actor);
        String home = replica.home(state, lastSeqNr);
        if (home == null) {
            boolean fresh = replica.answeredWithin(settingsOfRegions().syncInterval());
            if (replica.lookup == TenantReplica.Lookup.UNDECIDED && fresh) {
                answerFailed(
                        write,
                        unavailable("cannot tell whether tenant " + tenant + " exists in another region: some region"
                                + " did not answer"));
                return Effect().none();
            }
            if (write instanceof ExecuteSql || !(replica.lookup == TenantReplica.Lookup.ABSENT && fresh)) {
                replica.startLookup(write instanceof ExecuteSql); // a first SQL request may make this region home
                return Effect().stash();
            }
            home = replica.self(); // nowhere else either: answered here (no such tenant)
        }
        if (home.equals(replica.self())) {
            if (write instanceof ExecuteSql sql) return onSql(state, sql);
            if (write instanceof IngestMany ingest) return onIngest(state, ingest);
            if (write instanceof SetHome set) return onSetHome(state, set);
            return onSetBudgets(state, (SetBudgets) write);
        }
        if (hops >= 2) {
            answerFailed(write, unavailable("the replicas of tenant " + tenant + " are agreeing on its home region"));
        } else if (!replica.reachable(home)) {
            answerFailed(
                    write,
                    unavailable("tenant " + tenant + " is written in its home region " + home + ", which region "
                            + replica.self() + " cannot reach now; reads here still answer"));
        } else {
            replica.forward(
                    home,
                    new Forwarded(
                            write instanceof ExecuteSql sql ? sql : null,
                            write instanceof IngestMany ingest ? ingest : null,
                            write instanceof SetBudgets set ? set : null,
                            write instanceof SetHome set ? set : null,
                            replica.self(),
                            hops + 1));
        }
        return Effect().none();
    }

    private Regions.Settings settingsOfRegions() {
        return replica.settings();
    }

    /**
     * At the home: hands the tenant over to {@code region}'s replica. The event is persisted after every write this
     * home accepted (commands run one at a time), then pushed; writes arriving meanwhile are forwarded to the new home,
     * which applies them once it has applied this event, after all the others.
     */
    private Effect<TenantEvent, TenantState> onSetHome(TenantState state, SetHome set) {
        long version = state.circuit.version();
        if (set.region().equals(replica.self())) return answer(set.replyTo(), new HomeMoved(set.region(), version));
        if (state.circuit.version() == 0) {
            return answer(set.replyTo(), noSuchTenant(state));
        }
        if (!replica.hasMembers(set.region())) {
            return answer(
                    set.replyTo(),
                    new Refused(
                            RejectionKind.INVALID,
                            "no region named " + set.region() + " has nodes in the cluster",
                            Map.of("region", set.region())));
        }
        if (!replica.reachable(set.region())) {
            return answer(
                    set.replyTo(),
                    unavailable("region " + set.region() + " cannot be reached from the home region " + replica.self()
                            + " now"));
        }
        TenantEvent.HomeSet event = new TenantEvent.HomeSet(version, set.region());
        return Effect()
                .persist(event)
                .thenRun(s -> {
                    actor.getLog()
                            .info("tenant {}: home region moves from {} to {}", tenant, replica.self(), set.region());
                    s.stopEnforcingBudgets();
                    replica.pushed(List.of(event), lastSequenceNumber(actor), s.circuit.version());
                    startFollowing(s, lastSequenceNumber(actor));
                })
                .thenRun(s -> reply(set.replyTo(), new HomeMoved(set.region(), version)));
    }

    private Effect<TenantEvent, TenantState> onSetBudgets(TenantState state, SetBudgets set) {
        TenantEvent.BudgetsSet event = new TenantEvent.BudgetsSet(state.circuit.version(), set.budgets());
        return Effect()
                .persist(event)
                .thenRun(s -> replica.pushed(List.of(event), lastSequenceNumber(actor), s.circuit.version()))
                .thenRun(s -> reply(set.replyTo(), new BudgetsReply(TenantReads.budgets(s))));
    }

    /**
     * The other regions answered which one is home: this replica claims it (a first SQL request nobody else claims),
     * follows the home they named, or knows the tenant exists nowhere; the waiting commands go on.
     */
    private Effect<TenantEvent, TenantState> onHomeAnswers(TenantState state, HomeAnswers answers) {
        long lastSeqNr = lastSequenceNumber(actor);
        boolean claim = replica.lookupAnswered(answers);
        if (claim && replica.home(state, lastSeqNr) == null) {
            TenantEvent.HomeSet event = new TenantEvent.HomeSet(state.circuit.version(), replica.self());
            actor.getLog().info("tenant {}: home region is {}", tenant, replica.self());
            return Effect()
                    .persist(event)
                    .thenRun(s -> {
                        s.enforceBudgets();
                        replica.pushed(List.of(event), lastSequenceNumber(actor), s.circuit.version());
                    })
                    .thenUnstashAll();
        }
        if (replica.isFollower(state, lastSeqNr)) startFollowing(state, lastSeqNr);
        return Effect().unstashAll();
    }

    /** From now on this replica follows a home in another region: it syncs with it every sync interval. */
    private void startFollowing(TenantState state, long lastSeqNr) {
        if (!timers.isTimerActive(SYNC_TIMER))
            timers.startTimerWithFixedDelay(
                    SYNC_TIMER, new SyncTick(), settingsOfRegions().syncInterval());
        replica.sync(state, lastSeqNr);
    }

    private static final String SYNC_TIMER = "sync-with-home";

    /**
     * Events from the home (pushed, or answering a pull): kept with those received before and not persisted yet; the
     * first of them asks this replica to persist them ({@link PersistReceived}), which it does after whatever persist
     * runs now, so pushes that arrive meanwhile are written together.
     */
    private Effect<TenantEvent, TenantState> onReplicate(TenantState state, Replicate replicate) {
        long lastSeqNr = lastSequenceNumber(actor);
        if (replica.isHome(state, lastSeqNr) && (state.home != null || lastSeqNr > 0)) {
            actor.getLog()
                    .warn(
                            "tenant {}: region {} sent events as its home, but this replica is home; ignored",
                            tenant,
                            replicate.home());
            return Effect().none();
        }
        List<TenantEvent> fresh = replica.received(replicate, lastSeqNr + received.size());
        if (!timers.isTimerActive(SYNC_TIMER))
            timers.startTimerWithFixedDelay(
                    SYNC_TIMER, new SyncTick(), settingsOfRegions().syncInterval());
        if (fresh == null || fresh.isEmpty()) return Effect().none();
        if (received.isEmpty()) actor.getSelf().tell(new PersistReceived());
        for (TenantEvent event : fresh) {
            received.add(
                    event instanceof TenantEvent.Replicated
                            ? event
                            : new TenantEvent.Replicated(replicate.home(), event));
        }
        receivedSentAt.add(replicate.sentAtMillis());
        return Effect().none();
    }

    /**
     * The events received from the home since the last time: applied to the circuit as the home applied them,
     * persisted in this region's journal at the home's sequence numbers, then published to this region's change
     * streams. A run of batches is one write; any other event (SQL, budgets, a home move) is written alone, as the
     * state takes its effect only in the event handler (a view's change history starts there) and the batches after
     * it need that effect.
     */
    private Effect<TenantEvent, TenantState> onPersistReceived(TenantState state) {
        if (received.isEmpty()) return Effect().none();
        int run = 1;
        if (isBatch(received.get(0))) {
            while (run < received.size() && isBatch(received.get(run))) run++;
        }
        List<TenantEvent> persisted = List.copyOf(received.subList(0, run));
        received.subList(0, run).clear();
        List<Long> sentAt = received.isEmpty() ? List.copyOf(receivedSentAt) : List.of();
        if (received.isEmpty()) receivedSentAt.clear();
        else actor.getSelf().tell(new PersistReceived()); // the rest after this write
        List<ViewChange> changes = new ArrayList<>();
        for (TenantEvent event : persisted) {
            changes.addAll(state.applyFromHome(((TenantEvent.Replicated) event).event()));
        }
        return Effect().persist(persisted).thenRun(s -> {
            changes.forEach(topics::publish);
            answerWaitingReads(s, s.circuit.version());
            long last = lastSequenceNumber(actor);
            if (replica.isHome(s, last)) { // the home moved here: this replica writes from now on
                actor.getLog().info("tenant {}: home region is now {}", tenant, replica.self());
                s.enforceBudgets();
                timers.cancel(SYNC_TIMER);
                replica.stopped();
            } else {
                replica.applied(s, last);
                replica.reportLag(s, last);
            }
            sentAt.forEach(replica::replicated);
        });
    }

    private static boolean isBatch(TenantEvent event) {
        return ((TenantEvent.Replicated) event).event() instanceof TenantEvent.BatchApplied;
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
                reply(sql.replyTo(), refused);
                return false;
            }
            if (sql.requestKey() != null && state.sqlRequests.get(sql.requestKey()) != null) {
                SqlApplied earlier = state.sqlRequests.get(sql.requestKey());
                reply(sql.replyTo(), new SqlApplied(earlier.version(), earlier.objects(), true));
                return false;
            }
        } else {
            Query query = (Query) command;
            if (expired(query.deadlineMillis())) {
                reply(query.replyTo(), unavailable("the query waited past its deadline"));
                return false;
            }
            if (state.circuit.version() == 0) {
                reply(query.replyTo(), noSuchTenant(state));
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
            reply(command.replyTo(), refused);
            planNext(state, sqlWaiting.poll());
            return Effect().none();
        }
        DdlResult result = state.circuit.apply(done.prepared());
        if (result instanceof DdlResult.Rejected rejected) {
            reply(command.replyTo(), refusal(rejected));
            planNext(state, sqlWaiting.poll());
            return Effect().none();
        }
        DdlResult.Applied applied = (DdlResult.Applied) result;
        TenantEvent.SqlApplied event = new TenantEvent.SqlApplied(
                applied.version(), command.sql(), applied.objects(), Circuit.SQL_REVISION, command.requestKey());
        return Effect()
                .persist(event)
                .thenRun(s -> {
                    answerWaitingReads(s, s.circuit.version());
                    replica.pushed(List.of(event), lastSequenceNumber(actor), s.circuit.version());
                    planNext(s, sqlWaiting.poll());
                })
                .thenRun(s -> reply(command.replyTo(), new SqlApplied(applied.version(), applied.objects(), false)));
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
        reply(query.replyTo(), reply);
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
        if (events.isEmpty()) return answer(command.replyTo(), results);
        return Effect()
                .persist(events)
                .thenRun(s -> {
                    changes.forEach(topics::publish);
                    answerWaitingReads(s, s.circuit.version());
                    replica.pushed(events, lastSequenceNumber(actor), s.circuit.version());
                })
                .thenRun(s -> reply(command.replyTo(), results));
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
        reply(command.replyTo(), new IngestResults(replies));
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

        static ReadReply rows(TenantState state, ReadRows read, Freshness freshness) {
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
                    page.next(),
                    freshness);
        }

        static ExplainReply explain(TenantState state, String view) {
            long version = state.circuit.version();
            if (version == 0) return new Refused(RejectionKind.NOT_FOUND, "no tenant named " + state.tenant, Map.of());
            return state.circuit
                    .explain(view)
                    .<ExplainReply>map(plan -> new ViewPlan(
                            view,
                            version,
                            plan.revision(),
                            plan.rows(),
                            plan.operators().stream()
                                    .map(o -> new PlanOperator(
                                            o.id(), o.operator(), o.relation(), o.inputs(), o.stateRows(), o.views()))
                                    .toList()))
                    .orElseGet(() -> new Refused(
                            RejectionKind.NOT_FOUND, "no view named " + view + " in tenant " + state.tenant, Map.of()));
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
