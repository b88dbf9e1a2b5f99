package io.shardview.circuit.operator;

import io.shardview.circuit.data.Row;
import io.shardview.circuit.data.RowCodec;
import io.shardview.circuit.data.ZSet;
import io.shardview.circuit.pg.Values;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * Semi-join (or anti-join) whose condition, besides any equi-keys, is one comparison of a value of the left row
 * with a value of the right row ({@code WHERE price > (SELECT AVG(price) FROM p)}, which Calcite plans as the rows
 * joined with the one row of the aggregate). A left row with value a has a match exactly when the right side's
 * rows of its key hold a value b with a OP b, that is when a OP the least (for &gt;, &gt;=) or the greatest (for
 * &lt;, &lt;=) right value. So the right side is kept as the count of each value per key, and a step re-judges only
 * the left rows whose value lies between that extreme before and after the step: when the average moves from
 * 10.0 to 10.5, the rows priced in between, not the whole table. NULLs compare with nothing. The values are those
 * the comparison compares (a VARCHAR compared with a CHAR(n) as bpchar), so Values.compare orders them as it does.
 *
 * <p>State: the left rows per key ordered by value (NULL-valued ones apart), and the right values' counts per key.
 * The left value may fail to compute (it is computed for every left row, as PostgreSQL's filter does); the right
 * one must not: it is computed from each right row once, where a join testing pairs would compute it per pair.
 */
public final class RangeSemiJoin implements Operator {
    private final JoinKeys leftKeys;
    private final JoinKeys rightKeys;
    private final Expr leftValue;
    private final Expr rightValue;
    private final RangeJoin.Comparison comparison;
    private final boolean anti;
    private final HashMap<Row, Side> left = new HashMap<>();
    private final HashMap<Row, TreeMap<Object, Long>> right = new HashMap<>();

    /** One key's left rows: ordered by value, and apart those whose value is NULL (they never match). */
    private static final class Side {
        final TreeMap<Object, ZSet> ordered = new TreeMap<>(Values::compare);
        ZSet nulls = new ZSet();

        boolean isEmpty() {
            return ordered.isEmpty() && nulls.isEmpty();
        }
    }

    /** A left row's key and value as a step sees them. */
    private record Keyed(Row row, long weight, Row key, Object value) {}

    /**
     * The right values only grow (the tenant's clock, or the clock plus or minus an interval: a temporal filter), and a
     * left row matches from above ({@code >}, {@code >=}, not anti): a left row the extreme has passed can never match
     * again, so it is not kept. Such rows are dropped at the start of the next step, once the step that passed them is
     * committed (a failed batch's {@link #undo} finds them still there), and a left row that arrives already passed is
     * not stored. A view of the last hour over an endless stream keeps an hour of rows.
     */
    private final boolean forward;

    /** Left rows held, each distinct row once, for {@link #stateRows}. */
    private long heldRows;

    /** leftValue OP rightValue, OP the comparison; anti: the left rows without a match. */
    public RangeSemiJoin(
            JoinKeys leftKeys,
            JoinKeys rightKeys,
            Expr leftValue,
            RangeJoin.Comparison comparison,
            Expr rightValue,
            boolean anti) {
        this(leftKeys, rightKeys, leftValue, comparison, rightValue, anti, false);
    }

    /** As above; rightOnlyGrows: the right values never decrease (see {@link #forward}). */
    public RangeSemiJoin(
            JoinKeys leftKeys,
            JoinKeys rightKeys,
            Expr leftValue,
            RangeJoin.Comparison comparison,
            Expr rightValue,
            boolean anti,
            boolean rightOnlyGrows) {
        this.leftKeys = leftKeys;
        this.rightKeys = rightKeys;
        this.leftValue = leftValue;
        this.rightValue = rightValue;
        this.comparison = comparison;
        this.anti = anti;
        this.forward = rightOnlyGrows
                && !anti
                && (comparison == RangeJoin.Comparison.GREATER || comparison == RangeJoin.Comparison.GREATER_OR_EQUAL);
    }

    /** Drops the left rows the extreme of their key has passed (forward only): they can never match again. */
    private void dropPassed() {
        var keys = left.entrySet().iterator();
        while (keys.hasNext()) {
            var entry = keys.next();
            Object e = extreme(entry.getKey());
            if (e == null) continue;
            Side side = entry.getValue();
            var passed = side.ordered.headMap(e, comparison == RangeJoin.Comparison.GREATER);
            for (ZSet rows : passed.values()) heldRows -= rows.size();
            passed.clear();
            heldRows -= side.nulls.size();
            side.nulls = new ZSet();
            if (side.isEmpty()) keys.remove();
        }
    }

    /** Whether a left row is not stored: forward, and its key's extreme has passed it. */
    private boolean passed(Keyed l) {
        if (!forward || l.key() == null) return false;
        Object e = extreme(l.key());
        return e != null && !matches(l.value(), e);
    }

    /** Whether a left value meets the right side whose extreme value is e (null: no right row). */
    private boolean matches(Object a, Object e) {
        if (a == null || e == null) return false;
        int c = Values.compare(a, e);
        return switch (comparison) {
            case GREATER -> c > 0;
            case GREATER_OR_EQUAL -> c >= 0;
            case LESS -> c < 0;
            case LESS_OR_EQUAL -> c <= 0;
        };
    }

    /** The right value a left row is judged against: the least for &gt; and &gt;=, the greatest for &lt; and &lt;=. */
    private Object extreme(Row key) {
        TreeMap<Object, Long> values = right.get(key);
        if (values == null) return null;
        boolean least =
                comparison == RangeJoin.Comparison.GREATER || comparison == RangeJoin.Comparison.GREATER_OR_EQUAL;
        return least ? values.firstKey() : values.lastKey();
    }

    @Override
    public ZSet step(ZSet[] inputs) {
        if (forward) dropPassed(); // what the last committed step passed
        // Every left value first: one that fails leaves the state untouched.
        java.util.List<Keyed> leftDelta = new java.util.ArrayList<>(inputs[0].size());
        inputs[0].forEach((l, w) -> {
            Row key = leftKeys.keyOf(l);
            leftDelta.add(new Keyed(l, w, key, key == null ? null : leftValue.eval(l)));
        });
        ZSet out = new ZSet();
        Map<Row, Object> before = new HashMap<>();
        inputs[1].forEach((r, v) -> {
            Row key = rightKeys.keyOf(r);
            if (key != null && !before.containsKey(key)) before.put(key, extreme(key)); // null when it has no right row
        });
        addRight(inputs[1], 1);
        before.forEach((key, old) -> rejudge(key, old, extreme(key), out));
        for (Keyed l : leftDelta) {
            boolean matched = l.key() != null && matches(l.value(), extreme(l.key()));
            if (matched != anti) out.add(l.row(), l.weight());
            if (l.key() != null && !passed(l)) addLeft(l.row(), l.key(), l.value(), l.weight());
        }
        return out;
    }

    /** Emits the change of the left rows of a key whose answer differs between the extremes old and now. */
    private void rejudge(Row key, Object old, Object now, ZSet out) {
        Side side = left.get(key);
        if (side == null || Values.equal(old, now) && (old == null) == (now == null)) return;
        NavigableMap<Object, ZSet> range;
        if (old == null || now == null) {
            Object bound = old == null ? now : old;
            boolean above =
                    comparison == RangeJoin.Comparison.GREATER || comparison == RangeJoin.Comparison.GREATER_OR_EQUAL;
            range = above ? side.ordered.tailMap(bound, true) : side.ordered.headMap(bound, true);
        } else {
            boolean ascending = Values.compare(old, now) <= 0;
            range = side.ordered.subMap(ascending ? old : now, true, ascending ? now : old, true);
        }
        for (Map.Entry<Object, ZSet> e : range.entrySet()) {
            boolean was = matches(e.getKey(), old);
            boolean is = matches(e.getKey(), now);
            if (was == is) continue;
            long sign = is != anti ? 1 : -1;
            e.getValue().forEach((row, w) -> out.add(row, sign * w));
        }
    }

    private void addLeft(Row row, Row key, Object value, long weight) {
        Side side = left.computeIfAbsent(key, k -> new Side());
        if (value == null) {
            int before = side.nulls.size();
            side.nulls.add(row, weight);
            heldRows += side.nulls.size() - before;
        } else {
            ZSet rows = side.ordered.computeIfAbsent(value, v -> new ZSet(1));
            int before = rows.size();
            rows.add(row, weight);
            heldRows += rows.size() - before;
            if (rows.isEmpty()) side.ordered.remove(value);
        }
        if (side.isEmpty()) left.remove(key);
    }

    private void addRight(ZSet delta, int sign) {
        delta.forEach((r, v) -> {
            Row key = rightKeys.keyOf(r);
            Object b = key == null ? null : rightValue.eval(r);
            if (b != null) addValue(key, b, sign * v);
        });
    }

    private void addValue(Row key, Object b, long count) {
        TreeMap<Object, Long> values = right.computeIfAbsent(key, k -> new TreeMap<>(Values::compare));
        long n = values.merge(b, count, Long::sum);
        if (n == 0) values.remove(b);
        if (values.isEmpty()) right.remove(key);
    }

    @Override
    public void undo(ZSet[] inputs) {
        inputs[0].forEach((l, w) -> {
            Row key = leftKeys.keyOf(l);
            if (key == null) return;
            Keyed keyed = new Keyed(l, w, key, leftValue.eval(l));
            if (!passed(keyed))
                addLeft(l, key, keyed.value(), -w); // judged as the step judged it: right not undone yet
        });
        addRight(inputs[1], -1);
    }

    @Override
    public void writeState(DataOutput out) throws IOException {
        stateImage().write(out);
    }

    /** The left rows per key as one Z-set (their values are computed again when read), then the right values' counts. */
    @Override
    public StateImage stateImage() {
        Map<Row, ZSet> rows = new HashMap<>();
        left.forEach((key, side) -> {
            ZSet all = new ZSet();
            side.ordered.values().forEach(all::addAll);
            all.addAll(side.nulls);
            rows.put(key, all);
        });
        Map<Row, ZSet> counts = new HashMap<>();
        right.forEach((key, values) -> {
            ZSet z = new ZSet(values.size());
            values.forEach((b, n) -> z.add(Row.wrap(b), n));
            counts.put(key, z);
        });
        return StateImage.inOrder(
                JoinIndex.imageOf(rows, io.shardview.circuit.data.ZSetImage::of),
                JoinIndex.imageOf(counts, io.shardview.circuit.data.ZSetImage::of));
    }

    @Override
    public void readState(DataInput in) throws IOException {
        left.clear();
        right.clear();
        heldRows = 0;
        for (int n = in.readInt(); n > 0; n--) {
            Row key = RowCodec.readRow(in);
            RowCodec.readZSet(in).forEach((row, w) -> addLeft(row, key, leftValue.eval(row), w));
        }
        for (int n = in.readInt(); n > 0; n--) {
            Row key = RowCodec.readRow(in);
            RowCodec.readZSet(in).forEach((b, count) -> addValue(key, b.get(0), count));
        }
    }

    @Override
    public long stateRows() {
        return heldRows + right.size();
    }
}
