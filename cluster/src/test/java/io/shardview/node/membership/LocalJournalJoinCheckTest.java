package io.shardview.node.membership;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.util.Map;
import org.apache.pekko.cluster.Invalid;
import org.apache.pekko.cluster.Valid$;
import org.junit.jupiter.api.Test;

/** A node on the LevelDB journal is kept out of every cluster, whichever side of the join it is on. */
class LocalJournalJoinCheckTest {
    @Test
    void theJoinCheckRefusesLevelDbOnEitherSide() {
        LocalJournalJoinCheck check = new LocalJournalJoinCheck();
        var leveldb = ConfigFactory.parseMap(
                Map.of(LocalJournalJoinCheck.JOURNAL_PLUGIN, "pekko.persistence.journal.leveldb"));
        var jdbc = ConfigFactory.parseMap(Map.of(LocalJournalJoinCheck.JOURNAL_PLUGIN, "jdbc-journal"));
        assertEquals(Valid$.MODULE$, check.check(jdbc, jdbc));
        Invalid joining = assertInstanceOf(Invalid.class, check.check(leveldb, jdbc));
        assertTrue(joining.errorMessages().head().startsWith("the joining node runs on LevelDB"), joining.toString());
        Invalid members = assertInstanceOf(Invalid.class, check.check(jdbc, leveldb));
        assertTrue(members.errorMessages().head().startsWith("this cluster runs on LevelDB"), members.toString());
    }
}
