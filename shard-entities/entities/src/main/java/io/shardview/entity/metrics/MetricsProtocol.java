package io.shardview.entity.metrics;

import io.shardview.entity.CborSerializable;
import io.shardview.entity.large.LargeMessages;
import io.shardview.entity.large.Part;
import io.shardview.metrics.index.Matcher;
import io.shardview.metrics.storage.PointBatch;
import io.shardview.metrics.storage.RollupBucket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;

/**
 * What a metrics shard ({@link MetricsShard}) accepts and answers: appends and their room checks (sent by
 * {@link ShardedAppend}), reads of series, rollup buckets and partial aggregations (sent by {@link ShardedQuery}), and
 * the shard's own timers. Everything here is a plain record; the behaviour is in the shard's files.
 */
public final class MetricsProtocol {
    private MetricsProtocol() {}

    /** Sharding type key of metrics shards. */
    public static final EntityTypeKey<Command> ENTITY_KEY = EntityTypeKey.create(Command.class, "metrics-shard");

    /** The entity id of shard {@code shard} of {@code tenant}. */
    public static String entityId(String tenant, int shard) {
        return tenant + "." + shard; // tenant names have no dot
    }

    /** Messages a metrics shard accepts. */
    public sealed interface Command extends CborSerializable
            permits Append,
                    CheckSeries,
                    Select,
                    SelectBuckets,
                    AggregatePartially,
                    ApplyRetention,
                    PublishStats,
                    SealIfIdle,
                    KeepRunning,
                    MessagePart {}

    /**
     * A part of a command too large for one remoting frame, sent through sharding ({@link LargeMessages#viaSharding});
     * the command is handled once its last part arrives.
     */
    public record MessagePart(Part part) implements Command {}

    // ---- writes -------------------------------------------------------------------------------

    /**
     * Store a batch of points (its binary {@link PointBatch} form). The batch is stored whole or, if
     * it would take the shard past its series limit, not at all.
     */
    public record Append(byte[] batch, boolean backfill, ActorRef<AppendReply> replyTo) implements Command {}

    /** The shard's answer to an {@link Append}. */
    public sealed interface AppendReply extends CborSerializable permits Appended, SeriesLimitReached, Failed {}

    /**
     * Nothing stored: a bug failed the shard while it handled the append, logged under {@code requestId}; the shard
     * restarts from its journal.
     */
    public record Failed(String requestId) implements AppendReply {}

    /** Stored: points stored, and points dropped as older than the out-of-order window or the retention horizon. */
    public record Appended(int accepted, int rejectedOutOfOrder, int rejectedTooOld) implements AppendReply {}

    /**
     * Nothing stored: the batch would create {@code newSeries} series in a shard holding
     * {@code activeSeries} of at most {@code shardLimit}.
     */
    public record SeriesLimitReached(int activeSeries, int newSeries, int shardLimit) implements AppendReply {}

    /**
     * How much series room the shard has for these label sets (canonical name/value pairs), changing
     * nothing: lets a request spread over several shards be refused before any shard stores its part.
     */
    public record CheckSeries(List<String[]> labelSets, ActorRef<SeriesRoom> replyTo) implements Command {}

    /** The shard's series count, how many of the checked label sets it does not hold, and its limit. */
    public record SeriesRoom(int activeSeries, int unknownSeries, int shardLimit) implements CborSerializable {
        /** Whether storing every checked series would stay within the limit. */
        public boolean fits() {
            return (long) activeSeries + unknownSeries <= shardLimit;
        }
    }

    // ---- reads --------------------------------------------------------------------------------

    /**
     * Series matching every matcher that hold points in [start, end] (milliseconds), with those points unless
     * {@code withPoints} is false (labels only). Past {@code maxPoints} points in all, the shard answers with no
     * series and {@code tooMany}: the asker's memory, not the shard's data, bounds what one request reads.
     */
    public record Select(
            List<MatcherSpec> matchers,
            long startMs,
            long endMs,
            boolean withPoints,
            long maxPoints,
            ActorRef<Selected> replyTo)
            implements Command {
        /** Every matching series with all its points in the range, without a bound. */
        public Select(List<MatcherSpec> matchers, long startMs, long endMs, ActorRef<Selected> replyTo) {
            this(matchers, startMs, endMs, true, Long.MAX_VALUE, replyTo);
        }
    }

