package io.shardview.entity.metrics;

import io.shardview.entity.RegionProxies;
import io.shardview.entity.RetriedAsk;
import io.shardview.entity.fault.InternalFailure;
import io.shardview.entity.large.LargeMessages;
import io.shardview.entity.metrics.MetricsProtocol.MessagePart;
import io.shardview.metrics.ingest.SampleBatch;
import io.shardview.metrics.ingest.ShardSplit;
import io.shardview.metrics.storage.PointBatch;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;

/**
 * Stores one parsed ingest request in a tenant's shards: splits its points by series into one part
 * per shard and appends every part, answering once all are durable.
 *
 * <p>The series limit is a share per shard (see {@code MetricsSettings.maxActiveSeriesPerShard}),
 * and each shard stores its part whole or not at all. A request spread over several shards is
 * first checked against every shard's room (a side-effect-free ask), so in the ordinary case a
 * request over the limit is refused before any part is stored. Only when concurrent requests of
 * the tenant fill a shard between the check and the append can one shard refuse its part after
 * others stored theirs; the outcome then says so ({@link Outcome#partiallyApplied}).
 */
public final class ShardedAppend {
    private final ActorSystem<?> system;
    private final int shardsPerTenant;
    private final Duration futureTolerance;
    private final Duration attemptTimeout;
    private final Duration askTimeout;
    private final MetricsCopies copies;

    /**
     * @param shardsPerTenant the shards a tenant's series are spread over
     * @param futureTolerance how far ahead of this node's clock a point may lie
     * @param attemptTimeout how long one ask to a shard waits before it is sent again
     * @param askTimeout how long all attempts of one ask together may take
     */
    public ShardedAppend(
            ActorSystem<?> system,
            int shardsPerTenant,
            Duration futureTolerance,
            Duration attemptTimeout,
            Duration askTimeout) {
        this.system = system;
        this.shardsPerTenant = shardsPerTenant;
        this.futureTolerance = futureTolerance;
        this.attemptTimeout = attemptTimeout;
        this.askTimeout = askTimeout;
        this.copies = MetricsCopies.get(system);
    }

    /** What happened to a request: points stored and dropped, or the shard that refused it. */
    public record Outcome(
            int accepted,
            int outOfOrder,
            int tooOld,
            int tooFarAhead,
            SeriesRefusal refusal,
            boolean partiallyApplied) {}

    /** A shard refused (or would refuse) its part for the series limit. */
    public record SeriesRefusal(int shard, int activeSeries, int newSeries, int shardLimit) {}

    /** Appends {@code batch}; points further in the future than the tolerance are refused before anything is persisted. */
    public CompletionStage<Outcome> append(String tenant, SampleBatch batch) {
        return append(tenant, batch, false);
    }

    /**
     * Appends {@code batch}, as a backfill when {@code backfill}: then points of any age within retention are
     * stored, not only those within the out-of-order window of each shard's newest point.
     */
    public CompletionStage<Outcome> append(String tenant, SampleBatch batch, boolean backfill) {
        long latest = System.currentTimeMillis() + futureTolerance.toMillis();
        ShardSplit split = ShardSplit.of(batch, shardsPerTenant, latest);
        List<ShardSplit.Part> used = split.parts();
        int tooFarAhead = split.tooFarAhead();
        // One part is stored whole or not at all by its shard: no check round trip needed, but with copies, which
        // store what they are sent (their shard judges the series limit), the shard is asked first.
        if (used.isEmpty() || (used.size() == 1 && copies.replicas() < 2)) {
            return store(tenant, used, tooFarAhead, backfill);
        }
        return checkRoom(tenant, used)
                .thenCompose(refusal -> refusal == null
                        ? store(tenant, used, tooFarAhead, backfill)
                        : CompletableFuture.completedFuture(new Outcome(0, 0, 0, tooFarAhead, refusal, false)));
    }

