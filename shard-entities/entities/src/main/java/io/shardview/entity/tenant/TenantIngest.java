package io.shardview.entity.tenant;

import io.shardview.circuit.batch.BatchOutcome;
import io.shardview.circuit.batch.BatchValidation;
import io.shardview.circuit.batch.Op;
import io.shardview.circuit.batch.ValidatedBatch;
import io.shardview.circuit.error.RejectionKind;
import io.shardview.entity.AdvertisedUrl;
import io.shardview.entity.fault.FailPoints;
import io.shardview.entity.fault.InternalErrors;
import io.shardview.entity.tenant.TenantProtocol.BatchRequest;
import io.shardview.entity.tenant.TenantProtocol.IngestMany;
import io.shardview.entity.tenant.TenantProtocol.IngestOp;
import io.shardview.entity.tenant.TenantProtocol.IngestReply;
import io.shardview.entity.tenant.TenantProtocol.IngestResults;
import io.shardview.entity.tenant.TenantProtocol.Ingested;
import io.shardview.entity.tenant.TenantProtocol.Refused;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.pekko.persistence.typed.javadsl.Effect;

/**
 * A tenant's ingest at its home: a group of client batches, each validated against the state the previous ones left
 * and applied to the circuit, the accepted ones persisted in one journal write (group commit). The journal acknowledges
 * the write before it is synced, so the next group is applied while this one is made durable; once it is
 * ({@link DurablePoint}), its view changes are published, it is pushed to the other regions and every batch is
 * answered, group after group in the order they were written.
 */
final class TenantIngest {
    private final TenantContext tenant;
    private final AdvertisedUrl advertised;

    /** The inbox's groups applied and not answered yet, in order (see {@link #stopped}). */
    private final ArrayDeque<List<PendingBatch>> unanswered = new ArrayDeque<>();

    TenantIngest(TenantContext tenant) {
        this.tenant = tenant;
        this.advertised = AdvertisedUrl.get(tenant.actor.getSystem());
    }

    /**
     * Applies a group sent through sharding, and answers its sender, with this node's URL when the sender is in this
     * region (which it passes on to its client: {@link IngestResults#node}).
     */
    Effect<TenantEvent, TenantState> onIngest(TenantState state, IngestMany command) {
        String node = tenant.replica.inThisRegion(command.replyTo()) ? advertised.url() : null;
        return onIngest(state, command.batches(), results -> tenant.reply(command.replyTo(), results.from(node)));
    }

    /**
     * Applies a group taken from the entity's {@link IngestInbox}, and completes each batch's future. Until the group
     * is answered its batches are {@link #unanswered}: should the entity stop first (a journal write that failed),
     * they are sent on or failed as unknown rather than left waiting.
     */
    Effect<TenantEvent, TenantState> onIngest(TenantState state, List<PendingBatch> group) {
        List<BatchRequest> batches = new ArrayList<>(group.size());
        for (PendingBatch pending : group) batches.add(pending.batch());
        unanswered.add(group);
        return onIngest(state, batches, results -> {
            unanswered.removeIf(waiting -> waiting == group);
            for (int i = 0; i < group.size(); i++)
                group.get(i).reply().complete(results.replies().get(i));
        });
    }

    /**
     * The batches of the group being written when the entity stopped: each with an id goes on through sharding
     * ({@code sendOn}), where the next incarnation answers it once (as a duplicate if it was written); one without an
     * id fails as unknown (504), since it may or may not have been written.
     */
    void stopped(Consumer<PendingBatch> sendOn) {
        for (List<PendingBatch> group : unanswered) {
            for (PendingBatch pending : group) {
                if (pending.retriable()) sendOn.accept(pending);
                else
                    pending.reply()
                            .completeExceptionally(new TimeoutException(
                                    "tenant " + tenant.tenant + "'s entity stopped while writing the batch"));
            }
        }
        unanswered.clear();
    }

    /** Applies the group's batches in order, persists the accepted ones together, and answers once they are durable. */
    private Effect<TenantEvent, TenantState> onIngest(
            TenantState state, List<BatchRequest> group, Consumer<IngestResults> answer) {
        List<IngestReply> replies = new ArrayList<>(group.size());
        List<TenantEvent> events = new ArrayList<>();
        List<ViewChange> changes = new ArrayList<>();
        Refused insufficient = tenant.writesRefused();
        boolean duplicates = false;
        for (int i = 0; i < group.size(); i++) {
            BatchRequest batch = group.get(i);
            // A batch already applied is answered as it was before its deadline is looked at: a resend that waited
            // past it must not be answered 503 (which says nothing was applied) for a batch in the journal.
            Ingested earlier = batch.batchId() == null ? null : state.batches.get(batch.batchId());
            if (state.circuit.version() == 0) {
                replies.add(Refused.noSuchTenant(tenant.tenant));
            } else if (earlier != null) {
                replies.add(new Ingested(earlier.version(), earlier.ops(), earlier.views(), true));
                duplicates = true;
            } else if (insufficient != null) {
                replies.add(insufficient);
            } else if (TenantContext.expired(batch.deadlineMillis())) {
                replies.add(Refused.unavailable("the batch waited past its deadline"));
            } else {
                try {
                    replies.add(ingest(state, batch, events, changes));
                } catch (Throwable error) {
                    throw failedIngest(group.size(), i, error, answer);
                }
            }
        }
        IngestResults results = new IngestResults(replies);
        if (events.isEmpty()) {
            // Nothing written; answered once what it was checked against (or the duplicate's own write) is durable,
            // and a duplicate once that is confirmed too (sync replication).
            long last = tenant.lastSequenceNumber();
            tenant.durability.whenDurable(
                    last,
                    duplicates
                            ? () -> tenant.whenConfirmed(
                                    last, () -> answer.accept(results), () -> answer.accept(unconfirmed(results)))
                            : () -> answer.accept(results));
            return tenant.effects.none();
        }
        return persist(events, changes, () -> answer.accept(results), () -> answer.accept(unconfirmed(results)));
    }

