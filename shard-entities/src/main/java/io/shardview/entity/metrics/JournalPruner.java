package io.shardview.entity.metrics;

import org.apache.pekko.actor.Props;
import org.apache.pekko.persistence.AbstractPersistentActor;
import org.apache.pekko.persistence.DeleteMessagesFailure;
import org.apache.pekko.persistence.DeleteMessagesSuccess;
import org.apache.pekko.persistence.DeleteSnapshotsFailure;
import org.apache.pekko.persistence.DeleteSnapshotsSuccess;
import org.apache.pekko.persistence.Recovery;
import org.apache.pekko.persistence.RecoveryCompleted;
import org.apache.pekko.persistence.SnapshotSelectionCriteria;

/**
 * Deletes an entity's events up to and including {@code upTo} and its snapshots older than
 * {@code upTo}, then stops: used once a snapshot at {@code upTo} without data that retention
 * dropped is saved, so the dropped data leaves the journal and the snapshot store at once.
 *
 * <p>Why a classic actor: a typed EventSourcedBehavior deletes only on its own snapshot-every-N
 * schedule, with no effect to delete on demand. This actor shares the entity's persistence id but
 * never writes an event (it recovers nothing, and deleting is allowed beside the running writer:
 * the journal keeps the highest sequence number, so the entity's numbering goes on).
 */
final class JournalPruner extends AbstractPersistentActor {
  private final String persistenceId;
  private final long upTo;
  private int pending = 2;

  private JournalPruner(String persistenceId, long upTo) {
    this.persistenceId = persistenceId;
    this.upTo = upTo;
  }

  static Props props(String persistenceId, long upTo) {
    return Props.create(JournalPruner.class, () -> new JournalPruner(persistenceId, upTo));
  }

  @Override
  public String persistenceId() {
    return persistenceId;
  }

  @Override
  public Recovery recovery() {
    return Recovery.none(); // reads only the highest sequence number
  }

  @Override
  public Receive createReceiveRecover() {
    return receiveBuilder().match(RecoveryCompleted.class, done -> {
      deleteMessages(upTo);
      deleteSnapshots(SnapshotSelectionCriteria.create(upTo - 1, Long.MAX_VALUE));
    }).build();
  }

  @Override
  public Receive createReceive() {
    return receiveBuilder()
        .match(DeleteMessagesSuccess.class, ok -> finished())
        .match(DeleteSnapshotsSuccess.class, ok -> finished())
        .match(DeleteMessagesFailure.class, failed -> {
          getContext().getSystem().log().warning("{}: deleting events up to {} failed: {}", persistenceId, upTo, failed.cause());
          finished();
        })
        .match(DeleteSnapshotsFailure.class, failed -> {
          getContext().getSystem().log().warning("{}: deleting snapshots before {} failed: {}", persistenceId, upTo, failed.cause());
          finished();
        })
        .build();
  }

  private void finished() {
    if (--pending == 0) getContext().stop(getSelf());
  }
}
