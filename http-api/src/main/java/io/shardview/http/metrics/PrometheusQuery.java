package io.shardview.http.metrics;

import static io.shardview.http.OnComplete.onComplete;
import static org.apache.pekko.http.javadsl.server.Directives.complete;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.shardview.entity.metrics.ShardedQuery;
import io.shardview.entity.metrics.TenantShards;
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
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code api/v1/query} and {@code api/v1/query_range} of the Prometheus HTTP API for a tenant: parameters as
 * Prometheus parses them and the query parsed here; the query is run below the edge ({@link ShardedQuery}: planned,
 * asked of the tenant's shards, evaluated on the node's PromQL pool under the query's timeout), and its result
 * rendered here. Answers in Prometheus's shapes: 400 {@code bad_data} (parameters, parse errors), 422 {@code execution} (a query that cannot run, or a
 * function outside the supported subset), 503 {@code timeout} or {@code unavailable}.
 */
final class PrometheusQuery {
    private static final JsonFactory JSON = new JsonFactory();

    private final ShardedQuery query;
    private final MetricsHttpSettings settings;

    PrometheusQuery(ShardedQuery query, MetricsHttpSettings settings) {
        this.query = query;
        this.settings = settings;
    }

    /** {@code api/v1/query?query=&time=&timeout=&region=}. */
    Route instant(String tenant) {
        return PrometheusMetadata.params(params -> parsedThenRun(() -> {
            long time = PrometheusMetadata.first(params, "time")
                    .map(t -> parameter("time", () -> Durations.parseTime(t)))
                    .orElse(System.currentTimeMillis());
            String query = PrometheusMetadata.first(params, "query").orElse("");
            return new Request(shards(tenant, params), expression(query), time, time, 0, timeout(params));
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
            return new Request(shards(tenant, params), expr, start, end, step, timeout(params));
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
        return query.shards(tenant, PrometheusMetadata.first(params, "region").orElse(null));
    }

    /** A query to run: an instant query has {@code step} 0 and start = end. */
    private record Request(TenantShards shards, Expr expr, long start, long end, long step, long timeoutNanos) {}

    /** Runs the request below the edge ({@link ShardedQuery}) and renders its result, or why it failed. */
    private Route run(Request request) {
        CompletionStage<QueryResult> result = request.step() == 0
                ? query.instant(request.shards(), request.expr(), request.start(), request.timeoutNanos())
                : query.range(
                        request.shards(),
                        request.expr(),
                        request.start(),
                        request.end(),
                        request.step(),
                        request.timeoutNanos());
        CompletionStage<HttpResponse> answer =
                result.thenApply(PrometheusQuery::success).exceptionally(this::failure);
        return onComplete(answer, response -> complete(response.get()));
    }

    private static HttpResponse success(QueryResult result) {
        return HttpResponse.create().withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, render(result)));
    }

    private HttpResponse failure(Throwable failure) {
        while (failure instanceof CompletionException && failure.getCause() != null) failure = failure.getCause();
        if (failure instanceof QueryException.Timeout) {
            return PrometheusMetadata.error(StatusCodes.SERVICE_UNAVAILABLE, "timeout", failure.getMessage());
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
