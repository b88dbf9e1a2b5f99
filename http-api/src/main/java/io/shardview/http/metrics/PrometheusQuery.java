package io.shardview.http.metrics;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.onComplete;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.shardview.entity.metrics.MetricsShard;
import io.shardview.entity.metrics.MetricsShard.MatcherSpec;
import io.shardview.metrics.index.Labels;
import io.shardview.metrics.index.Matcher;
import io.shardview.metrics.promql.distributed.Pushdown;
import io.shardview.metrics.promql.distributed.SelectorRanges;
import io.shardview.metrics.promql.evaluation.BucketSeries;
import io.shardview.metrics.promql.evaluation.Evaluator;
import io.shardview.metrics.promql.evaluation.FloatFormat;
import io.shardview.metrics.promql.evaluation.PartialAggregation;
import io.shardview.metrics.promql.evaluation.QueryException;
import io.shardview.metrics.promql.evaluation.QueryResult;
import io.shardview.metrics.promql.evaluation.RangeQueries;
import io.shardview.metrics.promql.evaluation.RollupWindows;
import io.shardview.metrics.promql.evaluation.Sample;
import io.shardview.metrics.promql.evaluation.Series;
import io.shardview.metrics.promql.evaluation.SeriesSource;
import io.shardview.metrics.promql.parser.Durations;
import io.shardview.metrics.promql.parser.Expr;
import io.shardview.metrics.promql.parser.PromqlParseException;
import io.shardview.metrics.promql.parser.PromqlParser;
import io.shardview.metrics.promql.parser.UnsupportedFunctionException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code api/v1/query} and {@code api/v1/query_range} of the Prometheus HTTP API for a tenant: parameters as
 * Prometheus parses them, the query parsed, every selector's series fetched from the tenant's shards at once for the
 * time range it reads, then evaluated on the node's PromQL pool under the query's timeout. Answers in Prometheus's
 * shapes: 400 {@code bad_data} (parameters, parse errors), 422 {@code execution} (a query that cannot run, or a
 * function outside the supported subset), 503 {@code timeout} or {@code unavailable}.
 */
final class PrometheusQuery {
    private static final JsonFactory JSON = new JsonFactory();

    private final ActorSystem<?> system;
    private final SeriesSelect select;
    private final ShardPartials partials;
    private final MetricsHttpSettings settings;
    private final Executor executor;

    PrometheusQuery(ActorSystem<?> system, SeriesSelect select, MetricsHttpSettings settings) {
        this.system = system;
        this.select = select;
        this.partials = new ShardPartials(system, settings);
        this.settings = settings;
        this.executor = system.dispatchers().lookup(DispatcherSelector.fromConfig("shardview.dispatchers.promql"));
    }

    /** {@code api/v1/query?query=&time=&timeout=&region=}. */
    Route instant(String tenant) {
        return PrometheusMetadata.params(params -> parsedThenRun(() -> {
            long time = PrometheusMetadata.first(params, "time")
                    .map(t -> parameter("time", () -> Durations.parseTime(t)))
                    .orElse(System.currentTimeMillis());
            String query = PrometheusMetadata.first(params, "query").orElse("");
            return new Request(shards(tenant, params), query, expression(query), time, time, 0, timeout(params));
        }));
    }

    /** {@code api/v1/query_range?query=&start=&end=&step=&timeout=&region=}. */
    Route range(String tenant) {
        return PrometheusMetadata.params(params -> parsedThenRun(() -> {
            long start = parameter("start", () -> Durations.parseTime(required(params, "start")));
            long end = parameter("end", () -> Durations.parseTime(required(params, "end")));
            long step = parameter("step", () -> Durations.parseStep(required(params, "step")));
            RangeQueries.validate(start, end, step);
            String query = PrometheusMetadata.first(params, "query").orElse("");
            Expr expr = expression(query);
            if (expr.type() != Expr.ValueType.SCALAR && expr.type() != Expr.ValueType.INSTANT_VECTOR) {
                throw new IllegalArgumentException("invalid expression type \""
                        + expr.type().words() + "\" for range query, must be Scalar or instant Vector");
            }
            return new Request(shards(tenant, params), query, expr, start, end, step, timeout(params));
        }));
    }

