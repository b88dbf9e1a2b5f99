package io.shardview.entity.metrics;

import io.shardview.entity.metrics.MetricsProtocol.SeriesPoints;
import io.shardview.metrics.index.Labels;
import io.shardview.metrics.index.Matcher;
import io.shardview.metrics.promql.distributed.Pushdown;
import io.shardview.metrics.promql.distributed.SelectorRanges;
import io.shardview.metrics.promql.evaluation.BucketSeries;
import io.shardview.metrics.promql.evaluation.Evaluator;
import io.shardview.metrics.promql.evaluation.PartialAggregation;
import io.shardview.metrics.promql.evaluation.QueryException;
import io.shardview.metrics.promql.evaluation.QueryResult;
import io.shardview.metrics.promql.evaluation.RollupWindows;
import io.shardview.metrics.promql.evaluation.Series;
import io.shardview.metrics.promql.parser.Expr;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;

/**
 * Reads a tenant's metrics from its shards, the twin of {@link ShardedAppend}: a PromQL query is planned (the
 * aggregations the shards compute in part, {@link Pushdown}; the time range or rollup buckets every other selector
 * reads, {@link SelectorRanges}), asked of every shard at once, and evaluated over what came back: on the node's PromQL
 * pool, or a small one where its reader waits; the series endpoints and export ask for series by selectors. The caller parses the request and renders the
 * answer.
 *
 * <p>Failures: {@link QueryException.Timeout} when the query ran out of time, another {@link QueryException} when it
 * cannot run (too many samples among them), {@link TooManyPoints} when a series read would take more points than it
 * may, and anything else when a shard did not answer.
 */
public final class ShardedQuery {
    /** The PromQL pool queries are evaluated on, never the dispatcher HTTP runs on (config/dispatchers.conf). */
    public static final String DISPATCHER = "shardview.dispatchers.promql";

    /**
     * @param shardsPerTenant the shards a tenant's series are spread over
     * @param attemptTimeout how long one ask to a shard waits before it is sent again
     * @param askTimeout how long all attempts of one ask together may take
     * @param maxPointsPerQuery the points (or buckets) a query may read from the shards in all
     */
    public record Settings(int shardsPerTenant, Duration attemptTimeout, Duration askTimeout, long maxPointsPerQuery) {}

    private final ActorSystem<?> system;
    private final Settings settings;
    private final ShardReads reads;
    private final Executor executor;

    public ShardedQuery(ActorSystem<?> system, Settings settings) {
        this.system = system;
        this.settings = settings;
        this.reads = new ShardReads(
                new EveryShard(system, settings.shardsPerTenant(), settings.attemptTimeout(), settings.askTimeout()));
        this.executor = system.dispatchers().lookup(DispatcherSelector.fromConfig(DISPATCHER));
    }

    /**
     * The tenant's shards in {@code region} (null or blank: this node's region), or {@code *} for its shards in every
     * region, which a read answers labelled ({@link EveryRegion}); an unknown region is an {@link
     * IllegalArgumentException} naming the cluster's regions.
     */
    public TenantShards shardsOrEvery(String tenant, String region) {
        return TenantShards.inOrEvery(system, tenant, region);
    }

    /**
     * At most how many points a query may read and still be evaluated where its reader waits ({@code here} of
     * {@link #instant}): tens of microseconds of work, less than the hand-off to the PromQL pool and back would cost.
     */
    static final long EVALUATED_IN_PLACE_POINTS = 2_000;

    /**
     * {@code expr} at {@code time} (milliseconds), within {@code timeoutNanos}. A small query is evaluated on
     * {@code here} (the thread that answers its reader; null: always the PromQL pool).
     */
    public CompletionStage<QueryResult> instant(
            TenantShards shards, Expr expr, long time, long timeoutNanos, Executor here) {
        return run(shards, expr, time, time, 0, timeoutNanos, here, null);
    }

    /** As {@link #instant}, and the samples it read and counted are put in {@code stats} before it completes. */
    public CompletionStage<QueryResult> instant(
            TenantShards shards, Expr expr, long time, long timeoutNanos, Executor here, Stats stats) {
        return run(shards, expr, time, time, 0, timeoutNanos, here, stats);
    }

    /**
     * What a query read: {@code loaded} points and rollup buckets that reached its evaluation (what shards folded
     * into partial aggregations is not counted), {@code counted} samples counted against its limit.
     */
    public static final class Stats {
        private volatile long loaded;
        private volatile long counted;

