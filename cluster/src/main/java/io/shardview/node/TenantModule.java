package io.shardview.node;

import io.shardview.entity.tenant.SqlPlanning;
import io.shardview.entity.tenant.TenantCircuit;
import io.shardview.entity.tenant.TenantSettings;
import io.shardview.entity.tenant.ViewTopics;
import io.shardview.http.RouteMetrics;
import io.shardview.http.tenant.TenantHttpSettings;
import io.shardview.http.tenant.TenantRoutes;
import java.util.List;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.server.Route;

/** Tenant circuits: the sharded entity and the /v1/tenants/{t} SQL, ingest, read and change-stream routes. */
final class TenantModule implements NodeModule {
    private volatile ViewTopics topics;

    @Override
    public List<EntityType> entityTypes() {
        return List.of(new EntityType(TenantCircuit.ENTITY_KEY, system -> {
            topics = new ViewTopics(system);
            SqlPlanning planning = TenantSettings.planning(system.settings().config());
            system.getWhenTerminated().thenRun(planning::shutdown);
            planning.warmUp();
            TenantCircuit.init(system, TenantSettings.from(system.settings().config()), topics, planning);
        }));
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
