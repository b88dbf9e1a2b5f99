package io.shardview.http.metrics;

import static io.shardview.http.OnComplete.onComplete;
import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.delete;
import static org.apache.pekko.http.javadsl.server.Directives.extractMaterializer;
import static org.apache.pekko.http.javadsl.server.Directives.extractRequest;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.put;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.shardview.entity.rules.RulesProtocol;
import io.shardview.entity.rules.RulesProtocol.GroupId;
import io.shardview.http.ApiError;
import io.shardview.http.ErrorCode;
import io.shardview.http.Json;
import io.shardview.http.TenantEndpoints;
import io.shardview.metrics.promql.parser.PromqlPrinter;
import io.shardview.metrics.rules.Alert;
import io.shardview.metrics.rules.GoFloat;
import io.shardview.metrics.rules.Rule;
import io.shardview.metrics.rules.RuleFileException;
import io.shardview.metrics.rules.RuleFiles;
import io.shardview.metrics.rules.RuleGroup;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.regex.Pattern;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpCharsets;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * A tenant's recording and alerting rules over HTTP: the ruler API ({@code PUT/GET/DELETE
 * /v1/tenants/{t}/rules/{namespace}} with a Prometheus rule file, checked as {@code promtool check rules} checks it,
 * and {@code GET /v1/tenants/{t}/rules}), and Prometheus's {@code api/v1/rules} and {@code api/v1/alerts} answered from
 * the groups that run in the cluster ({@link RulesProtocol}).
 */
final class RuleRoutes {
    private static final Pattern NAMESPACE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");
    private static final ContentType.WithCharset YAML =
            MediaTypes.applicationWithOpenCharset("yaml").toContentType(HttpCharsets.UTF_8);
    /** A rule file may be at most this large. */
    static final long MAX_FILE_BYTES = 1 << 20;

    private final ActorSystem<?> system;
    private final Duration timeout;

    RuleRoutes(ActorSystem<?> system, Duration timeout) {
        this.system = system;
        this.timeout = timeout;
    }

    // ---- the ruler API -----------------------------------------------------------------------------------------

    /** {@code PUT}, {@code GET} and {@code DELETE} of one namespace. */
    Route namespace(String tenant, String namespace) {
        if (!NAMESPACE.matcher(namespace).matches()) {
            return complete(new ApiError(
                            ErrorCode.INVALID,
                            "a namespace is 1 to 128 of A-Z, a-z, 0-9, '_', '.' and '-', starting with a letter or digit",
                            Map.of("namespace", namespace))
                    .toResponse());
        }
        return concat(
                put(() -> putNamespace(tenant, namespace)),
                get(() -> TenantEndpoints.reply(
                        RulesProtocol.<RulesProtocol.Namespaces>ask(system, tenant, RulesProtocol.Read::new, timeout),
                        namespaces -> {
                            String yaml = namespaces.files().get(namespace);
                            if (yaml == null) return notFound(namespace);
                            return HttpResponse.create().withEntity(HttpEntities.create(YAML, yaml));
                        },
                        "the tenant's rules",
                        timeout,
                        TenantEndpoints.Effect.READ)),
                delete(() -> TenantEndpoints.reply(
                        RulesProtocol.<RulesProtocol.Deleted>ask(
                                system, tenant, replyTo -> new RulesProtocol.Delete(namespace, replyTo), timeout),
                        deleted -> deleted.existed()
                                ? json(Json.MAPPER
                                        .createObjectNode()
                                        .put("namespace", namespace)
                                        .put("deleted", true))
                                : notFound(namespace),
                        "the tenant's rules",
                        timeout,
                        TenantEndpoints.Effect.REPEATABLE_WRITE)));
    }

    private Route putNamespace(String tenant, String namespace) {
        return extractRequest(request -> extractMaterializer(materializer ->
                onComplete(request.entity().toStrict(timeout.toMillis(), MAX_FILE_BYTES, materializer), read -> {
                    if (read.isFailure()) {
                        return complete(new ApiError(
                                        ErrorCode.PAYLOAD_TOO_LARGE,
                                        "a rule file is at most " + MAX_FILE_BYTES + " bytes",
                                        Map.of("max", MAX_FILE_BYTES))
                                .toResponse());
                    }
                    String yaml = read.get().getData().utf8String();
                    List<RuleGroup> groups;
                    try {
                        groups = RuleFiles.parse(yaml);
                    } catch (RuleFileException e) {
                        return complete(new ApiError(
                                        ErrorCode.INVALID,
                                        "not a valid rule file: " + e.getMessage(),
                                        Map.of("errors", e.errors()))
                                .toResponse());
                    }
                    int rules = groups.stream().mapToInt(g -> g.rules().size()).sum();
                    return TenantEndpoints.reply(
                            RulesProtocol.<RulesProtocol.PutAnswer>ask(
                                    system,
                                    tenant,
                                    replyTo -> new RulesProtocol.Put(namespace, yaml, replyTo),
                                    timeout),
                            answer -> answer.refusal() != null
                                    ? new ApiError(ErrorCode.LIMIT_EXCEEDED, answer.refusal(), Map.of()).toResponse()
                                    : json(Json.MAPPER
                                            .createObjectNode()
                                            .put("namespace", namespace)
                                            .put("groups", groups.size())
                                            .put("rules", rules)),
                            "the tenant's rules",
                            timeout,
                            TenantEndpoints.Effect.REPEATABLE_WRITE);
                })));
    }

