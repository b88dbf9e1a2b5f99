package io.shardview.circuit.operator;

import io.shardview.circuit.data.Row;
import io.shardview.circuit.data.RowCodec;
import io.shardview.circuit.data.ZSet;
import io.shardview.circuit.pg.DateFields;
import io.shardview.circuit.pg.PgInterval;
import io.shardview.circuit.pg.Values;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The window functions of one window, {@code f() OVER (PARTITION BY p ORDER BY o [frame])}: each input row with one
 * more column per function. Ranks: {@code ROW_NUMBER} (its position in its partition in ORDER BY order, 1 first),
 * {@code RANK} (1 + the rows of its partition before its peers, the rows with equal ORDER BY values),
 * {@code DENSE_RANK} (1 + the peer groups before its own), {@code PERCENT_RANK}, {@code CUME_DIST}, {@code NTILE};
 * offsets: {@code LAG(x, n, d)} and {@code LEAD(x, n, d)} (column x of the row n positions before or after it in its
 * partition, or d past the partition's edge); over a {@link WindowFrame}: {@code FIRST_VALUE}, {@code LAST_VALUE},
 * {@code NTH_VALUE} and the aggregates {@code COUNT}, {@code SUM}, {@code AVG}, {@code MIN}, {@code MAX} (PostgreSQL's
 * types and values, as {@link Accumulator} computes them for GROUP BY).
 *
 * <p>On deltas: a window whose every function reads only rows a bounded number of rows away ({@code LAG}, {@code LEAD}
 * and functions over {@code ROWS BETWEEN n PRECEDING AND m FOLLOWING} frames) or a bounded distance away in the ORDER
 * BY column's values ({@code RANGE BETWEEN INTERVAL '1 hour' PRECEDING AND CURRENT ROW}) recomputes only the rows
 * within that many rows of a changed one, or whose frames reach its value, before and after the change (a change
 * costs its neighbourhood, whatever the partition's size). A window whose functions read no row unboundedly far after
 * their own (ranks, running totals, frames ending a bounded way on) re-ranks a changed partition but emits only the
 * rows from the first that reads the change on. Any other window retracts the ranked rows of each partition a step touches and inserts them anew (equal rows
 * cancel), so a change costs the size of its partition, as top-k per group ({@code WHERE rn <= k} over this) needs.
 * Rows equal in ORDER BY get their row numbers in the engine's natural row order: deterministic, where PostgreSQL leaves
 * their order unspecified. State: every input row, per partition, in ORDER BY order then natural order.
 */
public final class WindowRank implements Operator {
    /** The window functions maintained, as refusals name them. */
    public static final String MAINTAINED = "(only ROW_NUMBER, RANK, DENSE_RANK, PERCENT_RANK, CUME_DIST, NTILE, LAG,"
            + " LEAD, FIRST_VALUE, LAST_VALUE, NTH_VALUE, COUNT, SUM, AVG, MIN and MAX are maintained)";

    /** A window function. */
    public enum Function {
        ROW_NUMBER,
        RANK,
        DENSE_RANK,
        LAG,
        LEAD,
        NTILE,
        PERCENT_RANK,
        CUME_DIST,
        FIRST_VALUE,
        LAST_VALUE,
        NTH_VALUE,
        /** COUNT, SUM, AVG, MIN or MAX over the frame ({@link Call#aggregate()}). */
        AGGREGATE
    }

    /**
     * One function of the window: the input column it reads (LAG, LEAD and the _VALUE functions), its number (how many
     * rows away for LAG and LEAD, which row for NTH_VALUE, how many buckets for NTILE), the value past the partition's
     * edge for LAG and LEAD (the column's NULL if none), the frame of the _VALUE functions and the aggregates, and the
     * aggregate (its kind and argument, as GROUP BY computes it).
     */
    public record Call(
            Function function, int column, long offset, Object fallback, WindowFrame frame, Aggregate.Call aggregate) {
        public Call(Function function, int column, long offset, Object fallback, WindowFrame frame) {
            this(function, column, offset, fallback, frame, null);
        }

        /** A function of no argument. */
        public static Call of(Function function) {
            return new Call(function, -1, 0, null, WindowFrame.TO_PEERS);
        }

        /** An aggregate over a frame. */
        public static Call aggregate(Aggregate.Call aggregate, WindowFrame frame) {
            return new Call(Function.AGGREGATE, aggregate.argument(), 0, null, frame, aggregate);
        }

        /** How many rows away this function reads, or -1 when a change anywhere in the partition may change it. */
        long reach() {
            return switch (function) {
                case LAG, LEAD -> offset;
                case FIRST_VALUE, LAST_VALUE, NTH_VALUE, AGGREGATE -> frame.reach();
                default -> -1;
            };
        }
    }

    private final int[] partitionKeys;
    private final Comparator<Row> peers;
    private final Comparator<Row> order;
    private final Call[] functions;
    /**
     * How many rows away the window's functions read, when every one is bounded by rows or by values (then the rows
     * bounded by values count 0 here); else -1.
     */
    private final long reach;
    /** The RANGE frames with offsets, bounded both ways by values, that functions of this window read. */
    private final List<WindowFrame> valueFrames = new ArrayList<>();
    /**
     * Whether no function reads rows unboundedly far after its own (ranks, running totals, LAG, LEAD, frames ending
     * a bounded way on): a change leaves every row before it, and before what reaches it, as it was.
     */
    private final boolean suffixLocal;
    /** How many rows after its own a function of a suffix-local window reads at most (LEAD, ROWS n FOLLOWING). */
    private final long rowsAfter;

    private final Map<Row, TreeMap<Row, Long>> partitions = new HashMap<>();
    private long stateRows;

    /**
     * @param partitionKeys the input columns of PARTITION BY
     * @param orderKeys the ORDER BY of the window (equal for peers), over input rows
     * @param functions the ranking functions, one output column each, in order
     */
    public WindowRank(int[] partitionKeys, Comparator<Row> orderKeys, Function[] functions) {
        this(
                partitionKeys,
                orderKeys,
                java.util.Arrays.stream(functions).map(Call::of).toArray(Call[]::new));
    }

    /** A window of any functions, one output column each, in order. */
    public WindowRank(int[] partitionKeys, Comparator<Row> orderKeys, Call[] functions) {
        this.partitionKeys = partitionKeys.clone();
        this.peers = orderKeys;
        this.order = orderKeys.thenComparing(Row.NATURAL_ORDER);
        this.functions = functions.clone();
        long widest = 0;
        for (Call f : functions) {
            if (f.reach() < 0 && boundedByValues(f)) {
                if (!valueFrames.contains(f.frame())) valueFrames.add(f.frame());
                continue;
            }
            widest = f.reach() < 0 || widest < 0 ? -1 : Math.max(widest, f.reach());
        }
        this.reach = widest;
        if (widest < 0) valueFrames.clear();
        boolean local = true;
        long after = 0;
        for (Call f : functions) {
            long reads = readsAfter(f);
            local &= reads >= 0;
            after = Math.max(after, reads);
        }
        this.suffixLocal = local;
        this.rowsAfter = after;
    }

    /**
     * How many rows after its own a function reads (0 for none, or for a frame ending at the row's peers or an offset
     * in values, which {@link #firstChanged} scans for), or -1 when it reads unboundedly far on (NTILE, PERCENT_RANK,
     * CUME_DIST: the partition's size; a frame to UNBOUNDED FOLLOWING).
     */
    private static long readsAfter(Call f) {
        return switch (f.function()) {
            case ROW_NUMBER, RANK, DENSE_RANK, LAG -> 0;
            case LEAD -> f.offset();
            case NTILE, PERCENT_RANK, CUME_DIST -> -1;
            case FIRST_VALUE, LAST_VALUE, NTH_VALUE, AGGREGATE -> {
                WindowFrame.Bound end = f.frame().end();
                yield switch (end.edge()) {
                    case UNBOUNDED_FOLLOWING -> -1;
                    case FOLLOWING -> end.amount() == null ? end.offset() : 0;
                    default -> 0;
                };
            }
        };
    }

    /**
     * Whether a function reads a RANGE frame bounded both ways by values ({@code RANGE BETWEEN INTERVAL '1 hour'
     * PRECEDING AND CURRENT ROW}): a change reaches only the rows whose values are that far from its own.
     */
    private static boolean boundedByValues(Call f) {
        WindowFrame frame = f.frame();
        if (frame == null || frame.rows() || frame.orderColumn() < 0) return false;
        if (f.function() == Function.LAG || f.function() == Function.LEAD) return false;
        for (WindowFrame.Bound b : List.of(frame.start(), frame.end())) {
            boolean byValue = (b.edge() == WindowFrame.Edge.PRECEDING || b.edge() == WindowFrame.Edge.FOLLOWING)
                    && b.amount() != null;
            if (!byValue && b.edge() != WindowFrame.Edge.CURRENT_ROW) return false;
        }
        return f.function() == Function.AGGREGATE
                || f.function() == Function.FIRST_VALUE
                || f.function() == Function.LAST_VALUE
                || f.function() == Function.NTH_VALUE;
    }

    @Override
    public ZSet step(ZSet[] inputs) {
        Map<Row, ZSet> byPartition = split(inputs[0]);
        ZSet out = new ZSet();
        for (Map.Entry<Row, ZSet> e : byPartition.entrySet()) {
            TreeMap<Row, Long> rows = partitions.get(e.getKey());
            double nearRows = valueFrames.isEmpty() ? 2 * reach + 1 : 8; // by values: a guess, if a generous one
            if (reach >= 0 && rows != null && nearRows * e.getValue().size() < rows.size()) {
                stepNearby(e.getKey(), e.getValue(), out); // a few changes in a large partition
                continue;
            }
            Row from = rows != null && suffixLocal ? firstChanged(e.getKey(), e.getValue()) : null;
            if (rows != null) rank(rows, out, -1, from);
            rows = apply(e.getKey(), e.getValue());
            if (rows != null) rank(rows, out, 1, from);
        }
        return out;
    }

    /**
     * A partition's delta where every function reads at most {@link #reach} rows away: only the rows that near a
     * changed row, before or after the change, can have other values, so only theirs are retracted and inserted.
     */
    private void stepNearby(Row partition, ZSet delta, ZSet out) {
        TreeMap<Row, Long> before = partitions.get(partition);
        TreeSet<Row> near = new TreeSet<>(order);
        if (before != null) delta.forEach((r, w) -> nearby(before, r, near));
        TreeMap<Row, Long> after = apply(partition, delta);
        if (after != null) delta.forEach((r, w) -> nearby(after, r, near));
        apply(partition, delta.negate()); // back to before, to retract the rows' old values
        TreeMap<Row, Long> was = partitions.get(partition);
        if (was != null) rankNear(was, near, out, -1);
        TreeMap<Row, Long> now = apply(partition, delta);
        if (now != null) rankNear(now, near, out, 1);
    }

    /**
     * Adds to {@code near} the row {@code changed} (if present), the rows within {@link #reach} copies of it, and the
     * rows whose frames by values reach its value (for a NULL value, the other NULLs, its peers).
     */
    private void nearby(TreeMap<Row, Long> rows, Row changed, Set<Row> near) {
        if (rows.containsKey(changed)) near.add(changed);
        for (WindowFrame frame : valueFrames) {
            Object v = orderValue(changed, frame);
            for (Map.Entry<Row, Long> e = rows.lowerEntry(changed); e != null; e = rows.lowerEntry(e.getKey())) {
                if (!reaches(frame, orderValue(e.getKey(), frame), false, v)) break;
                near.add(e.getKey());
            }
            for (Map.Entry<Row, Long> e = rows.higherEntry(changed); e != null; e = rows.higherEntry(e.getKey())) {
                if (!reaches(frame, orderValue(e.getKey(), frame), true, v)) break;
                near.add(e.getKey());
            }
        }
        long copies = 0;
        for (Map.Entry<Row, Long> e = rows.lowerEntry(changed);
                e != null && copies < reach;
                e = rows.lowerEntry(e.getKey())) {
            near.add(e.getKey());
            copies += e.getValue();
        }
        copies = 0;
        for (Map.Entry<Row, Long> e = rows.higherEntry(changed);
                e != null && copies < reach;
                e = rows.higherEntry(e.getKey())) {
            near.add(e.getKey());
            copies += e.getValue();
        }
    }

    /**
     * Adds the rows of {@code near} present in {@code rows}, each with its functions' values, weighted by {@code sign}:
     * each computed over a run of the partition that holds {@link #reach} copies on either side of it (or the
     * partition's edge), which is all its functions read.
     */
    private void rankNear(TreeMap<Row, Long> rows, NavigableSet<Row> near, ZSet out, long sign) {
        Row next = near.isEmpty() ? null : near.first();
        while (next != null) {
            if (!rows.containsKey(next)) {
                next = near.higher(next);
                continue;
            }
            // The run starts reach copies before the first row to rank, or as far back as its frames by values go.
            Row from = next;
            long copies = 0;
            for (Map.Entry<Row, Long> e = rows.lowerEntry(next);
                    e != null && (copies < reach || inFrames(next, e.getKey(), true));
                    e = rows.lowerEntry(e.getKey())) {
                from = e.getKey();
                copies += e.getValue();
            }
            // ... and ends reach copies after the last: each row of near from next on met on the way is ranked in
            // this run (the rows of near before next were ranked by the runs before).
            List<Row> run = new ArrayList<>();
            List<Long> weights = new ArrayList<>();
            List<Boolean> ranked = new ArrayList<>();
            long left = 0;
            boolean ranking = false;
            Row last = null;
            Row lastWanted = null;
            for (Map.Entry<Row, Long> e : rows.tailMap(from, true).entrySet()) {
                boolean wanted = near.contains(e.getKey()) && order.compare(e.getKey(), next) >= 0;
                if (ranking && !wanted && left <= 0 && !inFrames(lastWanted, e.getKey(), false)) break;
                if (wanted) lastWanted = e.getKey();
                run.add(e.getKey());
                weights.add(e.getValue());
                ranked.add(wanted);
                last = e.getKey();
                ranking |= wanted;
                left = wanted ? reach : left - e.getValue();
            }
            Partition part = new Partition(run, weights, peers);
            int index = 0;
            for (int i = 0; i < run.size(); i++) {
                long n = weights.get(i);
                if (ranked.get(i)) {
                    for (long c = 0; c < n; c++) out.add(ranked(run.get(i), part, (int) (index + c), 0, 0), sign);
                }
                index += n;
            }
            next = near.higher(last);
        }
    }

    /**
     * The value of a row's ORDER BY column as RANGE offsets measure it (a date as its midnight), or null for NULL.
     */
    private static Object orderValue(Row row, WindowFrame frame) {
        Object value = row.get(frame.orderColumn());
        return value instanceof java.time.LocalDate date ? date.atStartOfDay() : value;
    }

    /**
     * Whether the frame of a row of value {@code x}, which lies after (or before, {@code after} false) a row of value
     * {@code v} in the order, may reach that row: it starts at or before v (ends at or after it). Both NULL: peers.
     * Monotone along the order, so a scan away from v stops at the first row that does not reach it.
     */
    private static boolean reaches(WindowFrame frame, Object x, boolean after, Object v) {
        if (x == null || v == null) return x == null && v == null;
        int c = along(frame).compare(target(frame, after ? frame.start() : frame.end(), x), v);
        return after ? c <= 0 : c >= 0;
    }

    /**
     * Whether the frame by values of row {@code ranked} holds {@code row}, which lies before it (or after,
     * {@code before} false): {@code row}'s value is at or past the frame's start (at or before its end).
     */
    private boolean inFrames(Row ranked, Row row, boolean before) {
        if (ranked == null) return false;
        for (WindowFrame frame : valueFrames) {
            Object v = orderValue(ranked, frame);
            Object x = orderValue(row, frame);
            if (v == null || x == null) {
                if (v == null && x == null) return true;
                continue;
            }
            int c = along(frame).compare(x, target(frame, before ? frame.start() : frame.end(), v));
            if (before ? c >= 0 : c <= 0) return true;
        }
        return false;
    }

    /** Where a bound puts a frame for a row of value {@code value}: the value moved by its amount, or itself. */
    private static Object target(WindowFrame frame, WindowFrame.Bound bound, Object value) {
        if (bound.edge() == WindowFrame.Edge.CURRENT_ROW) return value;
        return Partition.moved(value, bound.amount(), bound.edge() == WindowFrame.Edge.PRECEDING != frame.descending());
    }

    /** Values in the order's direction. */
    private static Comparator<Object> along(WindowFrame frame) {
        return frame.descending() ? (a, b) -> Values.compare(b, a) : Values::compare;
    }

    @Override
    public void undo(ZSet[] inputs) {
        split(inputs[0].negate()).forEach(this::apply);
    }

    private Map<Row, ZSet> split(ZSet delta) {
        Map<Row, ZSet> out = new HashMap<>();
        delta.forEach((r, w) ->
                out.computeIfAbsent(r.project(partitionKeys), k -> new ZSet()).add(r, w));
        return out;
    }

    /** Applies a partition's delta; its rows after, or null once it is empty. */
    private TreeMap<Row, Long> apply(Row partition, ZSet delta) {
        TreeMap<Row, Long> rows = partitions.computeIfAbsent(partition, k -> new TreeMap<>(order));
        int before = rows.size();
        delta.forEach((r, w) -> rows.merge(r, w, (a, b) -> a + b == 0 ? null : a + b));
        stateRows += rows.size() - before;
        if (rows.isEmpty()) {
            partitions.remove(partition);
            return null;
        }
        return rows;
    }

    /**
     * In a suffix-local window, the first row whose values the delta may change: the first changed row, or an earlier
     * one whose function reads it (LEAD, a frame ending rows after it, at its peers, or at an offset in values). The
     * rows before it are the same before and after the delta. Scanned in the partition before the delta, each changed
     * row (inserted or deleted) at its place: a row the delta inserts between only brings what reads it nearer, and
     * one it deletes is scanned from itself.
     */
    private Row firstChanged(Row partition, ZSet delta) {
        TreeMap<Row, Long> before = partitions.get(partition);
        Row[] first = {null};
        delta.forEach((changed, w) -> {
            Row from = reachedFrom(before, changed);
            if (first[0] == null || order.compare(from, first[0]) < 0) first[0] = from;
        });
        return first[0];
    }

    /** The first row of {@code rows} whose functions read {@code changed} (at its position), or changed itself. */
    private Row reachedFrom(TreeMap<Row, Long> rows, Row changed) {
        Row from = changed;
        long copies = 0;
        for (Map.Entry<Row, Long> e = rows.lowerEntry(changed); e != null; e = rows.lowerEntry(e.getKey())) {
            if (copies >= rowsAfter && !endsAtOrAfter(e.getKey(), changed)) break;
            from = e.getKey();
            copies += e.getValue();
        }
        return from;
    }

    /** Whether a frame of the row {@code x}, before {@code changed}, ends at changed's peers or its value or later. */
    private boolean endsAtOrAfter(Row x, Row changed) {
        for (Call f : functions) {
            WindowFrame frame = f.frame();
            if (frame == null || frame.rows()) continue;
            WindowFrame.Bound end = frame.end();
            if (end.edge() == WindowFrame.Edge.CURRENT_ROW && peers.compare(x, changed) == 0) return true;
            if (end.amount() != null && reaches(frame, orderValue(x, frame), false, orderValue(changed, frame)))
                return true;
        }
        return false;
    }

    /** Adds the partition's rows, each with its functions' values, weighted by {@code sign}. */
    private void rank(TreeMap<Row, Long> rows, ZSet out, long sign) {
        rank(rows, out, sign, null);
    }

    /** As {@link #rank(TreeMap, ZSet, long)}, only the rows from {@code from} on (all for null). */
    private void rank(TreeMap<Row, Long> rows, ZSet out, long sign, Row from) {
        boolean perCopy = false; // each copy has its own value (a number, a row before or after it, a bucket)
        for (Call f : functions) perCopy |= f.function() != Function.RANK && f.function() != Function.DENSE_RANK;
        Partition partition =
                perCopy ? new Partition(new ArrayList<>(rows.keySet()), new ArrayList<>(rows.values()), peers) : null;
        long position = 0; // rows before, copies counted
        long rank = 0;
        long dense = 0;
        Row previous = null;
        for (Map.Entry<Row, Long> e : rows.entrySet()) {
            Row row = e.getKey();
            long n = e.getValue();
            if (previous == null || peers.compare(previous, row) != 0) {
                rank = position + 1;
                dense++;
            }
            previous = row;
            if (from != null && order.compare(row, from) < 0) {
                position += n;
                continue;
            }
            if (perCopy) {
                for (long c = 0; c < n; c++) out.add(ranked(row, partition, (int) (position + c), rank, dense), sign);
            } else {
                out.add(ranked(row, null, 0, rank, dense), sign * n);
            }
            position += n;
        }
    }

    /**
     * Rows in order (a partition, or a run of one), each copy on its own, where each copy's peers begin and end, and
     * the aggregates' values of each copy, computed once for all.
     */
    private final class Partition implements WindowFrame.Ordered {
        final List<Row> copies = new ArrayList<>();
        /** For each copy, the index of the first and of the last copy of its peers. */
        final int[] firstPeer;

        final int[] lastPeer;
        /** For each function, its value for each copy (aggregates only; null for the others). */
        final Object[][] aggregates = new Object[functions.length][];

        Partition(List<Row> rows, List<Long> weights, Comparator<Row> peers) {
            for (int i = 0; i < rows.size(); i++) {
                for (long c = 0; c < weights.get(i); c++) copies.add(rows.get(i));
            }
            int size = copies.size();
            lastPeer = new int[size];
            for (int i = size - 1; i >= 0; i--) {
                boolean last = i == size - 1 || peers.compare(copies.get(i), copies.get(i + 1)) != 0;
                lastPeer[i] = last ? i : lastPeer[i + 1];
            }
            firstPeer = new int[size];
            for (int i = 0; i < size; i++) {
                boolean first = i == 0 || peers.compare(copies.get(i - 1), copies.get(i)) != 0;
                firstPeer[i] = first ? i : firstPeer[i - 1];
            }
            for (int f = 0; f < functions.length; f++) {
                if (functions[f].function() == Function.AGGREGATE) aggregates[f] = slide(functions[f]);
            }
        }

        @Override
        public int size() {
            return copies.size();
        }

        @Override
        public int firstPeer(int index) {
            return firstPeer[index];
        }

        @Override
        public int lastPeer(int index) {
            return lastPeer[index];
        }

        /** RANGE bounds with an offset, computed for every copy the first time one is asked for. */
        private final Map<List<Object>, int[]> rangeBounds = new HashMap<>();

        @Override
        public int rangeBound(WindowFrame frame, WindowFrame.Bound bound, boolean isStart, int index) {
            return rangeBounds
                    .computeIfAbsent(List.of(frame, bound, isStart), k -> rangeBounds(frame, bound, isStart))[index];
        }

        /**
         * For each copy, where a RANGE bound puts its frame: for a start, the first copy whose value is at or past the
         * copy's value moved back (PRECEDING) or on (FOLLOWING) by the bound's amount, in the order's direction; for an
         * end, the last at or before it; among the copies whose value is not NULL. A copy whose value is NULL has its
         * peers (the NULLs) as that bound. Values along the partition only move on in the order's direction, and so do
         * the bounds: one pass. A date is compared as its midnight, as PostgreSQL's date + interval is a timestamp.
         */
        private int[] rangeBounds(WindowFrame frame, WindowFrame.Bound bound, boolean isStart) {
            int size = copies.size();
            Object[] values = new Object[size];
            int from = size; // the copies with values: from..to
            int to = -1;
            for (int i = 0; i < size; i++) {
                Object value = copies.get(i).get(frame.orderColumn());
                if (value == null) continue;
                values[i] = value instanceof java.time.LocalDate date ? date.atStartOfDay() : value;
                from = Math.min(from, i);
                to = i;
            }
            boolean back = bound.edge() == WindowFrame.Edge.PRECEDING != frame.descending(); // towards smaller values
            Comparator<Object> along = frame.descending() ? (a, b) -> Values.compare(b, a) : Values::compare;
            int[] out = new int[size];
            int at = from; // start: the first copy at or past the target; end: one past the last at or before it
            for (int i = 0; i < size; i++) {
                if (values[i] == null) {
                    out[i] = isStart ? firstPeer[i] : lastPeer[i];
                    continue;
                }
                Object target = moved(values[i], bound.amount(), back);
                if (isStart) {
                    while (at <= to && along.compare(values[at], target) < 0) at++;
                    out[i] = at;
                } else {
                    while (at <= to && along.compare(values[at], target) <= 0) at++;
                    out[i] = at - 1;
                }
            }
            return out;
        }

        /** A value moved by a RANGE bound's amount, towards smaller values when {@code back}. */
        private static Object moved(Object value, Object amount, boolean back) {
            if (amount instanceof PgInterval interval) {
                return DateFields.plus(value, back ? interval.negate() : interval);
            }
            BigDecimal number = value instanceof BigDecimal d
                    ? d
                    : BigDecimal.valueOf(((Number) value).longValue()); // an integer column
            BigDecimal by = (BigDecimal) amount;
            return back ? number.subtract(by) : number.add(by);
        }

        /**
         * The aggregate's value for each copy. A frame's first and last rows never move back from one row to the next,
         * so one accumulator slides along: each copy is added once as the frame reaches it and retracted once as the
         * frame leaves it.
         */
        private Object[] slide(Call call) {
            Aggregate.Call aggregate = call.aggregate();
            Accumulator accumulator = Accumulator.create(aggregate.kind(), aggregate.constant());
            Object[] values = new Object[copies.size()];
            int lo = 0; // the accumulator holds the copies from lo to hi
            int hi = -1;
            for (int i = 0; i < values.length; i++) {
                int first = call.frame().first(this, i);
                int last = call.frame().last(this, i);
                while (hi < last) {
                    hi++;
                    if (hi >= lo) add(accumulator, aggregate, copies.get(hi), 1);
                }
                while (lo < first) {
                    if (lo <= hi) add(accumulator, aggregate, copies.get(lo), -1);
                    lo++;
                }
                Object value = accumulator.result();
                values[i] = value == null && aggregate.zeroWhenNull() ? aggregate.zero() : value;
            }
            return values;
        }

        private static void add(Accumulator accumulator, Aggregate.Call aggregate, Row row, long weight) {
            Object value = aggregate.argument() < 0 ? null : row.get(aggregate.argument());
            if (aggregate.argument() < 0 || value != null) accumulator.add(value, weight);
        }
    }

    /** The row with its functions' values; {@code index} is its position in the partition, 0 first. */
    private Row ranked(Row row, Partition partition, int index, long rank, long dense) {
        Object[] values = new Object[row.size() + functions.length];
        for (int i = 0; i < row.size(); i++) values[i] = row.get(i);
        for (int f = 0; f < functions.length; f++) {
            Call call = functions[f];
            values[row.size() + f] = switch (call.function()) {
                case ROW_NUMBER -> index + 1L;
                case RANK -> rank;
                case DENSE_RANK -> dense;
                case LAG -> offset(partition, index - call.offset(), call);
                case LEAD -> offset(partition, index + call.offset(), call);
                case NTILE -> ntile(index, partition.size(), call.offset());
                case PERCENT_RANK -> partition.size() == 1 ? 0.0 : (rank - 1) / (double) (partition.size() - 1);
                case CUME_DIST -> (partition.lastPeer[index] + 1) / (double) partition.size();
                case FIRST_VALUE -> frameRow(partition, index, call, 0);
                case LAST_VALUE -> frameRow(partition, index, call, -1);
                case NTH_VALUE -> frameRow(partition, index, call, call.offset() - 1);
                case AGGREGATE -> partition.aggregates[f][index];
            };
        }
        return Row.wrap(values);
    }

    /** The column of the row at {@code at}, or the fallback outside the partition. */
    private static Object offset(Partition partition, long at, Call call) {
        return at >= 0 && at < partition.size() ? partition.copies.get((int) at).get(call.column()) : call.fallback();
    }

    /**
     * The column of a row of the frame of the row at {@code index}: the {@code nth} from its first row (0 first), or its
     * last row for -1; NULL when the frame has no such row.
     */
    private static Object frameRow(Partition partition, int index, Call call, long nth) {
        int first = call.frame().first(partition, index);
        int last = call.frame().last(partition, index);
        long at = nth < 0 ? last : first + nth;
        return first <= last && at <= last ? partition.copies.get((int) at).get(call.column()) : null;
    }

    /**
     * PostgreSQL's NTILE(buckets): the rows split into buckets as equal as can be, the first ones a row larger, as
     * the 1-based bucket of the row at {@code index} of {@code rows}.
     */
    static long ntile(int index, int rows, long buckets) {
        long small = rows / buckets; // rows of a bucket without the extra one
        long large = rows % buckets; // buckets with one more
        if (index < large * (small + 1)) return index / (small + 1) + 1;
        return large + (index - large * (small + 1)) / small + 1;
    }

    @Override
    public long stateRows() {
        return stateRows;
    }

    @Override
    public void writeState(DataOutput out) throws IOException {
        out.writeInt(partitions.size());
        for (TreeMap<Row, Long> rows : partitions.values()) {
            out.writeInt(rows.size());
            for (Map.Entry<Row, Long> e : rows.entrySet()) {
                RowCodec.writeRow(out, e.getKey());
                out.writeLong(e.getValue());
            }
        }
    }

    @Override
    public void readState(DataInput in) throws IOException {
        partitions.clear();
        stateRows = 0;
        int n = in.readInt();
        for (int p = 0; p < n; p++) {
            int size = in.readInt();
            List<Row> rows = new ArrayList<>(size);
            List<Long> weights = new ArrayList<>(size);
            for (int i = 0; i < size; i++) {
                rows.add(RowCodec.readRow(in));
                weights.add(in.readLong());
            }
            if (size == 0) continue;
            TreeMap<Row, Long> partition = new TreeMap<>(order);
            for (int i = 0; i < size; i++) partition.put(rows.get(i), weights.get(i));
            partitions.put(rows.get(0).project(partitionKeys), partition);
            stateRows += size;
        }
    }
}
