package io.shardview.entity;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;

/**
 * An idempotent request to a sharded entity, sent again when no answer came within the attempt
 * timeout, until the deadline. While a shard moves after its node died, a message sent to the dead
 * node is lost; a later attempt reaches the shard's new home. Only for requests whose repetition
 * changes nothing (a batch with an id the entity deduplicates, points written again with the same
 * values).
 *
 * <p>Nothing is resent once the node has begun to shut down: its shards hand off after its HTTP
 * requests are done, and on the last node a message sent to a handed-off shard finds no new home and
 * holds the region's shutdown until that phase times out.
 */
public final class RetriedAsk {
    private RetriedAsk() {}

    /**
     * @param attempt sends the request once, failing with a {@link TimeoutException} after the timeout it is given
     * @param attemptTimeout how long one attempt waits
     * @param total how long all attempts together may take; the last attempt gets what is left
     */
    public static <T> CompletableFuture<T> ask(
            ActorSystem<?> system,
            Function<Duration, CompletionStage<T>> attempt,
            Duration attemptTimeout,
            Duration total) {
        return ask(attempt, attemptTimeout, total, () -> shuttingDown(system));
    }

    /** As above, with {@code stopping} telling when to resend no more. */
    static <T> CompletableFuture<T> ask(
            Function<Duration, CompletionStage<T>> attempt,
            Duration attemptTimeout,
            Duration total,
            BooleanSupplier stopping) {
        CompletableFuture<T> result = new CompletableFuture<>();
        send(attempt, attemptTimeout, System.nanoTime() + total.toNanos(), stopping, result);
        return result;
    }

    private static <T> void send(
            Function<Duration, CompletionStage<T>> attempt,
            Duration attemptTimeout,
            long deadline,
            BooleanSupplier stopping,
            CompletableFuture<T> result) {
        long remaining = deadline - System.nanoTime();
        Duration timeout = Duration.ofNanos(Math.max(1, Math.min(attemptTimeout.toNanos(), remaining)));
        boolean last = timeout.toNanos() >= remaining;
        SameThread.of(attempt.apply(timeout)).whenComplete((value, failure) -> {
            if (failure == null) {
                result.complete(value);
            } else if (isTimeout(failure) && !last && !stopping.getAsBoolean()) {
                send(attempt, attemptTimeout, deadline, stopping, result);
            } else {
                result.completeExceptionally(failure);
            }
        });
    }

    /**
     * Whether the node has begun its coordinated shutdown: requests in flight may finish, but retries
     * and polls should stop sending to sharding (see above).
     */
    public static boolean shuttingDown(ActorSystem<?> system) {
        return CoordinatedShutdown.get(Adapter.toClassic(system))
                .getShutdownReason()
                .isPresent();
    }

    /** Whether the failure is an ask that timed out (possibly wrapped). */
    public static boolean isTimeout(Throwable failure) {
        if (failure instanceof CompletionException && failure.getCause() != null) failure = failure.getCause();
        return failure instanceof TimeoutException || failure.getCause() instanceof TimeoutException;
    }
}
