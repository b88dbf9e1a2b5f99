package io.shardview.entity.metrics;

import io.shardview.entity.RegionProxies;
import java.util.List;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;

/**
 * The metrics shards a read asks: a tenant's in this node's region, or in the region a read's {@code region}
 * parameter names. Each region stores what its own nodes ingested (docs/regions.md, "Metrics shards across regions"),
 * and a read of another region's metrics goes to that region's shards through this node's proxy of them ({@link
 * RegionProxies}). {@code region} is null for this node's region. With copies ({@link MetricsCopies}), a region declared
 * lost is read from the copy of its shards in another region: {@code copyOf} names the lost region, {@code region}
 * the one holding the copy.
 */
public record TenantShards(String tenant, String region, String copyOf) {
    /** The tenant's own shards in {@code region} (null: this node's). */
    public TenantShards(String tenant, String region) {
        this(tenant, region, null);
    }

    /** The {@code region} of a PromQL query that reads every region at once ({@link EveryRegion}). */
    public static final String EVERY_REGION = "*";

    /** The tenant's shards in this node's region. */
    public static TenantShards here(String tenant) {
        return new TenantShards(tenant, null);
    }

    /**
     * The tenant's shards in {@code region}: this node's region when absent or blank or this node's own; another
     * region of the cluster by its name. An unknown region is an {@link IllegalArgumentException} naming the cluster's
     * regions (a 400 for the client).
     */
    public static TenantShards in(ActorSystem<?> system, String tenant, String region) {
        if (region == null || region.isBlank()) return here(tenant);
        if (region.equals(MetricsRegions.self(system))) return here(tenant);
        MetricsCopies copies = MetricsCopies.get(system);
        List<String> regions = copies.readableRegions();
        if (!regions.contains(region)) {
            throw new IllegalArgumentException(
                    "unknown region \"" + region + "\": the cluster's regions are " + String.join(", ", regions));
        }
        return of(system, tenant, region);
    }

    /**
     * The tenant's shards of {@code region}, another region than this node's: that region's own, or its copy when it
     * is declared lost and copies are kept ({@link MetricsCopies}).
     */
    static TenantShards of(ActorSystem<?> system, String tenant, String region) {
        MetricsCopies copies = MetricsCopies.get(system);
        if (!copies.readFromCopy(region)) return new TenantShards(tenant, region);
        String holder = copies.copyRegionOf(region);
        return new TenantShards(tenant, holder.equals(MetricsRegions.self(system)) ? null : holder, region);
    }

    /**
     * As {@link #in}, and {@value #EVERY_REGION} for the tenant's shards in every region, which only a PromQL query
     * ({@link ShardedQuery#instant}, {@link ShardedQuery#range}) reads.
     */
    public static TenantShards inOrEvery(ActorSystem<?> system, String tenant, String region) {
        return EVERY_REGION.equals(region) ? new TenantShards(tenant, EVERY_REGION) : in(system, tenant, region);
    }

    /** Whether these are the tenant's shards in every region ({@link #inOrEvery}). */
    public boolean everyRegion() {
        return EVERY_REGION.equals(region);
    }

    /** How many entities hold these shards: a tenant's {@code shardsPerTenant}, or the one entity of a copy. */
    int count(int shardsPerTenant) {
        return copyOf == null ? shardsPerTenant : 1;
    }

    /** The entity id of shard {@code shard} of the tenant, or of its copy (shard 0, the only one). */
    String entityId(int shard) {
        return copyOf == null ? MetricsProtocol.entityId(tenant, shard) : MetricsCopies.copyId(tenant, copyOf);
    }

    /** Shard {@code shard} of the tenant, in its region. */
    EntityRef<MetricsProtocol.Command> shard(ActorSystem<?> system, int shard) {
        String id = entityId(shard);
        return region == null
                ? ClusterSharding.get(system).entityRefFor(MetricsProtocol.ENTITY_KEY, id)
                : RegionProxies.get(system).entityRef(MetricsProtocol.ENTITY_KEY, id, region);
    }
}
