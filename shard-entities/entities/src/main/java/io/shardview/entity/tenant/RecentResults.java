package io.shardview.entity.tenant;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The results of the last N writes that carried a client-chosen id (a batch's {@code batch_id}, a SQL request's
 * {@code Idempotency-Key}), so a retried write is answered with its original result instead of being applied twice.
 * Oldest forgotten first.
 */
final class RecentResults<R> {
    private final int capacity;
    private final LinkedHashMap<String, R> results;

    RecentResults(int capacity) {
        this.capacity = capacity;
        this.results = new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, R> eldest) {
                return size() > RecentResults.this.capacity;
            }
        };
    }

    R get(String id) {
        return results.get(id);
    }

    void remember(String id, R result) {
        results.put(id, result);
    }

    int size() {
        return results.size();
    }

    /** Entries oldest first, for snapshots. */
    List<Map.Entry<String, R>> entries() {
        return List.copyOf(results.entrySet());
    }
}
