package io.shardview.entity.metrics;

import com.typesafe.config.Config;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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
 * {@code upTo}, then stops: used once a snapshot at {@code upTo} is saved, so the journal holds
 * only what came after the one snapshot (and data that retention dropped leaves both at once).
 *
 * <p>Durability: the snapshot store has confirmed the snapshot before this actor starts, which
 * survives a killed process. The local snapshot store writes its file without fsync, though, so
 * when it is the store in use the file and its directory are forced to disk first: otherwise a
 * power cut could keep the (fsynced) deletion of the events and lose the snapshot holding them.
 *
 * <p>Why a classic actor: a typed EventSourcedBehavior deletes only on its own snapshot-every-N
 * schedule, with no effect to delete on demand. This actor shares the entity's persistence id but
 * never writes an event (it recovers nothing, and deleting is allowed beside the running writer:
 * the journal keeps the highest sequence number, so the entity's numbering goes on).
 */
final class JournalPruner extends AbstractPersistentActor {
    private static final String LOCAL_STORE = "org.apache.pekko.persistence.snapshot.local.LocalSnapshotStore";

    private final String persistenceId;
    private final long upTo;
    private int pending = 2;

    private JournalPruner(String persistenceId, long upTo) {
        this.persistenceId = persistenceId;
        this.upTo = upTo;
    }

    /** On the snapshots' pool (config/dispatchers.conf): forcing a snapshot file to disk blocks its thread. */
    static Props props(String persistenceId, long upTo) {
        return Props.create(JournalPruner.class, () -> new JournalPruner(persistenceId, upTo))
                .withDispatcher("shardview.dispatchers.snapshots");
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
        return receiveBuilder()
                .match(RecoveryCompleted.class, done -> {
                    try {
                        syncLocalSnapshot();
                    } catch (IOException e) {
                        getContext()
                                .getSystem()
                                .log()
                                .warning(
                                        "{}: could not force snapshot {} to disk, its events stay: {}",
                                        persistenceId,
                                        upTo,
                                        e);
                        getContext().stop(getSelf());
                        return;
                    }
                    deleteMessages(upTo);
                    deleteSnapshots(SnapshotSelectionCriteria.create(upTo - 1, Long.MAX_VALUE));
                })
                .build();
    }

    @Override
    public Receive createReceive() {
        return receiveBuilder()
                .match(DeleteMessagesSuccess.class, ok -> finished())
                .match(DeleteSnapshotsSuccess.class, ok -> finished())
                .match(DeleteMessagesFailure.class, failed -> {
                    getContext()
                            .getSystem()
                            .log()
                            .warning("{}: deleting events up to {} failed: {}", persistenceId, upTo, failed.cause());
                    finished();
                })
                .match(DeleteSnapshotsFailure.class, failed -> {
                    getContext()
                            .getSystem()
                            .log()
                            .warning(
                                    "{}: deleting snapshots before {} failed: {}", persistenceId, upTo, failed.cause());
                    finished();
                })
                .build();
    }

    /** Forces the local snapshot store's file of snapshot {@code upTo}, and its directory, to disk. */
    private void syncLocalSnapshot() throws IOException {
        Config config = getContext().getSystem().settings().config();
        String plugin = snapshotPluginId().isEmpty()
                ? config.getString("pekko.persistence.snapshot-store.plugin")
                : snapshotPluginId();
        if (!config.hasPath(plugin + ".class")
                || !config.getString(plugin + ".class").equals(LOCAL_STORE)) {
            return; // a database snapshot store commits durably
        }
        Path dir = Path.of(config.getString(plugin + ".dir"));
        String prefix = "snapshot-" + URLEncoder.encode(persistenceId, StandardCharsets.UTF_8) + "-" + upTo + "-";
        boolean found = false;
        try (DirectoryStream<Path> files =
                Files.newDirectoryStream(dir, f -> f.getFileName().toString().startsWith(prefix))) {
            for (Path file : files) {
                try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
                    channel.force(true);
                }
                found = true;
            }
        }
        if (!found) throw new IOException("no file " + prefix + "* in " + dir);
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true); // the rename that made the file visible
        }
    }

    private void finished() {
        if (--pending == 0) getContext().stop(getSelf());
    }
}
