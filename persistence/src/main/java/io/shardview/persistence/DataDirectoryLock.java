package io.shardview.persistence;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Exclusive ownership of a node's data directory, held for the life of the node.
 *
 * <p>LevelDB already refuses a second opener, but only once the journal starts, with a JNI stack
 * trace. Taking an OS file lock up front turns that into one clear sentence before anything else
 * starts. The lock is released by the OS when the process dies, so kill -9 never leaves it stale.
 */
public final class DataDirectoryLock implements AutoCloseable {
    private static final String LOCK_FILE = "shardview.lock";

    /** What holds a directory when its lock file names no holder: a node (as files written before holders were). */
    public static final String NODE = "node";

    private final Path directory;
    private final FileChannel channel;
    private final FileLock lock;

    private DataDirectoryLock(Path directory, FileChannel channel, FileLock lock) {
        this.directory = directory;
        this.channel = channel;
        this.lock = lock;
    }

    /** Creates the directory if needed and locks it for a node, or fails naming the directory and the holder. */
    public static DataDirectoryLock acquire(Path directory) throws DataDirectoryInUseException {
        return acquire(directory, NODE);
    }

    /**
     * Creates the directory if needed and locks it for {@code holder} (a few words: "node", "journal tool"), written
     * into the lock file after this process's pid so that whoever is refused learns what holds it; or fails naming
     * the directory and the holder.
     */
    public static DataDirectoryLock acquire(Path directory, String holder) throws DataDirectoryInUseException {
        Path dir = directory.toAbsolutePath().normalize();
        FileChannel channel = null;
        try {
            Files.createDirectories(dir);
            channel = FileChannel.open(
                    dir.resolve(LOCK_FILE),
                    StandardOpenOption.CREATE,
                    StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            FileLock lock = tryLock(channel);
            if (lock == null) {
                String held = Files.readString(dir.resolve(LOCK_FILE), StandardCharsets.UTF_8)
                        .trim();
                channel.close();
                int space = held.indexOf(' ');
                throw space < 0
                        ? new DataDirectoryInUseException(dir, held, NODE)
                        : new DataDirectoryInUseException(dir, held.substring(0, space), held.substring(space + 1));
            }
            byte[] pidAndHolder = (ProcessHandle.current().pid() + " " + holder).getBytes(StandardCharsets.UTF_8);
            channel.truncate(0);
            channel.write(java.nio.ByteBuffer.wrap(pidAndHolder), 0);
            channel.force(true);
            return new DataDirectoryLock(dir, channel, lock);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new DataDirectoryInUseException(dir, "unknown (" + e.getMessage() + ")", NODE);
        }
    }

    private static FileLock tryLock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock();
        } catch (OverlappingFileLockException heldByThisJvm) {
            return null;
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel == null) return;
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing to release beyond the descriptor
        }
    }

    /** The locked directory, absolute. */
    public Path directory() {
        return directory;
    }

    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException ignored) {
            // the channel close below releases it as well
        }
        closeQuietly(channel);
    }

    /** The data directory is held by another process (or another holder in this JVM): a node or a tool. */
    public static final class DataDirectoryInUseException extends RuntimeException {
        private final String pid;
        private final String holder;

        DataDirectoryInUseException(Path dir, String pid, String holder) {
            super("data directory " + dir + " is in use by another shardview " + holder
                    + (pid.isEmpty() ? "" : " (pid " + pid + ")")
                    + "; stop it or choose another --data-dir");
            this.pid = pid;
            this.holder = holder;
        }

        /** The holder's process id as its lock file gives it (empty if it gives none). */
        public String pid() {
            return pid;
        }

        /** What holds the directory: {@link #NODE} or a tool's words. */
        public String holder() {
            return holder;
        }
    }
}
