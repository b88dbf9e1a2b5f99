package io.shardview.entity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class RetriedAskTest {

    @Test
    void anAttemptThatTimesOutIsSentAgainUntilOneIsAnswered() throws Exception {
        List<Duration> attempts = new ArrayList<>();
        String answer = RetriedAsk.<String>ask(
                        timeout -> {
                            attempts.add(timeout);
                            return attempts.size() < 3
                                    ? CompletableFuture.failedFuture(new TimeoutException("lost"))
                                    : CompletableFuture.completedFuture("ok");
                        },
                        Duration.ofSeconds(1),
                        Duration.ofSeconds(30),
                        () -> false)
                .get(5, TimeUnit.SECONDS);
        assertEquals("ok", answer);
        assertEquals(List.of(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1)), attempts);
    }

    @Test
    void theLastAttemptGetsWhatIsLeftOfTheDeadlineAndItsTimeoutIsTheAnswer() {
        List<Duration> attempts = new ArrayList<>();
        CompletableFuture<String> result = RetriedAsk.ask(
                timeout -> {
                    attempts.add(timeout);
                    return CompletableFuture.supplyAsync(
                            () -> {
                                throw new java.util.concurrent.CompletionException(
                                        new TimeoutException("no answer in " + timeout));
                            },
                            CompletableFuture.delayedExecutor(timeout.toNanos(), TimeUnit.NANOSECONDS));
                },
                Duration.ofMillis(40),
                Duration.ofMillis(100),
                () -> false);
        ExecutionException failed = assertThrows(ExecutionException.class, () -> result.get(5, TimeUnit.SECONDS));
        assertTrue(RetriedAsk.isTimeout(failed.getCause()), failed.toString());
        assertTrue(attempts.size() >= 2, attempts.toString());
        assertEquals(Duration.ofMillis(40), attempts.get(0));
        Duration last = attempts.get(attempts.size() - 1);
        assertTrue(last.compareTo(Duration.ofMillis(40)) < 0, "the last attempt is cut to the deadline: " + attempts);
    }

    @Test
    void anyOtherFailureIsNotRetried() {
        List<Duration> attempts = new ArrayList<>();
        CompletableFuture<String> result = RetriedAsk.ask(
                timeout -> {
                    attempts.add(timeout);
                    return CompletableFuture.failedFuture(new IllegalStateException("refused"));
                },
                Duration.ofSeconds(1),
                Duration.ofSeconds(30),
                () -> false);
        ExecutionException failed = assertThrows(ExecutionException.class, () -> result.get(5, TimeUnit.SECONDS));
        assertInstanceOf(IllegalStateException.class, failed.getCause());
        assertEquals(1, attempts.size());
    }

    @Test
    void nothingIsResentOnceTheNodeIsStopping() {
        List<Duration> attempts = new ArrayList<>();
        CompletableFuture<String> result = RetriedAsk.ask(
                timeout -> {
                    attempts.add(timeout);
                    return CompletableFuture.failedFuture(new TimeoutException("lost"));
                },
                Duration.ofSeconds(1),
                Duration.ofSeconds(30),
                () -> attempts.size() >= 2);
        ExecutionException failed = assertThrows(ExecutionException.class, () -> result.get(5, TimeUnit.SECONDS));
        assertTrue(RetriedAsk.isTimeout(failed.getCause()), failed.toString());
        assertEquals(2, attempts.size(), "the attempt after the node began stopping is the last");
    }
}
