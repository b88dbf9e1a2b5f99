package io.shardview.circuit.operator;

import io.shardview.circuit.Row;
import io.shardview.circuit.RowCodec;
import io.shardview.circuit.ZSet;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Each row of input 0 with one more column, the value of {@code x IN (SELECT y FROM input 1 WHERE
 * correlation)}, with PostgreSQL's three-valued logic: TRUE when some y equals x; else FALSE when the
 * subquery is empty (even for a NULL x); else NULL when x is NULL or some y is NULL; else FALSE. Input 1's
 * column 0 is y, its further columns the correlation values compared with '=' with the row's group
 * columns: a row whose group holds a NULL has an empty subquery. Without group columns the subquery
 * is uncorrelated (one group).
 *
 * <p>On deltas: per group touched by the step, the marked rows of the touched x values after minus those
 * before; when a group's subquery turns empty or non-empty, or gains its first NULL or loses its last,
 * all its rows are re-marked (their marks may change). State: per group, its rows by x and its NULL-x
 * rows, and the subquery's value counts, NULL count and row count. Keys compare as PostgreSQL's '='
 * does (asBpchar in the {@link JoinKeys}: a CHAR(n) against a VARCHAR without trailing blanks).
 */
public final class InMark implements Operator {
    private final JoinKeys x;
    private final JoinKeys y;
    private final JoinKeys leftGroup;
    private final JoinKeys rightGroup;
    private final HashMap<Row, Group> groups = new HashMap<>();

    /**
     * x: the row's compared column; y: input 1's column 0; the group keys: the row's correlation
     * columns and input 1's columns 1..n, pairwise compared with '='.
     */
    public InMark(JoinKeys x, JoinKeys y, JoinKeys leftGroup, JoinKeys rightGroup) {
        this.x = x;
        this.y = y;
        this.leftGroup = leftGroup;
        this.rightGroup = rightGroup;
    }

    /** One correlation group: its rows and its subquery. */
    private static final class Group {
        final HashMap<Row, ZSet> rows = new HashMap<>();
        final ZSet nullRows = new ZSet();
        final HashMap<Row, Long> values = new HashMap<>();
        long nulls;
        long total;

        boolean isEmpty() {
            return rows.isEmpty() && nullRows.isEmpty() && total == 0;
        }

        Boolean mark(Row key) {
            if (key != null && values.containsKey(key)) return Boolean.TRUE;
            if (total == 0) return Boolean.FALSE;
            if (key == null || nulls > 0) return null;
            return Boolean.FALSE;
        }
    }

    /** What a step changes in one group: the x values it touches, and whether all its rows are re-marked. */
    private static final class Touch {
        final Set<Row> keys = new HashSet<>();
        boolean nullRows;
        long total;
        long nulls;
    }

    @Override
    public ZSet step(ZSet[] inputs) {
        ZSet out = new ZSet();
        Map<Row, Touch> touched = new HashMap<>();
        inputs[0].forEach((l, w) -> {
            Row g = leftGroup.keyOf(l);
            if (g == null) { // '=' with a NULL: the subquery is empty for this row
                out.add(l.concat(Row.wrap(Boolean.FALSE)), w);
                return;
            }
            Touch t = touched.computeIfAbsent(g, k -> new Touch());
            Row key = x.keyOf(l);
            if (key == null) t.nullRows = true;
            else t.keys.add(key);
        });
        inputs[1].forEach((r, v) -> {
            Row g = rightGroup.keyOf(r);
            if (g == null) return; // equal to no row's group
            Touch t = touched.computeIfAbsent(g, k -> new Touch());
            t.total += v;
            Row key = y.keyOf(r);
            if (key == null) t.nulls += v;
            else t.keys.add(key);
        });
        Map<Row, Boolean> remarkAll = new HashMap<>();
        touched.forEach((g, t) -> {
            Group before = groups.get(g);
            long total = before == null ? 0 : before.total;
            long nulls = before == null ? 0 : before.nulls;
            boolean all = (total == 0) != (total + t.total == 0) || (nulls > 0) != (nulls + t.nulls > 0);
            remarkAll.put(g, all);
            if (before != null) emit(before, t, all, -1, out);
        });
        apply(inputs, 1);
        touched.forEach((g, t) -> {
            Group after = groups.get(g);
            if (after != null) emit(after, t, remarkAll.get(g), 1, out);
        });
        return out;
    }

