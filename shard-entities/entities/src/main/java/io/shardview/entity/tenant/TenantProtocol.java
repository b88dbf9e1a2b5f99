package io.shardview.entity.tenant;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.shardview.circuit.DdlResult;
import io.shardview.circuit.PreparedSql;
import io.shardview.circuit.budget.Budgets;
import io.shardview.circuit.error.RejectionKind;
import io.shardview.entity.CborSerializable;
import io.shardview.entity.large.LargeMessages;
import io.shardview.entity.large.Part;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;

/**
 * What a tenant circuit ({@link TenantCircuit}) accepts and answers: the requests the HTTP edge sends, the replies it
 * maps to the API, the messages between a tenant's replicas in different regions, and the messages an entity sends
 * itself. Everything here is a plain record; the behaviour is in the entity's files.
 */
public final class TenantProtocol {
    private TenantProtocol() {}

    /** Sharding type key of tenant circuits; the entity id is the tenant's name. */
    public static final EntityTypeKey<Command> ENTITY_KEY = EntityTypeKey.create(Command.class, "tenant-circuit");

    /** Messages a tenant circuit accepts. */
    public sealed interface Command extends CborSerializable
            permits ExecuteSql,
                    IngestMany,
                    ReadRows,
                    Describe,
                    ExplainView,
                    Query,
                    ReplayChanges,
                    SetBudgets,
                    SetHome,
                    SetReplication,
                    SetClock,
                    Stop,
                    MessagePart,
                    Forwarded,
                    Replicate,
                    Pull,
                    Diverged,
                    TakeOver,
                    TakeoverAnswers,
                    SetAsideDone,
                    Confirmed,
                    WhoIsHome,
                    SnapshotWritten,
                    ReadWaitOver,
                    SqlPlanned,
                    QueryPlanned,
                    PulledFromJournal,
                    HomeAnswers,
                    SyncTick,
                    ClockTick,
                    CatchUp,
                    ConfirmTick,
                    PersistReceived,
                    DrainInbox,
                    StillActive,
                    Durable,
                    StopWaitOver,
                    TakeSnapshot {}

    // ---- requests -----------------------------------------------------------------------------

    /**
     * Runs a request of ';'-separated DDL statements atomically. requestKey: the client's Idempotency-Key, or null;
     * a request whose key was applied before is answered with its original result. deadlineMillis: the wall-clock time
     * (epoch ms) after which the request must not start applying (0: none); a request that reaches it first is
     * refused as unavailable, with nothing applied.
     */
    public record ExecuteSql(String sql, String requestKey, long deadlineMillis, ActorRef<SqlReply> replyTo)
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

    /** An ingest operation as the API states it: what it does, to which table, with a row or a key of column values. */
    public record IngestOp(Kind op, String table, Map<String, Object> row, Map<String, Object> key) {
        /** What an op does to its table. */
        public enum Kind {
            INSERT,
            UPDATE,
            UPSERT,
            DELETE;

            /** The kind the API names {@code name} ("insert", "update", "upsert", "delete"), or null. */
            public static Kind named(String name) {
                return switch (name) {
                    case "insert" -> INSERT;
                    case "update" -> UPDATE;
                    case "upsert" -> UPSERT;
                    case "delete" -> DELETE;
                    default -> null;
                };
            }

            /** How the API names it. */
            public String apiName() {
                return name().toLowerCase(Locale.ROOT);
            }
        }

        public IngestOp {
            row = widenIntegers(row);
            key = widenIntegers(key);
        }

        // Integers are Longs here, as the HTTP parser makes them; CBOR reads small ones back as
        // Integer on the entity's node, so the same batch means the same values on every node.
        private static Map<String, Object> widenIntegers(Map<String, Object> values) {
            if (values == null || !containsInteger(values)) return values;
            Map<String, Object> widened = new LinkedHashMap<>(values);
            widened.replaceAll((column, v) -> v instanceof Integer i ? (Object) i.longValue() : v);
            return widened;
        }

