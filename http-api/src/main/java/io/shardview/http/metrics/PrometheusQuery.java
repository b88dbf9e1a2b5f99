package io.shardview.http.metrics;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.shardview.entity.metrics.ShardedQuery;
import io.shardview.entity.metrics.TenantShards;
import io.shardview.http.ApiError;
import io.shardview.http.Contained;
import io.shardview.http.EdgeRouter;
import io.shardview.http.ErrorCode;
import io.shardview.http.InflightBodies;
import io.shardview.http.TenantEndpoints;
import io.shardview.http.edge.EdgeRequest;
import io.shardview.http.edge.EdgeResponse;
import io.shardview.http.edge.RequestTarget;
import io.shardview.metrics.index.Labels;
import io.shardview.metrics.promql.evaluation.FloatFormat;
import io.shardview.metrics.promql.evaluation.QueryException;
import io.shardview.metrics.promql.evaluation.QueryResult;
import io.shardview.metrics.promql.evaluation.RangeQueries;
import io.shardview.metrics.promql.evaluation.Sample;
import io.shardview.metrics.promql.evaluation.Series;
import io.shardview.metrics.promql.parser.Durations;
import io.shardview.metrics.promql.parser.Expr;
import io.shardview.metrics.promql.parser.PromqlParseException;
import io.shardview.metrics.promql.parser.PromqlParser;
import io.shardview.metrics.promql.parser.UnsupportedFunctionException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * {@code api/v1/query} and {@code api/v1/query_range} of the Prometheus HTTP API for a tenant, served by the edge: the
 * parameters as Prometheus reads them (from the URL, and from the body of a POST when it is a form; any other body is
 * ignored, as Prometheus ignores it), the query parsed here, run below the edge ({@link ShardedQuery}: planned, asked
 * of the tenant's shards, evaluated under the query's timeout on the node's PromQL pool, or a small one on the event loop
 * that answers it), and its result rendered where it is evaluated. Answers in Prometheus's shapes: 400 {@code bad_data} (parameters, parse errors), 422
 * {@code execution} (a query that cannot run, or a function outside the supported subset), 503 {@code timeout} or
 * {@code unavailable}.
 */
public final class PrometheusQuery implements EdgeRouter.Endpoint {
    private static final JsonFactory JSON = new JsonFactory();

    private final ShardedQuery query;
    private final MetricsHttpSettings settings;
    private final InflightBodies inflight;
    private final boolean range;

    private PrometheusQuery(ActorSystem<?> system, MetricsHttpSettings settings, boolean range) {
        this.query = new ShardedQuery(
                system,
                new ShardedQuery.Settings(
                        settings.shardsPerTenant(),
                        settings.retryAttemptTimeout(),
                        settings.askTimeout(),
                        settings.maxPointsPerQuery()));
        this.settings = settings;
        this.inflight = InflightBodies.get(system);
        this.range = range;
    }

    /** {@code api/v1/query?query=&time=&timeout=&region=} and {@code api/v1/query_range?...&start=&end=&step=}. */
    public static List<EdgeRouter.Endpoint> endpoints(ActorSystem<?> system) {
        MetricsHttpSettings settings =
                MetricsHttpSettings.from(system.settings().config());
        return List.of(new PrometheusQuery(system, settings, false), new PrometheusQuery(system, settings, true));
    }

    @Override
    public String template() {
        return range ? "/v1/tenants/{t}/prom/api/v1/query_range" : "/v1/tenants/{t}/prom/api/v1/query";
    }

    @Override
    public List<String> methods() {
        return List.of("GET", "POST");
    }

