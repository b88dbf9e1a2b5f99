package io.shardview.node;

import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.shardview.entity.tenant.SqlPlanning;
import io.shardview.entity.tenant.TenantCircuit;
import io.shardview.entity.tenant.TenantSettings;
import io.shardview.entity.tenant.ViewTopics;
import io.shardview.http.RouteMetrics;
import io.shardview.http.tenant.TenantHttpSettings;
import io.shardview.http.tenant.TenantRoutes;
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
    private volatile ActorSystem<?> system;

    @Override
    public List<EntityType> entityTypes() {
        return List.of(new EntityType(TenantCircuit.ENTITY_KEY, system -> {
            this.system = system;
            topics = new ViewTopics(system);
            SqlPlanning planning = TenantSettings.planning(system.settings().config());
            system.getWhenTerminated().thenRun(planning::shutdown);
            planning.warmUp();
            TenantCircuit.init(system, TenantSettings.from(system.settings().config()), topics, planning);
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
                                        replyTo -> new GetShardRegionState(TenantCircuit.ENTITY_KEY, replyTo),
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
    }

    @Override
    public List<Route> routes(ActorSystem<?> system, RouteMetrics metrics) {
        return List.of(new TenantRoutes(
                        system,
                        metrics,
                        TenantHttpSettings.from(system.settings().config()),
                        topics)
                .routes());
    }
}
