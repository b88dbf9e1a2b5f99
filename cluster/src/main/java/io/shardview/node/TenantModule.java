package io.shardview.node;

import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.shardview.entity.tenant.FailedTenants;
import io.shardview.entity.tenant.Regions;
import io.shardview.entity.tenant.SqlPlanning;
import io.shardview.entity.tenant.TenantCircuit;
import io.shardview.entity.tenant.TenantProtocol;
import io.shardview.entity.tenant.TenantSettings;
import io.shardview.entity.tenant.ViewTopics;
import io.shardview.http.EdgeRouter;
import io.shardview.http.RouteMetrics;
import io.shardview.http.tenant.IngestEndpoint;
import io.shardview.http.tenant.TenantHttpSettings;
import io.shardview.http.tenant.TenantRoutes;
import io.shardview.persistence.WrittenIds;
import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.sharding.ShardRegion.CurrentShardRegionState;
import org.apache.pekko.cluster.sharding.typed.ClusterShardingQuery;
import org.apache.pekko.cluster.sharding.typed.GetShardRegionState;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.http.javadsl.server.Route;

/** Tenant circuits: the sharded entity and the /v1/tenants/{t} SQL, ingest, read and change-stream routes. */
final class TenantModule implements NodeModule {
    private volatile ViewTopics topics;
    private volatile Regions regions;
    private volatile ActorSystem<?> system;
    private volatile TenantSettings settings;

    @Override
    public List<EntityType> entityTypes() {
        return List.of(new EntityType(TenantProtocol.ENTITY_KEY, system -> {
            this.system = system;
            topics = new ViewTopics(system);
            SqlPlanning.sizePlanCache(system.settings().config());
            SqlPlanning planning = SqlPlanning.from(system.settings().config());
            system.getWhenTerminated().thenRun(planning::shutdown);
            planning.warmUp();
            regions = new Regions(system);
            settings = TenantSettings.from(system.settings().config());
            TenantCircuit.init(system, settings, topics, planning, regions);
        }));
    }

    /**
     * {@code shardview_tenants_running}: the tenant entities running on this node now (asked of sharding at scrape
     * time); the others are passivated and cost the node nearly nothing.
     */
    @Override
    public void registerMetrics(PrometheusRegistry registry) {
        GaugeWithCallback.builder()
                .name("shardview_tenants_running")
                .help("Tenant circuits running on this node (not passivated)")
                .callback(cb -> {
                    try {
                        CurrentShardRegionState state = AskPattern.<ClusterShardingQuery, CurrentShardRegionState>ask(
                                        ClusterSharding.get(system).shardState(),
                                        replyTo -> new GetShardRegionState(TenantProtocol.ENTITY_KEY, replyTo),
                                        Duration.ofSeconds(2),
                                        system.scheduler())
                                .toCompletableFuture()
                                .get();
                        cb.call(state.getShards().stream()
                                .mapToInt(shard -> shard.getEntityIds().size())
                                .sum());
                    } catch (Exception e) {
                        // no figure this scrape: sharding did not answer in time
                    }
                })
                .register(registry);
        GaugeWithCallback.builder()
                .name("shardview_tenants_failed")
                .help("Tenants on this node whose recovery failed at one event max-recovery-failures times: each"
                        + " answers 503 entity_failed, naming the event, until its journal is mended")
                .callback(cb -> cb.call(FailedTenants.get(system)
                        .failed(settings.maxRecoveryFailures())
                        .size()))
                .register(registry);
        GaugeWithCallback.builder()
                .name("shardview_tenant_failed_sequence_nr")
                .help("Per tenant failed on this node (shardview_tenants_failed), the sequence number of the event its"
                        + " recovery could not apply or, unread=\"true\", the first it could not read on from")
                .labelNames("tenant", "unread")
                .callback(cb -> FailedTenants.get(system)
                        .failed(settings.maxRecoveryFailures())
                        .forEach(f -> cb.call(f.sequenceNr(), f.tenant(), String.valueOf(f.unread()))))
                .register(registry);
        registerReplicationMetrics(registry);
        registerFailoverMetrics(registry);
    }