    @Override
    public void serve(EdgeRequest request, List<String> params, EdgeRouter.Reply reply) {
        String tenant = params.get(0);
        if (!TenantEndpoints.validTenant(tenant)) {
            reply.send(new ApiError(ErrorCode.INVALID_TENANT, TenantEndpoints.TENANT_RULE, Map.of("tenant", tenant))
                    .toEdgeResponse());
            return;
        }
        Map<String, List<String>> parameters = new HashMap<>();
        RequestTarget.forEachParameter(request.rawQuery(), (name, value) -> add(parameters, name, value));
        if (!isForm(request)) {
            if (request.bodyComplete()) request.takeArrivedBody();
            answer(tenant, parameters, request.executor(), reply);
            return;
        }
        long maxBytes = settings.maxRequestBytes();
        long length = request.contentLength();
        if (length > maxBytes) {
            TenantEndpoints.tooLarge(request, length, maxBytes, reply);
            return;
        }
        long held = inflight.hold(length, maxBytes);
        if (held < 0) {
            reply.send(TenantEndpoints.retryLaterEdge(inflight.refusal()));
            return;
        }
        EdgeRouter.Reply released = response -> {
            inflight.release(held);
            reply.send(response);
        };
        request.readBody(maxBytes, new EdgeRequest.BodyReader() {
            @Override
            public void body(byte[] body) {
                RequestTarget.forEachParameter(
                        new String(body, StandardCharsets.UTF_8), (name, value) -> add(parameters, name, value));
                answer(tenant, parameters, request.executor(), released);
            }

            @Override
            public void tooLarge(long declared) {
                released.send(
                        ApiError.of(ErrorCode.PAYLOAD_TOO_LARGE, "request body is larger than " + maxBytes + " bytes")
                                .toEdgeResponse());
            }
        });
    }

    /** Whether the request's body is a form, whose fields are parameters (Prometheus reads no other body). */
    private static boolean isForm(EdgeRequest request) {
        String type = request.header(HttpHeaderNames.CONTENT_TYPE);
        return request.method().name().equals("POST")
                && type != null
                && type.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded");
    }

    private static void add(Map<String, List<String>> parameters, String name, String value) {
        parameters.computeIfAbsent(name, n -> new ArrayList<>(1)).add(value);
    }

    /** Runs the query the parameters ask for and answers its result, or why it cannot run. */
    private void answer(String tenant, Map<String, List<String>> params, Executor here, EdgeRouter.Reply reply) {
        Request request;
        try {
            request = range ? range(tenant, params) : instant(tenant, params);
        } catch (IllegalArgumentException e) {
            reply.send(PrometheusMetadata.edgeError(400, "bad_data", e.getMessage()));
            return;
        } catch (UnsupportedQuery e) {
            reply.send(PrometheusMetadata.edgeError(422, "execution", e.getMessage()));
            return;
        }
        run(request, here)
                .whenComplete((response, error) -> reply.send(
                        error == null
                                ? response
                                : Contained.internalApiError("query", error, false)
                                        .toEdgeResponse()));
    }

    private Request instant(String tenant, Map<String, List<String>> params) {
        long time = PrometheusMetadata.first(params, "time")
                .map(t -> parameter("time", () -> Durations.parseTime(t)))
                .orElse(System.currentTimeMillis());
        String text = PrometheusMetadata.first(params, "query").orElse("");
        return new Request(shards(tenant, params), expression(text), time, time, 0, timeout(params), stats(params));
    }

    private Request range(String tenant, Map<String, List<String>> params) {
        long start = parameter("start", () -> Durations.parseTime(required(params, "start")));
        long end = parameter("end", () -> Durations.parseTime(required(params, "end")));
        long step = parameter("step", () -> Durations.parseStep(required(params, "step")));
        RangeQueries.validate(start, end, step);
        String text = PrometheusMetadata.first(params, "query").orElse("");
        Expr expr = expression(text);
        if (expr.type() != Expr.ValueType.SCALAR && expr.type() != Expr.ValueType.INSTANT_VECTOR) {
            throw new IllegalArgumentException("invalid expression type \""
                    + expr.type().words() + "\" for range query, must be Scalar or instant Vector");
        }
        return new Request(shards(tenant, params), expr, start, end, step, timeout(params), stats(params));
    }

