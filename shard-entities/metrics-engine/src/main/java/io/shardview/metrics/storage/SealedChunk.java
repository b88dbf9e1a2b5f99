package io.shardview.metrics.storage;

/**
 * An encoded chunk with the metadata needed to skip it without decoding: its points have
 * timestamps in [minT, maxT], strictly increasing.
 */
record SealedChunk(long minT, long maxT, int count, byte[] bytes) {}
