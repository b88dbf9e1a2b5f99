package io.shardview.http.tenant;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.extractRequest;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.parameterMap;
import static org.apache.pekko.http.javadsl.server.Directives.parameterOptional;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.pathEnd;
import static org.apache.pekko.http.javadsl.server.Directives.pathPrefix;
import static org.apache.pekko.http.javadsl.server.Directives.post;
import static org.apache.pekko.http.javadsl.server.Directives.put;

import com.fasterxml.jackson.databind.JsonNode;
import io.shardview.circuit.budget.Budgets;
import io.shardview.entity.tenant.Replication;
import io.shardview.entity.tenant.TenantAsk;
import io.shardview.entity.tenant.TenantProtocol;
import io.shardview.entity.tenant.ViewTopics;
import io.shardview.http.ApiError;
import io.shardview.http.Contained;
import io.shardview.http.ErrorCode;
import io.shardview.http.InflightBodies;
import io.shardview.http.Json;
import io.shardview.http.RouteMetrics;
import io.shardview.http.TenantEndpoints;
import io.shardview.http.Utf8Body;
import io.shardview.http.auth.Auth;
import io.shardview.http.auth.Principal;
import io.shardview.http.changes.ChangeStreamRoute;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The tenant-circuit endpoints of docs/api.md: SQL, ingest, view and table reads, change streams,
 * one-off queries and the tenant description. Each request is checked for shape here and sent
 * through sharding to the tenant's entity, which alone decides against the state.
 */
public final class TenantRoutes {
    private final ActorSystem<?> system;
    private final RouteMetrics metrics;
    private final TenantHttpSettings settings;
    private final ChangeStreamRoute changes;
    private final TenantBodyLimits bodyLimits;
    private final WrittenIds writtenIds;

    /**
     * The persistence ids that wrote to the node's journal, sorted: which tenants exist, as the journal knows it (the
     * node reads them from its journal plugin).
     */
    @FunctionalInterface
    public interface WrittenIds {
        CompletionStage<List<String>> list(java.time.Duration timeout);
    }

    public TenantRoutes(
            ActorSystem<?> system,
            RouteMetrics metrics,
            TenantHttpSettings settings,
            ViewTopics topics,
            WrittenIds writtenIds) {
        this.system = system;
        this.writtenIds = writtenIds;
        this.metrics = metrics;
        this.settings = settings;
        this.changes = new ChangeStreamRoute(
                system,
                topics,
                (tenant, view, from) -> readAsk(
                        tenant,
                        settings.askTimeout(),
                        java.time.Duration.ZERO,
                        replyTo -> new TenantProtocol.ReplayChanges(
                                view, from.isPresent() ? from.getAsLong() : null, replyTo)),
                settings.streamHeartbeat(),
                settings.streamBufferChanges());
        this.bodyLimits = TenantBodyLimits.from(system.settings().config());
    }

    /** All tenant endpoints under /v1/tenants/{t}. */
    public Route routes() {
        return pathPrefix(
                PathMatchers.segment("v1").slash("tenants"),
                () -> concat(
                        pathEnd(() -> metrics.endpoint("/v1/tenants", get(this::list))),
                        pathPrefix(PathMatchers.segment(), this::tenant)));
    }

    /** The routes under /v1/tenants/{t}. */
    private Route tenant(String tenant) {
        return concat(
                pathEnd(() -> endpoint("/v1/tenants/{t}", tenant, () -> get(() -> describe(tenant)))),
                path("sql", () -> endpoint("/v1/tenants/{t}/sql", tenant, () -> post(() -> sql(tenant)))),
                path("query", () -> endpoint("/v1/tenants/{t}/query", tenant, () -> post(() -> query(tenant)))),
                path("budgets", () -> endpoint("/v1/tenants/{t}/budgets", tenant, () -> put(() -> setBudgets(tenant)))),
                path("home", () -> endpoint("/v1/tenants/{t}/home", tenant, () -> put(() -> setHome(tenant)))),
                path("clock", () -> endpoint("/v1/tenants/{t}/clock", tenant, () -> put(() -> setClock(tenant)))),
                path(
                        "replication",
                        () -> endpoint("/v1/tenants/{t}/replication", tenant, () -> put(() -> setReplication(tenant)))),
                pathPrefix(PathMatchers.segment("views").slash(PathMatchers.segment()), view -> view(tenant, view)),
                path(
                        PathMatchers.segment("tables").slash(PathMatchers.segment()),
                        table -> endpoint(
                                "/v1/tenants/{t}/tables/{name}", tenant, () -> get(() -> read(tenant, table, false)))));
    }

