package io.shardview.circuit.operator;

import io.shardview.circuit.Row;
import io.shardview.circuit.ZSet;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Semi-join (left rows with at least one match, EXISTS / IN) or anti-join (left rows with none,
 * NOT EXISTS). On deltas: for each key touched by the step, the qualifying left rows after minus
 * those before; other keys cannot change. Without a residual, only the keys whose right side turns
 * empty or non-empty. A NULL left key matches nothing. State: both inputs indexed by key.
 */
public final class SemiJoin implements Operator {
    private final JoinKeys leftKeys;
    private final JoinKeys rightKeys;
    private final Expr residual;
    private final boolean anti;
    private final JoinIndex left = new JoinIndex();
    private final JoinIndex right = new JoinIndex();

    public SemiJoin(JoinKeys leftKeys, JoinKeys rightKeys, Expr residual, boolean anti) {
        this.leftKeys = leftKeys;
        this.rightKeys = rightKeys;
        this.residual = residual;
        this.anti = anti;
    }

    @Override
    public ZSet step(ZSet[] inputs) {
        Set<Row> touched = new HashSet<>();
        ZSet out = new ZSet();
        inputs[0].forEach((l, w) -> {
            Row key = leftKeys.keyOf(l);
            if (key == null) {
                if (anti) out.add(l, w);
            } else {
                touched.add(key);
            }
        });
        inputs[1].forEach((r, v) -> {
            Row key = rightKeys.keyOf(r);
            if (key != null) touched.add(key);
        });
        if (residual == null) return byExistence(inputs, touched, out);
        touched.forEach(key -> qualifying(key, out, -1));
        InnerJoin.index(inputs[0], leftKeys, left, 1);
        InnerJoin.index(inputs[1], rightKeys, right, 1);
        try {
            touched.forEach(key -> qualifying(key, out, 1));
        } catch (RuntimeException e) { // the residual failed on a new pair: leave the state as it was
            undo(inputs);
            throw e;
        }
        return out;
    }

    /**
     * Without a residual a left row has a match exactly when its key has a right row: a key's earlier rows change
     * only when that turns, and the step's own rows are judged once, so a change to the right side that leaves a
     * key with rows costs nothing for its left rows.
     */
    private ZSet byExistence(ZSet[] inputs, Set<Row> touched, ZSet out) {
        Map<Row, Boolean> had = new HashMap<>();
        for (Row key : touched) had.put(key, !right.get(key).isEmpty());
        InnerJoin.index(inputs[1], rightKeys, right, 1);
        for (Row key : touched) {
            boolean has = !right.get(key).isEmpty();
            long sign = has != anti ? 1 : -1;
            if (has != had.get(key)) left.get(key).forEach((l, w) -> out.add(l, sign * w));
        }
        inputs[0].forEach((l, w) -> {
            Row key = leftKeys.keyOf(l);
            if (key != null && right.get(key).isEmpty() == anti) out.add(l, w);
        });
        InnerJoin.index(inputs[0], leftKeys, left, 1);
        return out;
    }

    @Override
    public void undo(ZSet[] inputs) {
        InnerJoin.index(inputs[0], leftKeys, left, -1);
        InnerJoin.index(inputs[1], rightKeys, right, -1);
    }

    private void qualifying(Row key, ZSet out, int sign) {
        ZSet rights = right.get(key);
        left.get(key).forEach((l, w) -> {
            if (hasMatch(l, rights) != anti) out.add(l, sign * w);
        });
    }

    private boolean hasMatch(Row l, ZSet rights) {
        if (residual == null) return !rights.isEmpty();
        for (Row r : rights.entries().keySet()) {
            if (residual.test(l.concat(r))) return true;
        }
        return false;
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
