package io.shardview.node.journal;

import com.typesafe.config.Config;
import io.shardview.persistence.DataDirectoryLock;
import io.shardview.persistence.JournalSettings;
import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.fusesource.leveldbjni.JniDBFactory;
import org.iq80.leveldb.DB;
import org.iq80.leveldb.DBIterator;
import org.iq80.leveldb.Options;
import org.iq80.leveldb.WriteOptions;

/**
 * Single events of a persistence id as the journal stores them, read and replaced in place below the journal
 * plugins, which can neither read past an event they cannot decode nor write at a sequence number already taken; and
 * the snapshots from a sequence number on. PostgreSQL: a row of pekko-persistence-jdbc's {@code event_journal} (its
 * payload with its serializer and manifest beside it) and of {@code snapshot}. LevelDB: the value Pekko's journal keeps
 * under the event's key (the whole serialized {@code PersistentRepr}) and the local snapshot store's files; the data
 * directory stays locked while this is open, so no node starts on it meanwhile.
 */
final class StoredEvents implements AutoCloseable {
    /**
     * An event as stored: {@code bytes} alone on LevelDB (a serialized {@code PersistentRepr}), or the payload with
     * its {@code serializer} and {@code manifest} on PostgreSQL.
     */
    record Stored(long sequenceNr, byte[] bytes, Integer serializer, String manifest) {}

    private final Config config;
    private final String id;
    private final Connection jdbc;
    private final DataDirectoryLock lock;
    private final DB leveldb;
    private final int number; // the persistence id's number in LevelDB, 0 when it has none

    private StoredEvents(Config config, String id, Connection jdbc, DataDirectoryLock lock, DB leveldb, int number) {
        this.config = config;
        this.id = id;
        this.jdbc = jdbc;
        this.lock = lock;
        this.leveldb = leveldb;
        this.number = number;
    }

