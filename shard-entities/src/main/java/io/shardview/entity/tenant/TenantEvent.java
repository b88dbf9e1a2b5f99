package io.shardview.entity.tenant;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.shardview.circuit.DdlResult;
import io.shardview.circuit.RowCodec;
import io.shardview.circuit.ValidatedBatch;
import io.shardview.circuit.ZSet;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
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
    @JsonSubTypes.Type(value = TenantEvent.BatchApplied.class, name = "batch-applied.v1")})
public sealed interface TenantEvent {

  /** The tenant's version after this event. */
  long version();

  /** A SQL request whose statements all applied, and the objects it created or dropped. */
  record SqlApplied(long version, String sql, List<DdlResult.ChangedObject> objects) implements TenantEvent {}

  /**
   * An accepted ingest batch: its net effect per table as Z-set deltas (binary, {@link RowCodec}),
   * which is what recovery applies; the ops themselves are not needed again.
   *
   * @param batchId the client's idempotency key, or null
   * @param validated the decoded batch when the event was created in this JVM; not persisted
   */
  record BatchApplied(long version, String batchId, int ops, byte[] deltas,
      @JsonIgnore ValidatedBatch validated) implements TenantEvent {

    /** The event of a batch validated at version {@code version - 1}. */
    public static BatchApplied of(ValidatedBatch batch, String batchId) {
      return new BatchApplied(batch.baseVersion() + 1, batchId, batch.ops(), encode(batch.tableDeltas()), batch);
    }

    /** The batch to apply: the one it was created from, else decoded from the journal bytes. */
    public ValidatedBatch toValidatedBatch() {
      return validated != null ? validated : new ValidatedBatch(version - 1, ops, decode(deltas));
    }

    private static byte[] encode(Map<String, ZSet> tableDeltas) {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (DataOutputStream out = new DataOutputStream(bytes)) {
        out.writeInt(tableDeltas.size());
        for (Map.Entry<String, ZSet> table : tableDeltas.entrySet()) {
          out.writeUTF(table.getKey());
          RowCodec.writeZSet(out, table.getValue());
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return bytes.toByteArray();
    }

    private static Map<String, ZSet> decode(byte[] deltas) {
      try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(deltas))) {
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
