package io.shardview.circuit.operator;

import io.shardview.circuit.Row;
import io.shardview.circuit.RowCodec;
import io.shardview.circuit.ZSet;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * GROUP BY with aggregates (and DISTINCT, which is GROUP BY without aggregates). On deltas: each delta
 * row updates its group's accumulators; for each touched group the previous output row is retracted
 * and the new one inserted (none when the group emptied). Without GROUP BY there is exactly one group,
 * always present, so COUNT(*) of an empty input is 0. State: per group, the row count, one
 * accumulator per aggregate and the last output row.
 */
public final class Aggregate implements Operator {
    /** One aggregate call: its kind, argument column (-1 for none) and constant for CONSTANT. */
    public record Call(Accumulator.Kind kind, int argument, Object constant) {
    }

    private final int[] groupColumns;
    private final Call[] calls;
    private final HashMap<Row, Group> groups = new HashMap<>();
    private boolean started;

    public Aggregate(int[] groupColumns, Call[] calls) {
        this.groupColumns = groupColumns;
        this.calls = calls;
    }

    private final class Group {
        long rows;
        final Accumulator[] accumulators = new Accumulator[calls.length];
        Row output;

        Group() {
            for (int i = 0; i < calls.length; i++) {
                accumulators[i] = Accumulator.create(calls[i].kind(), calls[i].constant());
            }
        }

        void add(Row row, long weight) {
            rows += weight;
            for (int i = 0; i < calls.length; i++) {
                int arg = calls[i].argument();
                Object v = arg < 0 ? null : row.get(arg);
                if (arg < 0 || v != null) accumulators[i].add(v, weight);
            }
        }

        Row result(Row key) {
            Object[] out = new Object[groupColumns.length + calls.length];
            for (int i = 0; i < groupColumns.length; i++) {
                out[i] = key.get(i);
            }
            for (int i = 0; i < calls.length; i++) {
                out[groupColumns.length + i] = accumulators[i].result();
            }
            return Row.wrap(out);
        }
    }

    private boolean global() {
        return groupColumns.length == 0;
    }

    @Override
    public boolean needsFirstStep() {
        return global();
    }

    @Override
    public ZSet step(ZSet[] inputs) {
        Map<Row, Group> touched = new HashMap<>();
        if (global() && !started) touched.put(Row.wrap(), groups.computeIfAbsent(Row.wrap(), k -> new Group()));
        started = true;
        inputs[0].forEach((row, w) -> {
            Row key = row.project(groupColumns);
            Group g = touched.computeIfAbsent(key, k -> groups.computeIfAbsent(k, x -> new Group()));
            g.add(row, w);
        });
        ZSet out = new ZSet(touched.size() * 2);
        touched.forEach((key, g) -> emit(key, g, out));
        return out;
    }

    private void emit(Row key, Group g, ZSet out) {
        if (g.output != null) out.add(g.output, -1);
        if (g.rows == 0 && !global()) {
            groups.remove(key);
            return;
        }
        g.output = g.result(key);
        out.add(g.output, 1);
    }

    @Override
    public void writeState(DataOutput out) throws IOException {
        out.writeBoolean(started);
        out.writeInt(groups.size());
        for (var e : groups.entrySet()) {
            RowCodec.writeRow(out, e.getKey());
            Group g = e.getValue();
            out.writeLong(g.rows);
            for (Accumulator a : g.accumulators) {
                a.write(out);
            }
        }
    }

    @Override
    public void readState(DataInput in) throws IOException {
        started = in.readBoolean();
        groups.clear();
        int n = in.readInt();
        for (int i = 0; i < n; i++) {
            Row key = RowCodec.readRow(in);
            Group g = new Group();
            g.rows = in.readLong();
            for (Accumulator a : g.accumulators) {
                a.read(in);
            }
            g.output = g.result(key);
            groups.put(key, g);
        }
    }
}
