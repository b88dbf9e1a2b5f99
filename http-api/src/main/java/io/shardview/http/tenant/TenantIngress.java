package io.shardview.http.tenant;

import io.shardview.entity.tenant.TenantCircuit;
import io.shardview.entity.tenant.TenantCircuit.BatchRequest;
import io.shardview.entity.tenant.TenantCircuit.IngestReply;
import io.shardview.entity.tenant.TenantCircuit.IngestResults;
import io.shardview.http.RetriedAsk;
import io.shardview.http.TenantEndpoints;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * Group commit for ingest: per tenant, this node keeps at most one group of batches in flight to
 * the tenant's entity; batches that arrive meanwhile queue up and go together as the next group,
 * persisted in one journal write. A lone batch goes out at once, so group commit adds no latency
 * when the tenant is idle and turns one fsync per batch into one per group when it is busy.
 *
 * <p>The queue is bounded in batches and in the time its oldest batch has waited: past either, new batches are
 * refused at once (429 with Retry-After), so an overloaded tenant sheds load instead of answering late.
 *
 * <p>While a shard moves after its node died, messages sent to the old node are lost. A group whose
 * batches all carry a batch id is therefore sent again when its entity has not answered within
 * the attempt timeout, until the request's deadline: the entity deduplicates by batch id, so a
 * batch is applied once whichever attempt arrives first (a later attempt may be answered with
 * {@code duplicate: true}). A group with a batch without an id is sent once and waits the whole
 * deadline, since sending it again could apply it twice.
 */
public final class TenantIngress {
    /** Local to this node's ingress actors: never serialized. */
    private sealed interface Message extends NoSerializationVerificationNeeded permits Submit, GroupDone, Idle {}

    private record Submit(
            BatchRequest batch, CompletableFuture<IngestReply> reply, long deadlineNanos, long arrivedNanos)
            implements Message {
        boolean retriable() {
            return batch.batchId() != null && System.nanoTime() < deadlineNanos;
        }
    }

    private record GroupDone(List<Submit> group, IngestResults results, Throwable failure) implements Message {}

    /** No message for the idle time. */
    private record Idle() implements Message {}

    private final ActorSystem<?> system;
    private final Duration askTimeout;
    private final Duration replyGrace;
    private final Duration attemptTimeout;
    private final int groupMaxOps;
    private final int queueMaxBatches;
    private final Duration queueMaxWait;
    private final Duration idleAfter;
    private final ConcurrentHashMap<String, ActorRef<Message>> tenants = new ConcurrentHashMap<>();
    private final AtomicLong started = new AtomicLong();

    /**
     * @param askTimeout a batch's deadline at its entity, past which it is sent no more
     * @param replyGrace how much longer its reply is waited for (an attempt sent in time may still be applied)
     * @param attemptTimeout how long one attempt of a group of batches with ids waits before it is sent again
     * @param groupMaxOps ops per group, beyond which the queue waits for the next group
     * @param queueMaxBatches batches queued per tenant before new ones are refused as overload
     * @param queueMaxWait how long the oldest queued batch may have waited before new ones are refused as overload
     * @param idleAfter how long a tenant's queue waits for batches before it goes away
     */
    public TenantIngress(
            ActorSystem<?> system,
            Duration askTimeout,
            Duration replyGrace,
            Duration attemptTimeout,
            int groupMaxOps,
            int queueMaxBatches,
            Duration queueMaxWait,
            Duration idleAfter) {
        this.system = system;
        this.askTimeout = askTimeout;
        this.replyGrace = replyGrace;
        this.attemptTimeout = attemptTimeout;
        this.groupMaxOps = groupMaxOps;
        this.queueMaxBatches = queueMaxBatches;
        this.queueMaxWait = queueMaxWait;
        this.idleAfter = idleAfter;
    }

