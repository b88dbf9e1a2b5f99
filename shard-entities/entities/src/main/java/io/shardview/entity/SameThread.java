package io.shardview.entity;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Callbacks run where a reply arrives. A future Pekko's ask (or any Scala future) hands to Java runs even a plain
 * {@code whenComplete} on ForkJoinPool's common pool: one more thread hop, with a wake-up and a park, for what is
 * usually a few field writes or a {@code tell}. A stage seen through {@link #of} completes on the thread that
 * completes the original, and so do the callbacks registered on it without an executor.
 */
public final class SameThread {
    private SameThread() {}

    /** {@code stage}, completed on the thread that completes it. */
    public static <T> CompletableFuture<T> of(CompletionStage<T> stage) {
        CompletableFuture<T> result = new CompletableFuture<>();
        stage.whenCompleteAsync(
                (value, failure) -> {
                    if (failure == null) result.complete(value);
                    else result.completeExceptionally(failure);
                },
                Runnable::run);
        return result;
    }
}
