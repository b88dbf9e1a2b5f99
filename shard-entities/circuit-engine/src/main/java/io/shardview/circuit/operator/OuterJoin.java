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
 * LEFT, RIGHT or FULL equi-join: the inner join plus every row of a preserved side that matches no row of the other,
 * padded with NULLs on the other side's columns. On deltas: the inner join's delta, plus for each key touched by the
 * step the padded rows after minus the padded rows before; a row is unmatched when no row of its key on the other
 * side passes the residual with it. A row of a preserved side with a NULL key never matches and passes straight
 * through padded. State: the inner join's two indexes.
 */
public final class OuterJoin implements Operator {
    /** Which sides keep their unmatched rows. */
    public enum Kind {
        LEFT(true, false),
        RIGHT(false, true),
        FULL(true, true);

        final boolean left;
        final boolean right;

        Kind(boolean left, boolean right) {
            this.left = left;
            this.right = right;
        }
    }

    private final InnerJoin inner;
    private final Kind kind;
    private final int leftWidth;
    private final int rightWidth;

    public OuterJoin(Kind kind, JoinKeys leftKeys, JoinKeys rightKeys, Expr residual, int leftWidth, int rightWidth) {
        this.inner = new InnerJoin(leftKeys, rightKeys, residual);
        this.kind = kind;
        this.leftWidth = leftWidth;
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
            if (key != null) touched.add(key);
            else if (kind.left) out.add(l.padNulls(rightWidth), w);
        });
        inputs[1].forEach((r, w) -> {
            Row key = inner.right.keys.keyOf(r);
            if (key != null) touched.add(key);
            else if (kind.right) out.add(nullsThen(r), w);
        });
        for (Row key : touched) {
            unmatched(key, out, -1);
        }
        out.addAll(inner.step(inputs, work));
        try {
            for (Row key : touched) {
                unmatched(key, out, 1);
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

    /** Adds sign times the padded (unmatched) rows of one key, of each preserved side. */
    private void unmatched(Row key, ZSet out, int sign) {
        ZSet lefts = inner.left.index.get(key);
        ZSet rights = inner.right.index.get(key);
        if (kind.left && (inner.residual != null || rights.isEmpty())) {
            lefts.forEach((l, w) -> {
                if (!leftMatches(l, rights)) out.add(l.padNulls(rightWidth), sign * w);
            });
        }
        if (kind.right && (inner.residual != null || lefts.isEmpty())) {
            rights.forEach((r, w) -> {
                if (!rightMatches(r, lefts)) out.add(nullsThen(r), sign * w);
            });
        }
    }

    private boolean leftMatches(Row l, ZSet rights) {
        for (Row r : rights.entries().keySet()) {
            if (inner.matches(l, r)) return true;
        }
        return false;
    }

    private boolean rightMatches(Row r, ZSet lefts) {
        for (Row l : lefts.entries().keySet()) {
            if (inner.matches(l, r)) return true;
        }
        return false;
    }

    /** NULLs for the left columns, then the right row. */
    private Row nullsThen(Row right) {
        return Row.wrap(new Object[leftWidth]).concat(right);
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