    /** Runs the request {@code parse} reads, or answers why it cannot: 400 bad_data, or 422 execution. */
    private Route parsedThenRun(java.util.function.Supplier<Request> parse) {
        Request request;
        try {
            request = parse.get();
        } catch (IllegalArgumentException e) {
            return complete(PrometheusMetadata.error(StatusCodes.BAD_REQUEST, "bad_data", e.getMessage()));
        } catch (UnsupportedQuery e) {
            return complete(PrometheusMetadata.error(StatusCodes.UNPROCESSABLE_ENTITY, "execution", e.getMessage()));
        }
        return run(request);
    }

    /** The tenant's shards in the region the {@code region} parameter names (this node's when absent). */
    private TenantShards shards(String tenant, Map<String, List<String>> params) {
        return TenantShards.in(
                system, tenant, PrometheusMetadata.first(params, "region").orElse(null));
    }

    /** A query to run: an instant query has {@code step} 0 and start = end. */
    private record Request(
            TenantShards shards, String query, Expr expr, long start, long end, long step, long timeoutNanos) {}

    /**
     * Runs the query: the aggregations {@link Pushdown} allows are asked of the shards in part, every other selector's
     * series are fetched, all at once; then the evaluation, on the PromQL pool.
     */
    private Route run(Request request) {
        Evaluator.Settings limits = Evaluator.Settings.defaults()
                .withMaxSamples(settings.maxPointsPerQuery())
                .withTimeout(request.timeoutNanos());
        List<Expr.Aggregate> pushed = Pushdown.candidates(request.expr());
        Map<Expr.VectorSelector, SelectorRanges.Range> ranges =
                SelectorRanges.of(request.expr(), request.start(), request.end(), limits, pushed);
        Map<Expr.VectorSelector, RollupWindows.BucketRead> bucketReads =
                SelectorRanges.bucketReads(request.expr(), request.start(), request.end(), request.step(), pushed);
        long timeoutMillis = Math.max(1, request.timeoutNanos() / 1_000_000);
        List<CompletableFuture<List<List<PartialAggregation.Group>>>> parts = new ArrayList<>();
        for (int i = 0; i < pushed.size(); i++) {
            parts.add(partials.ask(
                            request.shards(),
                            request.query(),
                            i,
                            request.start(),
                            request.end(),
                            request.start(),
                            request.end(),
                            request.step(),
                            settings.maxPointsPerQuery() / pushed.size(),
                            timeoutMillis)
                    .toCompletableFuture());
        }
        CompletionStage<HttpResponse> answer = fetch(request.shards(), ranges, bucketReads)
                .thenCombine(CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new)), (series, done) -> series)
                .thenApplyAsync(
                        series -> {
                            Evaluator evaluator = new Evaluator(series, limits);
                            for (int i = 0; i < pushed.size(); i++) {
                                evaluator.withPartials(
                                        pushed.get(i), parts.get(i).join());
                            }
                            return evaluate(request, evaluator);
                        },
                        executor)
                .exceptionally(this::failure);
        return onComplete(answer, result -> complete(result.get()));
    }

    /**
     * Every selector's series, each asked of all shards at once: as rollup buckets where the evaluator will read them so
     * ({@code bucketReads}) and the shards have them, else as points.
     */
    private CompletableFuture<Fetched> fetch(
            TenantShards shards,
            Map<Expr.VectorSelector, SelectorRanges.Range> ranges,
            Map<Expr.VectorSelector, RollupWindows.BucketRead> bucketReads) {
        Fetched fetched = new Fetched();
        List<CompletableFuture<Void>> asks = new ArrayList<>();
        long perSelector = Math.max(1, settings.maxPointsPerQuery() / Math.max(1, ranges.size()));
        ranges.forEach((selector, range) -> {
            List<MatcherSpec> specs = specs(selector.matchers());
            RollupWindows.BucketRead read = bucketReads.get(selector);
            CompletableFuture<List<BucketSeries>> buckets = read == null
                    ? CompletableFuture.completedFuture(null)
                    : select.buckets(shards, specs, read.width(), read.min(), read.max(), perSelector)
                            .toCompletableFuture();
            asks.add(buckets.thenCompose(found -> {
                if (found != null) {
                    fetched.putBuckets(selector.matchers(), read, found);
                    return CompletableFuture.completedFuture(null);
                }
                return select.points(shards, List.of(specs), range.min(), range.max(), perSelector)
                        .thenAccept(points -> fetched.putPoints(selector.matchers(), series(points.values())))
                        .toCompletableFuture();
            }));
        });
        return CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new)).thenApply(done -> fetched);
    }

    /** What {@link #fetch} read for each selector (by the identity of its matchers), as the evaluator reads it. */
    private static final class Fetched implements SeriesSource {
        private final Map<List<Matcher>, List<Series>> points = new IdentityHashMap<>();
        private final Map<List<Matcher>, RollupWindows.BucketRead> reads = new IdentityHashMap<>();
        private final Map<List<Matcher>, List<BucketSeries>> buckets = new IdentityHashMap<>();

        synchronized void putPoints(List<Matcher> matchers, List<Series> series) {
            points.put(matchers, series);
        }

        synchronized void putBuckets(List<Matcher> matchers, RollupWindows.BucketRead read, List<BucketSeries> found) {
            reads.put(matchers, read);
            buckets.put(matchers, found);
        }

        @Override
        public synchronized List<Series> select(List<Matcher> matchers, long minMillis, long maxMillis) {
            List<Series> found = points.get(matchers);
            if (found == null) throw new IllegalStateException("no points were fetched for " + matchers);
            return found;
        }

        @Override
        public synchronized List<BucketSeries> selectBuckets(
                List<Matcher> matchers, long widthMillis, long minMillis, long maxMillis) {
            RollupWindows.BucketRead read = reads.get(matchers);
            boolean same =
                    read != null && read.width() == widthMillis && read.min() == minMillis && read.max() == maxMillis;
            return same ? buckets.get(matchers) : null;
        }
    }

    private static HttpResponse evaluate(Request request, Evaluator evaluator) {
        QueryResult result = request.step() == 0
                ? evaluator.instant(request.expr(), request.start())
                : evaluator.range(request.expr(), request.start(), request.end(), request.step());
        return HttpResponse.create().withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, render(result)));
    }

    private HttpResponse failure(Throwable failure) {
        while (failure instanceof CompletionException && failure.getCause() != null) failure = failure.getCause();
        if (failure instanceof QueryException.Timeout) {
            return PrometheusMetadata.error(StatusCodes.SERVICE_UNAVAILABLE, "timeout", failure.getMessage());
        }
        if (failure instanceof SeriesSelect.TooManyPoints) {
            failure = new QueryException("query processing would load too many samples into memory in query execution");
        }
        if (failure instanceof QueryException) {
            return PrometheusMetadata.error(StatusCodes.UNPROCESSABLE_ENTITY, "execution", failure.getMessage());
        }
        return PrometheusMetadata.error(
                StatusCodes.SERVICE_UNAVAILABLE,
                "unavailable",
                "a metrics shard did not answer within " + settings.askTimeout().toMillis() + " ms: "
                        + failure.getMessage());
    }

    /** The query, parsed; 400 for a parse error, 422 for a function outside the supported subset (thrown as such). */
    private static Expr expression(String query) {
        try {
            return PromqlParser.parse(query);
        } catch (PromqlParseException e) {
            throw new IllegalArgumentException("invalid parameter \"query\": " + e.getMessage(), e);
        } catch (UnsupportedFunctionException e) {
            throw new UnsupportedQuery(e.getMessage());
        }
    }

    /** The query's timeout: the {@code timeout} parameter, at most (and by default) the node's query timeout. */
    private long timeout(Map<String, List<String>> params) {
        long max = settings.queryTimeout().toNanos();
        return PrometheusMetadata.first(params, "timeout")
                .map(t -> Math.min(max, parameter("timeout", () -> Durations.parseStep(t)) * 1_000_000L))
                .orElse(max);
    }

    private static String required(Map<String, List<String>> params, String name) {
        return PrometheusMetadata.first(params, name).orElse("");
    }

    /** Prometheus's message for a bad parameter: {@code invalid parameter "step": ...}. */
    private static long parameter(String name, java.util.function.LongSupplier parse) {
        try {
            return parse.getAsLong();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid parameter \"" + name + "\": " + e.getMessage(), e);
        }
    }

    private static List<MatcherSpec> specs(List<Matcher> matchers) {
        List<MatcherSpec> specs = new ArrayList<>(matchers.size());
        for (Matcher m : matchers) specs.add(new MatcherSpec(m.type().symbol(), m.name(), m.value()));
        return specs;
    }

    private static List<Series> series(java.util.Collection<MetricsShard.SeriesPoints> found) {
        List<Series> out = new ArrayList<>(found.size());
        for (MetricsShard.SeriesPoints s : found)
            out.add(new Series(Labels.of(s.labels()), s.timestamps(), s.values()));
        out.sort((a, b) -> a.labels().compareTo(b.labels()));
        return out;
    }

    /** The whole success body, {@code {"status": "success", "data": {"resultType": ..., "result": ...}}}. */
    static String render(QueryResult result) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("status", "success");
            json.writeObjectFieldStart("data");
            if (result instanceof QueryResult.Scalar s) {
                json.writeStringField("resultType", "scalar");
                json.writeFieldName("result");
                point(json, s.time(), FloatFormat.format(s.value()));
            } else if (result instanceof QueryResult.Text t) {
                json.writeStringField("resultType", "string");
                json.writeFieldName("result");
                point(json, t.time(), t.value());
            } else if (result instanceof QueryResult.Vector v) {
                json.writeStringField("resultType", "vector");
                json.writeArrayFieldStart("result");
                for (Sample s : v.samples()) {
                    json.writeStartObject();
                    metric(json, s.labels());
                    json.writeFieldName("value");
                    point(json, v.time(), FloatFormat.format(s.value()));
                    json.writeEndObject();
                }
                json.writeEndArray();
            } else {
                json.writeStringField("resultType", "matrix");
                json.writeArrayFieldStart("result");
                for (Series s : ((QueryResult.Matrix) result).series()) {
                    json.writeStartObject();
                    metric(json, s.labels());
                    json.writeArrayFieldStart("values");
                    for (int i = 0; i < s.size(); i++)
                        point(json, s.timestamps()[i], FloatFormat.format(s.values()[i]));
                    json.writeEndArray();
                    json.writeEndObject();
                }
                json.writeEndArray();
            }
            json.writeEndObject();
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString(java.nio.charset.StandardCharsets.UTF_8);
    }

    private static void metric(JsonGenerator json, Labels labels) throws IOException {
        json.writeObjectFieldStart("metric");
        for (int i = 0; i < labels.size(); i++) json.writeStringField(labels.name(i), labels.value(i));
        json.writeEndObject();
    }

    private static void point(JsonGenerator json, long millis, String value) throws IOException {
        json.writeStartArray();
        json.writeNumber(FloatFormat.seconds(millis));
        json.writeString(value);
        json.writeEndArray();
    }

    /** A function Prometheus has and we do not: 422, naming it. */
    static final class UnsupportedQuery extends RuntimeException {
        UnsupportedQuery(String message) {
            super(message);
        }
    }
}