    /** The routes under /v1/tenants/{t}/views/{v}. */
    private Route view(String tenant, String view) {
        return concat(
                pathEnd(() -> endpoint("/v1/tenants/{t}/views/{v}", tenant, () -> get(() -> read(tenant, view, true)))),
                path(
                        "plan",
                        () -> endpoint("/v1/tenants/{t}/views/{v}/plan", tenant, () -> get(() -> plan(tenant, view)))),
                path(
                        "changes",
                        () -> endpoint(
                                "/v1/tenants/{t}/views/{v}/changes",
                                tenant,
                                () -> get(
                                        () -> parameterOptional("from", from -> changes.stream(tenant, view, from))))));
    }

    private Route endpoint(String template, String tenant, Supplier<Route> inner) {
        return TenantEndpoints.endpoint(
                metrics, InflightBodies.get(system), template, tenant, settings.maxRequestBytes(), inner);
    }

    // ---- writes -------------------------------------------------------------------------------

    private Route sql(String tenant) {
        return extractRequest(request -> Utf8Body.text(request, Contained.body("sql", body -> {
            String type = mediaType(request);
            String sql;
            if (type.equals("application/json")) {
                JsonNode node = parseJson(body);
                if (node == null || !node.path("sql").isTextual()) {
                    return complete(badRequest("the body must be a JSON object with a string \"sql\""));
                }
                sql = node.get("sql").asText();
            } else if (type.equals("application/sql") || type.equals("text/plain")) {
                sql = body;
            } else {
                return complete(unsupportedType(type, "application/sql, text/plain or application/json"));
            }
            var tooLarge = bodyLimits.checkSql(sql);
            if (tooLarge.isPresent()) return complete(tooLarge.get().toResponse());
            String requestKey =
                    request.getHeader("Idempotency-Key").map(h -> h.value()).orElse(null);
            long deadline = deadline();
            return reply(
                    this.<TenantProtocol.SqlReply>ask(
                            tenant,
                            writeTimeout(),
                            replyTo -> new TenantProtocol.ExecuteSql(sql, requestKey, deadline, replyTo)),
                    r -> r instanceof TenantProtocol.SqlApplied applied
                            ? TenantResponses.sqlApplied(applied)
                            : TenantResponses.refused((TenantProtocol.Refused) r),
                    TenantEndpoints.Effect.WRITE);
        })));
    }

    // ---- reads --------------------------------------------------------------------------------

    /** {@code GET /v1/tenants?limit=&after=}: the tenants that exist, by name, a page at a time. */
    private Route list() {
        return extractRequest(request -> parameterMap(params -> {
            String only = Auth.principal(request) instanceof Principal.Tenant t ? t.tenant() : null;
            TenantListing.Page page;
            try {
                page = TenantListing.Page.of(params, settings.readDefaultLimit(), settings.readMaxLimit());
            } catch (IllegalArgumentException e) {
                return complete(badRequest(e.getMessage()));
            }
            return reply(
                    writtenIds.list(settings.askTimeout()),
                    ids -> Json.response(StatusCodes.OK, TenantListing.of(ids, page, only)),
                    TenantEndpoints.Effect.READ);
        }));
    }

    /** A view's operator graph with the state each operator holds. */
    private Route plan(String tenant, String view) {
        return reply(
                this.<TenantProtocol.ExplainReply>readAsk(
                        tenant,
                        settings.askTimeout(),
                        java.time.Duration.ZERO,
                        replyTo -> new TenantProtocol.ExplainView(view, replyTo)),
                r -> r instanceof TenantProtocol.ViewPlan plan
                        ? TenantResponses.viewPlan(plan)
                        : TenantResponses.refused((TenantProtocol.Refused) r),
                TenantEndpoints.Effect.READ);
    }

    private Route describe(String tenant) {
        return reply(
                this.<TenantProtocol.DescribeReply>readAsk(
                        tenant, settings.askTimeout(), java.time.Duration.ZERO, TenantProtocol.Describe::new),
                r -> r instanceof TenantProtocol.TenantInfo info
                        ? TenantResponses.tenantInfo(info)
                        : TenantResponses.refused((TenantProtocol.Refused) r),
                TenantEndpoints.Effect.READ);
    }

