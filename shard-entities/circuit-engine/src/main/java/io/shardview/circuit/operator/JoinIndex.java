package io.shardview.circuit.operator;

import io.shardview.circuit.data.Row;
import io.shardview.circuit.data.RowCodec;
import io.shardview.circuit.data.ZSet;
import io.shardview.circuit.data.ZSetImage;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.HashMap;

/**
 * An arrangement: the current rows of one join input, hashed by join key. Counts its distinct rows and their
 * estimated bytes as they come and go, for the state budgets.
 */
final class JoinIndex {
    private static final ZSet EMPTY = new ZSet();
    private final HashMap<Row, ZSet> byKey = new HashMap<>();
    private long rows;
    private long bytes;

    ZSet get(Row key) {
        ZSet rows = byKey.get(key);
        return rows == null ? EMPTY : rows;
    }

    /** Whether no key has rows. */
    boolean isEmpty() {
        return byKey.isEmpty();
    }

    /** Each key with its rows. */
    void forEach(java.util.function.BiConsumer<Row, ZSet> action) {
        byKey.forEach(action);
    }

    void add(Row key, Row row, long weight) {
        ZSet keyRows = byKey.computeIfAbsent(key, k -> new ZSet(1));
        long grown = keyRows.addWeighed(row, weight);
        rows += Long.signum(grown); // a row that appeared or went
        bytes += grown;
        if (keyRows.isEmpty()) byKey.remove(key);
    }

    /** Adds sign times a delta of an input, each row under its key (a row whose key is null matches nothing). */
    void add(ZSet delta, JoinKeys keys, int sign) {
        delta.forEach((row, w) -> {
            Row key = keys.keyOf(row);
            if (key != null) add(key, row, sign * w);
        });
    }

    /** The distinct rows held. */
    long rows() {
        return rows;
    }

    /** Their estimated bytes (see {@link Row#estimatedBytes}). */
    long bytes() {
        return bytes;
    }

    void write(DataOutput out) throws IOException {
        out.writeInt(byKey.size());
        for (var e : byKey.entrySet()) {
            RowCodec.writeRow(out, e.getKey());
            RowCodec.writeZSet(out, e.getValue());
        }
    }

    /** The index as it is now, written later as {@link #write} would have written it (inner Z-sets change in place, so each is imaged). */
    StateImage image() {
        return imageOf(byKey, ZSetImage::of);
    }

    /** An image of rows by key, each key's rows imaged by image, written as {@link #write} writes an index. */
    static <V> StateImage imageOf(java.util.Map<Row, V> byKey, java.util.function.Function<V, ZSetImage> image) {
        Row[] keys = new Row[byKey.size()];
        ZSetImage[] rows = new ZSetImage[keys.length];
        int i = 0;
        for (var e : byKey.entrySet()) {
            keys[i] = e.getKey();
            rows[i++] = image.apply(e.getValue());
        }
        return out -> {
            out.writeInt(keys.length);
            for (int k = 0; k < keys.length; k++) {
                RowCodec.writeRow(out, keys[k]);
                rows[k].write(out);
            }
        };
    }

    void read(DataInput in) throws IOException {
        byKey.clear();
        rows = 0;
        bytes = 0;
        int n = in.readInt();
        for (int i = 0; i < n; i++) {
            Row key = RowCodec.readRow(in);
            ZSet keyRows = RowCodec.readZSet(in);
            byKey.put(key, keyRows);
            keyRows.forEach((row, w) -> {
                rows++;
                bytes += row.estimatedBytes();
            });
        }
    }

    // The state of a two-input operator is its two arrangements, left then right.

    static StateImage imageOfBoth(JoinIndex left, JoinIndex right) {
        return StateImage.inOrder(left.image(), right.image());
    }

    static void readBoth(DataInput in, JoinIndex left, JoinIndex right) throws IOException {
        left.read(in);
        right.read(in);
    }
}