    /**
     * Replication between regions (docs/regions.md), for the replicas running on this node that follow a home in
     * another region: how far the furthest behind is, per home region, in versions and in seconds since it last knew
     * it had everything; and the delay from a home sending an event to its replica here persisting it.
     */
    private void registerReplicationMetrics(PrometheusRegistry registry) {
        GaugeWithCallback.builder()
                .name("shardview_replica_lag_versions")
                .help("Versions the furthest-behind tenant replica on this node lags its home region by, per home")
                .labelNames("home_region")
                .callback(cb -> maxLag(true).forEach((home, lag) -> cb.call(lag, home)))
                .register(registry);
        GaugeWithCallback.builder()
                .name("shardview_replica_lag_seconds")
                .help("Seconds since the furthest-behind tenant replica on this node last had all of its home's "
                        + "events, per home region")
                .labelNames("home_region")
                .callback(cb -> maxLag(false).forEach((home, lag) -> cb.call(lag, home)))
                .register(registry);
        GaugeWithCallback.builder()
                .name("shardview_replicas_following")
                .help("Tenant replicas running on this node that follow a home in another region, per home region")
                .labelNames("home_region")
                .callback(cb -> {
                    java.util.Map<String, Integer> count = new java.util.TreeMap<>();
                    regions.lags().values().forEach(lag -> count.merge(lag.home(), 1, Integer::sum));
                    count.forEach((home, n) -> cb.call(n, home));
                })
                .register(registry);
        io.prometheus.metrics.core.metrics.CounterWithCallback.builder()
                .name("shardview_replication_pulls_total")
                .help("Times the tenant replicas on this node asked their home region for events they may have missed"
                        + " (idle replicas ask less and less often)")
                .callback(cb -> cb.call(regions == null ? 0 : regions.pullsSent()))
                .register(registry);
        Histogram delay = Histogram.builder()
                .name("shardview_replication_delay_seconds")
                .help("From the home replica sending an event to a replica on this node persisting it")
                .unit(io.prometheus.metrics.model.snapshots.Unit.SECONDS)
                .classicUpperBounds(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)
                .register(registry);
        regions.onDelay(millis -> delay.observe(millis / 1000.0));
        Histogram confirm = Histogram.builder()
                .name("shardview_replication_confirm_seconds")
                .help("At homes on this node of tenants in sync replication: how long a write's answer waited, once"
                        + " durable here, for min_regions other regions to have it in their journals")
                .unit(io.prometheus.metrics.model.snapshots.Unit.SECONDS)
                .classicUpperBounds(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
                .register(registry);
        regions.onConfirmWait(millis -> confirm.observe(millis / 1000.0));
        io.prometheus.metrics.core.metrics.CounterWithCallback.builder()
                .name("shardview_replication_writes_refused_total")
                .help("Writes to tenants in sync replication at their homes on this node refused 503"
                        + " insufficient_regions (too few other regions reachable and keeping up), nothing applied")
                .callback(cb -> cb.call(regions == null ? 0 : regions.syncRefusedWrites()))
                .register(registry);
        io.prometheus.metrics.core.metrics.CounterWithCallback.builder()
                .name("shardview_replication_writes_unconfirmed_total")
                .help("Writes to tenants in sync replication applied at their homes on this node and answered 504"
                        + " outcome_unknown: too few other regions confirmed them within confirm-timeout")
                .callback(cb -> cb.call(regions == null ? 0 : regions.syncUnconfirmedWrites()))
                .register(registry);
    }

    /** Failover (docs/regions.md): the regions declared lost, and whether this node's region is cut off. */
    private void registerFailoverMetrics(PrometheusRegistry registry) {
        GaugeWithCallback.builder()
                .name("shardview_regions_lost")
                .help("Regions declared lost (by an operator, or by a majority of regions): their tenants fail over")
                .callback(cb -> cb.call(
                        system == null
                                ? 0
                                : io.shardview.entity.tenant.LostRegions.get(system)
                                        .lost()
                                        .size()))
                .register(registry);
        GaugeWithCallback.builder()
                .name("shardview_region_cut_off")
                .help("1 while this node's region has heard from fewer than a majority of the regions (three or more):"
                        + " its tenants' homes refuse writes")
                .callback(cb -> cb.call(
                        system != null
                                        && io.shardview.entity.tenant.LostRegions.get(system)
                                                        .cutOff()
                                                != null
                                ? 1
                                : 0))
                .register(registry);
    }

    @Override
    public List<NodeReports.HomeLag> replicaLags() {
        if (regions == null) return List.of();
        java.util.Map<String, NodeReports.HomeLag> byHome = new java.util.TreeMap<>();
        for (Regions.Lag lag : regions.lags().values()) {
            byHome.merge(
                    lag.home(),
                    new NodeReports.HomeLag(lag.home(), 1, lag.versions(), lag.millis() / 1000.0),
                    (a, b) -> new NodeReports.HomeLag(
                            a.home(),
                            a.replicas() + b.replicas(),
                            Math.max(a.versions(), b.versions()),
                            Math.max(a.seconds(), b.seconds())));
        }
        return List.copyOf(byHome.values());
    }

    /** Per home region, the largest lag of this node's replicas: in versions, or in seconds. */
    private java.util.Map<String, Double> maxLag(boolean versions) {
        java.util.Map<String, Double> max = new java.util.TreeMap<>();
        if (regions == null) return max;
        for (Regions.Lag lag : regions.lags().values()) {
            double value = versions ? lag.versions() : lag.millis() / 1000.0;
            max.merge(lag.home(), value, Math::max);
        }
        return max;
    }

    @Override
    public List<EdgeRouter.Endpoint> endpoints(ActorSystem<?> system) {
        return List.of(new IngestEndpoint(system));
    }

    @Override
    public List<Route> routes(ActorSystem<?> system, RouteMetrics metrics) {
        return List.of(new TenantRoutes(
                        system,
                        metrics,
                        TenantHttpSettings.from(system.settings().config()),
                        topics,
                        timeout -> WrittenIds.list(system, timeout))
                .routes());
    }
}
