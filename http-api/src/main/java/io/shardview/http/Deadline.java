package io.shardview.http;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * A bound on how long a request waits for its answer, kept on Pekko's scheduler. {@link CompletableFuture#orTimeout}
 * would do the same on the JDK's delay scheduler, a thread of its own that each request's timer, and each timer
 * cancelled by an answer in time, wakes up; Pekko's scheduler is a timing wheel whose thread ticks anyway, where a
 * timer costs a queue insertion and its cancellation a flag.
 */
public final class Deadline {
    private Deadline() {}

    /** {@code pending}, failed with a {@link TimeoutException} if it is not complete within {@code timeout}. */
    public static <T> CompletableFuture<T> within(
            ActorSystem<?> system, CompletableFuture<T> pending, Duration timeout) {
        if (pending.isDone()) return pending;
        Cancellable timer = system.scheduler()
                .scheduleOnce(
                        timeout,
                        () -> pending.completeExceptionally(
                                new TimeoutException("no answer within " + timeout.toMillis() + " ms")),
                        system.executionContext());
        pending.whenComplete((value, failure) -> timer.cancel());
        return pending;
    }
}
