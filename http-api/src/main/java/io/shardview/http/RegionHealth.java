package io.shardview.http;

import java.time.Duration;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * Whether this node's region has a node its failure detector cannot hear. Until that node is downed and its shards
 * move (seconds: the failure detector, then the Split Brain Resolver's {@code down-after}), a request for an entity it
 * held is sent to it and lost; requests are then answered quickly (503, or 504 outcome_unknown for a write, both with
 * Retry-After) instead of waiting out the whole ask timeout.
 */
public final class RegionHealth {
    private RegionHealth() {}

    /** Whether some member of this node's region is unreachable now (always false outside a cluster). */
    public static boolean degraded(ActorSystem<?> system) {
        if (!system.settings().config().getString("pekko.actor.provider").equals("cluster")) return false;
        Cluster cluster = Cluster.get(system);
        String region = cluster.selfMember().dataCenter();
        for (var member : cluster.state().getUnreachable()) {
            if (member.dataCenter().equals(region)) return true;
        }
        return false;
    }

    /** {@code timeout}, or at most {@code degradedTimeout} plus {@code extra} while the region is degraded. */
    public static Duration timeout(ActorSystem<?> system, Duration timeout, Duration degradedTimeout, Duration extra) {
        if (!degraded(system)) return timeout;
        Duration quick = degradedTimeout.plus(extra);
        return quick.compareTo(timeout) < 0 ? quick : timeout;
    }
}
