package io.shardview.http.metrics;

import static io.shardview.http.OnComplete.onComplete;
import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.extractRequest;
import static org.apache.pekko.http.javadsl.server.Directives.formFieldMultiMap;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.parameterMultiMap;
import static org.apache.pekko.http.javadsl.server.Directives.post;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.shardview.entity.metrics.MetadataProtocol;
import io.shardview.entity.metrics.ShardedQuery;
import io.shardview.entity.metrics.TenantShards;
import io.shardview.http.Json;
import io.shardview.http.edge.EdgeResponse;
import io.shardview.metrics.index.Labels;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The series metadata endpoints of the Prometheus HTTP API, as Grafana's query editor calls them:
 * {@code labels}, {@code label/<name>/values}, {@code series} and {@code status/buildinfo}, by GET or by a form POST,
 * with {@code match[]}, {@code start}, {@code end} and {@code limit} as Prometheus parses them, answered in its shapes
 * ({@code {"status": "success", "data": ...}}, or {@code {"status": "error", "errorType", "error"}} with 400
 * {@code bad_data} or 503 {@code unavailable}). A series counts when it holds a point in [start, end] (default: all
 * time). Found by the shards' label index; only labels come back, and a shard decodes a chunk only when it straddles
 * an end of the range (its bounds tell the rest).
 */
final class PrometheusMetadata {
    /** What {@code status/buildinfo} reports: a Prometheus 2.x API, without {@code features} (Grafana then takes it for Prometheus, not Mimir). */
    static final String PROMETHEUS_API_VERSION = "2.53.0";

    private static final String ALL_SERIES = "{__name__=~\".+\"}";

    private final ShardedQuery query;
    private final MetricsHttpSettings settings;
    private final ActorSystem<?> system;

    PrometheusMetadata(ShardedQuery query, MetricsHttpSettings settings, ActorSystem<?> system) {
        this.query = query;
        this.settings = settings;
        this.system = system;
    }

    /** {@code api/v1/labels}: the label names of the matching series (every series without match[]), sorted. */
    Route labels(String tenant) {
        return params(query -> matching(tenant, query, false, found -> {
            TreeSet<String> names = new TreeSet<>(Labels::compareCodePoints); // by UTF-8 bytes, as Prometheus
            for (Labels labels : found) {
                for (int i = 0; i < labels.size(); i++) names.add(labels.name(i));
            }
            return names;
        }));
    }

    /** {@code api/v1/label/<name>/values}: the values of one label among the matching series, sorted. */
    Route labelValues(String tenant, String name) {
        return params(query -> matching(tenant, query, false, found -> {
            TreeSet<String> values = new TreeSet<>(Labels::compareCodePoints);
            for (Labels labels : found) {
                String value = labels.get(name);
                if (value != null) values.add(value);
            }
            return values;
        }));
    }

    /** {@code api/v1/series}: the label sets of the matching series; match[] is required. */
    Route series(String tenant) {
        return params(query -> matching(tenant, query, true, found -> {
            List<Map<String, String>> sets = new ArrayList<>();
            for (Labels labels : found) {
                TreeMap<String, String> set = new TreeMap<>(Labels::compareCodePoints);
                set.putAll(labels.toMap());
                sets.add(set);
            }
            return sets;
        }));
    }

    /**
     * {@code api/v1/metadata}: the type, help and unit of each metric family the tenant described (TYPE, HELP and UNIT
     * lines, remote_write metadata), as Prometheus answers: {@code {"family": [{"type", "help", "unit"}]}}, sorted,
     * with {@code metric} (one family), {@code limit} (families) and {@code limit_per_metric} (each has one entry).
     */
    Route metricMetadata(String tenant) {
        return params(params -> {
            String metric = first(params, "metric").orElse(null);
            int limit;
            try {
                limit = first(params, "limit").map(Integer::parseInt).orElse(-1);
                first(params, "limit_per_metric").map(Integer::parseInt);
            } catch (NumberFormatException e) {
                return complete(
                        error(StatusCodes.BAD_REQUEST, "bad_data", "limit and limit_per_metric must be whole numbers"));
            }
            int wanted = limit;
            return onComplete(
                    MetadataProtocol.<MetadataProtocol.Families>ask(
                            system, tenant, MetadataProtocol.Read::new, settings.askTimeout()),
                    answer -> {
                        if (answer.isFailure())
                            return complete(error(
                                    StatusCodes.SERVICE_UNAVAILABLE,
                                    "unavailable",
                                    "the tenant's metric metadata did not answer"));
                        ObjectNode data = Json.MAPPER.createObjectNode();
                        for (var family : answer.get().families().entrySet()) {
                            if (metric != null
                                    && !metric.isEmpty()
                                    && !family.getKey().equals(metric)) continue;
                            if (wanted > 0 && data.size() >= wanted) break;
                            ObjectNode entry = data.putArray(family.getKey()).addObject();
                            entry.put("type", family.getValue().type());
                            entry.put("help", family.getValue().help());
                            entry.put("unit", family.getValue().unit());
                        }
                        return complete(success(data, null));
                    });
        });
    }

