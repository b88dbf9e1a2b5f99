package io.shardview.metrics.storage;

/**
 * Outcome of one batch: points stored (a duplicate timestamp counts, it replaced the value) and
 * points rejected for being older than the out-of-order window or the retention horizon.
 */
public record AppendResult(int accepted, int rejectedOutOfOrder) {}
