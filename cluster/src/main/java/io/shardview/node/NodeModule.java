package io.shardview.node;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.shardview.http.EdgeRouter;
import io.shardview.http.RouteMetrics;
import java.util.List;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.server.Route;

/** A capability the node serves: the sharded entity types it hosts and the HTTP routes in front of them. */
public interface NodeModule {
    /** Entity types to register with sharding once the actor system exists. */
    List<EntityType> entityTypes();

    /** Registers the module's own figures for /metrics; called once, before {@link #routes}. */
    default void registerMetrics(PrometheusRegistry registry) {}

    /** The module's routes; called after its entity types have started. */
    List<Route> routes(ActorSystem<?> system, RouteMetrics metrics);

    /** The module's endpoints served by the HTTP edge itself (before its routes); called after its entity types started. */
    default List<EdgeRouter.Endpoint> endpoints(ActorSystem<?> system) {
        return List.of();
    }

    /** Per home region in another region, the module's replicas on this node following it and how far they lag. */
    default List<NodeReports.HomeLag> replicaLags() {
        return List.of();
    }

    /** A module of entity types without routes. */
    static NodeModule of(List<EntityType> entityTypes) {
        return new NodeModule() {
            @Override
            public List<EntityType> entityTypes() {
                return entityTypes;
            }

            @Override
            public List<Route> routes(ActorSystem<?> system, RouteMetrics metrics) {
                return List.of();
            }
        };
    }
}
