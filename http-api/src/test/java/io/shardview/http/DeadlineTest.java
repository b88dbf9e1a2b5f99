package io.shardview.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class DeadlineTest {
    private static final ActorTestKit KIT = ActorTestKit.create();

    @AfterAll
    static void stop() {
        KIT.shutdownTestKit();
    }

    @Test
    void aFutureWithoutAnAnswerInTimeFailsWithATimeout() {
        CompletableFuture<String> pending = new CompletableFuture<>();
        CompletableFuture<String> bounded = Deadline.within(KIT.system(), pending, Duration.ofMillis(50));
        ExecutionException failed = assertThrows(ExecutionException.class, () -> bounded.get(5, TimeUnit.SECONDS));
        assertInstanceOf(TimeoutException.class, failed.getCause());
    }

    @Test
    void anAnswerInTimeIsKeptAndTheTimerCannotOverrideIt() throws Exception {
        CompletableFuture<String> pending = new CompletableFuture<>();
        CompletableFuture<String> bounded = Deadline.within(KIT.system(), pending, Duration.ofMillis(100));
        pending.complete("applied");
        Thread.sleep(300); // past the deadline: a timer left running would find the future complete anyway
        assertEquals("applied", bounded.get());
    }

    @Test
    void aFutureAlreadyCompleteIsReturnedAsItIs() {
        CompletableFuture<String> done = CompletableFuture.completedFuture("x");
        assertSame(done, Deadline.within(KIT.system(), done, Duration.ofMillis(1)));
    }
}
