package io.shardview.metrics.chunk;

/** Forward cursor over the (timestamp, value) points of one encoded chunk. */
public interface ChunkIterator {
    /** Advances to the next point; false once the chunk is exhausted. */
    boolean next();

    /** Timestamp in milliseconds of the current point. */
    long timestamp();

    /** Value of the current point, bit-exact as appended (NaN payloads and -0.0 included). */
    double value();

    /**
     * Copies every point after the current one into {@code ts} and {@code values} from index {@code at} (which have
     * room for them) and moves to the end; returns how many. A codec that decodes in one pass copies its arrays.
     */
    default int copyRest(long[] ts, double[] values, int at) {
        int n = 0;
        while (next()) {
            ts[at + n] = timestamp();
            values[at + n] = value();
            n++;
        }
        return n;
    }
}
