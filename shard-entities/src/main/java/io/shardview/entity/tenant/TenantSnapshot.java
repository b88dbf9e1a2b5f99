package io.shardview.entity.tenant;

import io.shardview.circuit.Circuit;
import io.shardview.entity.CborSerializable;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.apache.pekko.persistence.typed.SnapshotAdapter;

/**
 * The snapshot of a tenant: the circuit in the engine's binary form (tables, view contents,
 * operator state and indexes, so recovery recomputes nothing), the remembered batch ids, and the
 * views' change histories. Built synchronously in the entity, so the mutable state never leaves it.
 */
public record TenantSnapshot(
    byte[] circuit,
    List<RememberedBatch> batches,
    List<History> histories) implements CborSerializable {

  /** A remembered batch id with its original result. */
  public record RememberedBatch(String batchId, TenantCircuit.Ingested result) {}

  /** One view's change history. */
  public record History(String view, long horizon, long lastVersion, List<String> columns, List<ViewChange> retained) {}

  static SnapshotAdapter<TenantState> adapter(String tenant, TenantSettings settings) {
    return new SnapshotAdapter<>() {
      @Override
      public Object toJournal(TenantState state) {
        return of(state);
      }

      @Override
      public TenantState fromJournal(Object from) {
        return ((TenantSnapshot) from).restore(tenant, settings);
      }
    };
  }

  static TenantSnapshot of(TenantState state) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      state.circuit.writeSnapshot(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<RememberedBatch> batches = state.batches.entries().stream()
        .map(e -> new RememberedBatch(e.getKey(), e.getValue())).toList();
    List<History> histories = state.histories.entrySet().stream()
        .map(e -> new History(e.getKey(), e.getValue().horizon(), e.getValue().lastVersion(),
            state.viewColumns.get(e.getKey()), e.getValue().retained()))
        .toList();
    return new TenantSnapshot(bytes.toByteArray(), batches, histories);
  }

  TenantState restore(String tenant, TenantSettings settings) {
    Circuit restored;
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(circuit))) {
      restored = Circuit.readSnapshot(in);
    } catch (IOException e) {
      throw new UncheckedIOException("corrupt tenant snapshot", e);
    }
    TenantState state = new TenantState(tenant, settings, restored);
    for (RememberedBatch batch : batches) state.batches.remember(batch.batchId(), batch.result());
    for (History h : histories) {
      state.histories.put(h.view(), ChangeHistory.restore(h.horizon(), h.lastVersion(), h.retained(),
          settings.historyMaxChanges(), settings.historyMaxRows()));
      state.viewColumns.put(h.view(), h.columns());
    }
    return state;
  }
}