    /** Submits one batch; completes with the entity's reply to it, or fails with {@link TenantEndpoints.Overloaded} when the queue is full. */
    public CompletionStage<IngestReply> submit(String tenant, BatchRequest batch) {
        CompletableFuture<IngestReply> reply = new CompletableFuture<>();
        tenants.computeIfAbsent(
                        tenant,
                        t -> system.systemActorOf(
                                queue(t),
                                "ingress-" + URLEncoder.encode(t, StandardCharsets.UTF_8) + "-"
                                        + started.incrementAndGet(),
                                Props.empty()))
                .tell(new Submit(batch, reply, System.nanoTime() + askTimeout.toNanos(), System.nanoTime()));
        return reply;
    }

    // An idle queue first leaves the map, so new batches start a new queue, and stops one idle period
    // later: a batch sent by a thread that looked it up just before it left is still served.
    private Behavior<Message> queue(String tenant) {
        return Behaviors.setup(context -> {
            ArrayDeque<Submit> waiting = new ArrayDeque<>();
            boolean[] inFlight = {false};
            boolean[] retiring = {false};
            context.setReceiveTimeout(idleAfter, new Idle());
            Runnable sendNext = () -> {
                if (inFlight[0] || waiting.isEmpty()) return;
                List<Submit> group = new ArrayList<>();
                int ops = 0;
                while (!waiting.isEmpty()
                        && (group.isEmpty()
                                || ops + waiting.peek().batch().ops().size() <= groupMaxOps)) {
                    Submit next = waiting.poll();
                    group.add(next);
                    ops += next.batch().ops().size();
                }
                List<BatchRequest> batches = group.stream().map(Submit::batch).toList();
                long remainingNanos =
                        group.stream().mapToLong(Submit::deadlineNanos).max().orElseThrow()
                                + replyGrace.toNanos()
                                - System.nanoTime();
                Duration timeout = Duration.ofNanos(Math.max(1, remainingNanos));
                if (group.stream().allMatch(submit -> submit.batch().batchId() != null)
                        && attemptTimeout.compareTo(timeout) < 0) {
                    timeout = attemptTimeout;
                }
                inFlight[0] = true;
                context.pipeToSelf(
                        ClusterSharding.get(system)
                                .entityRefFor(TenantCircuit.ENTITY_KEY, tenant)
                                .<IngestResults>ask(replyTo -> new TenantCircuit.IngestMany(batches, replyTo), timeout),
                        (results, failure) -> new GroupDone(group, results, failure));
            };
            return Behaviors.receive(Message.class)
                    .onMessage(Submit.class, submit -> {
                        long waited = waiting.isEmpty()
                                ? 0
                                : System.nanoTime() - waiting.peek().arrivedNanos();
                        if (waiting.size() >= queueMaxBatches || waited > queueMaxWait.toNanos()) {
                            // Shed at once rather than queue what would wait past its deadline: the client backs off.
                            submit.reply()
                                    .completeExceptionally(new TenantEndpoints.Overloaded("tenant " + tenant + " has "
                                            + waiting.size() + " batches waiting on this node, the oldest for "
                                            + waited / 1_000_000 + " ms"));
                        } else {
                            waiting.add(submit);
                            sendNext.run();
                        }
                        return Behaviors.same();
                    })
                    .onMessage(GroupDone.class, done -> {
                        List<Submit> group = done.group();
                        if (done.failure() == null) {
                            for (int i = 0; i < group.size(); i++)
                                group.get(i)
                                        .reply()
                                        .complete(done.results().replies().get(i));
                        } else {
                            // Resent ahead of later batches, in their order; the rest fail (503 with Retry-After).
                            for (int i = group.size() - 1; i >= 0; i--) {
                                Submit submit = group.get(i);
                                if (RetriedAsk.isTimeout(done.failure())
                                        && submit.retriable()
                                        && !RetriedAsk.shuttingDown(system)) {
                                    waiting.addFirst(submit);
                                } else {
                                    submit.reply().completeExceptionally(done.failure());
                                }
                            }
                        }
                        inFlight[0] = false;
                        sendNext.run();
                        return Behaviors.same();
                    })
                    .onMessage(Idle.class, idle -> {
                        if (inFlight[0] || !waiting.isEmpty()) return Behaviors.same();
                        if (retiring[0]) return Behaviors.stopped();
                        tenants.remove(tenant, context.getSelf());
                        retiring[0] = true;
                        return Behaviors.same();
                    })
                    .build();
        });
    }
}
