package io.shardview.circuit.operator;

import io.shardview.circuit.Row;
import io.shardview.circuit.RowCodec;
import io.shardview.circuit.ZSet;
import io.shardview.circuit.ZSetImage;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * SELECT DISTINCT and UNION: each input row once while it has copies. On deltas: a row is inserted when
 * its copy count rises from zero and retracted when it falls back to zero; other changes emit nothing.
 * State: the copy count of every distinct input row.
 */
public final class Distinct implements Operator {
    private final HashMap<Row, Long> copies = new HashMap<>();

    @Override
    public ZSet step(ZSet[] inputs) {
        ZSet out = new ZSet();
        inputs[0].forEach((row, w) -> {
            long before = count(row, w);
            long after = before + w;
            if (before <= 0 && after > 0) out.add(row, 1);
            if (before > 0 && after <= 0) out.add(row, -1);
        });
        return out;
    }

    @Override
    public void undo(ZSet[] inputs) {
        inputs[0].forEach((row, w) -> count(row, -w));
    }

    /** Adds w copies of a row; returns the count before. */
    private long count(Row row, long w) {
        long before = copies.getOrDefault(row, 0L);
        long after = before + w;
        if (after == 0) copies.remove(row);
        else copies.put(row, after);
        return before;
    }

    @Override
    public void writeState(DataOutput out) throws IOException {
        out.writeInt(copies.size());
        for (Map.Entry<Row, Long> e : copies.entrySet()) {
            RowCodec.writeRow(out, e.getKey());
            out.writeLong(e.getValue());
        }
    }

    @Override
    public StateImage stateImage() {
        return ZSetImage.of(copies)::write;
    }

    @Override
    public void readState(DataInput in) throws IOException {
        copies.clear();
        int n = in.readInt();
        for (int i = 0; i < n; i++) {
            Row r = RowCodec.readRow(in);
            copies.put(r, in.readLong());
        }
    }
}
