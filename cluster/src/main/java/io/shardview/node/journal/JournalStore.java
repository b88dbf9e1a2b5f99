package io.shardview.node.journal;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.shardview.persistence.DataDirectoryLock;
import io.shardview.persistence.JournalSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.pattern.Patterns;
import org.apache.pekko.persistence.Persistence;
import org.apache.pekko.persistence.SelectedSnapshot;
import org.apache.pekko.persistence.SnapshotProtocol;
import org.apache.pekko.persistence.SnapshotSelectionCriteria;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.persistence.query.javadsl.CurrentEventsByPersistenceIdQuery;
import org.apache.pekko.persistence.query.javadsl.CurrentPersistenceIdsQuery;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.slf4j.LoggerFactory;

/**
 * A node's journal and snapshots opened by the journal tools, through the node's own plugins and serializers: a
 * stopped node's LevelDB data directory (locked while the tool reads it, so no node starts on it meanwhile; a
 * directory a running node holds is refused) or a cluster's PostgreSQL journal, which nodes may be writing.
 */
final class JournalStore implements AutoCloseable {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final String LEVELDB_READ_JOURNAL = "pekko.persistence.query.journal.leveldb";

    final ActorSystem<Void> system;
    final Config config;
    private final DataDirectoryLock lock;
    private final String readJournal;
    private final String snapshotPlugin;
    private final String journalPlugin;
    private final java.util.concurrent.atomic.AtomicLong writes = new java.util.concurrent.atomic.AtomicLong();
    private final String where;
    private final long leveldbPage; // sequence numbers read from LevelDB at a time: the read journal's buffer

    /** The journal could not be opened: a message for the operator. */
    static final class Unavailable extends RuntimeException {
        Unavailable(String message) {
            super(message);
        }
    }

    private JournalStore(
            ActorSystem<Void> system,
            Config config,
            DataDirectoryLock lock,
            String readJournal,
            String snapshotPlugin,
            String journalPlugin,
            String where) {
        this.system = system;
        this.config = config;
        this.lock = lock;
        this.readJournal = readJournal;
        this.snapshotPlugin = snapshotPlugin;
        this.journalPlugin = journalPlugin;
        this.where = where;
        this.leveldbPage = Math.max(1, system.settings().config().getInt(LEVELDB_READ_JOURNAL + ".max-buffer-size"));
    }

    /** Opens the journal the node's configuration names; {@code create}: a missing LevelDB journal is created. */
    static JournalStore open(Config nodeConfig, boolean create) {
        JournalSettings journal = new JournalSettings(nodeConfig);
        Map<String, Object> local = new java.util.HashMap<>(Map.of(
                "pekko.actor.provider", "local",
                "pekko.extensions", List.of(),
                "pekko.loglevel", "WARNING",
                "pekko.coordinated-shutdown.run-by-jvm-shutdown-hook", "off"));
        DataDirectoryLock lock = null;
        String where;
        if (journal.isShared()) {
            where = journal.url();
            try {
                journal.requireSchema();
            } catch (RuntimeException e) {
                throw new Unavailable("cannot read the journal in " + where + ": " + e.getMessage());
            }
        } else {
            Path dataDir = Path.of(nodeConfig.getString("shardview.data-dir"));
            Path leveldb = Path.of(nodeConfig.getString("pekko.persistence.journal.leveldb.dir"));
            if (create) {
                try {
                    Files.createDirectories(leveldb);
                } catch (java.io.IOException e) {
                    throw new Unavailable("cannot create " + leveldb + ": " + e.getMessage());
                }
            }
            if (!Files.isDirectory(leveldb)) throw new Unavailable("no LevelDB journal in " + leveldb);
            try {
                lock = DataDirectoryLock.acquire(dataDir, "journal tool");
            } catch (DataDirectoryLock.DataDirectoryInUseException e) {
                String pid = e.pid().isEmpty() ? "" : " (pid " + e.pid() + ")";
                throw new Unavailable(
                        e.holder().equals(DataDirectoryLock.NODE)
                                ? "the data directory " + dataDir + " is in use by a running node" + pid
                                        + " (its LevelDB journal is locked): stop the node first, or point the tool at"
                                        + " a copy"
                                : "the data directory " + dataDir + " is in use by another " + e.holder() + pid
                                        + ": wait until it is done, or point the tool at a copy");
            }
            where = leveldb.toString();
            // Pekko's own LevelDB journal: the read journal works only with it, and the tool needs no group commit.
            local.put(
                    "pekko.persistence.journal.leveldb.class",
                    "org.apache.pekko.persistence.journal.leveldb.LeveldbJournal");
            local.put("pekko.persistence.journal.leveldb.fsync", "on"); // what import writes is acknowledged durable
        }
        Config config = ConfigFactory.parseMap(local).withFallback(nodeConfig);
        LoggerFactory.getILoggerFactory(); // initialise logging before Pekko logs from its threads
        // A snapshot the store cannot decode is the tools' finding, reported in one line; Pekko's store would also log
        // it with a stack trace.
        if (LoggerFactory.getLogger("org.apache.pekko.persistence.snapshot.local.LocalSnapshotStore")
                instanceof ch.qos.logback.classic.Logger logger) {
            logger.setLevel(ch.qos.logback.classic.Level.OFF);
        }
        ActorSystem<Void> system;
        try {
            system = ActorSystem.create(Behaviors.empty(), "shardview-journal", config);
        } catch (RuntimeException e) {
            if (lock != null) lock.close();
            throw new Unavailable("cannot open the journal in " + where + ": " + e.getMessage());
        }
        return new JournalStore(
                system,
                config,
                lock,
                journal.isShared() ? "jdbc-read-journal" : LEVELDB_READ_JOURNAL,
                config.getString("pekko.persistence.snapshot-store.plugin"),
                config.getString("pekko.persistence.journal.plugin"),
                where);
    }

