package io.shardview.circuit.operator;

import io.shardview.circuit.budget.Work;
import io.shardview.circuit.data.Row;
import io.shardview.circuit.data.Weights;
import io.shardview.circuit.data.ZSet;
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
        return step(inputs, Work.unlimited());
    }

    @Override
    public ZSet step(ZSet[] inputs, Work work) {
        ZSet pairs = new ZSet();
        inputs[0].forEach((l, w) -> {
            Row key = leftKeys.keyOf(l);
            if (key != null)
                right.get(key).forEach((r, v) -> {
                    pairs.add(l.concat(r), Weights.product(w, v));
                    work.checkEvery(pairs.size());
                });
        });
        left.add(inputs[0], leftKeys, 1);
        try {
            inputs[1].forEach((r, v) -> {
                Row key = rightKeys.keyOf(r);
                if (key != null)
                    left.get(key).forEach((l, w) -> {
                        pairs.add(l.concat(r), Weights.product(w, v));
                        work.checkEvery(pairs.size());
                    });
            });
        } catch (RuntimeException e) {
            left.add(inputs[0], leftKeys, -1);
            throw e;
        }
        right.add(inputs[1], rightKeys, 1);
        return residual == null ? pairs : matching(pairs, residual, () -> undo(inputs));
    }

    @Override
    public long stateRows() {
        return left.rows() + right.rows();
    }

    @Override
    public long stateBytes() {
        return left.bytes() + right.bytes();
    }

    /**
     * The pairs whose residual holds; if it fails, undo runs (leaving the join's state as before the step) and
     * the failure propagates. It is tested only once the pairs are consolidated: a pair of a row inserted and a
     * row deleted in the same step cancels out, and is in neither the old nor the new join, so evaluating it
     * could raise an error that PostgreSQL never sees.
     */
    static ZSet matching(ZSet pairs, Expr residual, Runnable undo) {
        try {
            ZSet out = new ZSet(pairs.size());
            pairs.forEach((joined, w) -> {
                if (residual.test(joined)) out.add(joined, w);
            });
            return out;
        } catch (RuntimeException e) {
            undo.run();
            throw e;
        }
    }

    @Override
    public void undo(ZSet[] inputs) {
        left.add(inputs[0], leftKeys, -1);
        right.add(inputs[1], rightKeys, -1);
    }

    /** Whether a left row matches a right row of the same key (the residual holds). */
    boolean matches(Row l, Row r) {
        return residual == null || residual.test(l.concat(r));
    }

    @Override
    public void writeState(DataOutput out) throws IOException {
        JoinIndex.writeBoth(out, left, right);
    }

    @Override
    public StateImage stateImage() {
        return JoinIndex.imageOfBoth(left, right);
    }

    @Override
    public void readState(DataInput in) throws IOException {
        JoinIndex.readBoth(in, left, right);
    }
}
