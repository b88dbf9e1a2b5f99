package io.shardview.node;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.shardview.persistence.JournalSyncStats;

/**
 * The embedded journal's group commit on /metrics: writes acknowledged and the fsync rounds that
 * made them durable. Writes per round is how many writes shared an fsync; with Pekko's per-write
 * fsync (group-commit off) both stay 0.
 */
final class JournalMetrics {
    private JournalMetrics() {}

    static void register(PrometheusRegistry registry, JournalSyncStats stats) {
        CounterWithCallback.builder()
                .name("shardview_journal_writes_total")
                .help("Journal writes (one per entity write or deletion) acknowledged after a group fsync")
                .callback(cb -> cb.call(stats.writes()))
                .register(registry);
        CounterWithCallback.builder()
                .name("shardview_journal_fsyncs_total")
                .help("Group fsync rounds of the journal, each covering every write made before it started")
                .callback(cb -> cb.call(stats.syncs()))
                .register(registry);
    }
}
