package io.shardview.circuit.operator;

import io.shardview.circuit.data.Row;
import io.shardview.circuit.data.RowCodec;
import io.shardview.circuit.data.ZSet;
import io.shardview.circuit.data.ZSetImage;
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
 * empty or non-empty. A NULL left key matches nothing.
 *
 * <p>An uncorrelated {@code x IN (SELECT y ...)} whose x may fail ({@code 1 / c}) computes x here: PostgreSQL's hash
 * semi-join hashes the subquery first and scans the rows only if some y is not NULL, so a row whose x fails is kept
 * apart, matches nothing, and fails the step exactly while the right side holds a row with a non-NULL key (when the
 * row arrives, or when the right side gains its first such row). State: both inputs indexed by key, and the left
 * rows whose key failed.
 */
public final class SemiJoin implements Operator {
    private final InValues leftKeys;
    private final JoinKeys rightKeys;
    private final Expr residual;
    private final boolean anti;
    private final JoinIndex left = new JoinIndex();
    private final JoinIndex right = new JoinIndex();
    private ZSet failed = new ZSet();

    public SemiJoin(JoinKeys leftKeys, JoinKeys rightKeys, Expr residual, boolean anti) {
        this(InValues.columns(leftKeys), rightKeys, residual, anti);
    }

    /** The rows whose values, computed here, equal those of some right row: IN as a WHERE conjunct. */
    public SemiJoin(InValues leftValues, JoinKeys rightKeys) {
        this(leftValues, rightKeys, null, false);
    }

    private SemiJoin(InValues leftKeys, JoinKeys rightKeys, Expr residual, boolean anti) {
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
            } else if (key != InValues.FAILED) {
                touched.add(key);
            }
        });
        inputs[1].forEach((r, v) -> {
            Row key = rightKeys.keyOf(r);
            if (key != null) touched.add(key);
        });
        if (residual == null) return byExistence(inputs, touched, out);
        touched.forEach(key -> qualifying(key, out, -1));
        indexLeft(inputs[0], 1);
        right.add(inputs[1], rightKeys, 1);
        try {
            touched.forEach(key -> qualifying(key, out, 1));
        } catch (RuntimeException e) { // the residual failed on a new pair: leave the state as it was
            undo(inputs);
            throw e;
        }
        failIfCompared(inputs);
        return out;
    }

    /** Adds sign times the left delta to the index, or to the failed rows. */
    private void indexLeft(ZSet delta, int sign) {
        delta.forEach((l, w) -> {
            Row key = leftKeys.keyOf(l);
            if (key == InValues.FAILED) failed.add(l, sign * w);
            else if (key != null) left.add(key, l, sign * w);
        });
    }

    /** Fails the step (undoing it) when a row whose key failed is present beside a right row it would be compared with. */
    private void failIfCompared(ZSet[] inputs) {
        if (failed.isEmpty() || right.isEmpty()) return;
        Row row = failed.entries().keySet().iterator().next();
        undo(inputs);
        throw leftKeys.failure(row);
    }

    /**
     * Without a residual a left row has a match exactly when its key has a right row: a key's earlier rows change
     * only when that turns, and the step's own rows are judged once, so a change to the right side that leaves a
     * key with rows costs nothing for its left rows.
     */
    private ZSet byExistence(ZSet[] inputs, Set<Row> touched, ZSet out) {
        Map<Row, Boolean> had = new HashMap<>();
        for (Row key : touched) had.put(key, !right.get(key).isEmpty());
        right.add(inputs[1], rightKeys, 1);
        for (Row key : touched) {
            boolean has = !right.get(key).isEmpty();
            long sign = has != anti ? 1 : -1;
            if (has != had.get(key)) left.get(key).forEach((l, w) -> out.add(l, sign * w));
        }
        inputs[0].forEach((l, w) -> {
            Row key = leftKeys.keyOf(l);
            if (key != null && key != InValues.FAILED && right.get(key).isEmpty() == anti) out.add(l, w);
        });
        indexLeft(inputs[0], 1);
        failIfCompared(inputs);
        return out;
    }

    @Override
    public void undo(ZSet[] inputs) {
        indexLeft(inputs[0], -1);
        right.add(inputs[1], rightKeys, -1);
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

    /** Both indexes, then, where left values may fail, the rows whose key failed. */
    @Override
    public void writeState(DataOutput out) throws IOException {
        stateImage().write(out);
    }

    @Override
    public StateImage stateImage() {
        StateImage indexes = JoinIndex.imageOfBoth(left, right);
        return leftKeys.mayFail() ? StateImage.inOrder(indexes, ZSetImage.of(failed)::write) : indexes;
    }

    @Override
    public void readState(DataInput in) throws IOException {
        JoinIndex.readBoth(in, left, right);
        if (leftKeys.mayFail()) failed = RowCodec.readZSet(in);
    }

    @Override
    public long stateRows() {
        return left.rows() + right.rows() + failed.size();
    }

    @Override
    public long stateBytes() {
        return left.bytes() + right.bytes() + failed.size() * ENTRY_BYTES;
    }
}
