package io.shardview.persistence;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueFactory;
import io.shardview.entity.durability.AcknowledgedWhenWritten;
import io.shardview.entity.durability.JournalDurability;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.dispatch.ExecutionContexts;
import org.apache.pekko.persistence.AtomicWrite;
import org.apache.pekko.persistence.journal.Tagged;
import org.apache.pekko.persistence.journal.leveldb.LeveldbJournal;
import scala.collection.immutable.Seq;
import scala.concurrent.ExecutionContext;
import scala.concurrent.Future;
import scala.concurrent.Promise;
import scala.concurrent.Promise$;
import scala.runtime.BoxedUnit;
import scala.util.Try;

/**
 * Pekko's LevelDB journal with group commit: writes of many persistent actors share one fsync,
 * and each is acknowledged only after an fsync that covers it, but for events marked
 * {@link AcknowledgedWhenWritten} (a tenant's batches), acknowledged once written: their entity applies
 * its next group while this one is synced, and asks {@link JournalDurability} (this journal's rounds)
 * before it answers anyone. Plugged in as the
 * {@code class} of {@code pekko.persistence.journal.leveldb}, so the plugin id and the data
 * directory stay Pekko's. Pekko's LevelDB read journal (persistence-query) refuses any journal
 * class but its own; the node does not use it.
 *
 * <p>Pekko's store writes each batch synchronously on the journal actor, and with {@code fsync = on}
 * each write waited for its own fsync, one persistent actor after another. Here LevelDB writes
 * without sync (the config handed to Pekko says {@code fsync = off}), the journal actor goes on
 * with the next write at once, and the write's future completes only after a {@link GroupSync}
 * round that started after the write returned: one thread forces the LevelDB logs for every write
 * waiting when it starts, while new writes wait for the next round.
 *
 * <p>Why a round makes a write durable. A LevelDB write appends its batch to the current log file
 * and returns only once the bytes are in the kernel's page cache: the bundled LevelDB (leveldbjni
 * 1.8) appends through a shared mmap of the log, the pure-Java port through a mapped buffer or
 * {@code FileChannel.write}, neither buffers in the process. fsync and fdatasync act on the file,
 * not the descriptor, so forcing the log through our own descriptor writes every dirty page of it,
 * including pages written through LevelDB's mmap: Linux (since 2.6.19) marks a shared mapping's
 * page dirty in the page cache at its first write, and LevelDB's own sync, {@code msync(MS_SYNC)},
 * is fdatasync of a range of the file in the kernel. We use fdatasync too (force(false)); verified
 * with strace: with group commit LevelDB makes no msync, the sync thread one fdatasync per log per
 * round ({@code bench/journal-fsyncs}).
 * {@link LeveldbLogs} forces every log in the directory, not only the newest, since LevelDB closes
 * a full log without syncing it, and the directory when a log is new.
 *
 * <p>Everything else the store writes rides on the same rounds. Deletions of events (after a
 * snapshot) are acknowledged after a round too: a lost deletion would only bring back events
 * recovery skips, since every entity deletes only what a saved snapshot covers, but waiting keeps
 * the old meaning of an acknowledgement at the price of one round per snapshot. The persistence id
 * mapping LevelDB writes for a new entity (Pekko writes it without sync even with fsync on) comes
 * before that entity's first batch in the logs, so the round covering the batch covers it too.
 *
 * <p>Reads are not held back: LevelDB makes a write visible when it returns, so a replay or query
 * can see an event up to one round before it is durable (with Pekko's per-write fsync it could
 * not). Entities are not affected in practice: an entity applies an event only once its write is
 * acknowledged, so only an entity that restarted while its own write waited can replay the event
 * early, and that write was never acknowledged; its next write is acknowledged after a round that
 * covers the earlier event too.
 *
 * <p>{@code group-commit = off} (or {@code fsync = off}) leaves Pekko's journal exactly as it is.
 */
@SuppressWarnings("deprecation") // LeveldbJournal: LevelDB is deprecated in Pekko but is our embedded store
public class GroupCommitLeveldbJournal extends LeveldbJournal {
    /** Runs a callback on the thread that completes the future (here the journal actor's, after its write). */
    private static final ExecutionContext WHERE_COMPLETED = ExecutionContexts.fromExecutor(Runnable::run);

    private final boolean groupCommit;
    private final int writeBufferBytes;
    private LeveldbLogs logs;
    private GroupSync groupSync;
    private JournalSyncStats stats;

    /**
     * The round asked for after the journal's last write (null before the first): a round asked for no earlier covers
     * every write acknowledged so far.
     */
    private volatile CompletableFuture<Void> askedAfterLastWrite;

    /** Pekko passes the plugin's config section ({@code pekko.persistence.journal.leveldb}). */
    public GroupCommitLeveldbJournal(Config config) {
        super(config);
        this.groupCommit = groupCommits(config);
        this.writeBufferBytes = config.hasPath("write-buffer-size")
                ? (int) Math.min(Integer.MAX_VALUE, config.getBytes("write-buffer-size"))
                : 0;
    }

    /** Whether a journal of this config syncs writes in groups (both {@code fsync} and {@code group-commit} on). */
    static boolean groupCommits(Config config) {
        return config.getBoolean("fsync") && (!config.hasPath("group-commit") || config.getBoolean("group-commit"));
    }

    /** The config Pekko's store reads: with group commit its own per-write fsync is off. */
    @Override
    public Config prepareConfig() {
        Config config = super.prepareConfig();
        return groupCommits(config) ? config.withValue("fsync", ConfigValueFactory.fromAnyRef(false)) : config;
    }

