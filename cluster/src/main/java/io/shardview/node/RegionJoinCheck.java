package io.shardview.node;

import com.typesafe.config.Config;
import java.util.List;
import org.apache.pekko.cluster.ConfigValidation;
import org.apache.pekko.cluster.Invalid;
import org.apache.pekko.cluster.JoinConfigCompatChecker;
import org.apache.pekko.cluster.Valid$;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Keeps every node of a cluster in one region until regions exist. A region is a Pekko data center, and Cluster
 * Sharding runs per data center: two regions over one shared journal would each start their own copy of an entity,
 * both writing the same persistence id (a tenant served as two diverging entities, one batch acknowledged by an
 * entity whose write the journal refused). Pekko runs this check on both sides of every join, so a node with another
 * region is refused whichever side it is on, and stops with this reason.
 */
public final class RegionJoinCheck extends JoinConfigCompatChecker {
    static final String REGION = "shardview.region";

    @Override
    public Seq<String> requiredKeys() {
        return CollectionConverters.asScala(List.of(REGION)).toList();
    }

    @Override
    public ConfigValidation check(Config toCheck, Config actualConfig) {
        String joining = toCheck.hasPath(REGION) ? toCheck.getString(REGION) : "default";
        String self = actualConfig.getString(REGION);
        if (joining.equals(self)) return Valid$.MODULE$;
        return new Invalid(
                CollectionConverters.asScala(List.of(reason(joining, self))).toList());
    }

    /** Why nodes of two regions cannot form one cluster yet. */
    static String reason(String joining, String self) {
        return "the joining node is in region '" + joining + "' and this cluster in region '" + self
                + "': every node of "
                + "a cluster must have the same --region (shardview.region) until regions are supported, or each region would "
                + "run its own copy of every tenant over the one journal";
    }
}
