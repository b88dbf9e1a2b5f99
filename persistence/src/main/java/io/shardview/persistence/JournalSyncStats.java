package io.shardview.persistence;

import java.util.concurrent.atomic.LongAdder;
import org.apache.pekko.actor.AbstractExtensionId;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.Extension;
import org.apache.pekko.actor.typed.javadsl.Adapter;

/**
 * Per actor system: the writes the group-commit journal acknowledged and the fsync rounds that made
 * them durable, so that writes per round shows how much group commit shares (exported on /metrics).
 */
public final class JournalSyncStats implements Extension {
    private static final AbstractExtensionId<JournalSyncStats> ID = new AbstractExtensionId<>() {
        @Override
        public JournalSyncStats createExtension(ExtendedActorSystem system) {
            return new JournalSyncStats();
        }
    };

    private final LongAdder writes = new LongAdder();
    private final LongAdder syncs = new LongAdder();

    private JournalSyncStats() {}

    public static JournalSyncStats get(ActorSystem system) {
        return ID.get(system);
    }

    public static JournalSyncStats get(org.apache.pekko.actor.typed.ActorSystem<?> system) {
        return get(Adapter.toClassic(system));
    }

    /** Journal writes (one per persistent actor's write or deletion) acknowledged after a group sync. */
    public long writes() {
        return writes.sum();
    }

    /** Group sync rounds completed, each covering every write that returned before it started. */
    public long syncs() {
        return syncs.sum();
    }

    void wrote() {
        writes.increment();
    }

    void synced() {
        syncs.increment();
    }
}