    /** {@code GET /v1/tenants/{t}/rules}: every namespace's groups, as Mimir's ruler lists them (YAML). */
    Route all(String tenant) {
        return get(() -> TenantEndpoints.reply(
                RulesProtocol.<RulesProtocol.Namespaces>ask(system, tenant, RulesProtocol.Read::new, timeout),
                namespaces -> {
                    StringBuilder out = new StringBuilder();
                    namespaces.files().forEach((namespace, yaml) -> {
                        String groups = RuleFiles.write(RuleFiles.parse(yaml));
                        out.append(namespace).append(":\n");
                        // The file's "groups:" list, one level down.
                        for (String line : groups.split("\n")) {
                            if (line.startsWith("groups:")) continue;
                            out.append("  ").append(line).append('\n');
                        }
                    });
                    return HttpResponse.create().withEntity(HttpEntities.create(YAML, out.toString()));
                },
                "the tenant's rules",
                timeout,
                TenantEndpoints.Effect.READ));
    }

    private static HttpResponse notFound(String namespace) {
        return new ApiError(ErrorCode.NOT_FOUND, "no rule namespace " + namespace, Map.of("namespace", namespace))
                .toResponse();
    }

    private static HttpResponse json(ObjectNode body) {
        return HttpResponse.create().withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, body.toString()));
    }

    // ---- Prometheus's api/v1/rules and api/v1/alerts ------------------------------------------------------------

    /** A group as defined and as it ran. */
    private record Running(String namespace, RuleGroup group, RulesProtocol.GroupView view) {}

    /** Every group of the tenant with its state; a group that did not answer is shown as never evaluated. */
    private CompletionStage<List<Running>> running(String tenant) {
        return RulesProtocol.<RulesProtocol.Namespaces>ask(system, tenant, RulesProtocol.Read::new, timeout)
                .thenCompose(namespaces -> {
                    List<CompletableFuture<Running>> asks = new ArrayList<>();
                    namespaces.files().forEach((namespace, yaml) -> {
                        for (RuleGroup group : RuleFiles.parse(yaml)) {
                            GroupId id = new GroupId(tenant, namespace, group.name());
                            asks.add(RulesProtocol.<RulesProtocol.GroupView>askGroup(
                                            system, id, RulesProtocol.ReadGroup::new, timeout)
                                    .exceptionally(e -> null)
                                    .thenApply(view -> new Running(namespace, group, view))
                                    .toCompletableFuture());
                        }
                    });
                    return CompletableFuture.allOf(asks.toArray(new CompletableFuture<?>[0]))
                            .thenApply(v ->
                                    asks.stream().map(CompletableFuture::join).toList());
                });
    }

    /** {@code api/v1/rules?type=alert|record}, as Prometheus answers it. */
    Route prometheusRules(String tenant) {
        return PrometheusMetadata.params(query -> {
            String type = PrometheusMetadata.first(query, "type").orElse("");
            if (!type.isEmpty() && !type.equals("alert") && !type.equals("record")) {
                return complete(PrometheusMetadata.error(
                        org.apache.pekko.http.javadsl.model.StatusCodes.BAD_REQUEST,
                        "bad_data",
                        "invalid query parameter type='" + type + "', must be 'alert' or 'record'"));
            }
            return TenantEndpoints.reply(
                    running(tenant),
                    groups -> {
                        ObjectNode data = Json.MAPPER.createObjectNode();
                        ArrayNode out = data.putArray("groups");
                        for (Running g : groups) out.add(group(g, type));
                        return PrometheusMetadata.success(data, null);
                    },
                    "the tenant's rule groups",
                    timeout,
                    TenantEndpoints.Effect.READ);
        });
    }

    /** {@code api/v1/alerts}: every pending and firing alert of the tenant's groups. */
    Route prometheusAlerts(String tenant) {
        return PrometheusMetadata.params(query -> TenantEndpoints.reply(
                running(tenant),
                groups -> {
                    ObjectNode data = Json.MAPPER.createObjectNode();
                    ArrayNode alerts = data.putArray("alerts");
                    for (Running g : groups) {
                        if (g.view() == null) continue;
                        for (RulesProtocol.RuleView rule : g.view().rules()) {
                            for (Alert alert : rule.alerts()) {
                                if (alert.state() != Alert.State.INACTIVE) alerts.add(alert(alert));
                            }
                        }
                    }
                    return PrometheusMetadata.success(data, null);
                },
                "the tenant's rule groups",
                timeout,
                TenantEndpoints.Effect.READ));
    }

    private static ObjectNode group(Running running, String type) {
        RuleGroup group = running.group();
        RulesProtocol.GroupView view = running.view();
        boolean known = view != null
                && view.configured()
                && view.rules().size() == group.rules().size();
        ObjectNode g = Json.MAPPER.createObjectNode();
        g.put("name", group.name()).put("file", running.namespace());
        ArrayNode rules = g.putArray("rules");
        double total = 0;
        for (int i = 0; i < group.rules().size(); i++) {
            Rule rule = group.rules().get(i);
            RulesProtocol.RuleView state = known ? view.rules().get(i) : null;
            if (state != null) total += state.health().evaluationSeconds();
            if (rule instanceof Rule.Alerting a) {
                if (type.equals("record")) continue;
                rules.add(alerting(a, state));
            } else {
                if (type.equals("alert")) continue;
                rules.add(recording(rule, state));
            }
        }
        seconds(g, "interval", known ? view.intervalMillis() : group.intervalMillis());
        g.put("limit", group.limit());
        g.put("evaluationTime", known ? view.evaluationSeconds() : total);
        g.put("lastEvaluation", time(known ? view.lastEvaluation() : 0));
        return g;
    }

    private static ObjectNode alerting(Rule.Alerting rule, RulesProtocol.RuleView state) {
        ObjectNode r = Json.MAPPER.createObjectNode();
        List<Alert> alerts = state == null ? List.of() : state.alerts();
        String ruleState = "inactive";
        for (Alert alert : alerts) {
            if (alert.state() == Alert.State.FIRING) ruleState = "firing";
            else if (alert.state() == Alert.State.PENDING && ruleState.equals("inactive")) ruleState = "pending";
        }
        r.put("state", ruleState).put("name", rule.name()).put("query", PromqlPrinter.print(rule.expr()));
        seconds(r, "duration", rule.forMillis());
        seconds(r, "keepFiringFor", rule.keepFiringForMillis());
        putAll(r.putObject("labels"), rule.labels());
        putAll(r.putObject("annotations"), rule.annotations());
        ArrayNode list = r.putArray("alerts");
        for (Alert alert : alerts) {
            if (alert.state() != Alert.State.INACTIVE) list.add(alert(alert));
        }
        health(r, state);
        r.put("type", "alerting");
        return r;
    }

    /** Seconds as Go writes a float64 in JSON: {@code 60}, {@code 1.5}. */
    private static void seconds(ObjectNode node, String field, long millis) {
        if (millis % 1000 == 0) node.put(field, millis / 1000);
        else node.put(field, millis / 1000.0);
    }

    private static ObjectNode recording(Rule rule, RulesProtocol.RuleView state) {
        ObjectNode r = Json.MAPPER.createObjectNode();
        r.put("name", rule.name()).put("query", PromqlPrinter.print(rule.expr()));
        putAll(r.putObject("labels"), rule.labels());
        health(r, state);
        r.put("type", "recording");
        return r;
    }

    private static void health(ObjectNode r, RulesProtocol.RuleView state) {
        r.put("health", state == null ? "unknown" : state.health().health());
        r.put("lastError", state == null ? "" : state.health().lastError());
        r.put("evaluationTime", state == null ? 0 : state.health().evaluationSeconds());
        r.put("lastEvaluation", time(state == null ? 0 : state.health().lastEvaluation()));
    }

    private static ObjectNode alert(Alert alert) {
        ObjectNode a = Json.MAPPER.createObjectNode();
        putAll(a.putObject("labels"), alert.labels());
        putAll(a.putObject("annotations"), alert.annotations());
        a.put("state", alert.state().words());
        a.put("activeAt", time(alert.activeAt()));
        a.put("value", GoFloat.format(alert.value(), 'e', -1)); // as Prometheus writes an alert's value
        return a;
    }

    private static void putAll(ObjectNode node, SortedMap<String, String> map) {
        map.forEach(node::put);
    }

    /** A time as Prometheus's API writes it (RFC 3339, UTC); Go's zero time for never. */
    static String time(long millis) {
        return millis == 0
                ? "0001-01-01T00:00:00Z"
                : Instant.ofEpochMilli(millis).toString();
    }
}
