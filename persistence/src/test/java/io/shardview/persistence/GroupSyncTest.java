package io.shardview.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Rounds are driven by a sync action the test holds and releases, so nothing depends on timing. */
class GroupSyncTest {
    private static final long WAIT_SECONDS = 10;

    /** A sync action that blocks in every round until the test lets it go. */
    private static final class HeldSync implements GroupSync.SyncAction {
        final Semaphore started = new Semaphore(0);
        final Semaphore release = new Semaphore(0);
        final AtomicReference<Exception> failWith = new AtomicReference<>();

        @Override
        public void sync() throws Exception {
            started.release();
            if (!release.tryAcquire(WAIT_SECONDS, TimeUnit.SECONDS)) throw new IllegalStateException("never released");
            Exception failure = failWith.get();
            if (failure != null) throw failure;
        }

        void awaitStarted() throws InterruptedException {
            assertTrue(started.tryAcquire(WAIT_SECONDS, TimeUnit.SECONDS), "no round started");
        }
    }

    private static void await(CompletableFuture<Void> request) throws Exception {
        request.get(WAIT_SECONDS, TimeUnit.SECONDS);
    }

    @Test
    void aRequestMadeWhileARoundRunsWaitsForTheNextRound() throws Exception {
        HeldSync sync = new HeldSync();
        try (GroupSync group = new GroupSync("test-sync", sync)) {
            CompletableFuture<Void> early = group.request();
            sync.awaitStarted();
            CompletableFuture<Void> late = group.request();

            sync.release.release(); // round 1 ends
            await(early);
            sync.awaitStarted(); // round 2, for the late request
            assertFalse(late.isDone(), "completed by a round that started before it was made");
            assertEquals(1, group.rounds());

            sync.release.release();
            await(late);
            assertEquals(2, group.rounds());
        }
    }

    @Test
    void requestsWaitingForARoundShareIt() throws Exception {
        HeldSync sync = new HeldSync();
        try (GroupSync group = new GroupSync("test-sync", sync)) {
            CompletableFuture<Void> first = group.request();
            sync.awaitStarted();
            List<CompletableFuture<Void>> waiting = new ArrayList<>();
            for (int i = 0; i < 50; i++) waiting.add(group.request());

            sync.release.release();
            await(first);
            sync.awaitStarted();
            sync.release.release();
            for (CompletableFuture<Void> request : waiting) await(request);
            assertEquals(2, group.rounds(), "51 requests in two rounds");
        }
    }

    @Test
    void aFailedSyncFailsItsRoundAndEveryLaterRequest() throws Exception {
        HeldSync sync = new HeldSync();
        IOException disk = new IOException("EIO");
        try (GroupSync group = new GroupSync("test-sync", sync)) {
            CompletableFuture<Void> failing = group.request();
            sync.awaitStarted();
            CompletableFuture<Void> next = group.request();
            sync.failWith.set(disk);
            sync.release.release();

            assertSame(
                    disk,
                    assertThrows(ExecutionException.class, () -> await(failing)).getCause());
            assertSame(
                    disk,
                    assertThrows(ExecutionException.class, () -> await(next)).getCause());
            assertSame(
                    disk,
                    assertThrows(ExecutionException.class, () -> await(group.request()))
                            .getCause());
            assertFalse(sync.started.tryAcquire(), "no round after the failed one");
            assertEquals(0, group.rounds());
        }
    }

    @Test
    void closeSyncsWhatWasRequestedAndRefusesLaterRequests() throws Exception {
        HeldSync sync = new HeldSync();
        GroupSync group = new GroupSync("test-sync", sync);
        CompletableFuture<Void> first = group.request();
        sync.awaitStarted();
        CompletableFuture<Void> pending = group.request();
        sync.release.release(2); // round 1 and the last round that close runs
        group.close();

        assertTrue(first.isDone() && pending.isDone(), "close returns after the last round");
        await(pending);
        assertEquals(2, group.rounds());
        assertThrows(ExecutionException.class, () -> await(group.request()));
    }
}
