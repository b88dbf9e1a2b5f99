package io.shardview.entity.tenant;

import io.shardview.entity.tenant.TenantProtocol.Command;
import io.shardview.entity.tenant.TenantProtocol.DrainInbox;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * Batches handed straight to a tenant's entity running on this node, its home: the HTTP thread puts a batch here and,
 * if the entity was not already told, tells it {@link DrainInbox}; the entity takes what waits as one group, writes it
 * with one journal write, and completes each batch's future itself. No sharding, no ask, no queue actor between them:
 * while a group is being written the next one gathers here, as a {@link TenantQueue} gathers it for a tenant elsewhere.
 *
 * <p>Owned by one incarnation of the entity, from its recovery to its stop. Once closed (the entity stops, restarts or
 * is not the tenant's home) nothing more is accepted, so the sender goes through sharding, and whatever was still
 * waiting is handed to {@link TenantIngress} to go that way too: a batch put here is either taken by the entity or
 * sent on, never left behind. Thread-safe: every method holds the inbox's lock.
 */
final class IngestInbox {
    private static final DrainInbox DRAIN = new DrainInbox();

    private final ActorRef<Command> entity;
    private final String tenant;
    private final Consumer<PendingBatch> sendOn;
    private GroupCommitSettings settings; // the ingress's, given with each batch
    private final ArrayDeque<PendingBatch> waiting = new ArrayDeque<>();
    private boolean told; // a DrainInbox is on its way to the entity, or being handled
    private boolean closed;

    /** An inbox of {@code entity}, which sends a batch it cannot take on through sharding with {@code sendOn}. */
    IngestInbox(ActorRef<Command> entity, String tenant, Consumer<PendingBatch> sendOn) {
        this.entity = entity;
        this.tenant = tenant;
        this.sendOn = sendOn;
    }

    /**
     * Puts a batch in the inbox, or refuses it as overload (its future fails with {@link IngestOverloaded}); false when
     * the inbox is closed and the batch must go through sharding. {@code settings}: the ingress's bounds of a queue
     * and a group.
     */
    synchronized boolean offer(PendingBatch batch, GroupCommitSettings settings) {
        if (closed) return false;
        this.settings = settings;
        IngestOverloaded overloaded = PendingBatch.overloaded(tenant, waiting, settings);
        if (overloaded != null) {
            batch.reply().completeExceptionally(overloaded);
            return true;
        }
        waiting.add(batch);
        if (!told) {
            told = true;
            entity.tell(DRAIN);
        }
        return true;
    }

    /**
     * The next group: the waiting batches up to {@code group-max-ops} ops (at least one; none when nothing waits). If
     * more wait after it, the entity is told again, so it takes them once this group is written.
     */
    synchronized List<PendingBatch> take() {
        if (waiting.isEmpty()) {
            told = false;
            return List.of();
        }
        List<PendingBatch> group = PendingBatch.nextGroup(waiting, settings.groupMaxOps());
        told = !waiting.isEmpty();
        if (told) entity.tell(DRAIN);
        return group;
    }

    /** Accepts nothing more, and sends what was waiting on through sharding. */
    void closeAndSendOn() {
        List<PendingBatch> left;
        synchronized (this) {
            closed = true;
            told = false; // a DrainInbox still on its way finds nothing
            left = new ArrayList<>(waiting);
            waiting.clear();
        }
        left.forEach(sendOn);
    }

    /** How this inbox sends a batch on through sharding. */
    Consumer<PendingBatch> sendOn() {
        return sendOn;
    }

    /** Accepts batches again: the entity, running, is the tenant's home (again). */
    synchronized void reopen() {
        closed = false;
    }
}