    /** Adds sign times the marked rows of a group that the step may re-mark. */
    private static void emit(Group group, Touch t, boolean all, int sign, ZSet out) {
        if (all) {
            group.rows.forEach((key, rows) -> mark(rows, group.mark(key), sign, out));
        } else {
            for (Row key : t.keys) {
                ZSet rows = group.rows.get(key);
                if (rows != null) mark(rows, group.mark(key), sign, out);
            }
        }
        if (all || t.nullRows) mark(group.nullRows, group.mark(null), sign, out);
    }

    private static void mark(ZSet rows, Boolean mark, int sign, ZSet out) {
        Row m = Row.wrap(mark);
        rows.forEach((l, w) -> out.add(l.concat(m), sign * w));
    }

    @Override
    public void undo(ZSet[] inputs) {
        apply(inputs, -1);
    }

    /** Adds sign times the deltas to the state. */
    private void apply(ZSet[] inputs, int sign) {
        inputs[1].forEach((r, v) -> {
            Row g = rightGroup.keyOf(r);
            if (g != null) addValue(g, y.keyOf(r), sign * v);
        });
        inputs[0].forEach((l, w) -> {
            Row g = leftGroup.keyOf(l);
            if (g != null) addRow(g, l, sign * w);
        });
    }

    private Group group(Row g) {
        return groups.computeIfAbsent(g, k -> new Group());
    }

    private void dropIfEmpty(Row g, Group group) {
        if (group.isEmpty()) groups.remove(g);
    }

    private void addRow(Row g, Row l, long w) {
        Group group = group(g);
        Row key = x.keyOf(l);
        if (key == null) {
            group.nullRows.add(l, w);
        } else {
            ZSet rows = group.rows.computeIfAbsent(key, k -> new ZSet(1));
            rows.add(l, w);
            if (rows.isEmpty()) group.rows.remove(key);
        }
        dropIfEmpty(g, group);
    }

    private void addValue(Row g, Row key, long v) {
        Group group = group(g);
        group.total += v;
        if (key == null) {
            group.nulls += v;
        } else {
            long count = group.values.getOrDefault(key, 0L) + v;
            if (count == 0) group.values.remove(key);
            else group.values.put(key, count);
        }
        dropIfEmpty(g, group);
    }

    @Override
    public void writeState(DataOutput out) throws IOException {
        out.writeInt(groups.size());
        for (var e : groups.entrySet()) {
            Group group = e.getValue();
            RowCodec.writeRow(out, e.getKey());
            out.writeInt(group.rows.size());
            for (var rows : group.rows.entrySet()) {
                RowCodec.writeRow(out, rows.getKey());
                RowCodec.writeZSet(out, rows.getValue());
            }
            RowCodec.writeZSet(out, group.nullRows);
            out.writeInt(group.values.size());
            for (var value : group.values.entrySet()) {
                RowCodec.writeRow(out, value.getKey());
                out.writeLong(value.getValue());
            }
            out.writeLong(group.nulls);
            out.writeLong(group.total);
        }
    }

    @Override
    public void readState(DataInput in) throws IOException {
        groups.clear();
        for (int n = in.readInt(); n > 0; n--) {
            Group group = new Group();
            groups.put(RowCodec.readRow(in), group);
            for (int i = in.readInt(); i > 0; i--) {
                group.rows.put(RowCodec.readRow(in), RowCodec.readZSet(in));
            }
            group.nullRows.addAll(RowCodec.readZSet(in));
            for (int i = in.readInt(); i > 0; i--) {
                group.values.put(RowCodec.readRow(in), in.readLong());
            }
            group.nulls = in.readLong();
            group.total = in.readLong();
        }
    }
}