    /**
     * Persists the events of applied batches: written, not yet durable, the next group is applied meanwhile; they are
     * published and pushed once durable, and {@code confirmed} runs then (async), or once enough other regions have
     * journaled them too (sync; {@code unconfirmed} when they did not in time).
     */
    private Effect<TenantEvent, TenantState> persist(
            List<TenantEvent> events, List<ViewChange> changes, Runnable confirmed, Runnable unconfirmed) {
        return tenant.effects.persist(events).thenRun(s -> {
            long seqNr = tenant.lastSequenceNumber();
            long version = s.circuit.version();
            tenant.durability.written(seqNr, () -> {
                changes.forEach(tenant.topics::publish);
                tenant.replica.pushed(events, seqNr, version);
                tenant.whenConfirmed(seqNr, confirmed, unconfirmed);
            });
        });
    }

    /**
     * A tick of the tenant's clock (TenantClock), at its home: the batch that sets the clock to {@code now}, applied and
     * persisted as a client's batch is (a version of its own, its view changes published), answering no one. Nothing
     * happens while writes are refused (sync replication without enough regions), or when a view fails on it (the
     * next tick tries again).
     */
    Effect<TenantEvent, TenantState> tick(TenantState state, java.time.LocalDateTime now) {
        if (tenant.writesRefused() != null || state.circuit.version() == 0) return tenant.effects.none();
        BatchValidation validation = state.circuit.clockBatch(now);
        if (!(validation instanceof ValidatedBatch validated)) return tenant.effects.none();
        TenantState.AppliedBatch applied = state.applyBatch(validated, null);
        if (!(applied.result() instanceof Ingested)) return tenant.effects.none();
        return persist(List.of(TenantEvent.BatchApplied.of(validated, null)), applied.changes(), () -> {}, () -> {});
    }

    /** The answers of a group whose write was not confirmed in time: each batch applied is 504, the others as they were. */
    private IngestResults unconfirmed(IngestResults results) {
        List<IngestReply> replies = new ArrayList<>(results.replies().size());
        for (IngestReply reply : results.replies())
            replies.add(reply instanceof Ingested ? tenant.unconfirmed() : reply);
        return new IngestResults(replies);
    }

    /**
     * Batch {@code failed} of a group of {@code size} hit a bug: it is answered 500, the others 503 (those before it
     * were applied in memory only, and the restart drops them with it), and the entity restarts.
     */
    private EntityFailed failedIngest(int size, int failed, Throwable error, Consumer<IngestResults> answer) {
        String incident = InternalErrors.record(
                tenant.actor.getLog(), "tenant-circuit", "tenant " + tenant.tenant + ", ingest", error);
        List<IngestReply> replies = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            replies.add(
                    i == failed
                            ? tenant.internal(incident)
                            : Refused.unavailable(
                                    "another batch written with it failed tenant " + tenant.tenant + "'s entity"));
        }
        answer.accept(new IngestResults(replies));
        return new EntityFailed(incident, error);
    }

    /**
     * Validates one batch against the state the previous ones left and, if valid, applies it (see
     * TenantState); only a batch that applied becomes an event.
     */
    private static IngestReply ingest(
            TenantState state, BatchRequest batch, List<TenantEvent> events, List<ViewChange> changes) {
        List<Op> ops = new ArrayList<>(batch.ops().size());
        for (int i = 0; i < batch.ops().size(); i++) {
            Op op = engineOp(batch.ops().get(i));
            if (op == null) {
                return new Refused(
                        RejectionKind.INVALID, "op " + i + ": missing op, table, row or key", Map.of("index", i));
            }
            ops.add(op);
        }
        BatchValidation validation = state.circuit.validate(ops);
        if (validation instanceof BatchOutcome.Rejected rejected) {
            return new Refused(rejected.kind(), rejected.message(), Map.of("index", rejected.index()));
        }
        ValidatedBatch validated = (ValidatedBatch) validation;
        TenantState.AppliedBatch applied = state.applyBatch(validated, batch.batchId());
        for (IngestOp op : batch.ops())
            FailPoints.atName(op.table()); // after the circuit changed: a restart must undo it
        if (applied.result() instanceof Ingested) { // else a view failed on the batch's data: nothing changed
            events.add(TenantEvent.BatchApplied.of(validated, batch.batchId()));
            changes.addAll(applied.changes());
        }
        return applied.result();
    }

    /** The engine's op for an op of the API, or null when it lacks what its kind needs (the edge checked it first). */
    private static Op engineOp(IngestOp op) {
        if (op.op() == null || op.table() == null) return null;
        return switch (op.op()) {
            case INSERT -> op.row() == null ? null : Op.insert(op.table(), op.row());
            case UPDATE -> op.row() == null ? null : Op.update(op.table(), op.row());
            case UPSERT -> op.row() == null ? null : Op.upsert(op.table(), op.row());
            case DELETE -> op.key() != null
                    ? Op.deleteKey(op.table(), op.key())
                    : op.row() != null ? Op.deleteRow(op.table(), op.row()) : null;
        };
    }
}
