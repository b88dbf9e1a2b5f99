package io.shardview.entity.metrics;

/** A series read that would take more points than it may: the shards say so before the points reach the asker. */
public final class TooManyPoints extends RuntimeException {
    TooManyPoints(long maxPoints) {
        super("the request would read more than " + maxPoints + " points");
    }
}
