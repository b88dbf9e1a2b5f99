package io.shardview.entity.tenant;

import io.shardview.entity.RegionHealth;
import io.shardview.entity.SameThread;
import io.shardview.entity.large.LargeMessages;
import io.shardview.entity.tenant.TenantProtocol.Command;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;

/**
 * How this node asks a tenant's entity: through sharding, in parts when the command is larger than a remoting frame
 * and the entity does not run on this node ({@link LocalTenants}), and answered quickly while a node of this region is unreachable ({@link RegionHealth}): a request for a tenant that
 * node held is lost until the node is downed, so it fails after {@code unreachableTimeout} (plus what a read waits
 * for a version) instead of the whole timeout. The answer completes on the thread that delivers it ({@link SameThread}).
 */
public final class TenantAsk {
    private TenantAsk() {}

    /**
     * The tenant's answer to {@code message}, or a failure after {@code timeout}; {@code waitsFor} is how long the
     * entity may hold the answer on purpose (a read waiting for a version).
     */
    public static <R> CompletionStage<R> ask(
            ActorSystem<?> system,
            String tenant,
            Duration timeout,
            Duration waitsFor,
            Duration unreachableTimeout,
            Function<ActorRef<R>, Command> message) {
        return ask(system, tenant, timeout, waitsFor, unreachableTimeout, () -> Long.MAX_VALUE, message);
    }

    /**
     * A read's answer: as {@link #ask}, but asked again each time an attempt has no answer within {@code attempt} (plus
     * {@code waitsFor}), until {@code timeout} runs out. While a shard moves, sharding drops the messages it held for
     * it, and a read is always safe to repeat: its client sees a slower answer instead of a 503. Only for reads whose
     * work is small (rows, a description, a plan, a change replay), since a slow attempt is not cancelled by the next.
     */
    public static <R> CompletionStage<R> askRead(
            ActorSystem<?> system,
            String tenant,
            Duration timeout,
            Duration waitsFor,
            Duration unreachableTimeout,
            Duration attempt,
            Function<ActorRef<R>, Command> message) {
        return askRead(
                system, tenant, System.nanoTime() + timeout.toNanos(), waitsFor, unreachableTimeout, attempt, message);
    }

    private static <R> CompletionStage<R> askRead(
            ActorSystem<?> system,
            String tenant,
            long deadlineNanos,
            Duration waitsFor,
            Duration unreachableTimeout,
            Duration attempt,
            Function<ActorRef<R>, Command> message) {
        Duration left = Duration.ofNanos(deadlineNanos - System.nanoTime());
        Duration thisAttempt = attempt.plus(waitsFor);
        boolean last = left.compareTo(thisAttempt.plus(attempt)) < 0; // no room for another after this one
        CompletionStage<R> answer =
                ask(system, tenant, last ? left : thisAttempt, waitsFor, unreachableTimeout, message);
        if (last) return answer;
        return answer.handle((reply, error) -> error == null || !timedOut(error)
                        ? answer
                        : TenantAsk.<R>askRead(
                                system, tenant, deadlineNanos, waitsFor, unreachableTimeout, attempt, message))
                .thenCompose(next -> next);
    }

    private static boolean timedOut(Throwable error) {
        Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                ? error.getCause()
                : error;
        return cause instanceof java.util.concurrent.TimeoutException;
    }

    /**
     * As above, for a message that serializes to at most {@code atMostBytes}: one that surely fits in a remoting frame
     * is not serialized to measure it. The bound is asked only when the tenant does not run on this node.
     */
    public static <R> CompletionStage<R> ask(
            ActorSystem<?> system,
            String tenant,
            Duration timeout,
            Duration waitsFor,
            Duration unreachableTimeout,
            LongSupplier atMostBytes,
            Function<ActorRef<R>, Command> message) {
        EntityRef<Command> entity = ClusterSharding.get(system).entityRefFor(TenantProtocol.ENTITY_KEY, tenant);
        boolean here = LocalTenants.get(system).runsHere(tenant); // then no frame to fit in
        return RegionHealth.cutShort(
                system,
                SameThread.of(entity.ask(
                        replyTo -> here
                                ? message.apply(replyTo)
                                : LargeMessages.viaSharding(
                                        system,
                                        entity,
                                        message.apply(replyTo),
                                        TenantProtocol.MessagePart::new,
                                        atMostBytes.getAsLong()),
                        RegionHealth.timeout(system, timeout, unreachableTimeout, waitsFor))),
                unreachableTimeout.plus(waitsFor));
    }
}
