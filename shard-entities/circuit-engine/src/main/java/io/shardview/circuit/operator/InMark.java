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
 * Each row of input 0 with one more column, the value of {@code (x1, ..., xk) IN (SELECT y1, ..., yk FROM
 * input 1 WHERE correlation)} with PostgreSQL's row comparison: TRUE when some subquery row equals the row's
 * values in every column; else NULL when some subquery row compares FALSE in no column (each column equal or
 * NULL on either side: (1, NULL) against (1, 2), (1, 2) against (NULL, 2)); else FALSE, also when the
 * subquery is empty (even for NULL values). For one column that is IN's own rule: TRUE when some y equals x, else
 * FALSE when the subquery is empty (even for a NULL x), else NULL when x is NULL or some y is NULL, else FALSE.
 * Input 1's columns 0..k-1 are the y's, its further columns the correlation values compared with '=' with the
 * row's group columns: a row whose group holds a NULL has an empty subquery. Without group columns the subquery
 * is uncorrelated (one group).
 *
 * <p>A row whose values are NULL at the positions N (its pattern) meets a subquery row NULL at M exactly
 * when they are equal on the positions D = not N and not M. So the subquery is counted per (M, D, its values
 * on D) for every D within its non-NULL positions (2^(k-|M|) counts per row), and the rows are indexed per
 * (N, D, their values on D) for every D within their non-NULL positions: a row's mark reads one count per
 * subquery pattern present, and a count that turns zero or non-zero re-marks the rows of the patterns it
 * serves whose values on D are the count's. A group whose subquery turns empty or non-empty re-marks all
 * its rows. So a step costs its delta times 2^k and the rows whose witnesses of a kind come or go, never a
 * rescan. Keys compare as PostgreSQL's '=' does, per column (asBpchar in the {@link JoinKeys}, which must be
 * null-safe so that NULLs stay in place).
 *
 * <p>Values that may fail ({@code 1 / c}) are computed here ({@link InValues}): PostgreSQL computes them only when the
 * row's subquery has rows to compare them with, so a row whose value fails is kept apart in its group, marked FALSE
 * (the subquery's answer for it while there is nothing to compare), and fails the step exactly while its group's
 * subquery has such rows: any row for a plain subplan (correlated, in a select list, under NOT), only rows without a
 * NULL for a hashed one where NULL and FALSE are alike (uncorrelated, under AND and OR of a WHERE), which leaves those
 * out. State per group: the rows (those whose value failed among them) and the subquery's rows.
 */
public final class InMark implements Operator {
    private final InValues x;
    private final JoinKeys y;
    private final JoinKeys leftGroup;
    private final JoinKeys rightGroup;
    private final boolean nullRowsIgnored;
    private final int all;
    private final HashMap<Row, Group> groups = new HashMap<>();

    /**
     * x: the row's compared columns; y: input 1's columns 0..k-1, both null-safe; the group keys: the row's
     * correlation columns and input 1's columns k.., pairwise compared with '='.
     */
    public InMark(JoinKeys x, JoinKeys y, JoinKeys leftGroup, JoinKeys rightGroup) {
        this(InValues.columns(x), y, leftGroup, rightGroup, false);
    }

    /**
     * x: the row's compared values (null-safe), computed here; nullRowsIgnored: whether a row whose value failed
     * meets only subquery rows without a NULL (a hashed subplan where NULL and FALSE are alike).
     */
    public InMark(InValues x, JoinKeys y, JoinKeys leftGroup, JoinKeys rightGroup, boolean nullRowsIgnored) {
        int k = y.columns().length;
        if (k < 1 || k > 16) throw new IllegalArgumentException("1 to 16 compared columns");
        this.x = x;
        this.y = y;
        this.leftGroup = leftGroup;
        this.rightGroup = rightGroup;
        this.nullRowsIgnored = nullRowsIgnored;
        this.all = (1 << k) - 1;
    }

    /** The positions where a key is NULL, as bits. */
    private static int nulls(Row key) {
        int n = 0;
        for (int i = 0; i < key.size(); i++) if (key.get(i) == null) n |= 1 << i;
        return n;
    }

    /** (pattern, D, the key's values at D): a cell of the counts or of the rows' index. */
    private static Row cell(int pattern, int d, Row key) {
        Object[] c = new Object[2 + Integer.bitCount(d)];
        c[0] = (long) pattern;
        c[1] = (long) d;
        int j = 2;
        for (int i = 0; i < key.size(); i++) if ((d & 1 << i) != 0) c[j++] = key.get(i);
        return Row.wrap(c);
    }

    /** The key with the values of a cell at D and NULLs elsewhere. */
    private Row keyOf(int d, Row cell) {
        Object[] key = new Object[Integer.bitCount(all)];
        int j = 2;
        for (int i = 0; i < key.length; i++) if ((d & 1 << i) != 0) key[i] = cell.get(j++);
        return Row.wrap(key);
    }

    /** One correlation group: its rows and its subquery's counts. */
    private final class Group {
        /** The rows by pattern N, then by key (NULLs in place). */
        final HashMap<Integer, HashMap<Row, ZSet>> rows = new HashMap<>();
        /** The keys of the rows by (N, D, values at D), D a proper non-empty part of not N. */
        final HashMap<Row, Set<Row>> index = new HashMap<>();
        /** Subquery rows by (M, D, values at D), D any part of not M; (M, 0) counts the rows of pattern M. */
        final HashMap<Row, Long> counts = new HashMap<>();
        /** The subquery's patterns present, with their row counts. */
        final HashMap<Integer, Long> patterns = new HashMap<>();

        long total;
        /** The rows whose compared values failed: marked FALSE, and the step fails while the subquery has rows to compare them with. */
        final ZSet failed = new ZSet(1);

        boolean isEmpty() {
            return rows.isEmpty() && total == 0 && patterns.isEmpty() && failed.isEmpty();
        }

        /** Whether a row whose value failed would be compared with some subquery row. */
        boolean comparesFailed() {
            return !failed.isEmpty() && (nullRowsIgnored ? patterns.getOrDefault(0, 0L) > 0 : total != 0);
        }

        long count(Row cell) {
            return counts.getOrDefault(cell, 0L);
        }

        Boolean mark(Row key) {
            if (total == 0) return Boolean.FALSE;
            int n = nulls(key);
            if (n == 0 && count(cell(0, all, key)) > 0) return Boolean.TRUE;
            for (int m : patterns.keySet()) {
                if (count(cell(m, all & ~n & ~m, key)) > 0) return null;
            }
            return Boolean.FALSE;
        }

        /** Adds to keys the keys of the rows that a count of cell (m, d, ...) serves. */
        void served(int m, int d, Row cell, Set<Row> keys) {
            Row values = keyOf(d, cell);
            rows.forEach((n, byKey) -> {
                int open = all & ~n;
                if ((open & ~m) != d) return;
                if (d == 0) {
                    keys.addAll(byKey.keySet());
                } else if (d == open) {
                    if (byKey.containsKey(values)) keys.add(values);
                } else {
                    Set<Row> indexed = index.get(cell(n, d, values));
                    if (indexed != null) keys.addAll(indexed);
                }
            });
        }
    }

    /** What a step changes in one group: the keys of rows it may re-mark, and the subquery's count changes. */
    private static final class Touch {
        final Set<Row> keys = new HashSet<>();
        final HashMap<Row, Long> counts = new HashMap<>();
        long total;
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
            if (key == InValues.FAILED) {
                out.add(l.concat(Row.wrap(Boolean.FALSE)), w); // FALSE while it is not compared, else the step fails
            } else {
                t.keys.add(key);
            }
        });
        inputs[1].forEach((r, v) -> {
            Row g = rightGroup.keyOf(r);
            if (g == null) return; // equal to no row's group
            Touch t = touched.computeIfAbsent(g, k -> new Touch());
            t.total += v;
            Row key = y.keyOf(r);
            int m = nulls(key);
            int open = all & ~m;
            for (int d = open; ; d = (d - 1) & open) { // every part of open
                t.counts.merge(cell(m, d, key), v, Long::sum);
                if (d == 0) break;
            }
        });
        Map<Row, Boolean> remarkAll = new HashMap<>();
        touched.forEach((g, t) -> {
            Group before = groups.get(g);
            long total = before == null ? 0 : before.total;
            boolean everyRow = (total == 0) != (total + t.total == 0);
            remarkAll.put(g, everyRow);
            if (before == null) return;
            if (!everyRow) {
                t.counts.forEach((cell, v) -> {
                    long c = before.count(cell);
                    if ((c == 0) != (c + v == 0)) {
                        before.served(
                                ((Number) cell.get(0)).intValue(), ((Number) cell.get(1)).intValue(), cell, t.keys);
                    }
                });
            }
            emit(before, t, everyRow, -1, out);
        });
        apply(inputs, 1);
        for (Row g : touched.keySet()) {
            Group after = groups.get(g);
            if (after != null && after.comparesFailed()) {
                Row row = after.failed.entries().keySet().iterator().next();
                apply(inputs, -1);
                throw x.failure(row);
            }
        }
        touched.forEach((g, t) -> {
            Group after = groups.get(g);
            if (after != null) emit(after, t, remarkAll.get(g), 1, out);
        });
        return out;
    }

    /** Adds sign times the marked rows of a group that the step may re-mark. */
    private static void emit(Group group, Touch t, boolean everyRow, int sign, ZSet out) {
        if (everyRow) {
            group.rows.values().forEach(byKey -> byKey.forEach((key, rows) -> mark(rows, group.mark(key), sign, out)));
            return;
        }
        for (Row key : t.keys) {
            var byKey = group.rows.get(nulls(key));
            ZSet rows = byKey == null ? null : byKey.get(key);
            if (rows != null) mark(rows, group.mark(key), sign, out);
        }
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
            if (g != null) addRow(g, x.keyOf(l), l, sign * w);
        });
    }

    private Group group(Row g) {
        return groups.computeIfAbsent(g, k -> new Group());
    }

    private void dropIfEmpty(Row g, Group group) {
        if (group.isEmpty()) groups.remove(g);
    }

    private void addRow(Row g, Row key, Row l, long w) {
        Group group = group(g);
        if (key == InValues.FAILED) {
            group.failed.add(l, w);
            dropIfEmpty(g, group);
            return;
        }
        int n = nulls(key);
        HashMap<Row, ZSet> byKey = group.rows.computeIfAbsent(n, k -> new HashMap<>());
        ZSet rows = byKey.get(key);
        if (rows == null) {
            rows = new ZSet(1);
            byKey.put(key, rows);
            index(group, n, key, true);
        }
        rows.add(l, w);
        if (rows.isEmpty()) {
            byKey.remove(key);
            index(group, n, key, false);
            if (byKey.isEmpty()) group.rows.remove(n);
        }
        dropIfEmpty(g, group);
    }

    /** Adds a key to, or removes it from, the index cells of its proper non-empty parts of not n. */
    private void index(Group group, int n, Row key, boolean add) {
        int open = all & ~n;
        for (int d = (open - 1) & open; d != 0; d = (d - 1) & open) {
            Row cell = cell(n, d, key);
            if (add) {
                group.index.computeIfAbsent(cell, c -> new HashSet<>()).add(key);
            } else {
                Set<Row> keys = group.index.get(cell);
                keys.remove(key);
                if (keys.isEmpty()) group.index.remove(cell);
            }
        }
    }

    private void addValue(Row g, Row key, long v) {
        Group group = group(g);
        group.total += v;
        int m = nulls(key);
        long p = group.patterns.getOrDefault(m, 0L) + v;
        if (p == 0) group.patterns.remove(m);
        else group.patterns.put(m, p);
        int open = all & ~m;
        for (int d = open; ; d = (d - 1) & open) {
            Row cell = cell(m, d, key);
            long count = group.count(cell) + v;
            if (count == 0) group.counts.remove(cell);
            else group.counts.put(cell, count);
            if (d == 0) break;
        }
        dropIfEmpty(g, group);
    }

    /** The subquery's rows, by key (NULLs in place), of a group: the counts of its cells that cover every non-NULL position. */
    private Map<Row, Long> values(Group group) {
        Map<Row, Long> out = new HashMap<>();
        group.counts.forEach((cell, count) -> {
            int m = ((Number) cell.get(0)).intValue();
            int d = ((Number) cell.get(1)).intValue();
            if (d == (all & ~m)) out.put(keyOf(d, cell), count);
        });
        return out;
    }

    @Override
    public void writeState(DataOutput out) throws IOException {
        out.writeInt(groups.size());
        for (var e : groups.entrySet()) {
            Group group = e.getValue();
            RowCodec.writeRow(out, e.getKey());
            ZSet rows = new ZSet();
            group.rows.values().forEach(byKey -> byKey.values().forEach(rows::addAll));
            rows.addAll(group.failed); // read back apart, as their values fail again
            RowCodec.writeZSet(out, rows);
            Map<Row, Long> values = values(group);
            out.writeInt(values.size());
            for (var value : values.entrySet()) {
                RowCodec.writeRow(out, value.getKey());
                out.writeLong(value.getValue());
            }
        }
    }

    @Override
    public void readState(DataInput in) throws IOException {
        groups.clear();
        for (int n = in.readInt(); n > 0; n--) {
            Row g = RowCodec.readRow(in);
            RowCodec.readZSet(in).forEach((l, w) -> addRow(g, x.keyOf(l), l, w));
            for (int i = in.readInt(); i > 0; i--) addValue(g, RowCodec.readRow(in), in.readLong());
        }
    }

    @Override
    public long stateRows() {
        return groups.size();
    }
}
