package io.shardview.circuit.operator;

import io.shardview.circuit.Row;
import io.shardview.circuit.ZSet;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Inner join whose condition, besides any equi-keys, compares a left column with a right one (left.a < right.b,
 * or <=, >, >=): both inputs are indexed by key, then ordered by the compared column, so a delta row meets only
 * the rows on its side of the bound. The subquery a correlation u.y < t.b decorrelates into joins u with t's
 * distinct b values this way: a change to u looks up the values above its y instead of testing them all. The
 * whole residual, the comparison included, is still tested on each pair, as {@link InnerJoin} does.
 */
public final class RangeJoin implements Operator {
    /** How the left column compares with the right one. */
    public enum Comparison { LESS, LESS_OR_EQUAL, GREATER, GREATER_OR_EQUAL }

    private final JoinKeys leftKeys;
    private final JoinKeys rightKeys;
    private final boolean upward;
    private final Expr residual;
    private final RangeIndex left;
    private final RangeIndex right;
    private final int leftColumn;
    private final int rightColumn;

    /** residual: the join's non-equi condition, holding leftColumn's comparison with rightColumn (of the right input). */
    public RangeJoin(JoinKeys leftKeys, JoinKeys rightKeys, int leftColumn, Comparison comparison, int rightColumn, Expr residual) {
        this.leftKeys = leftKeys;
        this.rightKeys = rightKeys;
        this.leftColumn = leftColumn;
        this.rightColumn = rightColumn;
        this.upward = comparison == Comparison.LESS || comparison == Comparison.LESS_OR_EQUAL;
        this.residual = residual;
        this.left = new RangeIndex(leftColumn);
        this.right = new RangeIndex(rightColumn);
    }

    @Override
    public ZSet step(ZSet[] inputs) {
        ZSet pairs = new ZSet();
        // left.a < right.b: a left row meets the right rows from its value up, a right row the left rows up to its value.
        inputs[0].forEach((l, w) -> {
            Row key = leftKeys.keyOf(l);
            Object value = l.get(leftColumn);
            if (key != null && value != null) right.forEach(key, value, upward, (r, v) -> pairs.add(l.concat(r), w * v));
        });
        index(inputs[0], leftKeys, left, 1);
        inputs[1].forEach((r, v) -> {
            Row key = rightKeys.keyOf(r);
            Object value = r.get(rightColumn);
            if (key != null && value != null) left.forEach(key, value, !upward, (l, w) -> pairs.add(l.concat(r), w * v));
        });
        index(inputs[1], rightKeys, right, 1);
        try {
            ZSet out = new ZSet(pairs.size());
            pairs.forEach((joined, w) -> {
                if (residual.test(joined)) out.add(joined, w);
            });
            return out;
        } catch (RuntimeException e) { // the residual failed: leave the state as it was
            undo(inputs);
            throw e;
        }
    }

    @Override
    public void undo(ZSet[] inputs) {
        index(inputs[0], leftKeys, left, -1);
        index(inputs[1], rightKeys, right, -1);
    }

    private static void index(ZSet delta, JoinKeys keys, RangeIndex index, int sign) {
        delta.forEach((row, w) -> {
            Row key = keys.keyOf(row);
            if (key != null) index.add(key, row, sign * w);
        });
    }

    @Override
    public void writeState(DataOutput out) throws IOException {
        left.write(out);
        right.write(out);
    }

    @Override
    public StateImage stateImage() {
        StateImage l = left.image();
        StateImage r = right.image();
        return out -> {
            l.write(out);
            r.write(out);
        };
    }

    @Override
    public void readState(DataInput in) throws IOException {
        left.read(in);
        right.read(in);
    }
}
