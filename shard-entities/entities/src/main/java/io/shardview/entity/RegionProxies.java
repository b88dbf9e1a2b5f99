package io.shardview.entity;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;

/**
 * A node's sharding proxies to entities of other regions (docs/regions.md). Cluster Sharding runs per region, so an
 * entity ref of another region delivers through a proxy of that region's shards, started here once per entity type
 * and region, when first needed. The proxies are stopped before the node leaves the cluster: a proxy holding a message
 * for a region that is gone would keep the node's shutdown waiting for the whole sharding phase. What they hold is
 * dropped (replicas catch up later; a read is asked again).
 */
public final class RegionProxies implements Extension {
    private static final ExtensionId<RegionProxies> ID = new ExtensionId<>() {
        @Override
        public RegionProxies createExtension(ActorSystem<?> system) {
            return new RegionProxies(system);
        }
    };

    private final ActorSystem<?> system;

    private record Proxy(String type, String region) {}

    private final Set<Proxy> started = new HashSet<>();
    private boolean stopping;

    private RegionProxies(ActorSystem<?> system) {
        this.system = system;
        CoordinatedShutdown.get(Adapter.toClassic(system))
                .addTask(CoordinatedShutdown.PhaseBeforeClusterShutdown(), "stop-proxies-to-other-regions", () -> {
                    stopAll();
                    return CompletableFuture.completedFuture(Done.getInstance());
                });
    }

    public static RegionProxies get(ActorSystem<?> system) {
        return system.registerExtension(ID);
    }

    /** The entity {@code id} of type {@code key} in {@code region}, through this node's proxy of that region. */
    public <M> EntityRef<M> entityRef(EntityTypeKey<M> key, String id, String region) {
        ensure(key, region);
        return ClusterSharding.get(system).entityRefFor(key, id, region);
    }

    private synchronized <M> void ensure(EntityTypeKey<M> key, String region) {
        if (started.add(new Proxy(key.name(), region))) {
            ClusterSharding.get(system)
                    .init(Entity.of(key, context -> Behaviors.<M>empty()).withDataCenter(region));
        }
    }

    private synchronized void stopAll() {
        if (stopping) return;
        stopping = true;
        var classic = org.apache.pekko.cluster.sharding.ClusterSharding.get(Adapter.toClassic(system));
        for (Proxy proxy : started) {
            classic.shardRegionProxy(proxy.type(), proxy.region())
                    .tell(org.apache.pekko.actor.PoisonPill.getInstance(), org.apache.pekko.actor.ActorRef.noSender());
        }
    }
}
