package io.shardview.node.membership;

import com.typesafe.config.Config;
import io.shardview.persistence.JournalSettings;
import java.util.List;
import org.apache.pekko.cluster.ConfigValidation;
import org.apache.pekko.cluster.Invalid;
import org.apache.pekko.cluster.JoinConfigCompatChecker;
import org.apache.pekko.cluster.Valid$;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Keeps a node on the LevelDB journal out of any cluster of more than one node. Pekko runs this
 * check on both sides of every join: the members judge the joining node's journal and the joining
 * node judges theirs, and an invalid answer stops the join (and the joining node). An entity that
 * moves to another node must find its events there, which a node-local LevelDB directory cannot give.
 */
public final class LocalJournalJoinCheck extends JoinConfigCompatChecker {
    static final String JOURNAL_PLUGIN = "pekko.persistence.journal.plugin";

    /** Why a LevelDB node never joins another node; also printed when the node refuses at start-up. */
    public static final String REASON = "the LevelDB journal is local to one node, so an entity moved to another node "
            + "would lose its events; a cluster of more than one node needs the shared PostgreSQL journal "
            + "(--profile cluster)";

    @Override
    public Seq<String> requiredKeys() {
        return CollectionConverters.asScala(List.of(JOURNAL_PLUGIN)).toList();
    }

    @Override
    public ConfigValidation check(Config toCheck, Config actualConfig) {
        boolean joiningLocal = isLocal(toCheck);
        boolean selfLocal = isLocal(actualConfig);
        if (!joiningLocal && !selfLocal) return Valid$.MODULE$;
        String who = joiningLocal ? "the joining node runs" : "this cluster runs";
        return new Invalid(CollectionConverters.asScala(List.of(who + " on LevelDB: " + REASON))
                .toList());
    }

    private static boolean isLocal(Config config) {
        return config.hasPath(JOURNAL_PLUGIN) && JournalSettings.isLocalPlugin(config.getString(JOURNAL_PLUGIN));
    }
}
