package io.shardview.node;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.extractRequest;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.onSuccess;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.pathEnd;
import static org.apache.pekko.http.javadsl.server.Directives.pathPrefix;
import static org.apache.pekko.http.javadsl.server.Directives.reject;
import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.shardview.entity.tenant.LostRegions;
import io.shardview.http.ApiError;
import io.shardview.http.ErrorCode;
import io.shardview.http.Json;
import io.shardview.http.RouteMetrics;
import io.shardview.http.Utf8Body;
import io.shardview.node.membership.LostRegionService;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;

/** The node's own endpoints: /health, /ready, /v1/cluster and /metrics (docs/api.md, "Node endpoints"). */
final class NodeRoutes {
    private static final ContentType PROMETHEUS_TEXT = ContentTypes.parse(PrometheusTextFormatWriter.CONTENT_TYPE);

    private final ActorSystem<?> system;
    private final Readiness readiness;
    private final ShardingQueries sharding;
    private final PrometheusRegistry registry;
    private final RouteMetrics metrics;
    private final boolean lostRegionsRecorded;
    private final ReportRoutes reports;

    NodeRoutes(
            ActorSystem<?> system,
            Readiness readiness,
            ShardingQueries sharding,
            PrometheusRegistry registry,
            RouteMetrics metrics,
            boolean lostRegionsRecorded,
            ReportRoutes reports) {
        this.lostRegionsRecorded = lostRegionsRecorded;
        this.reports = reports;
        this.system = system;
        this.readiness = readiness;
        this.sharding = sharding;
        this.registry = registry;
        this.metrics = metrics;
    }

    /** All node endpoints, followed by the JSON 404 for any other path. */
    Route routes(List<Route> apiRoutes) {
        List<Route> all = new ArrayList<>(List.of(
                path(
                        "health",
                        () -> metrics.endpoint(
                                "/health", get(() -> complete(Json.response(StatusCodes.OK, Map.of("status", "ok")))))),
                path("ready", () -> metrics.endpoint("/ready", get(this::ready))),
                path("metrics", () -> metrics.endpoint("/metrics", get(this::scrape))),
                pathPrefix("console", () -> metrics.endpoint("/console", get(Console::route))),
                pathPrefix(
                        "v1",
                        () -> pathPrefix(
                                "cluster",
                                () -> concat(
                                        pathEnd(() -> metrics.endpoint("/v1/cluster", get(this::cluster))),
                                        path(
                                                segment("members").slash("down"),
                                                () -> metrics.endpoint(
                                                        "/v1/cluster/members/down",
                                                        org.apache.pekko.http.javadsl.server.Directives.post(
                                                                () -> extractRequest(
                                                                        request ->
                                                                                Utf8Body.text(request, this::down))))),
                                        path(
                                                segment("regions")
                                                        .slash(segment())
                                                        .slash("lost"),
                                                region -> metrics.endpoint(
                                                        "/v1/cluster/regions/{region}/lost",
                                                        concat(
                                                                org.apache.pekko.http.javadsl.server.Directives.post(
                                                                        () -> declareLost(region)),
                                                                org.apache.pekko.http.javadsl.server.Directives.delete(
                                                                        () -> readmit(region))))),
                                        path(
                                                segment("entities")
                                                        .slash(segment())
                                                        .slash(segment()),
                                                (type, id) -> metrics.endpoint(
                                                        "/v1/cluster/entities/{type}/{id}",
                                                        get(() -> locate(type, id)))))))));
        all.add(reports.routes());
        all.addAll(apiRoutes);
        all.add(metrics.endpoint(RouteMetrics.UNMATCHED, reject()));
        return concat(all.get(0), all.subList(1, all.size()).toArray(Route[]::new));
    }

