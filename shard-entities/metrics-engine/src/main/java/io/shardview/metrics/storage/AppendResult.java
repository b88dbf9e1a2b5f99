package io.shardview.metrics.storage;

/**
 * Outcome of one batch: points stored (a duplicate timestamp counts, it replaced the value), points
 * rejected for being older than the shard's newest point minus the out-of-order window, points
 * rejected for being older than the raw retention horizon, and series the batch created (a series
 * is created by its first accepted point, so a new series whose points are all rejected creates
 * nothing).
 */
public record AppendResult(int accepted, int rejectedOutOfOrder, int rejectedTooOld, int newSeries) {}
