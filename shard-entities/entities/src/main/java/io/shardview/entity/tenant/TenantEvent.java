package io.shardview.entity.tenant;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.shardview.circuit.DdlResult;
import io.shardview.circuit.batch.ValidatedBatch;
import io.shardview.circuit.data.ByteArrayInput;
import io.shardview.circuit.data.ByteArrayOutput;
import io.shardview.circuit.data.RowCodec;
import io.shardview.circuit.data.ZSet;
import io.shardview.entity.durability.AcknowledgedWhenWritten;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The journal events of a tenant circuit, one per accepted request. Written as Jackson CBOR with
 * an explicit type name in the payload ({@code "type": "batch-applied.v1"}) rather than a class
 * name in the manifest (config/serialization.conf, serializer {@code tenant-events}), so classes
 * can be renamed and a changed shape gets a new name beside the old one.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = TenantEvent.SqlApplied.class, name = "sql-applied.v1"),
    @JsonSubTypes.Type(value = TenantEvent.BatchApplied.class, name = "batch-applied.v1"),
    @JsonSubTypes.Type(value = TenantEvent.BudgetsSet.class, name = "budgets-set.v1"),
    @JsonSubTypes.Type(value = TenantEvent.HomeSet.class, name = "home-set.v1"),
    @JsonSubTypes.Type(value = TenantEvent.ReplicationSet.class, name = "replication-set.v1"),
    @JsonSubTypes.Type(value = TenantEvent.ClockSet.class, name = "clock-set.v1"),
    @JsonSubTypes.Type(value = TenantEvent.Replicated.class, name = "replicated.v1"),
    @JsonSubTypes.Type(value = TenantEvent.Skipped.class, name = "event-skipped.v1")
})
public sealed interface TenantEvent {

    /** The tenant's version after this event. */
    long version();

    /**
     * The admin set the tenant's budgets: these values by name, the node's defaults for the others (an empty map
     * returns to the defaults). Not a change of the tenant's data: its version stays the same.
     */
    record BudgetsSet(long version, Map<String, Long> budgets) implements TenantEvent {}

    /**
     * The tenant's home region, whose replica alone writes its events (docs/regions.md): persisted by the replica
     * that becomes home, first when a tenant is created in a cluster of several regions. Its version stays the same.
     * {@code epoch} names the new home's term ({@link HomeTerms}) and {@code after} is the last sequence number before
     * this event; {@code lost} is the region a failover took the home from (null for a creation or a move). Events
     * written before epochs have 0 for both and no {@code lost}.
     */
    record HomeSet(long version, String region, long epoch, long after, String lost) implements TenantEvent {}

    /**
     * The admin set how the tenant's writes are replicated ({@link Replication}): {@code mode} {@code async} or {@code
     * sync}, with {@code minRegions} other regions for sync. Its version stays the same.
     */
    record ReplicationSet(long version, String mode, int minRegions) implements TenantEvent {
        /** The setting. */
        @JsonIgnore
        public Replication replication() {
            return new Replication(mode, minRegions);
        }
    }

    /**
     * The tenant set its clock's resolution (docs/sql.md, "Time in views"): the clock advances in steps of
     * {@code resolutionMicros}; 0 returns to the node's default. Its version stays the same.
     */
    record ClockSet(long version, long resolutionMicros) implements TenantEvent {}

    /**
     * An event an operator skipped ({@code shardview journal skip}), written in its place at its sequence number:
     * recovery applies nothing for it but moves the version to {@code version}, and applies the events after it to the
     * tables as they are without it ({@link io.shardview.circuit.Circuit#rederive}). {@code was} describes the event
     * (its type and version, or why it could not be read), {@code reason} is the operator's, {@code at} when it was
     * decided; {@code original} holds the bytes the journal held, as the journal stores them ({@code serializer} and
     * {@code manifest} beside them when the journal keeps those apart, as PostgreSQL's does), so it can be put back;
     * {@code lastSequenceNr} the tenant's last event when the skip was made (null in skips written before it was kept),
     * so putting the event back is refused once later batches were made to the tables without it.
     */
    record Skipped(
            long version,
            String was,
            String reason,
            String at,
            byte[] original,
            Integer serializer,
            String manifest,
            Long lastSequenceNr)
            implements TenantEvent {}

