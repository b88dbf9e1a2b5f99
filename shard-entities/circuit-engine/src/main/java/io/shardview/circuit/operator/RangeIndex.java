package io.shardview.circuit.operator;

import io.shardview.circuit.data.Row;
import io.shardview.circuit.data.RowCodec;
import io.shardview.circuit.data.ZSet;
import io.shardview.circuit.data.ZSetImage;
import io.shardview.circuit.error.EvaluationException;
import io.shardview.circuit.pg.Values;
import java.io.DataInput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.TreeMap;
import java.util.function.BiConsumer;

/**
 * One input of a {@link RangeJoin}: an arrangement of its rows hashed by join key, then ordered by a value computed
 * from each row (a column, or an expression of the row), so the rows whose value lies on one side of a bound are
 * found without looking at the others. A row whose value is NULL compares with nothing, and one whose value failed
 * to compute (integer overflow, division by zero) with everything: both are kept apart, for the failed rows of the
 * other side, which meet every row. Written as a {@link JoinIndex} is (key, then the key's rows as one Z-set); the
 * values are computed again when read.
 */
final class RangeIndex implements IndexedJoin.Side<RangeIndex> {
    private final JoinKeys keys;
    private final Expr value;
    /** Whether a row of the other input meets the rows of its key from its value up, or up to its value. */
    private final boolean from;

    private final HashMap<Row, Bucket> byKey = new HashMap<>();
    private long rows;
    private long bytes;

    /** A key's rows: ordered by value, and apart those whose value is NULL or failed. */
    private static final class Bucket {
        final TreeMap<Object, ZSet> ordered = new TreeMap<>(Values::compare);
        final ZSet nulls = new ZSet();
        final ZSet failed = new ZSet();

        boolean isEmpty() {
            return ordered.isEmpty() && nulls.isEmpty() && failed.isEmpty();
        }

        List<ZSet> parts() {
            List<ZSet> parts = new ArrayList<>(ordered.values());
            parts.add(nulls);
            parts.add(failed);
            return parts;
        }
    }

    /** A row's value, or why it has none. */
    private record Value(Object value, boolean failed) {
        static final Value NULL = new Value(null, false);
        static final Value FAILED = new Value(null, true);
    }

    RangeIndex(JoinKeys keys, Expr value, boolean from) {
        this.keys = keys;
        this.value = value;
        this.from = from;
    }

    private Value valueOf(Row row) {
        try {
            Object v = value.eval(row);
            return v == null ? Value.NULL : new Value(v, false);
        } catch (EvaluationException e) {
            return Value.FAILED;
        }
    }

    @Override
    public void add(ZSet delta, int sign) {
        delta.forEach((row, w) -> {
            Row key = keys.keyOf(row);
            if (key != null) add(key, row, sign * w);
        });
    }

    private void add(Row key, Row row, long weight) {
        Bucket bucket = byKey.computeIfAbsent(key, k -> new Bucket());
        Value v = valueOf(row);
        ZSet part;
        if (v.failed()) {
            part = bucket.failed;
        } else if (v.value() == null) {
            part = bucket.nulls;
        } else {
            part = bucket.ordered.computeIfAbsent(v.value(), x -> new ZSet(1));
        }
        long grown = part.addWeighed(row, weight);
        rows += Long.signum(grown); // a row that appeared or went
        bytes += grown;
        if (v.value() != null && part.isEmpty()) bucket.ordered.remove(v.value());
        if (bucket.isEmpty()) byKey.remove(key);
    }

    @Override
    public long rows() {
        return rows;
    }

    /** See {@link Row#estimatedBytes}. */
    @Override
    public long bytes() {
        return bytes;
    }

    /**
     * The rows of its key that a row of the other side with value v meets: those whose value is at least (from)
     * or at most v, equal ones included, and the failed ones; all of them if v failed; only the failed ones if v is
     * NULL.
     */
    @Override
    public void forEachMeeting(RangeIndex other, Row row, BiConsumer<Row, Long> action) {
        Row key = other.keys.keyOf(row);
        if (key == null) return;
        Value v = other.valueOf(row);
        Bucket bucket = byKey.get(key);
        if (bucket == null) return;
        if (v.failed()) {
            bucket.parts().forEach(rows -> rows.forEach(action));
            return;
        }
        if (v.value() != null) {
            for (ZSet rows : (from ? bucket.ordered.tailMap(v.value(), true) : bucket.ordered.headMap(v.value(), true))
                    .values()) {
                rows.forEach(action);
            }
        }
        bucket.failed.forEach(action);
    }

    /** The index as it is now, to be written later (as a {@link JoinIndex} is). */
    @Override
    public StateImage image() {
        return JoinIndex.imageOf(byKey, bucket -> ZSetImage.concat(bucket.parts()));
    }

    @Override
    public void read(DataInput in) throws IOException {
        byKey.clear();
        rows = 0;
        bytes = 0;
        for (int n = in.readInt(); n > 0; n--) {
            Row key = RowCodec.readRow(in);
            RowCodec.readZSet(in).forEach((row, w) -> add(key, row, w));
        }
    }
}