    @Override
    public void preStart() {
        // Before Pekko's store opens the database with these options.
        if (writeBufferBytes > 0) leveldbOptions().writeBufferSize(writeBufferBytes);
        super.preStart();
        if (groupCommit) {
            logs = new LeveldbLogs(leveldbDir().toPath());
            stats = JournalSyncStats.get(context().system());
            groupSync = new GroupSync(
                    "shardview-journal-fsync-" + context().system().name(), () -> {
                        syncLogs();
                        stats.synced();
                    });
            durability().syncWith(new JournalDurability.Syncs(this::afterAcknowledgedWrites, groupSync::request));
        }
    }

    private JournalDurability durability() {
        return JournalDurability.get(Adapter.toTyped(context().system()));
    }

    @Override
    public void postStop() {
        if (groupSync != null) {
            // The writes already made get their last round, later requests fail; only then is the journal unregistered,
            // so that nothing is said durable that the last round may not cover.
            groupSync.close();
            durability().syncWith(null);
            try {
                logs.close();
            } catch (IOException e) {
                log().warning("closing the journal's log files failed: {}", e);
            }
        }
        super.postStop();
    }

    /**
     * Writes the events; acknowledged once a sync covers them, or at once (written, not yet durable) when they are all
     * {@link AcknowledgedWhenWritten}: their entity goes on with its next write while this one is synced, and waits
     * for {@link JournalDurability} before it answers anyone.
     */
    @Override
    public Future<Seq<Try<BoxedUnit>>> asyncWriteMessages(Seq<AtomicWrite> messages) {
        Future<Seq<Try<BoxedUnit>>> written = super.asyncWriteMessages(messages);
        if (groupSync == null || !acknowledgedWhenWritten(messages)) return afterSync(written);
        stats.wrote();
        // Its round is asked for here, before the acknowledgement goes back: when the sync thread is idle the round
        // starts now, not once the entity has taken the acknowledgement and asked (a hop between threads later).
        askedAfterLastWrite = groupSync.request();
        return written;
    }

    /**
     * For {@link JournalDurability}: a round asked for after every write acknowledged before this call. The one asked
     * for after the last write is: every write asks for a round before its acknowledgement goes back (this one at
     * once, any other once written, in {@link #afterSync}), each later one later still, and a round asked for after a
     * failed one fails. Before the first write, a round asked for now.
     */
    private CompletableFuture<Void> afterAcknowledgedWrites() {
        CompletableFuture<Void> asked = askedAfterLastWrite;
        return asked != null ? asked : groupSync.request();
    }

    private static boolean acknowledgedWhenWritten(Seq<AtomicWrite> messages) {
        var writes = messages.iterator();
        while (writes.hasNext()) {
            var events = writes.next().payload().iterator();
            while (events.hasNext()) {
                Object event = events.next().payload();
                if (event instanceof Tagged tagged) event = tagged.payload();
                if (!(event instanceof AcknowledgedWhenWritten)) return false;
            }
        }
        return true;
    }

    @Override
    public Future<BoxedUnit> asyncDeleteMessagesTo(String persistenceId, long toSequenceNr) {
        return afterSync(super.asyncDeleteMessagesTo(persistenceId, toSequenceNr));
    }

    /**
     * Asks the journal for the persistence ids that wrote at least one event, sorted; answered with a
     * {@code List<String>}. LevelDB maps an id to a number as soon as an entity of that id recovers, so the mapping
     * alone would also name entities that were only ever read.
     */
    public record ListWrittenIds() implements org.apache.pekko.actor.NoSerializationVerificationNeeded {}

    @Override
    public scala.PartialFunction<Object, BoxedUnit> receivePluginInternal() {
        scala.PartialFunction<Object, BoxedUnit> listing = new scala.runtime.AbstractPartialFunction<>() {
            @Override
            public boolean isDefinedAt(Object message) {
                return message instanceof ListWrittenIds;
            }

            @Override
            public BoxedUnit apply(Object message) {
                java.util.List<String> written = new java.util.ArrayList<>();
                scala.jdk.javaapi.CollectionConverters.asJava(allPersistenceIds())
                        .forEach(id -> {
                            if (readHighestSequenceNr(numericId(id)) > 0) written.add(id);
                        });
                java.util.Collections.sort(written);
                sender().tell(written, self());
                return BoxedUnit.UNIT;
            }
        };
        return listing.orElse(super.receivePluginInternal());
    }

    /** Makes the LevelDB logs durable; runs on the sync thread, once per round. */
    protected void syncLogs() throws IOException {
        logs.force();
    }

    /**
     * {@code written}'s outcome, once a round that started after it completed has finished. Completed where the round
     * ends, on the sync thread (Scala's converters to Java futures would hop through ForkJoinPool's common pool twice).
     */
    private <T> Future<T> afterSync(Future<T> written) {
        if (groupSync == null) return written;
        Promise<T> durable = Promise$.MODULE$.apply();
        written.onComplete(
                outcome -> {
                    if (outcome.isFailure()) { // nothing was written: nothing to wait for
                        durable.complete(outcome);
                        return null;
                    }
                    stats.wrote();
                    CompletableFuture<Void> round = groupSync.request();
                    askedAfterLastWrite = round;
                    round.whenComplete((ignored, syncError) -> {
                        if (syncError == null) durable.complete(outcome);
                        else durable.failure(syncError);
                    });
                    return null;
                },
                WHERE_COMPLETED);
        return durable.future();
    }
}