    /** Opens the journal the configuration names for the events of {@code id}. */
    static StoredEvents open(Config config, String id) throws IOException, SQLException {
        JournalSettings journal = new JournalSettings(config);
        if (journal.isShared()) {
            Connection db = JournalSettings.connect(config.getConfig("shardview.journal"), 10);
            return new StoredEvents(config, id, db, null, null, 0);
        }
        Path dataDir = Path.of(config.getString("shardview.data-dir"));
        File journalDir = new File(config.getString("pekko.persistence.journal.leveldb.dir"));
        if (!journalDir.isDirectory()) throw new JournalStore.Unavailable("no LevelDB journal in " + journalDir);
        DataDirectoryLock lock;
        try {
            lock = DataDirectoryLock.acquire(dataDir, "journal tool");
        } catch (DataDirectoryLock.DataDirectoryInUseException e) {
            throw new JournalStore.Unavailable("the data directory " + dataDir + " is in use by "
                    + (e.holder().equals(DataDirectoryLock.NODE) ? "a running node" : "another " + e.holder())
                    + (e.pid().isEmpty() ? "" : " (pid " + e.pid() + ")") + ": stop it first");
        }
        try {
            DB db = JniDBFactory.factory.open(journalDir, new Options().createIfMissing(false));
            return new StoredEvents(config, id, null, lock, db, JournalTail.numberOf(db, id));
        } catch (IOException | RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    /** Whether the journal keeps payloads apart from their serializer and manifest (PostgreSQL). */
    boolean payloadsApart() {
        return jdbc != null;
    }

    /** The event at {@code sequenceNr} as stored, or empty when there is none. */
    Optional<Stored> read(long sequenceNr) throws SQLException {
        if (jdbc == null) {
            if (number == 0) return Optional.empty();
            byte[] value = leveldb.get(JournalTail.key(number, sequenceNr, 0));
            return Optional.ofNullable(value).map(bytes -> new Stored(sequenceNr, bytes, null, null));
        }
        try (PreparedStatement select = jdbc.prepareStatement("SELECT event_payload, event_ser_id, event_ser_manifest"
                + " FROM event_journal WHERE persistence_id = ? AND sequence_number = ? AND NOT deleted")) {
            select.setString(1, id);
            select.setLong(2, sequenceNr);
            try (ResultSet row = select.executeQuery()) {
                if (!row.next()) return Optional.empty();
                return Optional.of(new Stored(sequenceNr, row.getBytes(1), row.getInt(2), row.getString(3)));
            }
        }
    }

    /** Replaces the event stored at the replacement's sequence number, durably; there must be one. */
    void replace(Stored replacement) throws SQLException {
        if (jdbc == null) {
            leveldb.put(
                    JournalTail.key(number, replacement.sequenceNr(), 0),
                    replacement.bytes(),
                    new WriteOptions().sync(true));
            return;
        }
        try (PreparedStatement update = jdbc.prepareStatement("UPDATE event_journal SET event_payload = ?,"
                + " event_ser_id = ?, event_ser_manifest = ?, adapter_manifest = '' WHERE persistence_id = ? AND"
                + " sequence_number = ?")) {
            update.setBytes(1, replacement.bytes());
            update.setInt(2, replacement.serializer());
            update.setString(3, replacement.manifest());
            update.setString(4, id);
            update.setLong(5, replacement.sequenceNr());
            if (update.executeUpdate() != 1)
                throw new SQLException("no event " + replacement.sequenceNr() + " of " + id + " to replace");
        }
    }

    /** The first and last of the events stored (0 and 0 when there are none). */
    record Range(long first, long last) {}

    /** The sequence numbers of the first and last events the journal still holds. */
    Range range() throws SQLException {
        if (jdbc == null) {
            long first = 0;
            long last = 0;
            if (number == 0) return new Range(0, 0);
            try (DBIterator it = leveldb.iterator()) {
                for (it.seek(JournalTail.key(number, 1, 0)); it.hasNext(); it.next()) {
                    ByteBuffer key = ByteBuffer.wrap(it.peekNext().getKey());
                    if (key.remaining() != 20 || key.getInt() != number) break;
                    long sequenceNr = key.getLong();
                    if (key.getInt() != 0) continue;
                    if (first == 0) first = sequenceNr;
                    last = sequenceNr;
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return new Range(first, last);
        }
        try (PreparedStatement select = jdbc.prepareStatement("SELECT coalesce(min(sequence_number), 0),"
                + " coalesce(max(sequence_number), 0) FROM event_journal WHERE persistence_id = ? AND NOT deleted")) {
            select.setString(1, id);
            try (ResultSet row = select.executeQuery()) {
                row.next();
                return new Range(row.getLong(1), row.getLong(2));
            }
        }
    }

    /** The sequence number of the newest snapshot before {@code before}, or 0 when there is none. */
    long snapshotBefore(long before) throws IOException, SQLException {
        if (jdbc == null) {
            return JournalTail.snapshotFiles(config, id, 0).stream()
                    .mapToLong(file ->
                            JournalTail.snapshotSequenceNr(file.getFileName().toString(), id))
                    .filter(sequenceNr -> sequenceNr < before)
                    .max()
                    .orElse(0);
        }
        try (PreparedStatement select = jdbc.prepareStatement("SELECT coalesce(max(sequence_number), 0) FROM snapshot"
                + " WHERE persistence_id = ? AND sequence_number < ?")) {
            select.setString(1, id);
            select.setLong(2, before);
            try (ResultSet row = select.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        }
    }

    /** The sequence numbers of the snapshots at or after {@code from}; with {@code delete} they are deleted. */
    List<Long> snapshotsFrom(long from, boolean delete) throws IOException, SQLException {
        List<Long> found = new ArrayList<>();
        if (jdbc == null) {
            List<Path> files = JournalTail.snapshotFiles(config, id, from - 1);
            for (Path file : files)
                found.add(JournalTail.snapshotSequenceNr(file.getFileName().toString(), id));
            if (delete) for (Path file : files) Files.delete(file);
        } else {
            try (PreparedStatement list = jdbc.prepareStatement("SELECT sequence_number FROM snapshot WHERE"
                    + " persistence_id = ? AND sequence_number >= ? ORDER BY 1")) {
                list.setString(1, id);
                list.setLong(2, from);
                try (ResultSet rows = list.executeQuery()) {
                    while (rows.next()) found.add(rows.getLong(1));
                }
            }
            if (delete) {
                try (PreparedStatement drop = jdbc.prepareStatement(
                        "DELETE FROM snapshot WHERE persistence_id = ? AND sequence_number >= ?")) {
                    drop.setString(1, id);
                    drop.setLong(2, from);
                    drop.executeUpdate();
                }
            }
        }
        return found.stream().sorted().toList();
    }

    @Override
    public void close() throws IOException, SQLException {
        if (jdbc != null) jdbc.close();
        if (leveldb != null) leveldb.close();
        if (lock != null) lock.close();
    }
}