    /**
     * An event of the home replica's log as a replica in another region persists it, at the same sequence number:
     * {@code home} is the region it came from, so a replica knows after recovery whose log it follows.
     */
    record Replicated(String home, TenantEvent event) implements TenantEvent {
        @Override
        public long version() {
            return event.version();
        }
    }

    /**
     * A SQL request whose statements all applied, and the objects it created or dropped; revision: the
     * {@link io.shardview.circuit.Circuit#SQL_REVISION} they were accepted under, null in events written before it
     * was kept (revision 0); requestKey: the client's Idempotency-Key, or null (so a retry of it answers this result).
     */
    record SqlApplied(
            long version, String sql, List<DdlResult.ChangedObject> objects, Integer revision, String requestKey)
            implements TenantEvent {
        /** The SQL revision, 0 for an event written before it was kept. */
        public int sqlRevision() {
            return revision == null ? 0 : revision;
        }
    }

    /**
     * An accepted ingest batch: its net effect per table as Z-set deltas (binary, {@link RowCodec}),
     * which is what recovery applies; the ops themselves are not needed again. A class rather than a
     * record so that the decoded batch it was created from can ride along without being persisted. Acknowledged by
     * the journal once written: the entity answers its batch once it is durable ({@link DurablePoint}).
     */
    final class BatchApplied implements TenantEvent, AcknowledgedWhenWritten {
        private final long version;
        private final String batchId;
        private final int ops;
        private final byte[] deltas;

        @JsonIgnore // Pekko's mapper sees private fields; this one is never persisted
        private final ValidatedBatch validated;

        /** As read from the journal. */
        @JsonCreator
        public BatchApplied(
                @JsonProperty("version") long version,
                @JsonProperty("batchId") String batchId,
                @JsonProperty("ops") int ops,
                @JsonProperty("deltas") byte[] deltas) {
            this(version, batchId, ops, deltas, null);
        }

        private BatchApplied(long version, String batchId, int ops, byte[] deltas, ValidatedBatch validated) {
            this.version = version;
            this.batchId = batchId;
            this.ops = ops;
            this.deltas = deltas;
            this.validated = validated;
        }

        /** The event of a batch validated at version {@code version - 1}. */
        public static BatchApplied of(ValidatedBatch batch, String batchId) {
            return new BatchApplied(batch.baseVersion() + 1, batchId, batch.ops(), encode(batch.tableDeltas()), batch);
        }

        @Override
        @JsonProperty("version")
        public long version() {
            return version;
        }

        /** The client's idempotency key, or null. */
        @JsonProperty("batchId")
        public String batchId() {
            return batchId;
        }

        /** Number of ops in the request. */
        @JsonProperty("ops")
        public int ops() {
            return ops;
        }

        /** The net table deltas in {@link RowCodec} form. */
        @JsonProperty("deltas")
        public byte[] deltas() {
            return deltas;
        }

        /** The batch to apply: the one it was created from, else decoded from the journal bytes. */
        public ValidatedBatch toValidatedBatch() {
            return validated != null ? validated : new ValidatedBatch(version - 1, ops, decode(deltas));
        }

        private static byte[] encode(Map<String, ZSet> tableDeltas) {
            int rows = 0;
            for (ZSet delta : tableDeltas.values()) rows += delta.size();
            ByteArrayOutput out = new ByteArrayOutput(64 + 48 * rows); // about what a row takes
            try {
                out.writeInt(tableDeltas.size());
                for (Map.Entry<String, ZSet> table : tableDeltas.entrySet()) {
                    out.writeUTF(table.getKey());
                    RowCodec.writeZSet(out, table.getValue());
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return out.toByteArray();
        }

        private static Map<String, ZSet> decode(byte[] deltas) {
            try {
                ByteArrayInput in = new ByteArrayInput(deltas);
                int tables = in.readInt();
                Map<String, ZSet> result = new LinkedHashMap<>();
                for (int i = 0; i < tables; i++) result.put(in.readUTF(), RowCodec.readZSet(in));
                return result;
            } catch (IOException e) {
                throw new UncheckedIOException("corrupt batch event", e);
            }
        }
    }
}
