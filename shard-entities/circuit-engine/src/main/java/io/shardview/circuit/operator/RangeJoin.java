package io.shardview.circuit.operator;

import io.shardview.circuit.budget.Work;
import io.shardview.circuit.data.Row;
import io.shardview.circuit.data.Weights;
import io.shardview.circuit.data.ZSet;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Inner join whose condition, besides any equi-keys, compares a value of the left row with one of the right row
 * (left.a < right.b, or <=, >, >=; columns, or expressions of one row, u.y < t.n + 1, u.w >= LOWER(t.c)): both
 * inputs are indexed by key, then ordered by the compared value, so a delta row meets only the rows on its side of
 * the bound. The subquery a correlation u.y < t.b decorrelates into joins u with t's distinct b values this way: a
 * change to u looks up the values above its y instead of testing them all. The values are those the comparison
 * compares (a VARCHAR compared with a CHAR(n) as bpchar, without its trailing blanks; a date compared with a timestamp
 * cast to one), so Values.compare orders them as the comparison does. The whole residual, the comparison
 * included, is still tested on each pair, as {@link InnerJoin} does; so a row whose value failed to compute meets
 * every row of the other side, and the residual fails on the pair as a join testing every pair would.
 */
public final class RangeJoin implements Operator {
    /** How the left column compares with the right one. */
    public enum Comparison {
        LESS,
        LESS_OR_EQUAL,
        GREATER,
        GREATER_OR_EQUAL
    }

    private final JoinKeys leftKeys;
    private final JoinKeys rightKeys;
    private final boolean upward;
    private final Expr residual;
    private final RangeIndex left;
    private final RangeIndex right;

    /** residual: the join's non-equi condition, holding the comparison of leftValue with rightValue (over the right row). */
    public RangeJoin(
            JoinKeys leftKeys,
            JoinKeys rightKeys,
            Expr leftValue,
            Comparison comparison,
            Expr rightValue,
            Expr residual) {
        this.leftKeys = leftKeys;
        this.rightKeys = rightKeys;
        this.upward = comparison == Comparison.LESS || comparison == Comparison.LESS_OR_EQUAL;
        this.residual = residual;
        this.left = new RangeIndex(leftValue);
        this.right = new RangeIndex(rightValue);
    }

    /** A join on left column &lt;comparison&gt; right column. */
    public RangeJoin(
            JoinKeys leftKeys,
            JoinKeys rightKeys,
            int leftColumn,
            Comparison comparison,
            int rightColumn,
            Expr residual) {
        this(leftKeys, rightKeys, row -> row.get(leftColumn), comparison, row -> row.get(rightColumn), residual);
    }

    @Override
    public ZSet step(ZSet[] inputs) {
        return step(inputs, Work.unlimited());
    }

    @Override
    public ZSet step(ZSet[] inputs, Work work) {
        ZSet pairs = new ZSet();
        // left.a < right.b: a left row meets the right rows from its value up, a right row the left rows up to its
        // value.
        inputs[0].forEach((l, w) -> {
            Row key = leftKeys.keyOf(l);
            if (key != null)
                right.forEachMeeting(key, left.valueOf(l), upward, (r, v) -> {
                    pairs.add(l.concat(r), Weights.product(w, v));
                    work.checkEvery(pairs.size());
                });
        });
        index(inputs[0], leftKeys, left, 1);
        try {
            inputs[1].forEach((r, v) -> {
                Row key = rightKeys.keyOf(r);
                if (key != null)
                    left.forEachMeeting(key, right.valueOf(r), !upward, (l, w) -> {
                        pairs.add(l.concat(r), Weights.product(w, v));
                        work.checkEvery(pairs.size());
                    });
            });
        } catch (RuntimeException e) {
            index(inputs[0], leftKeys, left, -1);
            throw e;
        }
        index(inputs[1], rightKeys, right, 1);
        return InnerJoin.matching(pairs, residual, () -> undo(inputs));
    }

    @Override
    public long stateRows() {
        return left.rows() + right.rows();
    }

    @Override
    public long stateBytes() {
        return left.bytes() + right.bytes();
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
        return StateImage.inOrder(left.image(), right.image());
    }

    @Override
    public void readState(DataInput in) throws IOException {
        left.read(in);
        right.read(in);
    }
}
