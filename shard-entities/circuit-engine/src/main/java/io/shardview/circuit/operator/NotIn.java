package io.shardview.circuit.operator;

import io.shardview.circuit.data.Row;
import io.shardview.circuit.data.RowCodec;
import io.shardview.circuit.data.ZSet;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * {@code x NOT IN (SELECT y ...)} as an incremental null-aware anti-join (input 0: the rows, x in
 * column keyColumn; input 1: the subquery's one-column rows). PostgreSQL's semantics: a row qualifies
 * when the subquery is empty (even if x is NULL); otherwise x must be non-NULL, equal no y, and no y
 * may be NULL (then the predicate is NULL for every row).
 *
 * <p>So the output is U (rows whose x matches no y) unless the subquery holds a NULL, plus the NULL-x
 * rows while it is empty. On deltas: for each key touched by the step, its rows in U after minus
 * before; when the subquery gains its first NULL or loses its last, U leaves or enters the output
 * whole, and when it turns empty or non-empty the NULL-x rows do: those steps cost the output change,
 * never a rescan of either input. State: the rows by x, kept apart by whether x has a match (so U is
 * at hand), the NULL-x rows (with those whose x failed), and the subquery's value counts, NULL count and row count. With asBpchar
 * (a CHAR(n) against a VARCHAR, which PostgreSQL compares as bpchar) keys match without trailing blanks.
 *
 * <p>An x that may fail ({@code 1 / c}) is computed here: PostgreSQL answers TRUE for an empty subquery without
 * computing it. A row whose x fails qualifies, as a NULL-x row does, while the subquery is empty, and fails the step
 * whenever the subquery has a row (a NULL one too: PostgreSQL's subplan under NOT keeps them).
 */
public final class NotIn implements Operator {
    private static final ZSet EMPTY = new ZSet();
    private final InValues x;
    private final HashMap<Row, ZSet> unmatched = new HashMap<>();
    private final HashMap<Row, ZSet> matched = new HashMap<>();
    /** The rows whose x is NULL or failed: both qualify exactly while the subquery is empty. */
    private final ZSet nullKeyed = new ZSet();
    /** The rows whose x failed (also in nullKeyed). */
    private final ZSet failed = new ZSet();

    private final HashMap<Row, Long> values = new HashMap<>();
    private long nulls;
    private long total;

    private final boolean asBpchar;

    public NotIn(int keyColumn) {
        this(keyColumn, false);
    }

    public NotIn(int keyColumn, boolean asBpchar) {
        this(
                InValues.columns(new JoinKeys(new int[] {keyColumn}, new boolean[] {true}, new boolean[] {asBpchar})),
                asBpchar);
    }

    /** x computed from the row by an expression that may fail. */
    public NotIn(Expr x, boolean asBpchar) {
        this(new InValues(new Expr[] {x}, new boolean[] {true}, new boolean[] {asBpchar}), asBpchar);
    }

    private NotIn(InValues x, boolean asBpchar) {
        this.x = x;
        this.asBpchar = asBpchar;
    }

    /** The key of a subquery's non-null value. */
    private Row key(Object v) {
        return Row.wrap(asBpchar ? JoinKeys.bpcharOf(v) : v);
    }

    /** The subquery's state, which decides which rows can qualify. */
    private enum Mode {
        /** No subquery rows: every row qualifies. */
        EMPTY,
        /** A NULL among the subquery's values: no row qualifies. */
        BLOCKED,
        /** Rows whose non-NULL x matches no value qualify. */
        MATCHING;

        static Mode of(long total, long nulls) {
            return total == 0 ? EMPTY : nulls > 0 ? BLOCKED : MATCHING;
        }
    }

    @Override
    public ZSet step(ZSet[] inputs) {
        Set<Row> touched = new HashSet<>();
        ZSet nullKeyedDelta = new ZSet();
        ZSet failing = new ZSet();
        inputs[0].forEach((l, w) -> {
            Row key = x.keyOf(l);
            if (key == InValues.FAILED) failing.add(l, w);
            if (key == InValues.FAILED || key.get(0) == null) nullKeyedDelta.add(l, w);
            else touched.add(key);
        });
        long[] counts = {total, nulls};
        inputs[1].forEach((r, v) -> {
            counts[0] += v;
            if (r.get(0) == null) counts[1] += v;
            else touched.add(key(r.get(0)));
        });
        Mode before = Mode.of(total, nulls);
        Mode after = Mode.of(counts[0], counts[1]);
        if (after != Mode.EMPTY && !(failing.isEmpty() && failed.isEmpty())) { // before any state changes
            failing.addAll(failed);
            if (!failing.isEmpty())
                throw x.failure(failing.entries().keySet().iterator().next());
        }
        ZSet out = new ZSet();
        if (before != Mode.BLOCKED) {
            if (after == Mode.BLOCKED) unmatched.values().forEach(rows -> out.addScaled(rows, -1));
            else touched.forEach(key -> out.addScaled(unmatched.getOrDefault(key, EMPTY), -1));
        }
        if (before == Mode.EMPTY && after != Mode.EMPTY) out.addScaled(nullKeyed, -1);
        apply(inputs, 1);
        if (after != Mode.BLOCKED) {
            if (before == Mode.BLOCKED) unmatched.values().forEach(out::addAll);
            else touched.forEach(key -> out.addAll(unmatched.getOrDefault(key, EMPTY)));
        }
        if (after == Mode.EMPTY) out.addAll(before == Mode.EMPTY ? nullKeyedDelta : nullKeyed);
        return out;
    }

    @Override
    public void undo(ZSet[] inputs) {
        apply(inputs, -1);
    }

    /** Adds sign times the deltas to the state: the subquery's first, so the rows land by the new values. */
    private void apply(ZSet[] inputs, int sign) {
        if (sign > 0) {
            inputs[1].forEach((r, v) -> addValue(r, sign * v));
            inputs[0].forEach((l, w) -> addRow(l, sign * w));
        } else {
            inputs[0].forEach((l, w) -> addRow(l, sign * w));
            inputs[1].forEach((r, v) -> addValue(r, sign * v));
        }
    }

    private void addRow(Row l, long w) {
        Row key = x.keyOf(l);
        if (key == InValues.FAILED) failed.add(l, w);
        if (key == InValues.FAILED || key.get(0) == null) {
            nullKeyed.add(l, w);
            return;
        }
        HashMap<Row, ZSet> side = values.containsKey(key) ? matched : unmatched;
        ZSet rows = side.computeIfAbsent(key, k -> new ZSet(1));
        rows.add(l, w);
        if (rows.isEmpty()) side.remove(key);
    }

    /** Counts a subquery row; a value whose count leaves or reaches zero moves its rows between the sides. */
    private void addValue(Row r, long v) {
        total += v;
        if (r.get(0) == null) {
            nulls += v;
            return;
        }
        Row key = key(r.get(0));
        long before = values.getOrDefault(key, 0L);
        long after = before + v;
        if (after == 0) values.remove(key);
        else values.put(key, after);
        if (before == 0 && after != 0) move(key, unmatched, matched);
        if (before != 0 && after == 0) move(key, matched, unmatched);
    }

    private static void move(Row key, Map<Row, ZSet> from, Map<Row, ZSet> to) {
        ZSet rows = from.remove(key);
        if (rows != null) to.put(key, rows);
    }

    @Override
    public void writeState(DataOutput out) throws IOException {
        out.writeInt(unmatched.size() + matched.size());
        for (Map<Row, ZSet> side : java.util.List.of(unmatched, matched)) {
            for (var e : side.entrySet()) {
                RowCodec.writeRow(out, e.getKey());
                RowCodec.writeZSet(out, e.getValue());
            }
        }
        RowCodec.writeZSet(out, nullKeyed);
        out.writeInt(values.size());
        for (var e : values.entrySet()) {
            RowCodec.writeRow(out, e.getKey());
            out.writeLong(e.getValue());
        }
        out.writeLong(nulls);
        out.writeLong(total);
    }

    @Override
    public void readState(DataInput in) throws IOException {
        unmatched.clear();
        matched.clear();
        values.clear();
        Map<Row, ZSet> rows = new HashMap<>();
        for (int i = in.readInt(); i > 0; i--) {
            rows.put(RowCodec.readRow(in), RowCodec.readZSet(in));
        }
        ZSet nullRows = RowCodec.readZSet(in);
        for (int i = in.readInt(); i > 0; i--) {
            values.put(RowCodec.readRow(in), in.readLong());
        }
        nulls = in.readLong();
        total = in.readLong();
        rows.forEach((key, zset) -> (values.containsKey(key) ? matched : unmatched).put(key, zset));
        nullKeyed.addAll(nullKeyed.negate()); // empties it
        nullKeyed.addAll(nullRows);
        failed.addAll(failed.negate());
        nullRows.forEach((l, w) -> {
            if (x.keyOf(l) == InValues.FAILED) failed.add(l, w);
        });
    }

    @Override
    public long stateRows() {
        return unmatched.size() + matched.size() + nullKeyed.size() + failed.size() + values.size();
    }
}