    /**
     * An actor system of the node's serializers and nothing else (no journal plugin is started, no data directory
     * locked): for tools that read and write stored events below the plugins ({@link StoredEvents}).
     */
    static ActorSystem<Void> serializationOnly(Config nodeConfig) {
        Config config = ConfigFactory.parseMap(Map.of(
                        "pekko.actor.provider", "local",
                        "pekko.extensions", List.of(),
                        "pekko.loglevel", "WARNING",
                        "pekko.coordinated-shutdown.run-by-jvm-shutdown-hook", "off"))
                .withFallback(nodeConfig);
        LoggerFactory.getILoggerFactory(); // initialise logging before Pekko logs from its threads
        return ActorSystem.create(Behaviors.empty(), "shardview-journal", config);
    }

    /** Where the journal is: the LevelDB directory or the database URL. */
    String where() {
        return where;
    }

    /**
     * Every persistence id that wrote at least one event to the journal, sorted; on LevelDB without the ids it mapped
     * for a read alone (LevelDB maps an id as soon as anything reads it).
     */
    List<String> persistenceIds() {
        List<String> ids = mappedIds();
        return readJournal.equals(LEVELDB_READ_JOURNAL)
                ? ids.stream().filter(id -> highestSequenceNr(id) > 0).toList()
                : ids;
    }

    /**
     * Whether the journal holds events of the persistence id, asked without reading them: a read of an id LevelDB
     * does not know maps it, and a read-only tool must not change the journal.
     */
    boolean holds(String persistenceId) {
        return mappedIds().contains(persistenceId)
                && (!readJournal.equals(LEVELDB_READ_JOURNAL) || highestSequenceNr(persistenceId) > 0);
    }

    /** The persistence ids the read journal knows, sorted (on LevelDB also those mapped without an event). */
    private List<String> mappedIds() {
        CurrentPersistenceIdsQuery query = PersistenceQuery.get(Adapter.toClassic(system))
                .getReadJournalFor(CurrentPersistenceIdsQuery.class, readJournal);
        return await(query.currentPersistenceIds().runWith(Sink.seq(), system)).stream()
                .sorted()
                .toList();
    }

    /**
     * The events of a persistence id with sequence numbers from..to, decoded by the node's serializers.
     *
     * <p>From LevelDB they are read a page of sequence numbers at a time, each page as long as the read journal's
     * buffer ({@code max-buffer-size}): Pekko's LevelDB query, asked for more, replays a buffer's worth and then asks
     * for the rest only while the next number is below the last one, so with one event more than a multiple of the
     * buffer the last event was never asked for and the stream never ended (the tools hung on tenants of 101, 201,
     * ... events). A page no longer than the buffer is read by one replay, which ends the stream.
     */
    Source<EventEnvelope, NotUsed> events(String persistenceId, long from, long to) {
        CurrentEventsByPersistenceIdQuery query = PersistenceQuery.get(Adapter.toClassic(system))
                .getReadJournalFor(CurrentEventsByPersistenceIdQuery.class, readJournal);
        if (!readJournal.equals(LEVELDB_READ_JOURNAL))
            return query.currentEventsByPersistenceId(persistenceId, from, to);
        long first = Math.max(1, from);
        long last = Math.min(to, highestSequenceNr(persistenceId));
        long page = leveldbPage;
        return Source.unfold(
                        first, start -> start > last ? Optional.empty() : Optional.of(Pair.create(start + page, start)))
                .flatMapConcat(start ->
                        query.currentEventsByPersistenceId(persistenceId, start, Math.min(last, start + page - 1)));
    }

