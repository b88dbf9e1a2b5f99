package io.shardview.circuit.operator;

import io.shardview.circuit.Row;
import io.shardview.circuit.RowCodec;
import io.shardview.circuit.Values;
import io.shardview.circuit.ZSet;
import io.shardview.circuit.ZSetImage;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.HashMap;
import java.util.TreeMap;
import java.util.function.BiConsumer;

/**
 * An arrangement of one join input hashed by join key, then ordered by one column, so the rows whose value lies
 * on one side of a bound are found without looking at the others. A row whose value is NULL compares with
 * nothing and is not kept. Written as a {@link JoinIndex} is (key, then the key's rows as one Z-set).
 */
final class RangeIndex {
    private final int column;
    private final HashMap<Row, TreeMap<Object, ZSet>> byKey = new HashMap<>();

    RangeIndex(int column) {
        this.column = column;
    }

    void add(Row key, Row row, long weight) {
        Object value = row.get(column);
        if (value == null) return;
        TreeMap<Object, ZSet> ordered = byKey.computeIfAbsent(key, k -> new TreeMap<>(Values::compare));
        ZSet rows = ordered.computeIfAbsent(value, v -> new ZSet(1));
        rows.add(row, weight);
        if (rows.isEmpty()) {
            ordered.remove(value);
            if (ordered.isEmpty()) byKey.remove(key);
        }
    }

    /** Each row of the key whose value is at least (from = true) or at most (from = false) the bound, equal ones included. */
    void forEach(Row key, Object bound, boolean from, BiConsumer<Row, Long> action) {
        TreeMap<Object, ZSet> ordered = byKey.get(key);
        if (ordered == null) return;
        for (ZSet rows : (from ? ordered.tailMap(bound, true) : ordered.headMap(bound, true)).values()) {
            rows.forEach(action);
        }
    }

    void write(DataOutput out) throws IOException {
        image().write(out);
    }

    /** The index as it is now, written later as {@link #write} would have written it. */
    StateImage image() {
        return JoinIndex.imageOf(byKey, ordered -> ZSetImage.concat(ordered.values()));
    }

    void read(DataInput in) throws IOException {
        byKey.clear();
        for (int n = in.readInt(); n > 0; n--) {
            Row key = RowCodec.readRow(in);
            RowCodec.readZSet(in).forEach((row, w) -> add(key, row, w));
        }
    }
}
