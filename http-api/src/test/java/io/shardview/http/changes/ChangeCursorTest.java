package io.shardview.http.changes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.shardview.entity.tenant.ChangeHistory;
import io.shardview.entity.tenant.ChangeReplay;
import io.shardview.entity.tenant.ViewChange;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ChangeCursorTest {
    private final ChangeHistory history = new ChangeHistory(0, 3, 1000);
    private final AtomicInteger reads = new AtomicInteger();
    private final ChangeFeed feed = (tenant, view, from) -> {
        reads.incrementAndGet();
        return CompletableFuture.completedFuture(history.since(view, from.orElseThrow()));
    };

    static ViewChange change(long previous, long version) {
        return new ViewChange("t", "v", version, previous, List.of("x"), List.of(List.of(version)), List.of(), "h");
    }

    private ViewChange record(long previous, long version) {
        ViewChange change = change(previous, version);
        history.append(change);
        return change;
    }

    private static List<Long> versions(List<ChangeEvent> events) {
        return events.stream()
                .map(e -> ((ChangeEvent.Change) e).change().version())
                .toList();
    }

    private static List<ChangeEvent> now(java.util.concurrent.CompletionStage<List<ChangeEvent>> stage) {
        return stage.toCompletableFuture().join();
    }

    @Test
    void aFailedReadOfTheHistoryKeepsTheStreamAndTheNextTickFillsTheGap() {
        AtomicInteger attempts = new AtomicInteger();
        ChangeFeed moving = (tenant, view, from) -> attempts.incrementAndGet() <= 2
                ? CompletableFuture.failedFuture(new java.util.concurrent.TimeoutException("no home for the shard"))
                : CompletableFuture.completedFuture(history.since(view, from.orElseThrow()));
        ChangeCursor cursor = new ChangeCursor(moving, "t", "v", 0);
        assertEquals(List.of(1L), versions(now(cursor.onLive(record(0, 1)))));
        record(1, 2); // published while the tenant moved: lost
        assertEquals(List.of(), now(cursor.onLive(record(2, 3))), "the gap cannot be read yet: nothing, no failure");
        assertInstanceOf(ChangeEvent.Heartbeat.class, now(cursor.onTick()).get(0));
        assertEquals(List.of(2L, 3L), versions(now(cursor.onTick())), "read again from version 1, once it answers");
    }

    @Test
    void consecutiveLiveChangesPassWithoutReadingTheHistory() {
        ChangeCursor cursor = new ChangeCursor(feed, "t", "v", 0);
        assertEquals(List.of(1L), versions(now(cursor.onLive(record(0, 1)))));
        assertEquals(List.of(4L), versions(now(cursor.onLive(record(1, 4)))));
        assertEquals(0, reads.get());
    }

    @Test
    void aDuplicateIsDroppedAndAGapIsFilledFromTheHistory() {
        ChangeCursor cursor = new ChangeCursor(feed, "t", "v", 0);
        ViewChange first = record(0, 1);
        assertEquals(List.of(1L), versions(now(cursor.onLive(first))));
        assertEquals(List.of(), now(cursor.onLive(first)));
        record(1, 2); // published but lost
        ViewChange third = record(2, 3);
        assertEquals(List.of(2L, 3L), versions(now(cursor.onLive(third))));
        assertEquals(1, reads.get());
    }

    @Test
    void aTickAfterLiveChangesInOrderDoesNotReadAndTheNextOneDoes() {
        ChangeCursor cursor = new ChangeCursor(feed, "t", "v", 0);
        assertEquals(List.of(1L), versions(now(cursor.onLive(record(0, 1)))));
        record(1, 2); // lost, and nothing follows it
        assertEquals(List.of(), now(cursor.onTick()), "changes flowed since the last tick: no read");
        assertEquals(0, reads.get());
        assertEquals(List.of(2L), versions(now(cursor.onTick())), "a quiet interval: the lost change is read");
        assertEquals(1, reads.get());
    }

    @Test
    void aTickDeliversALostLastChangeOrElseAHeartbeat() {
        ChangeCursor cursor = new ChangeCursor(feed, "t", "v", 0);
        assertInstanceOf(ChangeEvent.Heartbeat.class, now(cursor.onTick()).get(0));
        record(0, 5); // lost, and nothing follows it
        assertEquals(List.of(5L), versions(now(cursor.onTick())));
    }

    @Test
    void aCursorTooFarBehindTheHistoryEndsWithGone() {
        ChangeCursor cursor = new ChangeCursor(feed, "t", "v", 0);
        for (long v = 1; v <= 5; v++) record(v - 1, v);
        ChangeEvent.Failure failure =
                assertInstanceOf(ChangeEvent.Failure.class, now(cursor.onTick()).get(0));
        assertEquals(410, failure.error().status().intValue());
    }

    @Test
    void aDroppedViewEndsTheStreamWithNotFound() {
        ChangeCursor cursor = new ChangeCursor(
                (t, v, from) -> CompletableFuture.completedFuture(new ChangeReplay.NotFound("view v does not exist")),
                "t",
                "v",
                0);
        ChangeEvent.Failure failure =
                assertInstanceOf(ChangeEvent.Failure.class, now(cursor.onTick()).get(0));
        assertEquals(404, failure.error().status().intValue());
    }
}
