package io.shardview.entity.metrics;

import io.shardview.metrics.storage.PointBatch;
import io.shardview.metrics.storage.RetentionCutoffs;

/**
 * What a metrics shard journals. Written by {@code io.shardview.persistence.MetricsSerializer} as
 * the storage's own compact binary forms (point batches as chunk-encoded points, snapshots as
 * sealed chunks), never as JSON; the manifest names the type and its version.
 */
public sealed interface MetricsEvent {

    /**
     * A batch of points accepted by the shard: the binary {@link PointBatch} form. A backfill's batch (historical
     * points of any age within retention, {@link io.shardview.metrics.storage.ShardStorage#backfill}) is journaled
     * under a manifest of its own, so that replay applies it as a backfill again.
     */
    final class PointsAppended implements MetricsEvent {
        private final byte[] bytes;
        private final boolean backfill;
        private PointBatch decoded;

        private PointsAppended(byte[] bytes, PointBatch decoded, boolean backfill) {
            this.bytes = bytes;
            this.decoded = decoded;
            this.backfill = backfill;
        }

        /** As read from the journal. */
        public static PointsAppended fromBytes(byte[] bytes, boolean backfill) {
            return new PointsAppended(bytes, null, backfill);
        }

        /** For a batch this node decoded already. */
        static PointsAppended of(byte[] bytes, PointBatch decoded, boolean backfill) {
            return new PointsAppended(bytes, decoded, backfill);
        }

        /** The journal payload. */
        public byte[] bytes() {
            return bytes;
        }

        /** Whether the batch is a backfill. */
        public boolean backfill() {
            return backfill;
        }

        /** The points, decoded once. */
        public PointBatch batch() {
            if (decoded == null) decoded = PointBatch.fromBytes(bytes);
            return decoded;
        }
    }

    /**
     * Retention ran, with the cutoffs computed from the wall clock and the settings at the time:
     * replay applies the same cutoffs, so the journal, not the clock or the settings at replay,
     * decides what was dropped.
     */
    record RetentionApplied(long rawCutoffMs, long rollupCutoffMs) implements MetricsEvent {
        /** The cutoffs in the storage's terms. */
        public RetentionCutoffs cutoffs() {
            return new RetentionCutoffs(rawCutoffMs, rollupCutoffMs);
        }
    }

    /**
     * The shard sealed every head into a chunk (after being idle for seal-after-idle). A snapshot
     * follows it, and once that is saved the events up to it are deleted: from then on the shard's
     * data is held as encoded chunks only.
     */
    record HeadsSealed() implements MetricsEvent {}
}
