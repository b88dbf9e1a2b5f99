package io.shardview.entity.metrics;

import io.shardview.metrics.storage.ShardStorage;
import java.util.concurrent.locks.StampedLock;
import java.util.function.Function;

/**
 * A running shard's storage as a thread other than the shard's may read it ({@link LocalShards#readHere}), so that a
 * small read of a shard on this node is answered on the thread that asks, without waking the shard's. The shard holds
 * the write lock from the command that persists events until the journal has them (its event handler changes the
 * storage in between), so a reader here sees neither a change half made nor one not yet durable; a reader that finds
 * a write in flight does not wait, it asks the shard, as every read did before.
 */
final class GuardedStorage {
    private final ShardStorage storage;
    private final StampedLock lock = new StampedLock();
    /**
     * Set while the shard waits for the lock or holds it: readers then ask the shard instead of taking the read lock,
     * so a stream of small reads on other threads can never keep a write waiting.
     */
    private volatile boolean writing;

    GuardedStorage(ShardStorage storage) {
        this.storage = storage;
    }

    /** {@code read} applied to the storage on this thread, or null when the shard is writing (ask it instead). */
    <T> T tryRead(Function<ShardStorage, T> read) {
        if (writing) return null;
        long stamp = lock.tryReadLock();
        if (stamp == 0) return null;
        try {
            return read.apply(storage);
        } finally {
            lock.unlockRead(stamp);
        }
    }

    /** The shard is about to change the storage: waits for the readers in progress; returns the stamp to end with. */
    long beginWrite() {
        writing = true;
        return lock.writeLock();
    }

    /** The change that began with {@code stamp} is applied and durable: readers may read here again. */
    void endWrite(long stamp) {
        lock.unlockWrite(stamp);
        writing = false;
    }
}
