package io.shardview.circuit.operator;

import io.shardview.circuit.Row;
import io.shardview.circuit.RowCodec;
import io.shardview.circuit.ZSet;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.HashMap;

/** An arrangement: the current rows of one join input, hashed by join key. */
final class JoinIndex {
    private static final ZSet EMPTY = new ZSet();
    private final HashMap<Row, ZSet> byKey = new HashMap<>();

    ZSet get(Row key) {
        ZSet rows = byKey.get(key);
        return rows == null ? EMPTY : rows;
    }

    void add(Row key, Row row, long weight) {
        ZSet rows = byKey.computeIfAbsent(key, k -> new ZSet(1));
        rows.add(row, weight);
        if (rows.isEmpty()) byKey.remove(key);
    }

    void write(DataOutput out) throws IOException {
        out.writeInt(byKey.size());
        for (var e : byKey.entrySet()) {
            RowCodec.writeRow(out, e.getKey());
            RowCodec.writeZSet(out, e.getValue());
        }
    }

    void read(DataInput in) throws IOException {
        byKey.clear();
        int n = in.readInt();
        for (int i = 0; i < n; i++) {
            byKey.put(RowCodec.readRow(in), RowCodec.readZSet(in));
        }
    }
}