    private Route ready() {
        Readiness.State state = readiness.state();
        if (state == Readiness.State.READY) {
            return complete(Json.response(StatusCodes.OK, Map.of("status", "ready")));
        }
        String why = state == Readiness.State.LEAVING ? "the node is shutting down" : "the node is starting";
        return complete(new ApiError(
                        ErrorCode.NOT_READY, why, Map.of("state", state.name().toLowerCase()))
                .toResponse()
                .addHeader(org.apache.pekko.http.javadsl.model.headers.RetryAfter.create(1L)));
    }

    private Route scrape() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
        try {
            PrometheusTextFormatWriter.create().write(out, registry.scrape(), EscapingScheme.DEFAULT);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return complete(HttpResponse.create().withEntity(HttpEntities.create(PROMETHEUS_TEXT, out.toByteArray())));
    }

    /**
     * The membership always; the shard counts when every coordinator answers in time. While a member is unreachable or
     * a coordinator moves (the moments an operator looks here most), the counts are null and {@code shards_error} says
     * why, instead of the whole answer failing.
     */
    private Route cluster() {
        CompletionStage<ClusterView> view = sharding.shardCounts()
                .handle((shards, failure) -> failure == null
                        ? clusterView(shards, null)
                        : clusterView(
                                null,
                                "the shard coordinators did not all answer in time (a member is unreachable, or a"
                                        + " coordinator is moving): "
                                        + failure.getClass().getSimpleName()));
        return onSuccess(view, body -> complete(Json.response(StatusCodes.OK, body)));
    }

    /**
     * An operator downs a member the cluster cannot down by itself: a node of another region (the Split Brain Resolver
     * downs only members of its own region; docs/regions.md, "Losing a region"), or one stuck unreachable. Body:
     * {@code {"address": "pekko://shardview@host:port"}}. Downing a node that is alive makes it stop.
     */
    private Route down(String body) {
        String address;
        try {
            com.fasterxml.jackson.databind.JsonNode json = Json.MAPPER.readTree(body);
            address = json == null ? null : json.path("address").asText(null);
        } catch (IOException e) {
            address = null;
        }
        if (address == null) {
            return complete(ApiError.of(ErrorCode.BAD_REQUEST, "the body must be {\"address\": \"pekko://...\"}")
                    .toResponse());
        }
        Cluster cluster = Cluster.get(system);
        String wanted = address;
        Member member = java.util.stream.StreamSupport.stream(
                        cluster.state().getMembers().spliterator(), false)
                .filter(m -> m.address().toString().equals(wanted))
                .findFirst()
                .orElse(null);
        if (member == null) {
            return complete(new ApiError(ErrorCode.NOT_FOUND, "no member at " + address, Map.of("address", address))
                    .toResponse());
        }
        cluster.manager().tell(new org.apache.pekko.cluster.typed.Down(member.address()));
        return complete(Json.response(StatusCodes.ACCEPTED, Map.of("downing", address, "region", member.dataCenter())));
    }

    /**
     * An operator declares a region lost for good (docs/regions.md, "Failover"): refused for this node's own region, a
     * region the cluster never had, and one this node still reaches (a region that answers is not lost).
     */
    private Route declareLost(String region) {
        if (!lostRegionsRecorded) return complete(noRecord());
        Cluster cluster = Cluster.get(system);
        String self = cluster.selfMember().dataCenter();
        if (region.equals(self)) {
            return complete(new ApiError(
                            ErrorCode.BAD_REQUEST,
                            "a node cannot declare its own region lost; ask a node of a surviving region",
                            Map.of("region", region))
                    .toResponse());
        }
        boolean member = cluster.state().getAllDataCenters().contains(region);
        if (!member && !LostRegions.get(system).everLost(region)) {
            return complete(new ApiError(
                            ErrorCode.NOT_FOUND,
                            "the cluster has no region " + region,
                            Map.of(
                                    "region",
                                    region,
                                    "regions",
                                    String.join(",", cluster.state().getAllDataCenters())))
                    .toResponse());
        }
        if (member && !cluster.state().getUnreachableDataCenters().contains(region)) {
            return complete(new ApiError(
                            ErrorCode.CONFLICT,
                            "region " + region + " is reachable from this node: a region that answers is not lost"
                                    + " (it is declared lost only once this node's failure detector has marked it"
                                    + " unreachable)",
                            Map.of("region", region))
                    .toResponse());
        }
        return onSuccess(
                LostRegionService.declare(system, region),
                outcome -> complete(Json.response(
                        StatusCodes.OK,
                        Map.of(
                                "region",
                                region,
                                "lost",
                                true,
                                "recorded_in",
                                outcome.storedIn(),
                                "downed",
                                outcome.downed()))));
    }

