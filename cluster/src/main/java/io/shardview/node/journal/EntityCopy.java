package io.shardview.node.journal;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.pekko.stream.javadsl.Sink;

/**
 * One entity being copied into a journal (by {@code journal import} from a backup, by {@code journal migrate} from
 * another journal): what the source has of it, what the target already holds, and so what is left to write. An
 * entity is copied only into a target that holds nothing of it or a beginning of the same events (a copy cut short,
 * resumed after them); a target holding other events refuses it.
 */
final class EntityCopy {
    /** Events per journal write. */
    static final int WRITE_EVENTS = 500;

    final String id;
    long events;
    long firstSeqNr = -1;
    long lastSeqNr;
    Long snapshot;
    long heldEvents;
    long heldLastSeqNr;
    JournalStore.Stored heldLast;
    boolean heldSnapshot;
    boolean matches = true;

    EntityCopy(String id) {
        this.id = id;
    }

    /** Counts one event of the source. */
    void sourceEvent(long sequenceNr) {
        events++;
        if (firstSeqNr < 0) firstSeqNr = sequenceNr;
        lastSeqNr = sequenceNr;
    }

    /** Whether the target's other events of the entity are to be deleted first (import --replace). */
    boolean replacing;

    /** Events the copy writes: the source's after what the target holds. */
    long eventsToWrite() {
        return Math.max(0, events - Math.max(0, heldLastSeqNr - Math.max(firstSeqNr, 1) + 1));
    }

    /** What the copy does with the entity. */
    String action() {
        if (!matches && replacing) return "replace: delete the " + heldEvents + " events held, then copy";
        if (!matches) return "refused: the journal holds other events for it";
        if (heldEvents == 0 && !heldSnapshot) return "copy";
        if (complete()) return "already there";
        return "resume after sequence number " + heldLastSeqNr;
    }

    boolean complete() {
        return matches && heldLastSeqNr >= lastSeqNr && (snapshot == null || heldSnapshot);
    }

    /**
     * Reads what the target holds of the entity. Only an id the target lists is read: LevelDB gives an id it is asked
     * about a number, which is a write.
     */
    void readHeld(JournalStore target, Set<String> present) {
        heldEvents = 0;
        heldLastSeqNr = 0;
        heldLast = null;
        heldSnapshot = false;
        matches = true;
        if (present.contains(id)) {
            JournalStore.await(target.events(id, 0, Long.MAX_VALUE)
                    .runWith(
                            Sink.foreach(envelope -> {
                                heldEvents++;
                                heldLastSeqNr = envelope.sequenceNr();
                                heldLast =
                                        target.serialize(envelope.sequenceNr(), envelope.timestamp(), envelope.event());
                            }),
                            target.system));
        }
        if (snapshot != null) {
            heldSnapshot = target.snapshot(id, snapshot)
                    .filter(s -> s.metadata().sequenceNr() == snapshot)
                    .isPresent();
        }
        if (heldEvents > 0 && (heldLastSeqNr > lastSeqNr || heldEvents != heldLastSeqNr - firstSeqNr + 1))
            matches = false;
    }

    /** The source's event at the target's last held sequence number: the copy resumes only if they are equal. */
    void checkHeldLast(JournalStore.Stored sourceEvent) {
        if (heldEvents > 0 && sourceEvent.sequenceNr() == heldLastSeqNr)
            matches &= java.util.Arrays.equals(sourceEvent.bytes(), heldLast.bytes());
    }

    /** Writes what the target lacks, fed the source's events in order, then the snapshot. */
    static final class Writer {
        private final JournalStore target;
        private final EntityCopy entity;
        private final Progress progress;
        private final List<JournalStore.Stored> pending = new ArrayList<>();
        private JournalStore.Stored snapshot;
        long written;

        Writer(JournalStore target, EntityCopy entity, Progress progress) {
            this.target = target;
            this.entity = entity;
            this.progress = progress;
        }

        void event(JournalStore.Stored event) {
            if (event.sequenceNr() <= entity.heldLastSeqNr) return;
            pending.add(event);
            if (pending.size() == WRITE_EVENTS) flush();
        }

        void snapshot(JournalStore.Stored stored) {
            if (!entity.heldSnapshot) snapshot = stored;
        }

        /** The entity's events are over: the rest is written, then the snapshot. */
        void finish() {
            flush();
            if (snapshot != null) target.saveSnapshot(entity.id, snapshot);
            snapshot = null;
        }

        private void flush() {
            target.write(entity.id, pending);
            written += pending.size();
            progress.advance(pending.size());
            pending.clear();
        }
    }
}