    /** The first shard without room for its part's new series, or null when all have room. */
    private CompletionStage<SeriesRefusal> checkRoom(String tenant, List<ShardSplit.Part> parts) {
        List<CompletableFuture<MetricsProtocol.SeriesRoom>> asks = new ArrayList<>();
        for (ShardSplit.Part part : parts) {
            var shard = shard(tenant, part.shard());
            asks.add(retried(timeout -> shard.<MetricsProtocol.SeriesRoom>ask(
                    replyTo -> LargeMessages.viaSharding(
                            system,
                            shard,
                            new MetricsProtocol.CheckSeries(part.labelSets(), replyTo),
                            MessagePart::new),
                    timeout)));
        }
        return CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new)).thenApply(done -> {
            for (int i = 0; i < parts.size(); i++) {
                MetricsProtocol.SeriesRoom room = asks.get(i).join();
                if (!room.fits()) {
                    return new SeriesRefusal(
                            parts.get(i).shard(), room.activeSeries(), room.unknownSeries(), room.shardLimit());
                }
            }
            return null;
        });
    }

    // Both asks may be sent twice: the check has no effect, and writing the same points again changes
    // nothing (a duplicate keeps the last value). A part whose shard is moving after its node died is
    // resent until the request's deadline.
    private <T> CompletableFuture<T> retried(Function<Duration, CompletionStage<T>> ask) {
        return RetriedAsk.ask(system, ask, attemptTimeout, askTimeout);
    }

    /**
     * Appends each part to its shard and, with copies kept ({@link MetricsCopies}), the whole request to the copy of
     * this region's shards in the region keeping it, all at once: the outcome is the shards', once the copy journaled
     * the request too. A copy region that has not
     * answered for a few seconds refuses the request before anything is written.
     */
    private CompletionStage<Outcome> store(
            String tenant, List<ShardSplit.Part> parts, int tooFarAhead, boolean backfill) {
        String copyRegion = copies.copyRegionOf(MetricsRegions.self(system));
        if (copyRegion != null && copies.silent(copyRegion)) {
            return CompletableFuture.failedFuture(new CopyRegionSilent(copyRegion));
        }
        List<CompletableFuture<MetricsProtocol.AppendReply>> asks = new ArrayList<>();
        for (ShardSplit.Part part : parts) {
            asks.add(append(shard(tenant, part.shard()), part.points().toBytes(), backfill));
        }
        List<CompletableFuture<MetricsProtocol.AppendReply>> all = new ArrayList<>(asks);
        CompletableFuture<MetricsProtocol.AppendReply> copied = null;
        if (copyRegion != null && !parts.isEmpty()) {
            PointBatch.Builder whole = PointBatch.builder();
            for (ShardSplit.Part part : parts) {
                for (PointBatch.SeriesPoints series : part.points().series()) {
                    whole.add(series.labels(), series.timestamps(), series.values(), 0, series.timestamps().length);
                }
            }
            String copyId = MetricsCopies.copyId(tenant, MetricsRegions.self(system));
            copied = append(
                    RegionProxies.get(system).entityRef(MetricsProtocol.ENTITY_KEY, copyId, copyRegion),
                    whole.build().toBytes(),
                    backfill);
            all.add(copied);
        }
        CompletableFuture<MetricsProtocol.AppendReply> copy = copied;
        return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).thenApply(done -> {
            if (copy != null && copy.join() instanceof MetricsProtocol.Failed failed) {
                throw new InternalFailure(
                        "the copy in region " + copyRegion + " of tenant " + tenant + "'s metrics", failed.requestId());
            }
            int accepted = 0;
            int outOfOrder = 0;
            int tooOld = 0;
            SeriesRefusal refusal = null;
            for (int i = 0; i < parts.size(); i++) {
                MetricsProtocol.AppendReply reply = asks.get(i).join();
                if (reply instanceof MetricsProtocol.Appended stored) {
                    accepted += stored.accepted();
                    outOfOrder += stored.rejectedOutOfOrder();
                    tooOld += stored.rejectedTooOld();
                } else if (reply instanceof MetricsProtocol.Failed failed) {
                    throw new InternalFailure(
                            "metrics shard " + parts.get(i).shard() + " of tenant " + tenant, failed.requestId());
                } else if (reply instanceof MetricsProtocol.SeriesLimitReached full && refusal == null) {
                    refusal = new SeriesRefusal(
                            parts.get(i).shard(), full.activeSeries(), full.newSeries(), full.shardLimit());
                }
            }
            return new Outcome(accepted, outOfOrder, tooOld, tooFarAhead, refusal, refusal != null && accepted > 0);
        });
    }

    private CompletableFuture<MetricsProtocol.AppendReply> append(
            EntityRef<MetricsProtocol.Command> shard, byte[] bytes, boolean backfill) {
        return retried(timeout -> shard.<MetricsProtocol.AppendReply>ask(
                // Serialized, an append is its bytes and a reply ref: under 1 KiB more, so it is not measured.
                replyTo -> LargeMessages.viaSharding(
                        system,
                        shard,
                        new MetricsProtocol.Append(bytes, backfill, replyTo),
                        MessagePart::new,
                        bytes.length + 1024L),
                timeout));
    }

    /**
     * The region keeping this region's copies of metrics has not answered this node for a few seconds: the append is
     * refused, nothing written, until it answers again or is declared lost (then the next region keeps the copies).
     */
    public static final class CopyRegionSilent extends RuntimeException {
        CopyRegionSilent(String region) {
            super("region " + region + ", which keeps the copy of this region's metrics (shardview.metrics.replicas ="
                    + " 2), has not answered for a few seconds");
        }
    }

    private EntityRef<MetricsProtocol.Command> shard(String tenant, int shard) {
        return ClusterSharding.get(system)
                .entityRefFor(MetricsProtocol.ENTITY_KEY, MetricsProtocol.entityId(tenant, shard));
    }
}