    /**
     * Sets the tenant's budgets: a JSON object of budget names to integers; the budgets it leaves out return to the
     * node's defaults ({@code {}} resets them all). Answered with every budget, its value and use.
     */
    private Route setBudgets(String tenant) {
        return jsonBody("budgets", node -> {
            if (node == null || !node.isObject()) {
                return complete(badRequest("the body must be a JSON object of budget names to integers, e.g. "
                        + "{\"max-state-rows\": 1000000}"));
            }
            Map<String, Long> budgets = new LinkedHashMap<>();
            var fields = node.fields();
            while (fields.hasNext()) {
                var field = fields.next();
                if (!field.getValue().isIntegralNumber() || !field.getValue().canConvertToLong()) {
                    return complete(badRequest("budget " + field.getKey() + " must be an integer"));
                }
                budgets.put(field.getKey(), field.getValue().asLong());
            }
            try {
                Budgets.UNLIMITED.with(budgets); // names and ranges
            } catch (IllegalArgumentException e) {
                return complete(badRequest(e.getMessage()));
            }
            return reply(
                    this.<TenantProtocol.BudgetsAnswer>ask(
                            tenant, writeTimeout(), replyTo -> new TenantProtocol.SetBudgets(budgets, replyTo)),
                    r -> r instanceof TenantProtocol.BudgetsReply set
                            ? Json.response(StatusCodes.OK, Map.of("tenant", tenant, "budgets", set.budgets()))
                            : TenantResponses.refused((TenantProtocol.Refused) r),
                    TenantEndpoints.Effect.WRITE);
        });
    }

    /**
     * The resolution of the tenant's clock, which NOW() in its views reads (docs/sql.md, "Time in views"):
     * {@code {"resolution": "5s"}}, or {@code {"resolution": null}} for the node's. Answered once it is durable.
     */
    private Route setClock(String tenant) {
        return jsonBody("clock", node -> {
            String usage = "the body must be {\"resolution\": \"5s\"} (us, ms, s, m or h; from 10ms to 24h), or"
                    + " {\"resolution\": null} for the node's";
            if (node == null || !node.isObject() || !node.has("resolution") || node.size() != 1) {
                return complete(badRequest(usage));
            }
            JsonNode value = node.get("resolution");
            long micros;
            if (value.isNull()) {
                micros = 0;
            } else if (!value.isTextual()) {
                return complete(badRequest(usage));
            } else {
                try {
                    micros = io.shardview.entity.tenant.ClockResolution.parse(value.asText());
                } catch (IllegalArgumentException e) {
                    return complete(badRequest(e.getMessage()));
                }
            }
            return reply(
                    this.<TenantProtocol.ClockAnswer>ask(
                            tenant, writeTimeout(), replyTo -> new TenantProtocol.SetClock(micros, replyTo)),
                    r -> r instanceof TenantProtocol.ClockReply set
                            ? Json.response(StatusCodes.OK, Map.of("tenant", tenant, "clock", set.clock()))
                            : TenantResponses.refused((TenantProtocol.Refused) r),
                    TenantEndpoints.Effect.WRITE);
        });
    }

    /**
     * Moves the tenant's home to another region (docs/regions.md): {@code {"region": "us"}}. Answered once the old
     * home has written its last event; the new home takes over as soon as it has applied it.
     */
    private Route setHome(String tenant) {
        return jsonBody("home", node -> {
            if (node == null
                    || !node.path("region").isTextual()
                    || node.get("region").asText().isBlank()) {
                return complete(badRequest(
                        "the body must be a JSON object with a string \"region\", e.g. " + "{\"region\": \"us\"}"));
            }
            String region = node.get("region").asText();
            return reply(
                    this.<TenantProtocol.HomeReply>ask(
                            tenant, writeTimeout(), replyTo -> new TenantProtocol.SetHome(region, replyTo)),
                    r -> r instanceof TenantProtocol.HomeMoved moved
                            ? Json.response(
                                    StatusCodes.OK,
                                    Map.of("tenant", tenant, "home", moved.home(), "version", moved.version()))
                            : TenantResponses.refused((TenantProtocol.Refused) r),
                    TenantEndpoints.Effect.WRITE);
        });
    }

