package io.shardview.node;

import io.shardview.entity.metrics.MetricsSettings;
import io.shardview.entity.metrics.MetricsShard;
import io.shardview.http.RouteMetrics;
import io.shardview.http.metrics.MetricsHttpSettings;
import io.shardview.http.metrics.MetricsRoutes;
import java.util.List;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.server.Route;

/** Metrics shards: the sharded entity and the ingest and export routes under /v1/tenants/{t}/prom and /influx. */
final class MetricsModule implements NodeModule {
  @Override
  public List<EntityType> entityTypes() {
    return List.of(new EntityType(MetricsShard.ENTITY_KEY,
        system -> MetricsShard.init(system, MetricsSettings.from(system.settings().config()))));
  }

  @Override
  public List<Route> routes(ActorSystem<?> system, RouteMetrics metrics) {
    return List.of(new MetricsRoutes(system, metrics, MetricsHttpSettings.from(system.settings().config())).routes());
  }
}
