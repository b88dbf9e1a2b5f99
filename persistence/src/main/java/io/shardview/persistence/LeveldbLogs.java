package io.shardview.persistence;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.HashMap;
import java.util.Map;

/**
 * The write-ahead logs ({@code NNNNNN.log}) of a LevelDB directory, forced to disk: every byte
 * LevelDB wrote to any of them before {@link #force} started is durable when it returns.
 *
 * <p>Every log is forced, not only the newest: LevelDB switches to a new log when its memtable
 * fills (and on every compactRange, which the journal runs after deletions) and closes the old
 * one without syncing it, so recent writes can sit in the previous log until LevelDB has written
 * that memtable to a table file. A log that vanishes before it is opened was deleted by LevelDB,
 * which does so only after that table file and the manifest naming the newer log were synced.
 *
 * <p>The directory is forced too whenever a log appears that an earlier call did not see, so a
 * new log's directory entry is as durable as its contents (LevelDB itself never syncs the
 * directory). Where a directory cannot be opened (Windows) that step is skipped.
 */
final class LeveldbLogs implements AutoCloseable {
    private final Path directory;
    /**
     * The logs seen by the last call, each with a channel kept open from one call to the next (opening and closing
     * them each round cost as much CPU as a third of the fdatasync calls); the directory entry of each is durable.
     */
    private Map<Path, FileChannel> known = new HashMap<>();

    /**
     * How long after the directory last changed it is listed again at every call: a file system may stamp changes with
     * a coarse clock (a jiffy), so a log created just after a listing can leave the directory's time as it was; once
     * the time is older than this at a listing, any later change shows as a later time.
     */
    private static final long SETTLE_MILLIS = 1000;

    /** The directory's modification time at the last listing, and when that listing was made. */
    private FileTime listedModified;

    private long listedAtMillis;

    /** Listings made so far (for tests). */
    long listings;

    LeveldbLogs(Path directory) {
        this.directory = directory;
    }

    /**
     * Forces every log file, and the directory when a log is new. Called from one thread at a time. The directory is
     * listed only when it may have changed since the last listing (its modification time, one stat a call): listing
     * it every time cost more CPU than the sync at thousands of calls a second.
     */
    void force() throws IOException {
        FileTime modified = Files.getLastModifiedTime(directory);
        long now = System.currentTimeMillis();
        if (modified.equals(listedModified) && modified.toMillis() < listedAtMillis - SETTLE_MILLIS) {
            for (FileChannel channel : known.values()) channel.force(false);
            return;
        }
        listedModified = modified;
        listedAtMillis = now;
        listings++;
        Map<Path, FileChannel> present = new HashMap<>();
        boolean newLog = false;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory)) {
            for (Path file : files) {
                if (!isLog(file.getFileName().toString())) continue;
                FileChannel channel = known.remove(file);
                if (channel == null) {
                    channel = open(file);
                    if (channel == null) continue; // LevelDB deleted it first
                    newLog = true;
                }
                present.put(file, channel);
            }
        }
        closeAll(known.values()); // logs LevelDB deleted since the last call
        known = present;
        for (FileChannel channel : present.values()) {
            channel.force(false); // fdatasync, as LevelDB's own sync: data and the size needed to read it
        }
        if (newLog) forceDirectory();
    }

    /** A LevelDB log's name: digits, then {@code .log}. */
    static boolean isLog(String name) {
        if (!name.endsWith(".log") || name.length() == 4) return false;
        for (int i = 0; i < name.length() - 4; i++) {
            if (!Character.isDigit(name.charAt(i))) return false;
        }
        return true;
    }

    /** Null if LevelDB deleted the file first. */
    private static FileChannel open(Path log) throws IOException {
        try {
            return FileChannel.open(log, StandardOpenOption.WRITE);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    private void forceDirectory() throws IOException {
        FileChannel channel;
        try {
            channel = FileChannel.open(directory, StandardOpenOption.READ);
        } catch (IOException e) {
            return; // no file handle on a directory on this platform
        }
        try (channel) {
            channel.force(true);
        }
    }

    /** The logs the last listing found (for tests). */
    java.util.Set<Path> logs() {
        return known.keySet();
    }

    @Override
    public void close() throws IOException {
        closeAll(known.values());
        known = new HashMap<>();
    }

    private static void closeAll(Iterable<FileChannel> channels) throws IOException {
        for (FileChannel channel : channels) channel.close();
    }
}