    /**
     * How the tenant's writes are replicated to the other regions (docs/regions.md): {@code {"mode": "async"}} or
     * {@code {"mode": "sync", "min_regions": 1}}. Answered once the setting is durable at the home.
     */
    private Route setReplication(String tenant) {
        return jsonBody("replication", node -> {
            String usage = "the body must be {\"mode\": \"async\"} or {\"mode\": \"sync\", \"min_regions\": N}"
                    + " with N at least 1";
            if (node == null || !node.isObject() || !node.path("mode").isTextual()) return complete(badRequest(usage));
            var fields = node.fieldNames();
            while (fields.hasNext()) {
                String field = fields.next();
                if (!field.equals("mode") && !field.equals("min_regions")) {
                    return complete(badRequest("unknown field " + field + "; " + usage));
                }
            }
            String mode = node.get("mode").asText();
            JsonNode min = node.get("min_regions");
            Replication replication;
            if (mode.equals(Replication.ASYNC_MODE) && min == null) {
                replication = Replication.ASYNC;
            } else if (mode.equals(Replication.SYNC_MODE)
                    && min != null
                    && min.isIntegralNumber()
                    && min.canConvertToInt()
                    && min.asInt() >= 1) {
                replication = Replication.sync(min.asInt());
            } else {
                return complete(badRequest(usage));
            }
            return reply(
                    this.<TenantProtocol.ReplicationAnswer>ask(
                            tenant, writeTimeout(), replyTo -> new TenantProtocol.SetReplication(replication, replyTo)),
                    r -> r instanceof TenantProtocol.ReplicationReply set
                            ? Json.response(
                                    StatusCodes.OK,
                                    Map.of(
                                            "tenant",
                                            tenant,
                                            "replication",
                                            set.replication().toJson()))
                            : TenantResponses.refused((TenantProtocol.Refused) r),
                    TenantEndpoints.Effect.WRITE);
        });
    }

    /**
     * A request whose body is JSON: read as UTF-8 (refused otherwise), 415 for another content type, then {@code
     * inner} with the parsed body (null when it is not JSON); {@code what} names the request in a contained failure.
     */
    private Route jsonBody(String what, Function<JsonNode, Route> inner) {
        return extractRequest(request -> Utf8Body.text(request, Contained.body(what, body -> {
            String type = mediaType(request);
            if (!type.equals("application/json")) return complete(unsupportedType(type, "application/json"));
            return inner.apply(parseJson(body));
        })));
    }

    private Route query(String tenant) {
        return jsonBody("query", node -> {
            if (node == null || !node.path("sql").isTextual()) {
                return complete(badRequest("the body must be a JSON object with a string \"sql\""));
            }
            String sql = node.get("sql").asText();
            var tooLarge = bodyLimits.checkSql(sql);
            if (tooLarge.isPresent()) return complete(tooLarge.get().toResponse());
            long deadline = deadline();
            return reply(
                    this.<TenantProtocol.QueryReply>ask(
                            tenant, writeTimeout(), replyTo -> new TenantProtocol.Query(sql, deadline, replyTo)),
                    r -> r instanceof TenantProtocol.QueryRows rows
                            ? TenantResponses.queryRows(rows)
                            : TenantResponses.refused((TenantProtocol.Refused) r),
                    TenantEndpoints.Effect.READ);
        });
    }

    private Route read(String tenant, String name, boolean view) {
        return parameterMap(params -> {
            ReadRequest request;
            try {
                request = ReadRequest.of(params, settings);
            } catch (IllegalArgumentException e) {
                return complete(badRequest(e.getMessage()));
            }
            long minVersion = request.minVersion().orElse(0);
            CompletionStage<TenantProtocol.ReadReply> rows = readAsk(
                    tenant,
                    settings.askTimeout().plusMillis(request.waitMillis()),
                    java.time.Duration.ofMillis(request.waitMillis()),
                    (ActorRef<TenantProtocol.ReadReply> replyTo) -> new TenantProtocol.ReadRows(
                            name,
                            view,
                            request.limit(),
                            request.after(),
                            minVersion,
                            request.waitMillis(),
                            replyTo,
                            request.asOf()));
            return reply(
                    rows,
                    r -> {
                        if (!(r instanceof TenantProtocol.Rows page))
                            return TenantResponses.refused((TenantProtocol.Refused) r);
                        return TenantResponses.rows(page, page.version() < minVersion);
                    },
                    TenantEndpoints.Effect.READ);
        });
    }

