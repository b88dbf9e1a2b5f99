package io.shardview.entity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** Requests already waiting when a node of the region becomes unreachable are answered soon, not at their timeout. */
class RegionHealthTest {
    private final AtomicBoolean degraded = new AtomicBoolean();
    private final RegionHealth.Pending pending = new RegionHealth.Pending(degraded::get);

    @Test
    void aPendingRequestIsCutShortOnceTheRegionIsDegradedAndItWaitedLongEnough() {
        CompletableFuture<String> ask = new CompletableFuture<>();
        CompletableFuture<String> answer =
                pending.track(ask, Duration.ofSeconds(2)).toCompletableFuture();
        long sent = System.nanoTime();

        pending.sweep(sent + Duration.ofSeconds(5).toNanos());
        assertFalse(answer.isDone(), "the region is healthy: it waits for its own timeout");

        degraded.set(true);
        pending.sweep(sent + Duration.ofMillis(1_500).toNanos());
        assertFalse(answer.isDone(), "degraded, but it has not waited 2 s yet");

        pending.sweep(sent + Duration.ofMillis(2_100).toNanos());
        CompletionException cut =
                org.junit.jupiter.api.Assertions.assertThrows(CompletionException.class, answer::join);
        assertInstanceOf(RegionHealth.CutShort.class, cut.getCause());
        assertTrue(cut.getCause() instanceof java.util.concurrent.TimeoutException, "answered as a timeout");
        assertEquals(0, pending.size());
        ask.complete("late"); // the entity's late answer changes nothing
        assertTrue(answer.isCompletedExceptionally());
    }

    @Test
    void anAnsweredRequestIsForgottenAndKeepsItsAnswerOrFailure() {
        CompletableFuture<String> ok = new CompletableFuture<>();
        CompletableFuture<String> failed = new CompletableFuture<>();
        var okAnswer = pending.track(ok, Duration.ofSeconds(2)).toCompletableFuture();
        var failedAnswer = pending.track(failed, Duration.ofSeconds(2)).toCompletableFuture();
        ok.complete("rows");
        failed.completeExceptionally(new IllegalStateException("refused"));
        assertEquals("rows", okAnswer.join());
        assertInstanceOf(
                IllegalStateException.class,
                org.junit.jupiter.api.Assertions.assertThrows(CompletionException.class, failedAnswer::join)
                        .getCause());
        assertEquals(0, pending.size());
        degraded.set(true);
        pending.sweep(System.nanoTime() + Duration.ofSeconds(10).toNanos());
        assertEquals("rows", okAnswer.join());
    }
}
