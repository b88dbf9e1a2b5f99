package io.shardview.circuit.operator;

import io.shardview.circuit.budget.Work;
import io.shardview.circuit.data.Row;
import io.shardview.circuit.data.ZSet;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.HashSet;
import java.util.Set;

/**
 * LEFT equi-join: the inner join plus every left row that matches no right row, padded with NULLs.
 * On deltas: the inner join's delta, plus for each key touched by the step the padded rows after
 * minus the padded rows before. A left row with a NULL key never matches and passes straight through
 * padded. State: the inner join's two indexes.
 */
public final class LeftJoin implements Operator {
    private final InnerJoin inner;
    private final int rightWidth;

    public LeftJoin(JoinKeys leftKeys, JoinKeys rightKeys, Expr residual, int rightWidth) {
        this.inner = new InnerJoin(leftKeys, rightKeys, residual);
        this.rightWidth = rightWidth;
    }

    @Override
    public ZSet step(ZSet[] inputs) {
        return step(inputs, Work.unlimited());
    }

    @Override
    public ZSet step(ZSet[] inputs, Work work) {
        Set<Row> touched = new HashSet<>();
        ZSet out = new ZSet();
        inputs[0].forEach((l, w) -> {
            Row key = inner.left.keys.keyOf(l);
            if (key == null) out.add(l.padNulls(rightWidth), w);
            else touched.add(key);
        });
        inputs[1].forEach((r, v) -> {
            Row key = inner.right.keys.keyOf(r);
            if (key != null) touched.add(key);
        });
        for (Row key : touched) {
            padded(key, out, -1);
        }
        out.addAll(inner.step(inputs, work));
        try {
            for (Row key : touched) {
                padded(key, out, 1);
            }
        } catch (RuntimeException e) { // the residual failed on a new pair: leave the state as it was
            inner.undo(inputs);
            throw e;
        }
        return out;
    }

    @Override
    public void undo(ZSet[] inputs) {
        inner.undo(inputs);
    }

    @Override
    public long stateRows() {
        return inner.stateRows();
    }

    @Override
    public long stateBytes() {
        return inner.stateBytes();
    }

    /** Adds sign times the padded (unmatched) left rows of one key. */
    private void padded(Row key, ZSet out, int sign) {
        ZSet rights = inner.right.index.get(key);
        if (inner.residual == null && !rights.isEmpty()) return;
        inner.left.index.get(key).forEach((l, w) -> {
            if (!hasMatch(l, rights)) out.add(l.padNulls(rightWidth), sign * w);
        });
    }

    private boolean hasMatch(Row l, ZSet rights) {
        for (Row r : rights.entries().keySet()) {
            if (inner.matches(l, r)) return true;
        }
        return false;
    }

    @Override
    public void writeState(DataOutput out) throws IOException {
        inner.writeState(out);
    }

    @Override
    public StateImage stateImage() {
        return inner.stateImage();
    }

    @Override
    public void readState(DataInput in) throws IOException {
        inner.readState(in);
    }
}
