package io.shardview.node;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.onSuccess;
import static org.apache.pekko.http.javadsl.server.Directives.parameterOptional;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import io.shardview.http.ApiError;
import io.shardview.http.ErrorCode;
import io.shardview.http.Json;
import io.shardview.http.RecentErrors;
import io.shardview.http.RouteMetrics;
import io.shardview.http.TenantEndpoints;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * What the nodes report (docs/api.md): a tenant's recent errors and the replication lag gathered from every node, and
 * the cluster events this node has seen. Answers are whole even when a node does not answer in time: it is named under
 * {@code unanswered}.
 */
final class ReportRoutes {
    private static final int DEFAULT_ERRORS = 50;

    private final ActorSystem<?> system;
    private final RouteMetrics metrics;
    private final ActorRef<NodeReports.Command> self;

    ReportRoutes(ActorSystem<?> system, RouteMetrics metrics, ActorRef<NodeReports.Command> self) {
        this.system = system;
        this.metrics = metrics;
        this.self = self;
    }

    Route routes() {
        return concat(
                path(
                        segment("v1").slash("tenants").slash(segment()).slash("errors"),
                        tenant -> metrics.endpoint(
                                "/v1/tenants/{t}/errors",
                                get(() -> parameterOptional("limit", limit -> errors(tenant, limit))))),
                path(
                        segment("v1").slash("cluster").slash("replication"),
                        () -> metrics.endpoint("/v1/cluster/replication", get(this::replication))),
                path(
                        segment("v1").slash("cluster").slash("entities"),
                        () -> metrics.endpoint("/v1/cluster/entities", get(this::entities))),
                path(
                        segment("v1").slash("cluster").slash("events"),
                        () -> metrics.endpoint("/v1/cluster/events", get(this::events))));
    }

    /**
     * {@code GET /v1/tenants/{t}/errors?limit=50}: the latest error answers to the tenant's requests, newest first, from
     * every node (each keeps its last {@code 50}).
     */
    private Route errors(String tenant, Optional<String> limitParam) {
        if (!TenantEndpoints.validTenant(tenant)) {
            return complete(
                    new ApiError(ErrorCode.INVALID_TENANT, TenantEndpoints.TENANT_RULE, Map.of("tenant", tenant))
                            .toResponse());
        }
        int limit;
        try {
            limit = limitParam.map(Integer::parseInt).orElse(DEFAULT_ERRORS);
        } catch (NumberFormatException e) {
            limit = -1;
        }
        if (limit < 1 || limit > 500) {
            return complete(new ApiError(
                            ErrorCode.BAD_REQUEST,
                            "limit must be a whole number from 1 to 500",
                            Map.of("limit", limitParam.orElse("")))
                    .toResponse());
        }
        int wanted = limit;
        return onSuccess(
                NodeReports.<NodeReports.ErrorList>gather(
                        system, self, replyTo -> new NodeReports.Errors(tenant, wanted, replyTo)),
                gathered -> {
                    record Seen(NodeReports.ErrorList list, RecentErrors.Entry entry) {}
                    List<Seen> seen = new ArrayList<>();
                    for (NodeReports.ErrorList list : gathered.answers())
                        for (RecentErrors.Entry entry : list.errors()) seen.add(new Seen(list, entry));
                    seen.sort(
                            Comparator.comparingLong((Seen s) -> s.entry().at()).reversed());
                    List<Map<String, Object>> errors = new ArrayList<>();
                    for (Seen s : seen.subList(0, Math.min(wanted, seen.size()))) {
                        RecentErrors.Entry e = s.entry();
                        Map<String, Object> error = new LinkedHashMap<>();
                        error.put("at", Instant.ofEpochMilli(e.at()).toString());
                        error.put("node", s.list().node());
                        error.put("region", s.list().region());
                        error.put("method", e.method());
                        error.put("path", e.path());
                        error.put("status", e.status());
                        error.put("code", e.code());
                        error.put("message", e.message());
                        errors.add(error);
                    }
                    Map<String, Object> body = new LinkedHashMap<>();
                    body.put("tenant", tenant);
                    body.put("errors", errors);
                    body.put("nodes", gathered.answers().size());
                    body.put("unanswered", gathered.unanswered());
                    return complete(Json.response(StatusCodes.OK, body));
                });
    }

