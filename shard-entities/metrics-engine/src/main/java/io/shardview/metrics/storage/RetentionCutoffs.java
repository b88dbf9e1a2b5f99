package io.shardview.metrics.storage;

/**
 * What one retention run drops: raw points older than {@code rawCutoffMs} (an hour boundary, so
 * rollup buckets stay whole) and rollup buckets ending at or before {@code rollupCutoffMs}.
 */
public record RetentionCutoffs(long rawCutoffMs, long rollupCutoffMs) {}
