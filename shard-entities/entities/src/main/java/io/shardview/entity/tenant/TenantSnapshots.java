package io.shardview.entity.tenant;

import io.shardview.entity.durability.JournalDurability;
import io.shardview.entity.tenant.TenantProtocol.SnapshotWritten;
import java.time.Duration;
import java.util.ArrayDeque;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.pattern.Patterns;
import org.apache.pekko.persistence.Persistence;
import org.apache.pekko.persistence.SaveSnapshotFailure;
import org.apache.pekko.persistence.SaveSnapshotSuccess;
import org.apache.pekko.persistence.SnapshotMetadata;
import org.apache.pekko.persistence.SnapshotProtocol;
import org.apache.pekko.persistence.SnapshotSelectionCriteria;

/**
 * A tenant's snapshots beyond those Pekko takes after events: one written when the tenant stops, and the retention of
 * the newest keep-snapshots, whatever took them.
 */
final class TenantSnapshots {
    /**
     * How long a snapshot may take to be written, and a stopping tenant waits for its own: as long as sharding gives a
     * region to stop its entities at shutdown (config/membership.conf, cluster-sharding-shutdown-region).
     */
    private static final Duration BEFORE_STOP_TIMEOUT = Duration.ofSeconds(60);

    private final TenantContext tenant;
    private final String persistenceId;

    /** Sequence numbers of the snapshots kept, oldest first (see {@link #retain}). */
    private final ArrayDeque<Long> kept = new ArrayDeque<>();

    TenantSnapshots(TenantContext tenant, String persistenceId) {
        this.tenant = tenant;
        this.persistenceId = persistenceId;
    }

    /** Recovery restored the snapshot at {@code sequenceNr}: it is the oldest kept. */
    void restored(long sequenceNr) {
        kept.addLast(sequenceNr);
    }

    /**
     * Writes a snapshot of the state at the last persisted event, as Pekko writes its own (the snapshot adapter's
     * form, at that sequence number), for a tenant about to stop: its next start, on this node or the one its shard
     * moves to, reads it instead of replaying the events since the last one. Pekko snapshots only after an event,
     * and a stopping tenant persists none, hence the direct request to the snapshot store. The answer comes back as
     * {@link SnapshotWritten}; the Stop waits for it.
     */
    void beforeStopping(TenantState state) {
        save(state, "snapshot before stopping");
    }

    /**
     * Writes a snapshot of the state as it is now, at the last persisted event, while the entity goes on: the image is
     * taken here, cheaply, and encoded and written by the snapshot store once the events it holds are durable; the
     * answer comes back as {@link SnapshotWritten}. Pekko's own snapshot after an event stashes every command until the
     * store has written it: a tenant of two million rows stopped for its 90 MB snapshot, and its batches' p99 at half
     * load was 150-340 ms instead of 5-7 (bench/RESULTS.md).
     */
    void save(TenantState state) {
        save(state, "snapshot");
    }

    private void save(TenantState state, String what) {
        long sequenceNr = tenant.lastSequenceNumber();
        state.seqNrAtSnapshot = sequenceNr; // later than when it fell due, if it waited for another one to be written
        var durable = JournalDurability.get(tenant.actor.getSystem()).afterAcknowledgedWrites();
        var save = new SnapshotProtocol.SaveSnapshot(
                new SnapshotMetadata(persistenceId, sequenceNr, System.currentTimeMillis()),
                TenantSnapshot.of(state, durable));
        tenant.actor.pipeToSelf(Patterns.ask(store(), save, BEFORE_STOP_TIMEOUT), (reply, error) -> {
            if (reply instanceof SaveSnapshotSuccess) return new SnapshotWritten(sequenceNr);
            Throwable cause = reply instanceof SaveSnapshotFailure failure ? failure.cause() : error;
            tenant.actor.getLog().warn("tenant {}: {} failed", tenant.tenant, what, cause);
            return new SnapshotWritten(0);
        });
    }

    /**
     * Keeps the newest keep-snapshots snapshots and deletes every older one, whatever took them. Pekko's retention
     * deletes only after snapshots of its every-N-events schedule, not after those {@link TenantCircuit#shouldSnapshot}
     * takes for large batches, so a tenant fed big batches kept every snapshot it ever took.
     */
    void retain(long sequenceNr) {
        kept.addLast(sequenceNr);
        int keep = tenant.settings.keepSnapshots();
        if (kept.size() <= keep) return;
        while (kept.size() > keep) kept.removeFirst();
        store().tell(
                        new SnapshotProtocol.DeleteSnapshots(
                                persistenceId, SnapshotSelectionCriteria.create(kept.peekFirst() - 1, Long.MAX_VALUE)),
                        Adapter.toClassic(tenant.actor.getSystem().ignoreRef()));
    }

    private ActorRef store() {
        return Persistence.get(tenant.actor.getSystem().classicSystem())
                .snapshotStoreFor("", com.typesafe.config.ConfigFactory.empty());
    }
}