        /** Points and rollup buckets read by the evaluation. */
        public long loaded() {
            return loaded;
        }

        /** Samples counted against the query's limit. */
        public long counted() {
            return counted;
        }
    }

    /**
     * {@code expr} from {@code start} to {@code end} by {@code step} (milliseconds), within {@code timeoutNanos}; what
     * it read put in {@code stats} (null: not wanted).
     */
    public CompletionStage<QueryResult> range(
            TenantShards shards,
            Expr expr,
            long start,
            long end,
            long step,
            long timeoutNanos,
            Executor here,
            Stats stats) {
        return run(shards, expr, start, end, step, timeoutNanos, here, stats);
    }

    /**
     * The label sets of the series matching any selector with a point in [startMs, endMs], in the API's order; of
     * every region ({@link TenantShards#everyRegion}), each labelled with its region ({@link EveryRegion}).
     */
    public CompletionStage<List<Labels>> labels(
            TenantShards shards, List<List<Matcher>> selectors, long startMs, long endMs) {
        if (shards.everyRegion()) {
            return everyRegion(
                            EveryRegion.of(system, shards.tenant()),
                            selectors,
                            (region, asked) -> reads.labels(region, asked, startMs, endMs))
                    .thenApply(found -> {
                        List<Labels> out = new ArrayList<>(found.size());
                        for (Series s : found) out.add(s.labels());
                        return out;
                    });
        }
        return reads.labels(shards, selectors, startMs, endMs).thenApply(found -> {
            List<Labels> out = new ArrayList<>(found.size());
            for (SeriesPoints s : found.values()) out.add(Labels.of(s.labels()));
            return out;
        });
    }

    /**
     * The series matching any selector with their points in [startMs, endMs], in the API's order; fails with
     * {@link TooManyPoints} past {@code maxPoints} (of every region: past it in any one region).
     */
    public CompletionStage<List<Series>> points(
            TenantShards shards, List<List<Matcher>> selectors, long startMs, long endMs, long maxPoints) {
        if (shards.everyRegion()) {
            return everyRegion(
                    EveryRegion.of(system, shards.tenant()),
                    selectors,
                    (region, asked) -> reads.points(region, asked, startMs, endMs, maxPoints));
        }
        return reads.points(shards, selectors, startMs, endMs, maxPoints).thenApply(found -> {
            List<Series> out = new ArrayList<>(found.size());
            for (SeriesPoints s : found.values())
                out.add(new Series(Labels.of(s.labels()), s.timestamps(), s.values()));
            return out;
        });
    }

    /** A series read of one region's shards. */
    private interface RegionRead {
        CompletionStage<java.util.TreeMap<String, SeriesPoints>> read(
                TenantShards region, List<List<Matcher>> selectors);
    }

    /**
     * {@code read} of every region whose name the selectors do not rule out, each asked with the selectors as that
     * region's shards see them and its series labelled with its region ({@link EveryRegion}), in label order.
     */
    private static CompletableFuture<List<Series>> everyRegion(
            List<EveryRegion.Region> regions, List<List<Matcher>> selectors, RegionRead read) {
        List<CompletableFuture<List<Series>>> byRegion = new ArrayList<>();
        for (EveryRegion.Region region : regions) {
            List<List<Matcher>> asked = new ArrayList<>(selectors.size());
            for (List<Matcher> selector : selectors) {
                List<Matcher> matchers = EveryRegion.forRegion(selector, region.name());
                if (matchers != null) asked.add(matchers);
            }
            if (asked.isEmpty()) continue;
            byRegion.add(read.read(region.shards(), asked)
                    .thenApply(found -> {
                        List<Series> out = new ArrayList<>(found.size());
                        for (SeriesPoints s : found.values()) {
                            Labels labels = EveryRegion.relabel(Labels.of(s.labels()), region.name());
                            out.add(new Series(labels, s.timestamps(), s.values()));
                        }
                        return out;
                    })
                    .toCompletableFuture());
        }
        return EveryShard.all(byRegion).thenApply(done -> {
            List<Series> all = new ArrayList<>();
            for (CompletableFuture<List<Series>> r : byRegion) all.addAll(r.join());
            all.sort((a, b) -> a.labels().compareTo(b.labels()));
            return all;
        });
    }

