package io.shardview.circuit.operator;

import io.shardview.circuit.budget.Work;
import io.shardview.circuit.data.Row;
import io.shardview.circuit.data.Weights;
import io.shardview.circuit.data.ZSet;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.function.BiConsumer;

/**
 * The step of an inner join whose two inputs are each kept indexed, so a delta row meets only the rows it may
 * match: d(L join R) = dL join R + (L + dL) join dR, each pair then tested with the residual. The variants differ only
 * in their {@link Side}: how an input is indexed and which of its rows a row of the other input meets (by key in
 * {@link InnerJoin}, by key and an ordered value in {@link RangeJoin}, by key and computed values in
 * {@link ComputedJoin}). State: the two sides, written left then right.
 */
abstract sealed class IndexedJoin<S extends IndexedJoin.Side<S>> implements Operator
        permits InnerJoin, RangeJoin, ComputedJoin {
    final S left;
    final S right;
    /** Tested on each pair (the left columns followed by the right ones); null: every pair met matches. */
    final Expr residual;

    IndexedJoin(S left, S right, Expr residual) {
        this.left = left;
        this.right = right;
        this.residual = residual;
    }

    /** One input of the join, indexed. */
    interface Side<S extends Side<S>> {
        /** Adds sign times a delta of this side's input. */
        void add(ZSet delta, int sign);

        /** Each row of this side, with its weight, that row (a row of other's input) meets. */
        void forEachMeeting(S other, Row row, BiConsumer<Row, Long> action);

        /** The distinct rows held. */
        long rows();

        /** Their estimated bytes. */
        long bytes();

        /** The side as it is now, written later as {@link #write} would write it. */
        StateImage image();

        /** Writes the side now (by default, its image at once). */
        default void write(DataOutput out) throws IOException {
            image().write(out);
        }

        /** Restores the side written by {@link #write}. */
        void read(DataInput in) throws IOException;
    }

    @Override
    public final ZSet step(ZSet[] inputs) {
        return step(inputs, Work.unlimited());
    }

    /**
     * The left delta meets the old right side, then the right delta the new left side (so dL join dR is counted
     * once). A step that throws, at any point, leaves both sides as they were.
     */
    @Override
    public final ZSet step(ZSet[] inputs, Work work) {
        ZSet pairs = new ZSet();
        inputs[0].forEach((l, w) -> right.forEachMeeting(left, l, (r, v) -> {
            pairs.add(l.concat(r), Weights.product(w, v));
            work.checkEvery(pairs.size());
        }));
        left.add(inputs[0], 1);
        try {
            inputs[1].forEach((r, v) -> left.forEachMeeting(right, r, (l, w) -> {
                pairs.add(l.concat(r), Weights.product(w, v));
                work.checkEvery(pairs.size());
            }));
        } catch (RuntimeException e) {
            left.add(inputs[0], -1);
            throw e;
        }
        right.add(inputs[1], 1);
        return residual == null ? pairs : matching(pairs, inputs);
    }

    /**
     * The pairs whose residual holds; if it fails, the step is undone and the failure propagates. It is tested only
     * once the pairs are consolidated: a pair of a row inserted and a row deleted in the same step cancels out, and
     * is in neither the old nor the new join, so evaluating it could raise an error that PostgreSQL never sees.
     */
    private ZSet matching(ZSet pairs, ZSet[] inputs) {
        try {
            ZSet out = new ZSet(pairs.size());
            pairs.forEach((joined, w) -> {
                if (residual.test(joined)) out.add(joined, w);
            });
            return out;
        } catch (RuntimeException e) {
            undo(inputs);
            throw e;
        }
    }

    @Override
    public final void undo(ZSet[] inputs) {
        left.add(inputs[0], -1);
        right.add(inputs[1], -1);
    }

    @Override
    public final long stateRows() {
        return left.rows() + right.rows();
    }

    @Override
    public final long stateBytes() {
        return left.bytes() + right.bytes();
    }

    @Override
    public final void writeState(DataOutput out) throws IOException {
        left.write(out);
        right.write(out);
    }

    @Override
    public final StateImage stateImage() {
        return StateImage.inOrder(left.image(), right.image());
    }

    @Override
    public final void readState(DataInput in) throws IOException {
        left.read(in);
        right.read(in);
    }
}
