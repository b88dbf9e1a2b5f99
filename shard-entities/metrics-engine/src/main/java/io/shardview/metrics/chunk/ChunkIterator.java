package io.shardview.metrics.chunk;

/** Forward cursor over the (timestamp, value) points of one encoded chunk. */
public interface ChunkIterator {
    /** Advances to the next point; false once the chunk is exhausted. */
    boolean next();

    /** Timestamp in milliseconds of the current point. */
    long timestamp();

    /** Value of the current point, bit-exact as appended (NaN payloads and -0.0 included). */
    double value();
}
