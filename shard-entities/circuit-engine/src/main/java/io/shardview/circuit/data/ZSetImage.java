package io.shardview.circuit.data;

import java.io.DataOutput;
import java.io.IOException;
import java.util.Map;

/**
 * The entries of a Z-set (or of a row-to-count map) as they were when the image was taken, written
 * later in {@link RowCodec}'s Z-set format. Rows and weights are immutable, so taking the image copies
 * references into two arrays: no encoding and no hashing on the thread that owns the map.
 */
public final class ZSetImage {
    private final Row[] rows;
    private final long[] weights;

    private ZSetImage(Row[] rows, long[] weights) {
        this.rows = rows;
        this.weights = weights;
    }

    /** An image of a Z-set's entries. */
    public static ZSetImage of(ZSet z) {
        return of(z.entries());
    }

    /** An image of a map from rows to copy counts (operator state kept as such a map). */
    public static ZSetImage of(Map<Row, Long> entries) {
        Row[] rows = new Row[entries.size()];
        long[] weights = new long[rows.length];
        int i = 0;
        for (Map.Entry<Row, Long> e : entries.entrySet()) {
            rows[i] = e.getKey();
            weights[i++] = e.getValue();
        }
        return new ZSetImage(rows, weights);
    }

    /** An image of the entries of several Z-sets holding different rows, as one Z-set. */
    public static ZSetImage concat(java.util.Collection<ZSet> parts) {
        int n = 0;
        for (ZSet z : parts) n += z.size();
        Row[] rows = new Row[n];
        long[] weights = new long[n];
        int i = 0;
        for (ZSet z : parts) {
            for (Map.Entry<Row, Long> e : z.entries().entrySet()) {
                rows[i] = e.getKey();
                weights[i++] = e.getValue();
            }
        }
        return new ZSetImage(rows, weights);
    }

    /** Writes the entries exactly as {@link RowCodec#writeZSet} does. */
    public void write(DataOutput out) throws IOException {
        out.writeInt(rows.length);
        for (int i = 0; i < rows.length; i++) {
            RowCodec.writeRow(out, rows[i]);
            out.writeLong(weights[i]);
        }
    }
}