    /**
     * Runs a query (an instant query has {@code step} 0 and start = end): the aggregations {@link Pushdown} allows are
     * asked of the shards in part, every other selector's series are fetched, all at once; then the evaluation, on the
     * PromQL pool. Of every region ({@link TenantShards#everyRegion}), each region is asked and its series labelled
     * with its name ({@link EveryRegion}); an aggregation is asked in part only where that is {@link
     * EveryRegion#pushable}, and the regions' parts merged as the shards' are.
     */
    private CompletionStage<QueryResult> run(
            TenantShards shards,
            Expr expr,
            long start,
            long end,
            long step,
            long timeoutNanos,
            Executor here,
            Stats stats) {
        Evaluator.Settings limits = Evaluator.Settings.defaults()
                .withMaxSamples(settings.maxPointsPerQuery())
                .withTimeout(timeoutNanos);
        boolean labelled = shards.everyRegion();
        List<EveryRegion.Region> regions =
                labelled ? EveryRegion.of(system, shards.tenant()) : List.of(new EveryRegion.Region(null, shards));
        List<Expr.Aggregate> pushed = labelled
                ? Pushdown.candidates(expr).stream()
                        .filter(EveryRegion::pushable)
                        .toList()
                : Pushdown.candidates(expr);
        Map<Expr.VectorSelector, SelectorRanges.Range> ranges = SelectorRanges.of(expr, start, end, limits, pushed);
        Map<Expr.VectorSelector, RollupWindows.BucketRead> bucketReads =
                SelectorRanges.bucketReads(expr, start, end, step, pushed);
        ShardReads.Part part = new ShardReads.Part(
                start,
                end,
                step,
                settings.maxPointsPerQuery() / Math.max(1, pushed.size()) / regions.size(),
                Math.max(1, timeoutNanos / 1_000_000));
        List<CompletableFuture<List<List<PartialAggregation.Group>>>> parts = new ArrayList<>();
        for (Expr.Aggregate aggregation : pushed) {
            List<CompletableFuture<List<List<PartialAggregation.Group>>>> byRegion = new ArrayList<>();
            for (EveryRegion.Region region : regions) {
                byRegion.add(reads.partials(region.shards(), aggregation, part).toCompletableFuture());
            }
            parts.add(EveryShard.all(byRegion).thenApply(done -> {
                List<List<PartialAggregation.Group>> shardParts = new ArrayList<>();
                for (CompletableFuture<List<List<PartialAggregation.Group>>> r : byRegion) shardParts.addAll(r.join());
                return shardParts;
            }));
        }
        CompletableFuture<FetchedSeries> series =
                labelled ? fetchLabelled(regions, ranges, bucketReads) : fetch(shards, ranges, bucketReads);
        return series.thenCombine(EveryShard.all(parts), (fetched, done) -> fetched)
                .thenCompose(fetched -> {
                    boolean small = here != null && pushed.isEmpty() && fetched.size() <= EVALUATED_IN_PLACE_POINTS;
                    return CompletableFuture.supplyAsync(
                            () -> {
                                Evaluator evaluator = new Evaluator(fetched, limits);
                                for (int i = 0; i < pushed.size(); i++) {
                                    evaluator.withPartials(
                                            pushed.get(i), parts.get(i).join());
                                }
                                try {
                                    return step == 0
                                            ? evaluator.instant(expr, start)
                                            : evaluator.range(expr, start, end, step);
                                } finally {
                                    if (stats != null) {
                                        stats.loaded = evaluator.loadedSamples();
                                        stats.counted = evaluator.countedSamples();
                                    }
                                }
                            },
                            small ? here : executor);
                })
                .exceptionally(ShardedQuery::asQueryFailure);
    }

    /** A series read past its points is, for a query, Prometheus's "too many samples". */
    private static QueryResult asQueryFailure(Throwable failure) {
        Throwable cause =
                failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (cause instanceof TooManyPoints) throw new QueryException.TooManySamples();
        throw failure instanceof CompletionException completion ? completion : new CompletionException(failure);
    }

    /**
     * Every selector's series, each asked of all shards at once: as rollup buckets where the evaluator will read them so
     * ({@code bucketReads}) and the shards have them, else as points.
     */
    private CompletableFuture<FetchedSeries> fetch(
            TenantShards shards,
            Map<Expr.VectorSelector, SelectorRanges.Range> ranges,
            Map<Expr.VectorSelector, RollupWindows.BucketRead> bucketReads) {
        FetchedSeries fetched = new FetchedSeries();
        List<CompletableFuture<Void>> asks = new ArrayList<>();
        long perSelector = Math.max(1, settings.maxPointsPerQuery() / Math.max(1, ranges.size()));
        ranges.forEach((selector, range) -> {
            RollupWindows.BucketRead read = bucketReads.get(selector);
            CompletableFuture<List<BucketSeries>> buckets = read == null
                    ? CompletableFuture.completedFuture(null)
                    : reads.buckets(shards, selector.matchers(), read.width(), read.min(), read.max(), perSelector)
                            .toCompletableFuture();
            asks.add(buckets.thenCompose(found -> {
                if (found != null) {
                    fetched.putBuckets(selector.matchers(), read, found);
                    return CompletableFuture.completedFuture(null);
                }
                return reads.points(shards, List.of(selector.matchers()), range.min(), range.max(), perSelector)
                        .thenAccept(points -> fetched.putPoints(selector.matchers(), series(points.values())))
                        .toCompletableFuture();
            }));
        });
        return EveryShard.all(asks).thenApply(done -> fetched);
    }

