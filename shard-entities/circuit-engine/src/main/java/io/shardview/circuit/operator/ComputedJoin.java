package io.shardview.circuit.operator;

import io.shardview.circuit.data.Row;
import io.shardview.circuit.data.RowCodec;
import io.shardview.circuit.data.ZSet;
import io.shardview.circuit.data.ZSetImage;
import io.shardview.circuit.error.EvaluationException;
import io.shardview.circuit.pg.Values;
import java.io.DataInput;
import java.io.IOException;
import java.util.function.BiConsumer;

/**
 * Inner join on values computed from each side's row ({@code u.y = t.n + 1}), besides any plain key columns,
 * with the join's whole non-equi condition as residual: both inputs are indexed by key, so a delta row meets
 * the rows of its key only. Calcite decorrelates a subquery correlated through such an '=' into a join of the
 * subquery's rows with the distinct correlation values; indexed so, a change to the subquery finds the values it
 * matches instead of testing them all.
 *
 * <p>A computed value may fail (integer overflow, division by zero). A join testing its condition on every pair
 * fails only when such a row meets a row of the other side; so a row whose value fails is kept apart and meets
 * every row of the other side with its plain key, and the residual, which holds the '=', decides on each pair: it
 * fails there as that join would (or is NULL or FALSE before it gets there). A row whose computed value is NULL
 * meets only such rows, as '=' is never TRUE for it; one whose plain key is NULL meets none, as in {@link InnerJoin}.
 *
 * <p>State: each side's rows by key, and each side's rows whose computed value failed.
 */
public final class ComputedJoin extends IndexedJoin<ComputedJoin.Computed> {

    /**
     * plain: the key columns; computed: the values compared with '=', the i-th of the left with the i-th of the
     * right, compared as bpchar where asBpchar says; residual sees the left columns followed by the right ones.
     */
    public ComputedJoin(
            JoinKeys leftPlain,
            Expr[] leftComputed,
            JoinKeys rightPlain,
            Expr[] rightComputed,
            boolean[] asBpchar,
            Expr residual) {
        super(
                new Computed(leftPlain, leftComputed, asBpchar),
                new Computed(rightPlain, rightComputed, asBpchar),
                residual);
    }

    /**
     * A row's key: its plain key, then its computed values (null when a plain key column is NULL: the row meets
     * nothing); failed when a computed value failed; withNull when one is NULL, so it meets no key, only failed rows.
     */
    private record Key(Row plain, Row full, boolean failed, boolean withNull) {
        static final Key NONE = new Key(null, null, false, false);
    }

    /**
     * One input: its rows indexed by their whole key (also those with a NULL value, which no key finds but a
     * failed row of the other side meets), and apart those whose computed value failed.
     */
    static final class Computed implements IndexedJoin.Side<Computed> {
        private final JoinKeys plain;
        private final Expr[] computed;
        private final boolean[] asBpchar;
        private final JoinIndex indexed = new JoinIndex();
        private ZSet failed = new ZSet();

        Computed(JoinKeys plain, Expr[] computed, boolean[] asBpchar) {
            this.plain = plain;
            this.computed = computed;
            this.asBpchar = asBpchar;
        }

        Key keyOf(Row row) {
            Row plainKey = plain.keyOf(row);
            if (plainKey == null) return Key.NONE;
            Object[] key = new Object[plainKey.size() + computed.length];
            for (int i = 0; i < plainKey.size(); i++) key[i] = plainKey.get(i);
            boolean withNull = false;
            for (int i = 0; i < computed.length; i++) {
                Object v;
                try {
                    v = computed[i].eval(row);
                } catch (EvaluationException e) {
                    return new Key(plainKey, null, true, false);
                }
                withNull |= v == null;
                key[plainKey.size() + i] = asBpchar[i] ? JoinKeys.bpcharOf(v) : v;
            }
            return new Key(plainKey, Row.wrap(key), false, withNull);
        }

        /**
         * Each row of this side that a row of the other side meets: the rows of its key, or all rows of its plain
         * key if its value failed, and the failed rows of its plain key.
         */
        @Override
        public void forEachMeeting(Computed other, Row row, BiConsumer<Row, Long> action) {
            Key key = other.keyOf(row);
            if (key.plain() == null) return;
            if (key.failed()) {
                indexed.forEach((k, matching) -> {
                    if (startsWith(k, key.plain())) matching.forEach(action);
                });
            } else if (!key.withNull()) {
                indexed.get(key.full()).forEach(action);
            }
            failed.forEach((r, w) -> {
                if (plain.keyOf(r).equals(key.plain())) action.accept(r, w);
            });
        }

        private static boolean startsWith(Row key, Row prefix) {
            for (int i = 0; i < prefix.size(); i++) {
                if (!Values.equal(key.get(i), prefix.get(i))) return false;
            }
            return true;
        }

        @Override
        public void add(ZSet delta, int sign) {
            delta.forEach((row, w) -> {
                Key key = keyOf(row);
                if (key.failed()) {
                    failed.add(row, sign * w);
                } else if (key.plain() != null) {
                    indexed.add(key.full(), row, sign * w);
                }
            });
        }

        @Override
        public long rows() {
            return indexed.rows() + failed.size();
        }

        /** The failed rows at {@link Operator#ENTRY_BYTES} each: they are not weighed one by one. */
        @Override
        public long bytes() {
            return indexed.bytes() + failed.size() * ENTRY_BYTES;
        }

        /** The indexed rows, then the failed ones. */
        @Override
        public StateImage image() {
            return StateImage.inOrder(indexed.image(), ZSetImage.of(failed)::write);
        }

        @Override
        public void read(DataInput in) throws IOException {
            indexed.read(in);
            failed = RowCodec.readZSet(in);
        }
    }
}
