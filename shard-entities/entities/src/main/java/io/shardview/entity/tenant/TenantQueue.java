package io.shardview.entity.tenant;

import io.shardview.entity.RegionHealth;
import io.shardview.entity.RetriedAsk;
import io.shardview.entity.tenant.TenantProtocol.BatchRequest;
import io.shardview.entity.tenant.TenantProtocol.IngestResults;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.function.Consumer;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * One tenant's ingest queue on this node (see {@link TenantIngress}): at most one group of batches in flight to the
 * tenant's entity, the batches that arrive meanwhile waiting to go as the next group, new batches shed once the
 * queue is full or its oldest batch has waited too long, and a group of batches with ids sent again when its
 * attempt timed out. An idle queue first leaves the ingress's map, so new batches start a new queue, and stops one
 * idle period later: a batch sent by a thread that looked it up just before it left is still served.
 */
final class TenantQueue extends AbstractBehavior<TenantQueue.Message> {
    /** Local to this node's ingress actors: never serialized. */
    sealed interface Message extends NoSerializationVerificationNeeded permits Submit, GroupDone, Idle {}

    /** A batch to send. */
    record Submit(PendingBatch batch) implements Message {}

    private record GroupDone(List<PendingBatch> group, IngestResults results, Throwable failure) implements Message {}

    /** No message for the idle time. */
    private record Idle() implements Message {}

    private final String tenant;
    private final GroupCommitSettings settings;
    private final Consumer<ActorRef<Message>> leaveMap;
    private final Consumer<String> answeredFrom;
    private final ArrayDeque<PendingBatch> waiting = new ArrayDeque<>();
    private boolean inFlight;

    private boolean retiring;

    /**
     * A queue for {@code tenant}; {@code leaveMap} takes it out of the ingress's map when idle, {@code answeredFrom}
     * hears the URL of the node that answered each group, when the answer has one.
     */
    static Behavior<Message> create(
            String tenant,
            GroupCommitSettings settings,
            Consumer<ActorRef<Message>> leaveMap,
            Consumer<String> answeredFrom) {
        return Behaviors.setup(context -> new TenantQueue(context, tenant, settings, leaveMap, answeredFrom));
    }

    private TenantQueue(
            ActorContext<Message> context,
            String tenant,
            GroupCommitSettings settings,
            Consumer<ActorRef<Message>> leaveMap,
            Consumer<String> answeredFrom) {
        super(context);
        this.tenant = tenant;
        this.settings = settings;
        this.leaveMap = leaveMap;
        this.answeredFrom = answeredFrom;
        context.setReceiveTimeout(settings.idleAfter(), new Idle());
    }

    @Override
    public Receive<Message> createReceive() {
        return newReceiveBuilder()
                .onMessage(Submit.class, this::onSubmit)
                .onMessage(GroupDone.class, this::onGroupDone)
                .onMessage(Idle.class, this::onIdle)
                .build();
    }

    private Behavior<Message> onSubmit(Submit submit) {
        IngestOverloaded overloaded = PendingBatch.overloaded(tenant, waiting, settings);
        if (overloaded != null) {
            submit.batch().reply().completeExceptionally(overloaded);
        } else {
            waiting.add(submit.batch());
            sendNext();
        }
        return this;
    }

    private Behavior<Message> onGroupDone(GroupDone done) {
        List<PendingBatch> group = done.group();
        if (done.failure() == null) {
            if (done.results().node() != null)
                answeredFrom.accept(done.results().node());
            for (int i = 0; i < group.size(); i++) {
                group.get(i).reply().complete(done.results().replies().get(i));
            }
        } else {
            // Resent ahead of later batches, in their order; the rest fail (503 with Retry-After).
            for (int i = group.size() - 1; i >= 0; i--) {
                PendingBatch submit = group.get(i);
                if (RetriedAsk.isTimeout(done.failure())
                        && submit.retriable()
                        && !RegionHealth.degraded(getContext().getSystem()) // answered at once: see RegionHealth
                        && !RetriedAsk.shuttingDown(getContext().getSystem())) {
                    waiting.addFirst(submit);
                } else {
                    submit.reply().completeExceptionally(done.failure());
                }
            }
        }
        inFlight = false;
        sendNext();
        return this;
    }

    private Behavior<Message> onIdle(Idle idle) {
        if (inFlight || !waiting.isEmpty()) return this;
        if (retiring) return Behaviors.stopped();
        leaveMap.accept(getContext().getSelf());
        retiring = true;
        return this;
    }

    /** Sends the next group, the waiting batches up to group-max-ops (at least one), unless one is in flight. */
    private void sendNext() {
        if (inFlight || waiting.isEmpty()) return;
        List<PendingBatch> group = PendingBatch.nextGroup(waiting, settings.groupMaxOps());
        List<BatchRequest> batches = group.stream().map(PendingBatch::batch).toList();
        inFlight = true;
        getContext()
                .pipeToSelf(
                        TenantAsk.<IngestResults>ask(
                                getContext().getSystem(),
                                tenant,
                                timeout(group),
                                Duration.ZERO,
                                settings.unreachableAskTimeout(),
                                () -> WireSize.ingest(batches),
                                replyTo -> new TenantProtocol.IngestMany(batches, replyTo)),
                        (results, failure) -> new GroupDone(group, results, failure));
    }

    /**
     * How long one attempt waits: until the group's last deadline plus the reply grace, or the attempt timeout when
     * every batch has an id (so the group can be sent again without applying any batch twice).
     */
    private Duration timeout(List<PendingBatch> group) {
        long remainingNanos =
                group.stream().mapToLong(PendingBatch::deadlineNanos).max().orElseThrow()
                        + settings.replyGrace().toNanos()
                        - System.nanoTime();
        Duration timeout = Duration.ofNanos(Math.max(1, remainingNanos));
        if (group.stream().allMatch(submit -> submit.batch().batchId() != null)
                && settings.attemptTimeout().compareTo(timeout) < 0) {
            timeout = settings.attemptTimeout();
        }
        return timeout; // shorter while the region is degraded: see TenantAsk
    }
}