    /**
     * The tenant's shards in the region the {@code region} parameter names (this node's when absent), or in every
     * region for {@code region=*} (each series labelled with its region, docs/regions.md).
     */
    private TenantShards shards(String tenant, Map<String, List<String>> params) {
        return query.shardsOrEvery(
                tenant, PrometheusMetadata.first(params, "region").orElse(null));
    }

    /** A query to run: an instant query has {@code step} 0 and start = end. */
    private record Request(
            TenantShards shards, Expr expr, long start, long end, long step, long timeoutNanos, boolean stats) {}

    /** Whether the answer carries {@code stats}: the parameter given, whatever its value, as Prometheus does. */
    private static boolean stats(Map<String, List<String>> params) {
        return !PrometheusMetadata.first(params, "stats").orElse("").isEmpty();
    }

    /** Runs the request below the edge ({@link ShardedQuery}); its result rendered where it is evaluated. */
    private CompletionStage<EdgeResponse> run(Request request, Executor here) {
        long started = System.nanoTime();
        ShardedQuery.Stats stats = request.stats() ? new ShardedQuery.Stats() : null;
        CompletionStage<QueryResult> result = request.step() == 0
                ? query.instant(request.shards(), request.expr(), request.start(), request.timeoutNanos(), here, stats)
                : query.range(
                        request.shards(),
                        request.expr(),
                        request.start(),
                        request.end(),
                        request.step(),
                        request.timeoutNanos(),
                        here,
                        stats);
        return result.thenApply(r -> EdgeResponse.json(200, render(r, stats, (System.nanoTime() - started) / 1e9)))
                .exceptionally(this::failure);
    }

    private EdgeResponse failure(Throwable failure) {
        while (failure instanceof CompletionException && failure.getCause() != null) failure = failure.getCause();
        if (failure instanceof QueryException.Timeout) {
            return PrometheusMetadata.edgeError(503, "timeout", failure.getMessage());
        }
        if (failure instanceof QueryException) {
            return PrometheusMetadata.edgeError(422, "execution", failure.getMessage());
        }
        return PrometheusMetadata.edgeError(
                503,
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

    /**
     * The whole success body, {@code {"status": "success", "data": {"resultType": ..., "result": ...}}}, with
     * Prometheus's {@code stats} in {@code data} when asked: the time the query took (all of it evaluation: no queue,
     * no preparation apart), the points it read and the samples it counted.
     */
    static byte[] render(QueryResult result, ShardedQuery.Stats stats, double seconds) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
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
            if (stats != null) stats(json, stats, seconds);
            json.writeEndObject();
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static void stats(JsonGenerator json, ShardedQuery.Stats stats, double seconds) throws IOException {
        json.writeObjectFieldStart("stats");
        json.writeObjectFieldStart("timings");
        json.writeNumberField("evalTotalTime", seconds);
        json.writeNumberField("resultSortTime", 0);
        json.writeNumberField("queryPreparationTime", 0);
        json.writeNumberField("innerEvalTime", seconds);
        json.writeNumberField("execQueueTime", 0);
        json.writeNumberField("execTotalTime", seconds);
        json.writeEndObject();
        json.writeObjectFieldStart("samples");
        json.writeNumberField("totalQueryableSamples", stats.loaded());
        json.writeNumberField("peakSamples", stats.counted());
        json.writeEndObject();
        json.writeEndObject();
    }

    private static void metric(JsonGenerator json, Labels labels) throws IOException {
        json.writeObjectFieldStart("metric");
        for (int i = 0; i < labels.size(); i++) json.writeStringField(labels.name(i), labels.value(i));
        json.writeEndObject();
    }

    private static void point(JsonGenerator json, long millis, String value) throws IOException {
        json.writeStartArray();
        if (millis % 1000 == 0) json.writeNumber(millis / 1000); // whole seconds, as most steps are
        else json.writeNumber(FloatFormat.seconds(millis));
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
