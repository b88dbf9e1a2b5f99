package io.shardview.entity.metrics;

import java.util.List;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.typed.Cluster;

/** The regions of the cluster as metrics reads and writes name them: this node's, and every one with members. */
final class MetricsRegions {
    private MetricsRegions() {}

    /** This node's region ("default" where the node is not in a cluster). */
    static String self(ActorSystem<?> system) {
        return clustered(system) ? Cluster.get(system).selfMember().dataCenter() : "default";
    }

    /** The cluster's regions with members, by name. */
    static List<String> regions(ActorSystem<?> system) {
        return clustered(system)
                ? Cluster.get(system).state().getAllDataCenters().stream()
                        .sorted()
                        .toList()
                : List.of(self(system));
    }

    private static boolean clustered(ActorSystem<?> system) {
        return system.settings().config().getString("pekko.actor.provider").equals("cluster");
    }
}
