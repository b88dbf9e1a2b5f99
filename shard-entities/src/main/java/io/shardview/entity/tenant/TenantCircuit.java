package io.shardview.entity.tenant;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.shardview.circuit.BatchOutcome;
import io.shardview.circuit.BatchValidation;
import io.shardview.circuit.CatalogDescription;
import io.shardview.circuit.Circuit;
import io.shardview.circuit.Column;
import io.shardview.circuit.DdlResult;
import io.shardview.circuit.Op;
import io.shardview.circuit.QueryResult;
import io.shardview.circuit.RejectionKind;
import io.shardview.circuit.RowsPage;
import io.shardview.circuit.ValidatedBatch;
import io.shardview.entity.CborSerializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
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

  private static final Pattern CREATE_VIEW = Pattern.compile("(?i)\\bcreate\\s+(materialized\\s+)?view\\b");

  // ---- protocol ---------------------------------------------------------------------------

  /** Messages a tenant circuit accepts. */
  public sealed interface Command extends CborSerializable
      permits ExecuteSql, IngestMany, ReadRows, Describe, Query, ReplayChanges, Stop, SnapshotWritten, ReadWaitOver {}

  /**
   * Sharding's stop message (passivation, hand-off, node shutdown). A tenant writing a snapshot stops
   * once the snapshot is written: the snapshot store encodes it after the entity took its image, and
   * a snapshot cut off by a shutdown would make the next recovery replay everything since the last one.
   */
  public record Stop() implements Command {}

  /** From the entity to itself: the snapshot it took is written (or failed). */
  private record SnapshotWritten() implements Command {}

  /** From the entity to itself: the read {@code id}, waiting for a version, has waited long enough. */
  private record ReadWaitOver(long id) implements Command {}

  /** Runs a request of ';'-separated DDL statements atomically. */
  public record ExecuteSql(String sql, ActorRef<SqlReply> replyTo) implements Command {}

  /**
   * Applies atomic batches in order, each accepted or refused on its own, and persists the accepted
   * ones in one journal write (group commit). A node's ingress gathers the batches that arrive
   * while the previous group is being written.
   */
  public record IngestMany(List<BatchRequest> batches, ActorRef<IngestResults> replyTo) implements Command {}

  /** One client batch; {@code batchId} (or null) makes a retry answer the original result. */
  public record BatchRequest(List<IngestOp> ops, String batchId) {}

  /** The reply to each batch of an {@link IngestMany}, in order. */
  public record IngestResults(List<IngestReply> replies) implements CborSerializable {}

  /**
   * One page of a view's ({@code view} true) or table's rows. Read at once when the circuit has
   * reached {@code minVersion}; otherwise the answer waits in the entity until it does, or for at
   * most {@code waitMillis}, then comes with whatever version the circuit has (the caller tells
   * the client it is stale). Waiting here rather than asking again and again means one message per
   * read, and the answer leaves as soon as the version is written.
   */
  public record ReadRows(String name, boolean view, int limit, String after, long minVersion, long waitMillis,
      ActorRef<ReadReply> replyTo) implements Command {}

  /** The tenant's tables and views. */
  public record Describe(ActorRef<DescribeReply> replyTo) implements Command {}

  /** A one-off SELECT over current tables and views. */
  public record Query(String sql, ActorRef<QueryReply> replyTo) implements Command {}

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
  @JsonSubTypes({@JsonSubTypes.Type(value = Ingested.class, name = "ingested"), @JsonSubTypes.Type(value = Refused.class, name = "refused")})
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

  /** Every statement applied. */
  public record SqlApplied(long version, List<DdlResult.ChangedObject> objects) implements SqlReply {}

  /** A batch applied (or, with {@code duplicate}, applied before under the same batch id). */
  public record Ingested(long version, int ops, Map<String, ViewCount> views, boolean duplicate)
      implements IngestReply {}

  /** Rows a batch added to and removed from one view, copies counted. */
  public record ViewCount(long inserted, long deleted) {}

  /** A column as replies describe it. */
  public record ColumnInfo(String name, String type, boolean nullable) {}

  /** One page of rows, values as the API writes them. */
  public record Rows(String name, long version, String hash, long count, List<ColumnInfo> columns,
      List<List<Object>> rows, String next) implements ReadReply {}

  /** The result of a one-off query. */
  public record QueryRows(List<ColumnInfo> columns, List<List<Object>> rows) implements QueryReply {}

  /** The tenant's catalog. */
  public record TenantInfo(String tenant, long version, List<TableInfo> tables, List<ViewInfo> views)
      implements DescribeReply {}

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

  /** Registers tenant circuits with this node's sharding; idle tenants are passivated (tenant.conf). */
  public static void init(ActorSystem<?> system, TenantSettings settings, ViewTopics topics) {
    ClusterShardingSettings sharding = ClusterShardingSettings.create(system);
    sharding = settings.passivateIdleAfter().isZero() ? sharding.withNoPassivationStrategy()
        : sharding.withPassivationStrategy(
            sharding.passivationStrategySettings().withIdleEntityPassivation(settings.passivateIdleAfter()));
    ClusterSharding.get(system).init(Entity.of(ENTITY_KEY,
            context -> Behaviors.<Command>setup(actor -> Behaviors.withTimers(
                timers -> new TenantCircuit(actor, timers, context.getEntityId(), settings, topics))))
        .withSettings(sharding)
        .withStopMessage(new Stop()));
  }

  // ---- behavior ---------------------------------------------------------------------------

  private final ActorContext<Command> actor;
  private final TimerScheduler<Command> timers;
  private final String tenant;
  private final TenantSettings settings;
  private final ViewTopics topics;

  /** Reads waiting for a version, by id (a timer with the same key ends each wait). Not state: a stop answers them. */
  private final Map<Long, ReadRows> waitingReads = new HashMap<>();
  private long nextReadId;

  private TenantCircuit(ActorContext<Command> actor, TimerScheduler<Command> timers, String tenant,
      TenantSettings settings, ViewTopics topics) {
    super(PersistenceId.of("tenant", tenant),
        SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.2));
    this.actor = actor;
    this.timers = timers;
    this.tenant = tenant;
    this.settings = settings;
    this.topics = topics;
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
        .onSignal(SnapshotCompleted.class, (state, done) -> actor.getSelf().tell(new SnapshotWritten()))
        .onSignal(SnapshotFailed.class, (state, failed) -> {
          actor.getLog().warn("tenant {}: snapshot failed", tenant, failed.getFailure());
          actor.getSelf().tell(new SnapshotWritten());
        })
        .build();
  }

  private void onRecovered(TenantState state) {
    Recovered recovered = new Recovered(tenant, state.snapshotVersion, state.eventsReplayed, state.circuit.version());
    if (recovered.version() > 0) {
      actor.getLog().info("tenant {} recovered at version {}: snapshot at version {}, {} events replayed",
          tenant, recovered.version(), recovered.snapshotVersion(), recovered.eventsReplayed());
    }
    actor.getSystem().eventStream().tell(new EventStream.Publish<>(recovered));
  }

  @Override
  public EventHandler<TenantState, TenantEvent> eventHandler() {
    return (state, event) -> state.apply(event);
  }

  @Override
  public CommandHandler<Command, TenantEvent, TenantState> commandHandler() {
    return newCommandHandlerBuilder().forAnyState()
        .onCommand(ExecuteSql.class, this::onSql)
        .onCommand(IngestMany.class, this::onIngest)
        .onCommand(ReadRows.class, this::onRead)
        .onCommand(ReadWaitOver.class, (state, over) -> {
          ReadRows read = waitingReads.remove(over.id());
          if (read != null) read.replyTo().tell(TenantReads.rows(state, read));
          return Effect().none();
        })
        .onCommand(Describe.class, (state, d) -> Effect().reply(d.replyTo(), TenantReads.describe(state)))
        .onCommand(Query.class, (state, q) -> Effect().reply(q.replyTo(), TenantReads.query(state, q.sql())))
        .onCommand(ReplayChanges.class, (state, r) -> Effect().reply(r.replyTo(), TenantReads.replay(state, r)))
        .onCommand(Stop.class, (state, stop) -> {
          answerWaitingReads(state, Long.MAX_VALUE);
          return state.snapshotsInFlight > 0 ? Effect().stash() : Effect().stop();
        })
        .onCommand(SnapshotWritten.class, (state, written) -> {
          state.snapshotsInFlight--;
          return Effect().unstashAll();
        })
        .build();
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

  private Effect<TenantEvent, TenantState> onSql(TenantState state, ExecuteSql command) {
    long newViews = CREATE_VIEW.matcher(command.sql() == null ? "" : command.sql()).results().count();
    int views = state.histories.size();
    if (newViews > 0 && views + newViews > settings.maxViews()) {
      return Effect().reply(command.replyTo(), new Refused(RejectionKind.UNSUPPORTED,
          "a tenant may have at most " + settings.maxViews() + " views; it has " + views,
          Map.of("limit", "max-views", "max", settings.maxViews())));
    }
    // DDL has no dry run: it runs here, and the event handler sees its version already reached.
    DdlResult result = state.circuit.executeSql(command.sql());
    if (result instanceof DdlResult.Rejected rejected) {
      return Effect().reply(command.replyTo(),
          new Refused(rejected.kind(), rejected.message(), Map.of("statement", rejected.statement())));
    }
    DdlResult.Applied applied = (DdlResult.Applied) result;
    return Effect().persist(new TenantEvent.SqlApplied(applied.version(), command.sql(), applied.objects(), Circuit.SQL_REVISION))
        .thenRun(s -> answerWaitingReads(s, s.circuit.version()))
        .thenReply(command.replyTo(), s -> new SqlApplied(applied.version(), applied.objects()));
  }

  private Effect<TenantEvent, TenantState> onIngest(TenantState state, IngestMany command) {
    List<IngestReply> replies = new ArrayList<>(command.batches().size());
    List<TenantEvent> events = new ArrayList<>();
    List<ViewChange> changes = new ArrayList<>();
    for (BatchRequest batch : command.batches()) replies.add(ingest(state, batch, events, changes));
    IngestResults results = new IngestResults(replies);
    if (events.isEmpty()) return Effect().reply(command.replyTo(), results);
    return Effect().persist(events)
        .thenRun(s -> {
          changes.forEach(topics::publish);
          answerWaitingReads(s, s.circuit.version());
        })
        .thenReply(command.replyTo(), s -> results);
  }

  /**
   * Validates one batch against the state the previous ones left and, if valid, applies it (see
   * TenantState); only a batch that applied becomes an event.
   */
  private static IngestReply ingest(TenantState state, BatchRequest batch, List<TenantEvent> events,
      List<ViewChange> changes) {
    if (batch.batchId() != null) {
      Ingested earlier = state.batches.get(batch.batchId());
      if (earlier != null) return new Ingested(earlier.version(), earlier.ops(), earlier.views(), true);
    }
    List<Op> ops = new ArrayList<>(batch.ops().size());
    for (int i = 0; i < batch.ops().size(); i++) {
      IngestOp op = batch.ops().get(i);
      Op converted = toEngineOp(op);
      if (converted == null) {
        return new Refused(RejectionKind.INVALID, "op " + i + ": unknown op '" + op.op() + "' or missing row/key",
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
      case "delete" -> op.key() != null ? Op.deleteKey(op.table(), op.key())
          : op.row() != null ? Op.deleteRow(op.table(), op.row()) : null;
      default -> null;
    };
  }

  static List<ColumnInfo> columns(List<Column> columns) {
    return columns.stream().map(c -> new ColumnInfo(c.name(), c.sqlTypeName(), c.nullable())).toList();
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
        return new Refused(RejectionKind.NOT_FOUND, "tenant " + state.tenant + " has no "
            + (read.view() ? "view" : "table") + " named " + read.name(), Map.of());
      }
      RowsPage page;
      try {
        page = state.circuit.read(read.name(), read.limit(), read.after()).orElseThrow();
      } catch (NumberFormatException badCursor) {
        return new Refused(RejectionKind.INVALID, "invalid cursor " + read.after(), Map.of("after", read.after()));
      }
      return new Rows(page.name(), page.version(), page.hash(), page.count(), columns(page.columns()),
          RowJson.rows(page.rows()), page.next());
    }

    static DescribeReply describe(TenantState state) {
      CatalogDescription catalog = state.circuit.describe();
      if (catalog.version() == 0) {
        return new Refused(RejectionKind.NOT_FOUND, "no tenant named " + state.tenant, Map.of());
      }
      return new TenantInfo(state.tenant, catalog.version(),
          catalog.tables().stream().map(t -> new TableInfo(t.name(), columns(t.columns()), t.primaryKey(), t.rows())).toList(),
          catalog.views().stream().map(v -> new ViewInfo(v.name(), v.sql(), columns(v.columns()), v.rows())).toList());
    }

    static QueryReply query(TenantState state, String sql) {
      QueryResult result = state.circuit.query(sql);
      if (result instanceof QueryResult.Rejected rejected) {
        return new Refused(rejected.kind(), rejected.message(), Map.of());
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
      RowsPage all = state.circuit.read(request.view(), Integer.MAX_VALUE, null).orElseThrow();
      return new ChangeReplay.Snapshot(request.view(), state.circuit.version(), history.lastVersion(),
          state.viewColumns.get(request.view()), RowJson.rows(all.rows()), all.hash());
    }
  }
}