    /**
     * {@code GET /v1/cluster/replication}: per region, per home region it follows, the replicas there and the furthest
     * behind of them (versions, seconds), from every node; and which regions are cut off from a majority.
     */
    private Route replication() {
        return onSuccess(
                NodeReports.<NodeReports.ReplicationReport>gather(system, self, NodeReports.Replication::new),
                gathered -> {
                    Map<String, Map<String, long[]>> replicas = new TreeMap<>(); // region -> home -> replicas, versions
                    Map<String, Map<String, Double>> seconds = new TreeMap<>();
                    Map<String, String> cutOff = new TreeMap<>();
                    Map<String, Integer> nodes = new TreeMap<>();
                    for (NodeReports.ReplicationReport report : gathered.answers()) {
                        nodes.merge(report.region(), 1, Integer::sum);
                        if (report.cutOff() != null) cutOff.put(report.region(), report.cutOff());
                        for (NodeReports.HomeLag lag : report.homes()) {
                            long[] sum = replicas.computeIfAbsent(report.region(), r -> new TreeMap<>())
                                    .computeIfAbsent(lag.home(), h -> new long[2]);
                            sum[0] += lag.replicas();
                            sum[1] = Math.max(sum[1], lag.versions());
                            seconds.computeIfAbsent(report.region(), r -> new TreeMap<>())
                                    .merge(lag.home(), lag.seconds(), Math::max);
                        }
                    }
                    List<Map<String, Object>> regions = new ArrayList<>();
                    for (Map.Entry<String, Integer> region : nodes.entrySet()) {
                        List<Map<String, Object>> follows = new ArrayList<>();
                        replicas.getOrDefault(region.getKey(), Map.of()).forEach((home, sum) -> {
                            Map<String, Object> row = new LinkedHashMap<>();
                            row.put("home_region", home);
                            row.put("replicas", sum[0]);
                            row.put("lag_versions", sum[1]);
                            row.put("lag_seconds", seconds.get(region.getKey()).get(home));
                            follows.add(row);
                        });
                        Map<String, Object> row = new LinkedHashMap<>();
                        row.put("region", region.getKey());
                        row.put("nodes", region.getValue());
                        row.put("cut_off", cutOff.get(region.getKey()));
                        row.put("follows", follows);
                        regions.add(row);
                    }
                    Map<String, Object> body = new LinkedHashMap<>();
                    body.put("regions", regions);
                    body.put("unanswered", gathered.unanswered());
                    return complete(Json.response(StatusCodes.OK, body));
                });
    }

    /**
     * {@code GET /v1/cluster/entities}: per entity type, per node, the entities running there now (tenants not
     * passivated, metrics shards), from every node.
     */
    private Route entities() {
        return onSuccess(
                NodeReports.<NodeReports.RunningEntities>gather(system, self, NodeReports.Running::new), gathered -> {
                    Map<String, Map<String, Integer>> byType = new TreeMap<>();
                    for (NodeReports.RunningEntities node : gathered.answers())
                        node.entities().forEach((type, count) -> byType.computeIfAbsent(type, t -> new TreeMap<>())
                                .put(node.node(), count));
                    Map<String, Object> body = new LinkedHashMap<>();
                    body.put("entities", byType);
                    body.put("unanswered", gathered.unanswered());
                    return complete(Json.response(StatusCodes.OK, body));
                });
    }

    /** {@code GET /v1/cluster/events}: the cluster events this node has seen since it started, newest first. */
    private Route events() {
        return onSuccess(
                AskPattern.<NodeReports.Command, NodeReports.EventList>ask(
                        self, NodeReports.Events::new, Duration.ofSeconds(3), system.scheduler()),
                list -> {
                    List<Map<String, Object>> events = new ArrayList<>();
                    for (NodeReports.Event e : NodeReports.newestFirst(list.events())) {
                        Map<String, Object> event = new LinkedHashMap<>();
                        event.put("at", Instant.ofEpochMilli(e.at()).toString());
                        event.put("kind", e.kind());
                        event.put("subject", e.subject());
                        event.put("region", e.region());
                        event.put("detail", e.detail());
                        events.add(event);
                    }
                    Map<String, Object> body = new LinkedHashMap<>();
                    body.put("self", list.node());
                    body.put("region", list.region());
                    body.put("since", Instant.ofEpochMilli(list.since()).toString());
                    body.put("events", events);
                    return complete(Json.response(StatusCodes.OK, body));
                });
    }
}
