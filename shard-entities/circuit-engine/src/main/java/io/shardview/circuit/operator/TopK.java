package io.shardview.circuit.operator;

import io.shardview.circuit.data.Row;
import io.shardview.circuit.data.RowCodec;
import io.shardview.circuit.data.ZSet;
import io.shardview.circuit.data.ZSetImage;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Comparator;
import java.util.Map;
import java.util.TreeMap;

/**
 * ORDER BY ... LIMIT n [OFFSET m]: the rows at positions m .. m+n-1 of the input in sort order. On
 * deltas: the window after the step minus the window before; a step whose rows all sort after a full
 * window changes nothing and costs only the comparisons. State: the whole input as an ordered
 * multiset (sort keys, then all columns, so ties are broken deterministically).
 */
public final class TopK implements Operator {
    private final TreeMap<Row, Long> rows;
    private final Comparator<Row> order;
    private final long offset;
    private final long limit;

    public TopK(Comparator<Row> sortKeys, long offset, long limit) {
        this.order = sortKeys.thenComparing(Row.NATURAL_ORDER);
        this.rows = new TreeMap<>(order);
        this.offset = offset;
        this.limit = limit;
    }

    @Override
    public ZSet step(ZSet[] inputs) {
        ZSet delta = inputs[0];
        Row last = lastOfFullWindow();
        if (last != null && allAfter(delta, last)) {
            apply(delta);
            return new ZSet();
        }
        ZSet out = window();
        out = out.negate();
        apply(delta);
        out.addAll(window());
        return out;
    }

    @Override
    public void undo(ZSet[] inputs) {
        apply(inputs[0].negate());
    }

    private boolean allAfter(ZSet delta, Row last) {
        for (Row r : delta.entries().keySet()) {
            if (order.compare(r, last) <= 0) return false;
        }
        return true;
    }

    private void apply(ZSet delta) {
        delta.forEach((r, w) -> rows.merge(r, w, (a, b) -> a + b == 0 ? null : a + b));
    }

    /** The last row of the window when the window holds its full n rows, else null. */
    private Row lastOfFullWindow() {
        long end = offset + limit;
        long seen = 0;
        for (Map.Entry<Row, Long> e : rows.entrySet()) {
            seen += e.getValue();
            if (seen >= end) return e.getKey();
        }
        return null;
    }

    private ZSet window() {
        ZSet out = new ZSet();
        long skip = offset;
        long take = limit;
        for (Map.Entry<Row, Long> e : rows.entrySet()) {
            if (take <= 0) break;
            long copies = e.getValue();
            long skipped = Math.min(skip, copies);
            skip -= skipped;
            long taken = Math.min(take, copies - skipped);
            if (taken > 0) out.add(e.getKey(), taken);
            take -= taken;
        }
        return out;
    }

    @Override
    public void writeState(DataOutput out) throws IOException {
        out.writeInt(rows.size());
        for (Map.Entry<Row, Long> e : rows.entrySet()) {
            RowCodec.writeRow(out, e.getKey());
            out.writeLong(e.getValue());
        }
    }

    @Override
    public StateImage stateImage() {
        return ZSetImage.of(rows)::write;
    }

    @Override
    public void readState(DataInput in) throws IOException {
        rows.clear();
        int n = in.readInt();
        for (int i = 0; i < n; i++) {
            Row r = RowCodec.readRow(in);
            rows.put(r, in.readLong());
        }
    }

    @Override
    public long stateRows() {
        return rows.size();
    }
}