    /**
     * Every selector's series in every region, each series labelled with its region ({@link EveryRegion}): as rollup
     * buckets where the evaluator will read them so ({@code bucketReads}) and every region has them, else as points.
     * A region whose name the selector rules out is not asked.
     */
    private CompletableFuture<FetchedSeries> fetchLabelled(
            List<EveryRegion.Region> regions,
            Map<Expr.VectorSelector, SelectorRanges.Range> ranges,
            Map<Expr.VectorSelector, RollupWindows.BucketRead> bucketReads) {
        FetchedSeries fetched = new FetchedSeries();
        List<CompletableFuture<Void>> asks = new ArrayList<>();
        long perAsk = Math.max(1, settings.maxPointsPerQuery() / Math.max(1, ranges.size()) / regions.size());
        ranges.forEach((selector, range) -> {
            RollupWindows.BucketRead read = bucketReads.get(selector);
            CompletableFuture<List<BucketSeries>> buckets = read == null
                    ? CompletableFuture.completedFuture(null)
                    : labelledBuckets(regions, selector.matchers(), read, perAsk);
            asks.add(buckets.thenCompose(found -> {
                if (found != null) {
                    fetched.putBuckets(selector.matchers(), read, found);
                    return CompletableFuture.completedFuture(null);
                }
                return labelledPoints(regions, selector.matchers(), range, perAsk)
                        .thenAccept(points -> fetched.putPoints(selector.matchers(), points));
            }));
        });
        return EveryShard.all(asks).thenApply(done -> fetched);
    }

    /**
     * The rollup buckets of the series {@code matchers} select in every region, labelled and in label order; null when
     * a region lacks buckets with edges for some of them (the caller reads points instead).
     */
    private CompletableFuture<List<BucketSeries>> labelledBuckets(
            List<EveryRegion.Region> regions, List<Matcher> matchers, RollupWindows.BucketRead read, long perAsk) {
        List<CompletableFuture<List<BucketSeries>>> byRegion = new ArrayList<>();
        for (EveryRegion.Region region : regions) {
            List<Matcher> asked = EveryRegion.forRegion(matchers, region.name());
            if (asked == null) continue;
            byRegion.add(reads.buckets(region.shards(), asked, read.width(), read.min(), read.max(), perAsk)
                    .thenApply(found -> {
                        if (found == null) return null;
                        List<BucketSeries> out = new ArrayList<>(found.size());
                        for (BucketSeries s : found) {
                            out.add(new BucketSeries(EveryRegion.relabel(s.labels(), region.name()), s.buckets()));
                        }
                        return out;
                    })
                    .toCompletableFuture());
        }
        return EveryShard.all(byRegion).thenApply(done -> {
            List<BucketSeries> all = new ArrayList<>();
            for (CompletableFuture<List<BucketSeries>> r : byRegion) {
                if (r.join() == null) return null;
                all.addAll(r.join());
            }
            all.sort((a, b) -> a.labels().compareTo(b.labels()));
            return all;
        });
    }

    /** The points in {@code range} of the series {@code matchers} select in every region, labelled, in label order. */
    private CompletableFuture<List<Series>> labelledPoints(
            List<EveryRegion.Region> regions, List<Matcher> matchers, SelectorRanges.Range range, long perAsk) {
        return everyRegion(
                regions,
                List.of(matchers),
                (region, asked) -> reads.points(region, asked, range.min(), range.max(), perAsk));
    }

    private static List<Series> series(Collection<SeriesPoints> found) {
        List<Series> out = new ArrayList<>(found.size());
        for (SeriesPoints s : found) out.add(new Series(Labels.of(s.labels()), s.timestamps(), s.values()));
        out.sort((a, b) -> a.labels().compareTo(b.labels()));
        return out;
    }
}
