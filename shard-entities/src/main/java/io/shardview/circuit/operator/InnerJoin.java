package io.shardview.circuit.operator;

import io.shardview.circuit.Row;
import io.shardview.circuit.ZSet;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Inner equi-join with an optional residual condition. On deltas: d(L join R) = dL join R + (L + dL)
 * join dR, so a step costs the delta times the matching rows. State: both inputs indexed by key.
 */
public final class InnerJoin implements Operator {
    final JoinKeys leftKeys;
    final JoinKeys rightKeys;
    final Expr residual;
    final JoinIndex left = new JoinIndex();
    final JoinIndex right = new JoinIndex();

    /** residual may be null; it sees the left columns followed by the right columns. */
    public InnerJoin(JoinKeys leftKeys, JoinKeys rightKeys, Expr residual) {
        this.leftKeys = leftKeys;
        this.rightKeys = rightKeys;
        this.residual = residual;
    }

    @Override
    public ZSet step(ZSet[] inputs) {
        ZSet out = new ZSet();
        inputs[0].forEach((l, w) -> {
            Row key = leftKeys.keyOf(l);
            if (key != null) right.get(key).forEach((r, v) -> emit(out, l, r, w * v));
        });
        inputs[0].forEach((l, w) -> {
            Row key = leftKeys.keyOf(l);
            if (key != null) left.add(key, l, w);
        });
        inputs[1].forEach((r, v) -> {
            Row key = rightKeys.keyOf(r);
            if (key != null) left.get(key).forEach((l, w) -> emit(out, l, r, w * v));
        });
        inputs[1].forEach((r, v) -> {
            Row key = rightKeys.keyOf(r);
            if (key != null) right.add(key, r, v);
        });
        return out;
    }

    private void emit(ZSet out, Row l, Row r, long weight) {
        Row joined = l.concat(r);
        if (residual == null || residual.test(joined)) out.add(joined, weight);
    }

    /** Whether a left row matches a right row of the same key (the residual holds). */
    boolean matches(Row l, Row r) {
        return residual == null || residual.test(l.concat(r));
    }

    @Override
    public void writeState(DataOutput out) throws IOException {
        left.write(out);
        right.write(out);
    }

    @Override
    public void readState(DataInput in) throws IOException {
        left.read(in);
        right.read(in);
    }
}
