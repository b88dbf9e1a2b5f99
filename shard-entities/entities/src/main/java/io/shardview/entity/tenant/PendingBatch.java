package io.shardview.entity.tenant;

import io.shardview.entity.tenant.TenantProtocol.BatchRequest;
import io.shardview.entity.tenant.TenantProtocol.IngestReply;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A client's batch on its way to its tenant's entity through this node's group commit ({@link TenantIngress}): the
 * future its reply completes, when it must have been sent by, and when it arrived. Batches wait in a tenant's
 * {@link TenantQueue} or {@link IngestInbox}, which share the rules below for shedding load and cutting groups.
 */
record PendingBatch(BatchRequest batch, CompletableFuture<IngestReply> reply, long deadlineNanos, long arrivedNanos) {
    /** Whether it may be sent again after an attempt timed out: the entity deduplicates it by its id. */
    boolean retriable() {
        return batch.batchId() != null && System.nanoTime() < deadlineNanos;
    }

    /**
     * Why a new batch is refused at once, or null when it may wait: {@code waiting} is full, or its oldest batch has
     * waited too long. Shed rather than queue what would wait past its deadline: the client backs off (429).
     */
    static IngestOverloaded overloaded(String tenant, ArrayDeque<PendingBatch> waiting, GroupCommitSettings settings) {
        long waited = waiting.isEmpty() ? 0 : System.nanoTime() - waiting.peek().arrivedNanos();
        if (waiting.size() < settings.queueMaxBatches()
                && waited <= settings.queueMaxWait().toNanos()) return null;
        return new IngestOverloaded("tenant " + tenant + " has " + waiting.size()
                + " batches waiting on this node, the oldest for " + waited / 1_000_000 + " ms");
    }

    /** Takes the next group from {@code waiting}: its batches up to {@code maxOps} ops, and at least one. */
    static List<PendingBatch> nextGroup(ArrayDeque<PendingBatch> waiting, int maxOps) {
        List<PendingBatch> group = new ArrayList<>();
        int ops = 0;
        while (!waiting.isEmpty()
                && (group.isEmpty() || ops + waiting.peek().batch().ops().size() <= maxOps)) {
            PendingBatch next = waiting.poll();
            group.add(next);
            ops += next.batch().ops().size();
        }
        return group;
    }
}