    /** Query parameters of a view or table read. */
    record ReadRequest(
            int limit, String after, OptionalLong minVersion, long waitMillis, java.time.LocalDateTime asOf) {
        static ReadRequest of(Map<String, String> params, TenantHttpSettings settings) {
            int limit = params.containsKey("limit") ? parse(params.get("limit"), "limit") : settings.readDefaultLimit();
            if (limit < 1 || limit > settings.readMaxLimit()) {
                throw new IllegalArgumentException("limit must be between 1 and " + settings.readMaxLimit());
            }
            OptionalLong minVersion = params.containsKey("min_version")
                    ? OptionalLong.of(parse(params.get("min_version"), "min_version"))
                    : OptionalLong.empty();
            long wait = params.containsKey("wait_ms") ? parse(params.get("wait_ms"), "wait_ms") : 0;
            if (wait < 0) throw new IllegalArgumentException("wait_ms must not be negative");
            java.time.LocalDateTime asOf = null;
            if (params.containsKey("as_of")) {
                try {
                    asOf = java.time.LocalDateTime.parse(
                            params.get("as_of").trim().replace(' ', 'T'));
                } catch (java.time.format.DateTimeParseException e) {
                    throw new IllegalArgumentException("as_of must be a time of the tenant's clock (UTC), such as"
                            + " 2026-11-27T05:00:00, got \"" + params.get("as_of") + "\"");
                }
            }
            return new ReadRequest(
                    limit,
                    params.get("after"),
                    minVersion,
                    Math.min(wait, settings.readMaxWait().toMillis()),
                    asOf);
        }

        private static int parse(String text, String name) {
            try {
                return Integer.parseInt(text);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(name + " must be an integer");
            }
        }
    }

    // ---- plumbing -----------------------------------------------------------------------------

    /** The deadline a request carries to its entity (wall clock, epoch ms). */
    private long deadline() {
        return System.currentTimeMillis() + settings.askTimeout().toMillis();
    }

    /** How long a request that carries a deadline waits for its answer: the deadline plus the grace to finish. */
    private java.time.Duration writeTimeout() {
        return settings.askTimeout().plus(settings.replyGrace());
    }

    private <R> CompletionStage<R> ask(
            String tenant, java.time.Duration timeout, Function<ActorRef<R>, TenantProtocol.Command> message) {
        return ask(tenant, timeout, java.time.Duration.ZERO, message);
    }

    private <R> CompletionStage<R> ask(
            String tenant,
            java.time.Duration timeout,
            java.time.Duration waitsFor,
            Function<ActorRef<R>, TenantProtocol.Command> message) {
        return TenantAsk.ask(system, tenant, timeout, waitsFor, settings.unreachableAskTimeout(), message);
    }

    /** A small read, asked again within its timeout when an attempt goes unanswered (see {@link TenantAsk#askRead}). */
    private <R> CompletionStage<R> readAsk(
            String tenant,
            java.time.Duration timeout,
            java.time.Duration waitsFor,
            Function<ActorRef<R>, TenantProtocol.Command> message) {
        return TenantAsk.askRead(
                system,
                tenant,
                timeout,
                waitsFor,
                settings.unreachableAskTimeout(),
                settings.retryAttemptTimeout(),
                message);
    }

    private <R> Route reply(
            CompletionStage<R> pending, Function<R, HttpResponse> toResponse, TenantEndpoints.Effect effect) {
        return TenantEndpoints.reply(
                pending,
                toResponse,
                "the tenant",
                effect == TenantEndpoints.Effect.WRITE ? writeTimeout() : settings.askTimeout(),
                effect);
    }

    private static String mediaType(HttpRequest request) {
        return request.entity().getContentType().mediaType().toString().toLowerCase(java.util.Locale.ROOT);
    }

    private static JsonNode parseJson(String body) {
        try {
            JsonNode node = Json.MAPPER.readTree(body);
            return node != null && node.isObject() ? node : null;
        } catch (java.io.IOException e) {
            return null;
        }
    }

    private static HttpResponse badRequest(String message) {
        return ApiError.of(ErrorCode.BAD_REQUEST, message).toResponse();
    }

    private static HttpResponse unsupportedType(String type, String accepted) {
        return new ApiError(
                        ErrorCode.UNSUPPORTED_MEDIA_TYPE,
                        "content type " + type + " is not accepted here; use " + accepted,
                        Map.of())
                .toResponse();
    }
}
