package io.shardview.circuit.operator;

import io.shardview.circuit.data.Row;
import io.shardview.circuit.data.RowCodec;
import io.shardview.circuit.data.ZSet;
import io.shardview.circuit.data.ZSetImage;
import io.shardview.circuit.error.EvaluationException;
import io.shardview.circuit.pg.Values;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.TreeMap;
import java.util.function.BiConsumer;

/**
 * An arrangement of one join input hashed by join key, then ordered by a value computed from each row (a
 * column, or an expression of the row), so the rows whose value lies on one side of a bound are found without
 * looking at the others. A row whose value is NULL compares with nothing, and one whose value failed to compute
 * (integer overflow, division by zero) with everything: both are kept apart, for the failed rows of the other
 * side, which meet every row. Written as a {@link JoinIndex} is (key, then the key's rows as one Z-set); the
 * values are computed again when read.
 */
final class RangeIndex {
    private final Expr value;
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
    record Value(Object value, boolean failed) {
        static final Value NULL = new Value(null, false);
        static final Value FAILED = new Value(null, true);
    }

    RangeIndex(Expr value) {
        this.value = value;
    }

    Value valueOf(Row row) {
        try {
            Object v = value.eval(row);
            return v == null ? Value.NULL : new Value(v, false);
        } catch (EvaluationException e) {
            return Value.FAILED;
        }
    }

    void add(Row key, Row row, long weight) {
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

    /** The distinct rows held. */
    long rows() {
        return rows;
    }

    /** Their estimated bytes (see {@link Row#estimatedBytes}). */
    long bytes() {
        return bytes;
    }

    /**
     * Each row of the key that a row of the other side with value v meets: those whose value is at least (from =
     * true) or at most (from = false) v, equal ones included, and the failed ones; all of them if v failed; only
     * the failed ones if v is NULL.
     */
    void forEachMeeting(Row key, Value v, boolean from, BiConsumer<Row, Long> action) {
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

    void write(DataOutput out) throws IOException {
        image().write(out);
    }

    /** The index as it is now, written later as {@link #write} would have written it. */
    StateImage image() {
        return JoinIndex.imageOf(byKey, bucket -> ZSetImage.concat(bucket.parts()));
    }

    void read(DataInput in) throws IOException {
        byKey.clear();
        rows = 0;
        bytes = 0;
        for (int n = in.readInt(); n > 0; n--) {
            Row key = RowCodec.readRow(in);
            RowCodec.readZSet(in).forEach((row, w) -> add(key, row, w));
        }
    }
}
