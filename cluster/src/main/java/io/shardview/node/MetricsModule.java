package io.shardview.node;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.shardview.entity.metrics.MetadataProtocol;
import io.shardview.entity.metrics.MetricsCopies;
import io.shardview.entity.metrics.MetricsMetadata;
import io.shardview.entity.metrics.MetricsProtocol;
import io.shardview.entity.metrics.MetricsSettings;
import io.shardview.entity.metrics.MetricsShard;
import io.shardview.entity.metrics.ShardStatsBoard;
import io.shardview.entity.rules.GroupRuler;
import io.shardview.entity.rules.RulesProtocol;
import io.shardview.entity.rules.TenantRules;
import io.shardview.http.EdgeRouter;
import io.shardview.http.RouteMetrics;
import io.shardview.http.metrics.IngestMetrics;
import io.shardview.http.metrics.MetricsHttpSettings;
import io.shardview.http.metrics.MetricsRoutes;
import io.shardview.http.metrics.PrometheusQuery;
import java.time.Clock;
import java.util.List;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Metrics shards: the sharded entity, the ingest and export routes under /v1/tenants/{t}/prom and
 * /influx, and their /metrics figures; and the rules evaluated over them (/v1/tenants/{t}/rules).
 */
final class MetricsModule implements NodeModule {
    private final Clock clock;
    private final ShardStatsBoard board = new ShardStatsBoard();
    private IngestMetrics ingestMetrics;

    /** On the wall clock. */
    MetricsModule() {
        this(Clock.systemUTC());
    }

    /** With the clock that dates retention (tests move it). */
    MetricsModule(Clock clock) {
        this.clock = clock;
    }

    @Override
    public List<EntityType> entityTypes() {
        return List.of(
                new EntityType(MetricsProtocol.ENTITY_KEY, system -> {
                    MetricsCopies.get(system); // a wrong shardview.metrics.replicas stops the node at its start
                    MetricsShard.init(
                            system, MetricsSettings.from(system.settings().config()), clock, board);
                }),
                new EntityType(MetadataProtocol.ENTITY_KEY, MetricsMetadata::init),
                new EntityType(RulesProtocol.TENANT_KEY, TenantRules::init),
                new EntityType(RulesProtocol.GROUP_KEY, system -> GroupRuler.init(system, clock)));
    }

    @Override
    public void registerMetrics(PrometheusRegistry registry) {
        ingestMetrics = new IngestMetrics(registry, board);
    }

    @Override
    public List<EdgeRouter.Endpoint> endpoints(ActorSystem<?> system) {
        return PrometheusQuery.endpoints(system);
    }

    @Override
    public List<Route> routes(ActorSystem<?> system, RouteMetrics metrics) {
        return List.of(new MetricsRoutes(
                        system,
                        metrics,
                        MetricsHttpSettings.from(system.settings().config()),
                        ingestMetrics)
                .routes());
    }
}
