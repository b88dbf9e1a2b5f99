package io.shardview.circuit.operator;

import io.shardview.circuit.data.Row;
import io.shardview.circuit.data.RowCodec;
import io.shardview.circuit.data.ZSet;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * INTERSECT ALL and EXCEPT ALL over n inputs, by copies: a row appears as many times as in every input at least
 * (INTERSECT ALL: the least of its counts) or as many times as in the first input less its copies in the others,
 * never below none (EXCEPT ALL, left to right). On deltas: for each row a step touches, its copies after less its
 * copies before. State: each input's rows with their counts.
 */
public final class SetOperationAll implements Operator {
    private final boolean intersect;
    private final List<Map<Row, Long>> counts = new ArrayList<>();

    public SetOperationAll(int inputs, boolean intersect) {
        this.intersect = intersect;
        for (int i = 0; i < inputs; i++) counts.add(new HashMap<>());
    }

    @Override
    public ZSet step(ZSet[] inputs) {
        Set<Row> touched = new LinkedHashSet<>();
        for (ZSet in : inputs) touched.addAll(in.entries().keySet());
        Map<Row, Long> before = new HashMap<>();
        for (Row r : touched) before.put(r, copies(r));
        apply(inputs, 1);
        ZSet out = new ZSet();
        for (Row r : touched) {
            long change = copies(r) - before.get(r);
            if (change != 0) out.add(r, change);
        }
        return out;
    }

    @Override
    public void undo(ZSet[] inputs) {
        apply(inputs, -1);
    }

    private void apply(ZSet[] inputs, long sign) {
        for (int i = 0; i < inputs.length; i++) {
            Map<Row, Long> c = counts.get(i);
            inputs[i].forEach((r, w) -> c.merge(r, sign * w, (a, b) -> a + b == 0 ? null : a + b));
        }
    }

    private long copies(Row r) {
        long first = counts.get(0).getOrDefault(r, 0L);
        if (intersect) {
            long least = first;
            for (int i = 1; i < counts.size(); i++)
                least = Math.min(least, counts.get(i).getOrDefault(r, 0L));
            return Math.max(least, 0);
        }
        long left = first;
        for (int i = 1; i < counts.size(); i++) left -= counts.get(i).getOrDefault(r, 0L);
        return Math.max(left, 0);
    }

    @Override
    public long stateRows() {
        long n = 0;
        for (Map<Row, Long> c : counts) n += c.size();
        return n;
    }

    @Override
    public void writeState(DataOutput out) throws IOException {
        out.writeInt(counts.size());
        for (Map<Row, Long> c : counts) {
            out.writeInt(c.size());
            for (Map.Entry<Row, Long> e : c.entrySet()) {
                RowCodec.writeRow(out, e.getKey());
                out.writeLong(e.getValue());
            }
        }
    }

    @Override
    public void readState(DataInput in) throws IOException {
        int n = in.readInt();
        if (n != counts.size())
            throw new IOException("set operation state of " + n + " inputs, expected " + counts.size());
        for (Map<Row, Long> c : counts) {
            c.clear();
            int size = in.readInt();
            for (int i = 0; i < size; i++) c.put(RowCodec.readRow(in), in.readLong());
        }
    }
}
