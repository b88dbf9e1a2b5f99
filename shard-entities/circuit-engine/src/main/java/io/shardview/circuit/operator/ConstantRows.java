package io.shardview.circuit.operator;

import io.shardview.circuit.data.ZSet;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/** VALUES / SELECT without FROM: emits its fixed rows on the first step, nothing afterwards. */
public final class ConstantRows implements Operator {
    private final ZSet rows;
    private boolean emitted;

    public ConstantRows(ZSet rows) {
        this.rows = rows;
    }

    @Override
    public boolean needsFirstStep() {
        return true;
    }

    @Override
    public ZSet step(ZSet[] inputs) {
        if (emitted) return new ZSet();
        emitted = true;
        ZSet out = new ZSet();
        out.addAll(rows);
        return out;
    }

    @Override
    public void writeState(DataOutput out) throws IOException {
        out.writeBoolean(emitted);
    }

    @Override
    public void readState(DataInput in) throws IOException {
        emitted = in.readBoolean();
    }
}
