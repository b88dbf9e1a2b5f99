package io.shardview.circuit.operator;

import io.shardview.circuit.data.Row;
import io.shardview.circuit.data.ZSet;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.function.BiConsumer;

/**
 * Inner equi-join with an optional residual condition. On deltas: d(L join R) = dL join R + (L + dL)
 * join dR, so a step costs the delta times the matching rows (the step of {@link IndexedJoin}). State: both
 * inputs indexed by key.
 */
public final class InnerJoin extends IndexedJoin<InnerJoin.Keyed> {

    /** residual may be null; it sees the left columns followed by the right columns. */
    public InnerJoin(JoinKeys leftKeys, JoinKeys rightKeys, Expr residual) {
        super(new Keyed(leftKeys), new Keyed(rightKeys), residual);
    }

    /** Whether a left row matches a right row of the same key (the residual holds). */
    boolean matches(Row l, Row r) {
        return residual == null || residual.test(l.concat(r));
    }

    /** One input's rows hashed by its key columns; a row of the other input meets the rows of its key. */
    static final class Keyed implements IndexedJoin.Side<Keyed> {
        final JoinKeys keys;
        final JoinIndex index = new JoinIndex();

        Keyed(JoinKeys keys) {
            this.keys = keys;
        }

        @Override
        public void add(ZSet delta, int sign) {
            index.add(delta, keys, sign);
        }

        @Override
        public void forEachMeeting(Keyed other, Row row, BiConsumer<Row, Long> action) {
            Row key = other.keys.keyOf(row);
            if (key != null) index.get(key).forEach(action);
        }

        @Override
        public long rows() {
            return index.rows();
        }

        @Override
        public long bytes() {
            return index.bytes();
        }

        @Override
        public StateImage image() {
            return index.image();
        }

        @Override
        public void write(DataOutput out) throws IOException {
            index.write(out);
        }

        @Override
        public void read(DataInput in) throws IOException {
            index.read(in);
        }
    }
}