    /** The highest sequence number the journal holds of a persistence id (0: none), as recovery reads it. */
    long highestSequenceNr(String persistenceId) {
        var journal = Persistence.get(Adapter.toClassic(system)).journalFor(journalPlugin, ConfigFactory.empty());
        Object answer = await(Patterns.askWithReplyTo(
                journal,
                replyTo -> new org.apache.pekko.persistence.JournalProtocol.ReplayMessages(
                        0, 0, 0, persistenceId, replyTo),
                TIMEOUT));
        if (answer instanceof org.apache.pekko.persistence.JournalProtocol.RecoverySuccess success) {
            return success.highestSequenceNr();
        }
        throw new IllegalStateException(
                "reading the highest sequence number of " + persistenceId + " failed: " + answer);
    }

    /** The latest snapshot of a persistence id at or before {@code maxSequenceNr}, if any. */
    Optional<SelectedSnapshot> snapshot(String persistenceId, long maxSequenceNr) {
        var store = Persistence.get(Adapter.toClassic(system)).snapshotStoreFor(snapshotPlugin, ConfigFactory.empty());
        Object answer = await(Patterns.ask(
                store,
                new SnapshotProtocol.LoadSnapshot(
                        persistenceId, SnapshotSelectionCriteria.create(maxSequenceNr, Long.MAX_VALUE), maxSequenceNr),
                TIMEOUT));
        if (answer instanceof SnapshotProtocol.LoadSnapshotResult result) {
            return Optional.ofNullable(result.snapshot().getOrElse(() -> null));
        }
        Throwable cause = answer instanceof SnapshotProtocol.LoadSnapshotFailed failed ? failed.cause() : null;
        String file = latestSnapshotFile(persistenceId, maxSequenceNr);
        throw new IllegalStateException(
                "loading the snapshot of " + persistenceId + (file == null ? "" : " from " + file) + " failed: "
                        + (cause == null ? answer : cause),
                cause);
    }

    /**
     * The newest snapshot file of a persistence id at or before {@code maxSequenceNr} in the local snapshot store's
     * directory (named snapshot-ID-SEQUENCENR-TIMESTAMP, the id URL-encoded), or null: another store, or none found.
     */
    private String latestSnapshotFile(String persistenceId, long maxSequenceNr) {
        String dirKey = "pekko.persistence.snapshot-store.local.dir";
        if (!snapshotPlugin.equals("pekko.persistence.snapshot-store.local") || !config.hasPath(dirKey)) return null;
        Path latest = null;
        long latestSequenceNr = -1;
        try (var files = Files.list(Path.of(config.getString(dirKey)))) {
            for (Path file : (Iterable<Path>) files::iterator) {
                long sequenceNr =
                        JournalTail.snapshotSequenceNr(file.getFileName().toString(), persistenceId);
                if (sequenceNr >= 0 && sequenceNr <= maxSequenceNr && sequenceNr > latestSequenceNr) {
                    latest = file;
                    latestSequenceNr = sequenceNr;
                }
            }
        } catch (java.io.IOException e) {
            return null;
        }
        return latest == null ? null : latest.toString();
    }

    /** Bytes of an object as the node's serializer writes it (an event's or snapshot's size in the journal). */
    int serializedSize(Object value) {
        return SerializationExtension.get(Adapter.toClassic(system))
                .serialize(value)
                .get()
                .length;
    }

    /** An event or snapshot in the node's serialized form: what the journal stores, portable between journals. */
    record Stored(long sequenceNr, long timestamp, int serializer, String manifest, byte[] bytes) {}

    /** The node's serialized form of an event or snapshot. */
    Stored serialize(long sequenceNr, long timestamp, Object value) {
        var serialization = SerializationExtension.get(Adapter.toClassic(system));
        var serializer = serialization.findSerializerFor(value);
        return new Stored(
                sequenceNr,
                timestamp,
                serializer.identifier(),
                org.apache.pekko.serialization.Serializers.manifestFor(serializer, value),
                serialization.serialize(value).get());
    }

