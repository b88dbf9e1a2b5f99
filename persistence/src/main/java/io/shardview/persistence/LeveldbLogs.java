package io.shardview.persistence;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Set;

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
final class LeveldbLogs {
    private final Path directory;
    /** Logs whose directory entry an earlier call made durable. */
    private Set<Path> known = new HashSet<>();

    LeveldbLogs(Path directory) {
        this.directory = directory;
    }

    /** Forces every log file, and the directory when a log is new. Called from one thread at a time. */
    void force() throws IOException {
        Set<Path> present = new HashSet<>();
        try (DirectoryStream<Path> logs = Files.newDirectoryStream(directory, "[0-9]*.log")) {
            for (Path log : logs) {
                if (forceFile(log)) present.add(log);
            }
        }
        if (!known.containsAll(present)) forceDirectory();
        known = present;
    }

    /** False if LevelDB deleted the file first. */
    private static boolean forceFile(Path log) throws IOException {
        try (FileChannel channel = FileChannel.open(log, StandardOpenOption.WRITE)) {
            channel.force(false); // fdatasync, as LevelDB's own sync: data and the size needed to read it
            return true;
        } catch (NoSuchFileException e) {
            return false;
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
}