    /** An operator readmits a region declared lost: it may be a tenant's home again. */
    private Route readmit(String region) {
        if (!lostRegionsRecorded) return complete(noRecord());
        if (!LostRegions.get(system).lost(region)) {
            return complete(new ApiError(
                            ErrorCode.NOT_FOUND, "region " + region + " is not declared lost", Map.of("region", region))
                    .toResponse());
        }
        return onSuccess(
                LostRegionService.readmit(system, region),
                outcome -> complete(Json.response(
                        StatusCodes.OK, Map.of("region", region, "lost", false, "recorded_in", outcome.storedIn()))));
    }

    private static HttpResponse noRecord() {
        return ApiError.of(
                        ErrorCode.BAD_REQUEST,
                        "regions are declared lost in a cluster whose journal is PostgreSQL (the cluster profile);"
                                + " this node has no such journal")
                .toResponse();
    }

    // Operators' "where does this tenant live": the entity's shard and the node hosting it.
    private Route locate(String type, String id) {
        return onSuccess(sharding.locate(type, id), location -> location.map(
                        found -> complete(Json.response(StatusCodes.OK, found)))
                .orElseGet(() -> complete(new ApiError(
                                ErrorCode.NOT_FOUND, "no entity type " + type, Map.of("types", sharding.typeNames()))
                        .toResponse())));
    }

    /** The body of /v1/cluster. */
    record ClusterView(
            String self,
            String region,
            String leader,
            List<MemberView> members,
            Map<String, Map<String, Integer>> shards,
            @com.fasterxml.jackson.annotation.JsonProperty("lost_regions") List<String> lostRegions,
            @com.fasterxml.jackson.annotation.JsonProperty("shards_error")
                    @com.fasterxml.jackson.annotation.JsonInclude(
                            com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
                    String shardsError) {}

    /**
     * One member of the cluster as /v1/cluster lists it; reachable: whether this node's failure detector (or, for a
     * member of another region, the cross-region one) hears it.
     */
    record MemberView(String address, String region, String status, boolean reachable, Set<String> roles) {}

    private ClusterView clusterView(Map<String, Map<String, Integer>> shards, String shardsError) {
        Cluster cluster = Cluster.get(system);
        Member self = cluster.selfMember();
        var state = cluster.state();
        String leader = state.getLeader() == null ? null : state.getLeader().toString();
        Set<Member> unreachable = state.getUnreachable();
        List<MemberView> members = java.util.stream.StreamSupport.stream(
                        state.getMembers().spliterator(), false)
                .map(member -> memberView(
                        member,
                        !unreachable.contains(member)
                                && (member.dataCenter().equals(self.dataCenter())
                                        || !state.getUnreachableDataCenters().contains(member.dataCenter()))))
                .toList();
        List<String> lost = LostRegions.get(system).lost().stream().sorted().toList();
        return new ClusterView(
                self.address().toString(), self.dataCenter(), leader, members, shards, lost, shardsError);
    }

    private static MemberView memberView(Member member, boolean reachable) {
        Set<String> roles = new java.util.TreeSet<>(member.getRoles());
        roles.removeIf(role -> role.startsWith("dc-")); // Pekko's internal data-center role; region says it
        return new MemberView(
                member.address().toString(),
                member.dataCenter(),
                member.status().toString(),
                reachable,
                roles);
    }
}