    /** {@code api/v1/query_exemplars}: no exemplars are kept, so none match (Grafana then offers none). */
    Route exemplars() {
        return params(query -> complete(success(Json.MAPPER.createArrayNode(), null)));
    }

    /** {@code api/v1/status/buildinfo}. */
    Route buildInfo() {
        ObjectNode data = Json.MAPPER.createObjectNode();
        data.put("version", PROMETHEUS_API_VERSION)
                .put("revision", "shardview")
                .put("branch", "")
                .put("buildUser", "")
                .put("buildDate", "")
                .put("goVersion", "");
        return get(() -> complete(success(data, null)));
    }

    /** The request's parameters: the query string's, and for a form POST the form's too. */
    /**
     * The request's parameters: its query's, and for a POST whose body is a form, the form's too. A POST with a body
     * of another type is read by its query alone, as Prometheus reads it (vmalert sends its queries so, with
     * Content-Type: application/json).
     */
    static Route params(Function<Map<String, List<String>>, Route> inner) {
        return concat(
                get(() -> parameterMultiMap(inner)),
                post(() -> extractRequest(request -> isForm(request) ? formParams(inner) : parameterMultiMap(inner))));
    }

    private static boolean isForm(org.apache.pekko.http.javadsl.model.HttpRequest request) {
        String type = request.entity().getContentType().mediaType().toString();
        return type.startsWith("application/x-www-form-urlencoded") || type.startsWith("multipart/form-data");
    }

    /** The query's parameters and the form's fields together. */
    private static Route formParams(Function<Map<String, List<String>>, Route> inner) {
        return parameterMultiMap(query -> formFieldMultiMap(form -> {
            Map<String, List<String>> all = new HashMap<>();
            query.forEach(
                    (k, v) -> all.computeIfAbsent(k, x -> new ArrayList<>()).addAll(v));
            form.forEach(
                    (k, v) -> all.computeIfAbsent(k, x -> new ArrayList<>()).addAll(v));
            return inner.apply(all);
        }));
    }

    /**
     * Answers with {@code data} computed from the series matching the request's match[] (all series when none and
     * not {@code required}) in its start..end, cut to its limit.
     */
    private Route matching(
            String tenant,
            Map<String, List<String>> query,
            boolean required,
            Function<List<Labels>, Collection<?>> data) {
        List<String> matches = query.getOrDefault("match[]", List.of());
        if (matches.isEmpty() && required)
            return complete(error(StatusCodes.BAD_REQUEST, "bad_data", "no match[] parameter provided"));
        ExportRequest request;
        int limit;
        TenantShards shards;
        try {
            shards = this.query.shardsOrEvery(tenant, first(query, "region").orElse(null));
            request = ExportRequest.of(
                    matches.isEmpty() ? List.of(ALL_SERIES) : matches, first(query, "start"), first(query, "end"));
            limit = first(query, "limit").map(PrometheusMetadata::limit).orElse(0);
        } catch (IllegalArgumentException e) {
            return complete(error(StatusCodes.BAD_REQUEST, "bad_data", e.getMessage()));
        }
        return onComplete(
                this.query.labels(shards, request.selectors(), request.startMs(), request.endMs()), result -> {
                    if (result.isFailure()) {
                        Throwable failure = result.failed().get();
                        if (failure instanceof CompletionException && failure.getCause() != null)
                            failure = failure.getCause();
                        return complete(error(
                                StatusCodes.SERVICE_UNAVAILABLE,
                                "unavailable",
                                "a metrics shard did not answer within "
                                        + settings.askTimeout().toMillis() + " ms: " + failure.getMessage()));
                    }
                    Collection<?> all = data.apply(result.get());
                    if (limit > 0 && all.size() > limit) {
                        return complete(success(
                                Json.MAPPER.valueToTree(
                                        all.stream().limit(limit).toList()),
                                "results truncated due to limit"));
                    }
                    return complete(success(Json.MAPPER.valueToTree(all), null));
                });
    }

    private static int limit(String text) {
        try {
            int limit = Integer.parseInt(text.trim());
            if (limit < 0) throw new NumberFormatException();
            return limit;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "cannot parse \"" + text + "\" to a valid limit (a non-negative integer)");
        }
    }

    static Optional<String> first(Map<String, List<String>> query, String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    static HttpResponse success(com.fasterxml.jackson.databind.JsonNode data, String warning) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("status", "success");
        body.set("data", data);
        if (warning != null) {
            ArrayNode warnings = body.putArray("warnings");
            warnings.add(warning);
        }
        return HttpResponse.create().withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, body.toString()));
    }

    /** Prometheus's error body, {@code {"status": "error", "errorType": ..., "error": ...}}, as the edge's answer. */
    static EdgeResponse edgeError(int status, String type, String message) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("status", "error").put("errorType", type).put("error", message);
        return EdgeResponse.json(status, body.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    static HttpResponse error(StatusCode status, String type, String message) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("status", "error").put("errorType", type).put("error", message);
        return HttpResponse.create()
                .withStatus(status)
                .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, body.toString()));
    }
}
