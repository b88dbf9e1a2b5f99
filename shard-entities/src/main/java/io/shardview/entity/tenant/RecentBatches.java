package io.shardview.entity.tenant;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The results of the last N batches that carried a {@code batch_id}, so a retried batch is
 * answered with its original result instead of being applied twice. Oldest forgotten first.
 */
final class RecentBatches {
  private final int capacity;
  private final LinkedHashMap<String, TenantCircuit.Ingested> results;

  RecentBatches(int capacity) {
    this.capacity = capacity;
    this.results = new LinkedHashMap<>(16, 0.75f, false) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, TenantCircuit.Ingested> eldest) {
        return size() > RecentBatches.this.capacity;
      }
    };
  }

  TenantCircuit.Ingested get(String batchId) {
    return results.get(batchId);
  }

  void remember(String batchId, TenantCircuit.Ingested result) {
    results.put(batchId, result);
  }

  /** Entries oldest first, for snapshots. */
  List<Map.Entry<String, TenantCircuit.Ingested>> entries() {
    return List.copyOf(results.entrySet());
  }
}
