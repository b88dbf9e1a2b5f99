package io.shardview.node.journal;

import com.typesafe.config.Config;
import io.shardview.persistence.DataDirectoryLock;
import io.shardview.persistence.JournalSettings;
import java.io.File;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.fusesource.leveldbjni.JniDBFactory;
import org.iq80.leveldb.DB;
import org.iq80.leveldb.DBIterator;
import org.iq80.leveldb.Options;
import org.iq80.leveldb.WriteBatch;

/**
 * The events of a persistence id after a sequence number, and the snapshots after it, as stored: found and deleted
 * below the journal plugins, which cannot delete a tail and cannot read past a damaged event. PostgreSQL: rows of
 * pekko-persistence-jdbc's {@code event_journal} and {@code snapshot}. LevelDB: Pekko's keys (a persistence id's
 * number from its mapping key, events at {@code (number, sequenceNr, 0)}, its highest sequence number at
 * {@code (number, 0, 0)}) and the local snapshot store's files ({@code snapshot-<id>-<sequenceNr>-<time>}).
 */
final class JournalTail {
    /** What follows the id in a snapshot file's name: its sequence number and timestamp. */
    private static final Pattern SNAPSHOT_NAME_REST = Pattern.compile("(\\d{1,18})-\\d{1,19}");

    private JournalTail() {}

    /** The tail found: events after the sequence number (count and last) and the snapshots after it. */
    record Found(long events, long lastSequenceNr, List<Long> snapshots) {}

    /** Finds, and with {@code delete} deletes, the events and snapshots of {@code id} after {@code after}. */
    static Found tail(Config config, String id, long after, boolean delete) throws IOException, SQLException {
        JournalSettings journal = new JournalSettings(config);
        return journal.isShared() ? jdbc(config, id, after, delete) : leveldb(config, id, after, delete);
    }

    private static Found jdbc(Config config, String id, long after, boolean delete) throws SQLException {
        try (Connection db = JournalSettings.connect(config.getConfig("shardview.journal"), 10)) {
            db.setAutoCommit(false);
            long events;
            long last;
            try (PreparedStatement count = db.prepareStatement("SELECT count(*), coalesce(max(sequence_number), 0) "
                    + "FROM event_journal WHERE persistence_id = ? AND sequence_number > ?")) {
                count.setString(1, id);
                count.setLong(2, after);
                try (ResultSet row = count.executeQuery()) {
                    row.next();
                    events = row.getLong(1);
                    last = row.getLong(2);
                }
            }
            List<Long> snapshots = new ArrayList<>();
            try (PreparedStatement list = db.prepareStatement(
                    "SELECT sequence_number FROM snapshot WHERE persistence_id = ? AND sequence_number > ? ORDER BY 1")) {
                list.setString(1, id);
                list.setLong(2, after);
                try (ResultSet rows = list.executeQuery()) {
                    while (rows.next()) snapshots.add(rows.getLong(1));
                }
            }
            if (delete) JournalSettings.deleteAfter(db, id, after);
            db.commit();
            return new Found(events, last, snapshots);
        }
    }

    private static Found leveldb(Config config, String id, long after, boolean delete) throws IOException {
        Path dataDir = Path.of(config.getString("shardview.data-dir"));
        File journalDir = new File(config.getString("pekko.persistence.journal.leveldb.dir"));
        if (!journalDir.isDirectory()) throw new JournalStore.Unavailable("no LevelDB journal in " + journalDir);
        try (DataDirectoryLock lock = DataDirectoryLock.acquire(dataDir);
                DB db = JniDBFactory.factory.open(journalDir, new Options().createIfMissing(false))) {
            int number = numberOf(db, id);
            long events = 0;
            long last = 0;
            List<byte[]> keys = new ArrayList<>();
            if (number > 0) {
                try (DBIterator it = db.iterator()) {
                    for (it.seek(key(number, after + 1, 0)); it.hasNext(); it.next()) {
                        ByteBuffer key = ByteBuffer.wrap(it.peekNext().getKey());
                        if (key.remaining() != 20 || key.getInt() != number) break;
                        long sequenceNr = key.getLong();
                        int kind = key.getInt();
                        keys.add(it.peekNext().getKey());
                        if (kind == 0) {
                            events++;
                            last = sequenceNr;
                        }
                    }
                }
            }
            List<Path> files = snapshotFiles(config, id, after);
            List<Long> snapshots = files.stream()
                    .map(file -> snapshotSequenceNr(file.getFileName().toString(), id))
                    .sorted()
                    .toList();
            if (delete) {
                try (WriteBatch batch = db.createWriteBatch()) {
                    keys.forEach(batch::delete);
                    // The highest sequence number, which the next write continues from.
                    if (events > 0)
                        batch.put(
                                key(number, 0, 0),
                                ByteBuffer.allocate(8).putLong(after).array());
                    db.write(batch, new org.iq80.leveldb.WriteOptions().sync(true));
                }
                for (Path file : files) Files.delete(file);
            }
            return new Found(events, last, snapshots);
        } catch (DataDirectoryLock.DataDirectoryInUseException e) {
            throw new JournalStore.Unavailable(
                    "the data directory " + dataDir + " is in use by a running node: stop " + "it first");
        }
    }

    /** The number Pekko's LevelDB journal gave the persistence id (mapping keys are (1, 0, number)), or 0. */
    static int numberOf(DB db, String id) {
        try (DBIterator it = db.iterator()) {
            for (it.seek(key(1, 0, 10)); it.hasNext(); it.next()) {
                ByteBuffer key = ByteBuffer.wrap(it.peekNext().getKey());
                if (key.remaining() != 20 || key.getInt() != 1) return 0;
                key.getLong();
                int number = key.getInt();
                if (id.equals(new String(it.peekNext().getValue(), StandardCharsets.UTF_8))) return number;
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return 0;
    }

    static byte[] key(int number, long sequenceNr, int kind) {
        return ByteBuffer.allocate(20)
                .putInt(number)
                .putLong(sequenceNr)
                .putInt(kind)
                .array();
    }

    /** The local snapshot store's files of the id after the sequence number. */
    static List<Path> snapshotFiles(Config config, String id, long after) throws IOException {
        Path dir = Path.of(config.getString("pekko.persistence.snapshot-store.local.dir"));
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> snapshotSequenceNr(f.getFileName().toString(), id) > after)
                    .toList();
        }
    }

    /**
     * The sequence number in the name of a local snapshot store file of {@code id} (snapshot-ID-SEQUENCENR-TIMESTAMP,
     * the id URL-encoded), or -1 when the file is not one of its snapshots: the name's prefix alone is not enough, since
     * it is also the prefix of every id that continues this one with a dash ({@code tenant|acme-eu}, {@code
     * tenant|acme-2} for {@code tenant|acme}).
     */
    static long snapshotSequenceNr(String fileName, String id) {
        String prefix = "snapshot-" + URLEncoder.encode(id, StandardCharsets.UTF_8) + "-";
        if (!fileName.startsWith(prefix)) return -1;
        Matcher rest = SNAPSHOT_NAME_REST.matcher(fileName).region(prefix.length(), fileName.length());
        return rest.matches() ? Long.parseLong(rest.group(1)) : -1;
    }
}
