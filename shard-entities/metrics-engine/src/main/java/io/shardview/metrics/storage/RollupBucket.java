package io.shardview.metrics.storage;

/**
 * Aggregate of one series over [startMs, startMs + width): the fold, in timestamp order, of its
 * points other than Prometheus stale markers. min/max ignore NaN unless every value is NaN (as
 * Prometheus min_over_time does); sum propagates NaN; last is the value at the latest timestamp.
 */
public record RollupBucket(long startMs, long count, double sum, double min, double max, double last) {}
