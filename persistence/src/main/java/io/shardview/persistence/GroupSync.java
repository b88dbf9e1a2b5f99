package io.shardview.persistence;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Group commit's waiting room: writers that have put their data into files ask for it to be made
 * durable, and one thread serves them in rounds. A round takes every request waiting when it
 * starts, runs the sync action once, then completes them all; requests made while a round runs
 * wait for the next one. So a completed request always had a sync start after the request was
 * made, which is after its writer's data was written.
 *
 * <p>After a failed sync no later round is run: a failed fsync may have dropped the dirty pages it
 * could not write (Linux marks them clean), so no later fsync can vouch for data written before the
 * failure. Every waiting and later request fails with that error until the owner is restarted.
 */
final class GroupSync implements AutoCloseable {
    /** Makes everything written before the call durable. */
    interface SyncAction {
        void sync() throws Exception;
    }

    private final SyncAction action;
    private final Thread thread;
    private final Object lock = new Object();
    private List<CompletableFuture<Void>> waiting = new ArrayList<>();
    private boolean closed;
    private Throwable failure;
    private long rounds;

    /** Starts the sync thread (a daemon named {@code threadName}). */
    GroupSync(String threadName, SyncAction action) {
        this.action = action;
        this.thread = new Thread(this::run, threadName);
        thread.setDaemon(true);
        thread.start();
    }

    /** Completes once a sync that started after this call has finished; fails if that sync failed. */
    CompletableFuture<Void> request() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        synchronized (lock) {
            if (failure != null) {
                done.completeExceptionally(failure);
            } else if (closed) {
                done.completeExceptionally(new IllegalStateException("the journal's sync thread has stopped"));
            } else {
                waiting.add(done);
                lock.notifyAll();
            }
        }
        return done;
    }

    /** Syncs run so far (each served every request waiting when it started). */
    long rounds() {
        synchronized (lock) {
            return rounds;
        }
    }

    /** Serves the requests already made with a last round, then stops the thread. */
    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
            lock.notifyAll();
        }
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        List<CompletableFuture<Void>> round;
        while ((round = nextRound()) != null) {
            Throwable error = syncOnce();
            for (CompletableFuture<Void> request : round) {
                if (error == null) request.complete(null);
                else request.completeExceptionally(error);
            }
        }
    }

    /** Waits for requests and takes them all; null once closed with none left. */
    private List<CompletableFuture<Void>> nextRound() {
        synchronized (lock) {
            while (waiting.isEmpty() && !closed) {
                try {
                    lock.wait();
                } catch (InterruptedException e) {
                    closed = true; // nobody else interrupts this thread: treat it as a shutdown
                }
            }
            if (waiting.isEmpty()) return null;
            List<CompletableFuture<Void>> round = waiting;
            waiting = new ArrayList<>();
            return round;
        }
    }

    private Throwable syncOnce() {
        synchronized (lock) {
            if (failure != null) return failure;
        }
        try {
            action.sync();
            synchronized (lock) {
                rounds++;
            }
            return null;
        } catch (Throwable e) {
            synchronized (lock) {
                failure = e;
            }
            return e;
        }
    }
}