    /** The object a serialized form stands for, read by the node's serializers. */
    Object deserialize(Stored stored) {
        return SerializationExtension.get(Adapter.toClassic(system))
                .deserialize(stored.bytes(), stored.serializer(), stored.manifest())
                .get();
    }

    /**
     * Writes events of one persistence id at their own sequence numbers, in one atomic write, and waits until the
     * journal confirms it (durable: LevelDB is opened with fsync for writing).
     */
    void write(String persistenceId, java.util.List<Stored> events) {
        if (events.isEmpty()) return;
        java.util.List<org.apache.pekko.persistence.PersistentRepr> reprs = new java.util.ArrayList<>();
        for (Stored event : events) {
            reprs.add(org.apache.pekko.persistence.PersistentRepr.apply(
                            deserialize(event), event.sequenceNr(), persistenceId, "", false, null, "journal-import")
                    .withTimestamp(event.timestamp()));
        }
        var write = new org.apache.pekko.persistence.AtomicWrite(
                scala.jdk.javaapi.CollectionConverters.asScala(reprs).toList());
        java.util.concurrent.CompletableFuture<Void> done = new java.util.concurrent.CompletableFuture<>();
        var classic = Adapter.toClassic(system);
        var journal = Persistence.get(classic).journalFor(journalPlugin, ConfigFactory.empty());
        ((org.apache.pekko.actor.ExtendedActorSystem) classic)
                .systemActorOf(
                        org.apache.pekko.actor.Props.create(
                                JournalWrite.class, () -> new JournalWrite(journal, write, reprs.size(), done)),
                        "journal-write-" + writes.incrementAndGet());
        await(done);
    }

    /** Sends one atomic write to the journal and completes when every event of it is confirmed, or fails. */
    static final class JournalWrite extends org.apache.pekko.actor.AbstractActor {
        private final java.util.concurrent.CompletableFuture<Void> done;
        private int confirmed;
        private final int events;

        JournalWrite(
                org.apache.pekko.actor.ActorRef journal,
                org.apache.pekko.persistence.AtomicWrite write,
                int events,
                java.util.concurrent.CompletableFuture<Void> done) {
            this.done = done;
            this.events = events;
            journal.tell(
                    new org.apache.pekko.persistence.JournalProtocol.WriteMessages(
                            scala.jdk.javaapi.CollectionConverters.asScala(
                                            java.util.List.<org.apache.pekko.persistence.PersistentEnvelope>of(write))
                                    .toList(),
                            self(),
                            1),
                    self());
        }

        @Override
        public Receive createReceive() {
            return receiveBuilder()
                    .match(org.apache.pekko.persistence.JournalProtocol.WriteMessageSuccess.class, ok -> {
                        if (++confirmed == events) finish(null);
                    })
                    .match(
                            org.apache.pekko.persistence.JournalProtocol.WriteMessageRejected.class,
                            r -> finish(r.cause()))
                    .match(
                            org.apache.pekko.persistence.JournalProtocol.WriteMessageFailure.class,
                            f -> finish(f.cause()))
                    .match(
                            org.apache.pekko.persistence.JournalProtocol.WriteMessagesFailed.class,
                            f -> finish(f.cause()))
                    .matchAny(other -> {})
                    .build();
        }

        private void finish(Throwable failure) {
            if (failure == null) done.complete(null);
            else done.completeExceptionally(failure);
            getContext().stop(self());
        }
    }

    /** Saves a snapshot at its own sequence number and time, and waits until the store confirms it. */
    void saveSnapshot(String persistenceId, Stored snapshot) {
        var store = Persistence.get(Adapter.toClassic(system)).snapshotStoreFor(snapshotPlugin, ConfigFactory.empty());
        Object answer = await(Patterns.ask(
                store,
                new SnapshotProtocol.SaveSnapshot(
                        new org.apache.pekko.persistence.SnapshotMetadata(
                                persistenceId, snapshot.sequenceNr(), snapshot.timestamp()),
                        deserialize(snapshot)),
                TIMEOUT));
        if (!(answer instanceof org.apache.pekko.persistence.SaveSnapshotSuccess)) {
            Throwable cause = answer instanceof org.apache.pekko.persistence.SaveSnapshotFailure f ? f.cause() : null;
            throw new IllegalStateException("saving the snapshot of " + persistenceId + " failed: " + answer, cause);
        }
    }

    static <T> T await(CompletionStage<T> stage) {
        try {
            return stage.toCompletableFuture().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        system.terminate();
        try {
            system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception ignored) {
            // exiting anyway
        }
        if (lock != null) lock.close();
    }
}