    /** Series picked by a {@link Select}; none, and {@code tooMany}, when they hold more points than it allows. */
    public record Selected(List<SeriesPoints> series, boolean tooMany) implements CborSerializable {}

    /** One series' labels and points. */
    public record SeriesPoints(Map<String, String> labels, long[] timestamps, double[] values) {}

    /**
     * The rollup buckets {@code widthMs} wide that start in [startMs, endMs] of the series matching every matcher, for
     * the functions over ranges PromQL computes from buckets. Past {@code maxBuckets} buckets in all, the shard answers
     * with none and {@code tooMany}; where one of them lacks its edges (restored from an older snapshot), with none
     * and {@code withoutEdges}, and the asker reads raw points instead.
     */
    public record SelectBuckets(
            List<MatcherSpec> matchers,
            long widthMs,
            long startMs,
            long endMs,
            long maxBuckets,
            ActorRef<SelectedBuckets> replyTo)
            implements Command {}

    /** Series' buckets picked by a {@link SelectBuckets}. */
    public record SelectedBuckets(List<SeriesBuckets> series, boolean tooMany, boolean withoutEdges)
            implements CborSerializable {}

    /**
     * One series' labels and buckets: their starts, and per bucket {@link RollupBucket#COLUMNS} values, its column form
     * ({@link RollupBucket#toColumns}), one bucket after another.
     */
    public record SeriesBuckets(Map<String, String> labels, long[] starts, double[] columns) {}

    /**
     * This shard's part of the aggregation {@code aggregation} (PromQL text of one aggregation the serving node found
     * the shards can compute in part, {@code Pushdown}), over its own series, at the times from {@code start} to
     * {@code end} by {@code step} (0: an instant query at start), which are also the query's for {@code @ start()} and
     * {@code @ end()}. Bounded like a {@link Select} by {@code maxPoints}, and by {@code timeoutMillis}.
     */
    public record AggregatePartially(
            String aggregation,
            long start,
            long end,
            long step,
            long maxPoints,
            long timeoutMillis,
            ActorRef<Partials> replyTo)
            implements Command {}

    /**
     * A shard's partial aggregation: one group per label set, with per evaluation time the number of series that had
     * a value and their sum, min or max; {@code tooMany} when it would read more than allowed, {@code timedOut} when it
     * ran out of time, {@code error} (else null) when the evaluation failed.
     */
    public record Partials(List<PartialGroup> groups, boolean tooMany, boolean timedOut, String error)
            implements CborSerializable {}

    /** One group of {@link Partials}. */
    public record PartialGroup(Map<String, String> labels, double[] values, long[] counts) {}

    /** A label matcher as sent over the wire: type is one of = != =~ !~. */
    public record MatcherSpec(String type, String name, String value) {
        /** The matchers of a selector, for the wire. */
        public static List<MatcherSpec> of(List<Matcher> matchers) {
            List<MatcherSpec> specs = new ArrayList<>(matchers.size());
            for (Matcher m : matchers) specs.add(new MatcherSpec(m.type().symbol(), m.name(), m.value()));
            return specs;
        }

        Matcher toMatcher() {
            return switch (type) {
                case "=" -> Matcher.eq(name, value);
                case "!=" -> Matcher.neq(name, value);
                case "=~" -> Matcher.re(name, value);
                case "!~" -> Matcher.nre(name, value);
                default -> throw new IllegalArgumentException("unknown matcher type " + type);
            };
        }
    }

    // ---- the shard's own timers -----------------------------------------------------------------

    /** Apply retention now. */
    public record ApplyRetention() implements Command {}

    /** Seal, snapshot and prune if the shard stored nothing for seal-after-idle. */
    public record SealIfIdle() implements Command {}

    /**
     * Nothing to do: a read that left this shard out (its series cannot match) tells it this now and then, so that
     * sharding does not passivate a shard that reads would otherwise have kept running ({@link LocalShards}).
     */
    public record KeepRunning() implements Command {}

    /** Publish the shard's figures to the node's {@link ShardStatsBoard}. */
    public record PublishStats() implements Command {}
}