        private static boolean containsInteger(Map<String, Object> values) {
            for (Object value : values.values()) if (value instanceof Integer) return true;
            return false;
        }
    }

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
            ActorRef<ReadReply> replyTo,
            java.time.LocalDateTime asOf)
            implements Command {
        /** A read of the current rows. */
        public ReadRows(
                String name,
                boolean view,
                int limit,
                String after,
                long minVersion,
                long waitMillis,
                ActorRef<ReadReply> replyTo) {
            this(name, view, limit, after, minVersion, waitMillis, replyTo, null);
        }
    }

    /** The tenant's tables and views. */
    public record Describe(ActorRef<DescribeReply> replyTo) implements Command {}

    /** A view's operator graph with the state each operator holds (EXPLAIN). */
    public record ExplainView(String view, ActorRef<ExplainReply> replyTo) implements Command {}

    /** A one-off SELECT over current tables and views; deadlineMillis as {@link ExecuteSql}'s. */
    public record Query(String sql, long deadlineMillis, ActorRef<QueryReply> replyTo) implements Command {}

    /** A view's snapshot ({@code from} null) or its changes after version {@code from}. */
    public record ReplayChanges(String view, Long from, ActorRef<ChangeReplay> replyTo) implements Command {}

    /**
     * Sets the tenant's budgets (the admin API): these values by name, the node's defaults for the others; an empty
     * map returns to the defaults. The names and values are checked by the sender ({@link Budgets#with}). Answered
     * with every budget and its use once the change is durable.
     */
    public record SetBudgets(Map<String, Long> budgets, ActorRef<BudgetsAnswer> replyTo) implements Command {}

    /**
     * Makes {@code region} the tenant's home region (the admin API; docs/regions.md): the home persists it as its
     * last event, after every write it accepted, and from then on writes go to the new home, which takes over once it
     * has applied that event, so no batch is lost or applied twice.
     */
    public record SetHome(String region, ActorRef<HomeReply> replyTo) implements Command {}

    /**
     * Sets how the tenant's writes are replicated (the admin API; {@link Replication}): checked by the sender, and at
     * the home against the regions the cluster has. Answered with the setting once it is durable.
     */
    public record SetReplication(Replication replication, ActorRef<ReplicationAnswer> replyTo) implements Command {}

    /**
     * Sharding's stop message (passivation, hand-off, node shutdown). A tenant writing a snapshot stops
     * once the snapshot is written: the snapshot store encodes it after the entity took its image, and
     * a snapshot cut off by a shutdown would make the next recovery replay everything since the last one.
     */
    public record Stop() implements Command {}

    /**
     * A part of a command too large for one remoting frame, sent through sharding ({@link LargeMessages#viaSharding});
     * the command is handled once its last part arrives.
     */
    public record MessagePart(Part part) implements Command {}

    // ---- replies ------------------------------------------------------------------------------

    /** Reply to {@link ExecuteSql}. */
    public sealed interface SqlReply extends CborSerializable permits SqlApplied, Refused {}

    /** Reply to one batch of {@link IngestMany}; typed by name inside {@link IngestResults}, which crosses nodes. */
    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
    @JsonSubTypes({
        @JsonSubTypes.Type(value = Ingested.class, name = "ingested"),
        @JsonSubTypes.Type(value = Refused.class, name = "refused")
    })
    public sealed interface IngestReply extends CborSerializable permits Ingested, Refused {}

    /**
     * The reply to each batch of an {@link IngestMany}, in order, and the URL of the node whose entity answered
     * ({@link io.shardview.entity.AdvertisedUrl}), when it was asked from its own region and knows its URL (else null):
     * the sender tells its client, which may send the tenant's next batches there and save the hop between nodes.
     */
    public record IngestResults(List<IngestReply> replies, String node) implements CborSerializable {
        public IngestResults(List<IngestReply> replies) {
            this(replies, null);
        }

        /** These replies, as answered by the node at {@code url}. */
        public IngestResults from(String url) {
            return new IngestResults(replies, url);
        }
    }

    /** Reply to {@link ReadRows}. */
    public sealed interface ReadReply extends CborSerializable permits Rows, Refused {}

    /** Reply to {@link Describe}. */
    public sealed interface DescribeReply extends CborSerializable permits TenantInfo, Refused {}

    /** Reply to {@link Query}. */
    public sealed interface QueryReply extends CborSerializable permits QueryRows, Refused {}

    /** Reply to {@link ExplainView}. */
    public sealed interface ExplainReply extends CborSerializable permits ViewPlan, Refused {}

    /**
     * Sets the resolution of the tenant's clock, which NOW() in its views reads (zero: the node's default), durable
     * before it is answered.
     */
    public record SetClock(long resolutionMicros, ActorRef<ClockAnswer> replyTo) implements Command {}

    /** What {@link SetClock} is answered. */
    public sealed interface ClockAnswer extends CborSerializable permits ClockReply, Refused {}

    /** What {@link SetBudgets} is answered. */
    public sealed interface BudgetsAnswer extends CborSerializable permits BudgetsReply, Refused {}

    /** What {@link SetHome} is answered. */
    public sealed interface HomeReply extends CborSerializable permits HomeMoved, Refused {}

    /** The answer to {@link SetReplication}. */
    public sealed interface ReplicationAnswer extends CborSerializable permits ReplicationReply, Refused {}

    /** The request changed nothing: why, as a kind the HTTP layer maps to a status, and where. */
    public record Refused(RejectionKind kind, String message, Map<String, Object> details)
            implements SqlReply,
                    IngestReply,
                    ReadReply,
                    DescribeReply,
                    QueryReply,
                    BudgetsAnswer,
                    HomeReply,
                    ReplicationAnswer,
                    ExplainReply,
                    ClockAnswer {

        /** The 503 answer to a request that could not run; nothing of it applied. */
        static Refused unavailable(String why) {
            return new Refused(
                    RejectionKind.UNAVAILABLE, why + "; nothing of the request was applied; retry", Map.of());
        }

        /**
         * The 503 of a write to a tenant in sync replication when fewer than {@code minRegions} other regions can
         * confirm it: {@code keepingUp} are reachable and keeping up.
         */
        static Refused insufficientRegions(String tenant, int minRegions, List<String> keepingUp) {
            return new Refused(
                    RejectionKind.INSUFFICIENT_REGIONS,
                    "tenant " + tenant + " is replicated in sync to at least " + minRegions
                            + " other region(s), and only " + keepingUp.size() + " " + keepingUp
                            + " can confirm writes now; nothing of the request was applied; retry",
                    // A list in details does not cross nodes as one (remoting's Jackson reads it back as Scala's).
                    Map.of("min_regions", minRegions, "regions", String.join(",", keepingUp)));
        }

        /** The 504 of a write applied at the home that too few regions confirmed within {@code timeout}. */
        static Refused unconfirmed(String tenant, int minRegions, Duration timeout) {
            return new Refused(
                    RejectionKind.UNCONFIRMED,
                    "tenant " + tenant + "'s home applied the write, but fewer than " + minRegions
                            + " other region(s) confirmed it within " + timeout.toMillis()
                            + " ms; the write may or may not be kept if the home region is lost: send it again with"
                            + " the same batch_id or Idempotency-Key, which applies it at most once",
                    Map.of("min_regions", minRegions));
        }

        /** The 503 of every request to a tenant whose recovery failed at one event too often ({@link FailedTenants}). */
        static Refused entityFailed(FailedTenants.Failure failure) {
            String tenant = failure.tenant();
            String where = failure.unread()
                    ? "reading its events from sequence number " + failure.sequenceNr() + " on"
                    : "at the event of sequence number " + failure.sequenceNr();
            String wayOut = failure.unread()
                    ? "`shardview journal verify " + tenant + "` names the damaged event N; `shardview journal skip "
                            + tenant + " --event N --execute` goes past it, keeping those after it, and `shardview"
                            + " journal truncate " + tenant + " --after N-1 --execute` drops it and those after it"
                    : "`shardview journal dump " + tenant + "` shows its events; `shardview journal skip " + tenant
                            + " --event " + failure.sequenceNr() + " --execute` goes past the event, keeping those"
                            + " after it, and `shardview journal truncate " + tenant + " --after "
                            + (failure.sequenceNr() - 1) + " --execute` drops it and those after it";
            return new Refused(
                    RejectionKind.ENTITY_FAILED,
                    "tenant " + tenant + " is down: its recovery failed " + failure.times() + " times " + where + " ("
                            + failure.error() + "); nothing of the request was applied; with the node stopped, "
                            + wayOut + " (or restore the tenant from a backup)",
                    Map.of(
                            "tenant", tenant,
                            "sequence_nr", failure.sequenceNr(),
                            "unread", failure.unread(),
                            "error", failure.error()));
        }

        /** The 500 answer to a request a bug failed; nothing of it applied. */
        static Refused internal(String tenant, String incident) {
            return new Refused(
                    RejectionKind.INTERNAL,
                    "internal error in tenant " + tenant + "; nothing of the request "
                            + "was applied; the node log has the details under request id " + incident,
                    Map.of("request_id", incident));
        }

        /** The answer to a request for a tenant that does not exist (yet). */
        static Refused noSuchTenant(String tenant) {
            return new Refused(
                    RejectionKind.NOT_FOUND,
                    "no tenant named " + tenant + " (a tenant is created by its first SQL request)",
                    Map.of("tenant", tenant));
        }
    }

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
            String tenant,
            long version,
            List<TableInfo> tables,
            List<ViewInfo> views,
            Map<String, BudgetUse> budgets,
            Replication replication,
            @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
                    String home,
            @com.fasterxml.jackson.annotation.JsonInclude(
                            com.fasterxml.jackson.annotation.JsonInclude.Include.NON_DEFAULT)
                    @com.fasterxml.jackson.annotation.JsonProperty("home_epoch")
                    long homeEpoch,
            ClockInfo clock)
            implements DescribeReply {}

    /**
     * The tenant's clock: its resolution ({@link ClockResolution#text}), whether the tenant set it (else it is the
     * node's), and the time it shows (null before a view reads it).
     */
    public record ClockInfo(
            String resolution,
            boolean set,
            @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
                    String now) {}

    /** A table in {@link TenantInfo}. */
    public record TableInfo(String name, List<ColumnInfo> columns, List<String> primaryKey, long rows) {}

    /** A view in {@link TenantInfo}. */
    public record ViewInfo(String name, String sql, List<ColumnInfo> columns, long rows) {}

    /**
     * One budget: its value, how much of it the tenant uses now (null for a budget of one request, which nothing
     * uses between requests), and whether the admin set it for this tenant (else it is the node's default).
     */
    public record BudgetUse(long limit, Long used, boolean overridden) {}

    /** The tenant's budgets after {@link SetBudgets}. */
    public record BudgetsReply(Map<String, BudgetUse> budgets) implements BudgetsAnswer {}

    /** The tenant's home is {@code home} from {@code version} on. */
    public record HomeMoved(String home, long version) implements HomeReply {}

    /** The tenant's clock after {@link SetClock}. */
    public record ClockReply(ClockInfo clock) implements ClockAnswer {}

    /** The tenant's replication after {@link SetReplication}. */
    public record ReplicationReply(Replication replication) implements ReplicationAnswer {}

    /**
     * A view's plan at {@code version}: the SQL revision it was planned under, its rows, and its operators in order
     * (the last is the output), each a read of a table or view or an operator over earlier ones by index.
     */
    public record ViewPlan(String view, long version, int revision, long rows, List<PlanOperator> operators)
            implements ExplainReply {}

    /** One node of a {@link ViewPlan}; views: how many of the tenant's views hold the operator (0 for a read). */
    public record PlanOperator(
            int id, String operator, String relation, List<Integer> inputs, long stateRows, int views) {}

    // ---- between the replicas of a tenant in different regions (TenantReplica, docs/regions.md) ----

    /**
     * A write received by a replica outside the tenant's home region, sent on to the home replica, which answers the
     * original requester. Exactly one of the writes is set; hops counts the forwards, to stop a loop while the
     * replicas disagree about the home for a moment.
     */
    public record Forwarded(
            ExecuteSql sql,
            IngestMany ingest,
            SetBudgets budgets,
            SetHome home,
            SetReplication replication,
            String from,
            int hops,
            SetClock clock)
            implements Command {
        /** {@code write}, forwarded once more from {@code region}. */
        static Forwarded of(Command write, String region, int hops) {
            return new Forwarded(
                    write instanceof ExecuteSql sql ? sql : null,
                    write instanceof IngestMany ingest ? ingest : null,
                    write instanceof SetBudgets set ? set : null,
                    write instanceof SetHome set ? set : null,
                    write instanceof SetReplication set ? set : null,
                    region,
                    hops,
                    write instanceof SetClock set ? set : null);
        }

        Command write() {
            if (sql != null) return sql;
            if (ingest != null) return ingest;
            if (budgets != null) return budgets;
            if (clock != null) return clock;
            return home != null ? home : replication;
        }
    }

    /**
     * From the home replica to another region's replica: events {@code firstSeqNr}.. of the home's log (possibly
     * none), and where the home stands: its last sequence number, its version, when it sent this, and the epoch of its
     * term. {@code pullFrom}: for an answer to a {@link Pull}, the sequence number it asked from (the home checked
     * that the replica's events before it are the home's: else it answered {@link Diverged}); 0 for a push.
     */
    public record Replicate(
            String home,
            long firstSeqNr,
            List<TenantEvent> events,
            long homeSeqNr,
            long homeVersion,
            long sentAtMillis,
            long epoch,
            long pullFrom)
            implements Command {
        /** A push: events the home just wrote (or none, to say where it is); {@code pullFrom} 0. */
        public Replicate(
                String home,
                long firstSeqNr,
                List<TenantEvent> events,
                long homeSeqNr,
                long homeVersion,
                long sentAtMillis,
                long epoch) {
            this(home, firstSeqNr, events, homeSeqNr, homeVersion, sentAtMillis, epoch, 0);
        }
    }

    /**
     * From a replica to the home: the events from {@code fromSeqNr} on, please, to {@code replyTo}. It says too that
     * the replica has journaled those before {@code fromSeqNr} ({@link RegionConfirmations}).
     */
    public record Pull(String region, long fromSeqNr, ActorRef<Command> replyTo, long epoch, String termRegion)
            implements Command {}

    /**
     * From a home to a replica that pulled: its events after {@code commonEnd} were written by a home whose place a
     * newer one took ({@code home}, at {@code epoch}), and are not this home's: the replica sets them aside and
     * follows from there (docs/regions.md, "Failover").
     */
    public record Diverged(String home, long epoch, long commonEnd) implements Command {}

    /**
     * From a replica of a tenant in sync replication to its home, after each write: {@code region}'s journal has the
     * home's events up to {@code seqNr}.
     */
    public record Confirmed(String region, long seqNr) implements Command {}

    /** From a replica that has no events to every other region's replica: which region is home? */
    public record WhoIsHome(String region, boolean claiming, ActorRef<HomeAnswer> replyTo) implements Command {}

    /**
     * A replica's answer to {@link WhoIsHome}: the home it knows, or none; claiming when it is claiming home itself and
     * wins; answered false when the region did not answer in time (made up by the asker). {@code epoch}: the epoch of
     * the home's term as the answering replica knows it ({@link HomeTerms}); {@code lastSeqNr}: how far its journal goes.
     */
    public record HomeAnswer(String region, String home, boolean claiming, boolean answered, long epoch, long lastSeqNr)
            implements CborSerializable {
        /** The answer a region that did not answer in time is taken to have given. */
        static HomeAnswer silent(String region) {
            return new HomeAnswer(region, null, false, false, 0, 0);
        }
    }

    // ---- from an entity to itself (never leave the node) -------------------------------------

    /**
     * The snapshot it took is written (or failed). {@code sequenceNr}: that of a snapshot the entity wrote itself
     * before stopping, whose older ones are to be deleted; 0 for one Pekko wrote (its signal handler deletes those) or
     * a failure.
     */
    record SnapshotWritten(long sequenceNr) implements Command {}

    /** The read {@code id}, waiting for a version, has waited long enough. */
    record ReadWaitOver(long id) implements Command {}

    /** The planner's answer for the SQL request being planned. */
    record SqlPlanned(ExecuteSql request, PreparedSql prepared, Throwable failure) implements Command {}

    /** The planner's answer for the query being planned. */
    record QueryPlanned(Query request, PreparedSql.PreparedQuery prepared, Throwable failure) implements Command {}

    /** Events a pull asked for, read from its journal, and the home they came from. */
    record PulledFromJournal(Pull pull, String home, List<TenantEvent> events) implements Command {}

    /** The answers to its {@link WhoIsHome}. */
    record HomeAnswers(List<HomeAnswer> answers, boolean claiming) implements Command {}

    /** A survivor of a lost home region: take the home over now, if it still is there (asked by a returning replica). */
    record TakeOver() implements Command {}

    /** The surviving regions' answers to a replica that would take over the home of a lost region. */
    record TakeoverAnswers(String lost, List<HomeAnswer> answers) implements Command {}

    /** The events after a fork point were set aside in the journal (or failed): the entity restarts from the rest. */
    record SetAsideDone(long after, int events, Throwable failure) implements Command {}

    /** A follower behind its home may pull again (its last pull was too recent to, when it applied an answer). */
    record CatchUp() implements Command {}

    /** Every sync interval while it follows a home in another region. */
    record SyncTick() implements Command {}

    /** Every clock resolution while a view reads the tenant's clock: the home advances it (TenantClock). */
    record ClockTick() implements Command {}

    /** At a home in sync replication while answers wait for other regions: give up those past the confirm timeout. */
    record ConfirmTick() implements Command {}

    /** A following replica: persist the events received from the home since the last time. */
    record PersistReceived() implements Command {}

    /** Batches wait in the entity's {@link IngestInbox}. */
    record DrainInbox() implements Command {}

    /**
     * Sent by the entity to itself through sharding while batches reach it through its {@link IngestInbox}, which
     * bypasses the shard: the shard counts only the messages it delivers toward passivation, and would stop a tenant
     * busy with nothing but inbox batches as idle. Does nothing else.
     */
    record StillActive() implements Command {}

    /**
     * The events up to {@code sequenceNr} are durable ({@link DurablePoint}); or, with a {@code failure}, the sync that
     * was to make them durable failed. From the entity to itself, never across nodes.
     */
    record Durable(long sequenceNr, Throwable failure)
            implements Command, org.apache.pekko.actor.NoSerializationVerificationNeeded {}

    /** A stop has waited long enough for the writes in flight to become durable. From the entity to itself. */
    record StopWaitOver() implements Command {}

    /** A snapshot is due: take one of the state as it is. From the entity to itself. */
    record TakeSnapshot() implements Command {}
}
