package io.shardview.circuit.operator;

import io.shardview.circuit.data.Row;
import io.shardview.circuit.data.RowCodec;
import io.shardview.circuit.data.ZSet;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * GROUP BY with aggregates (and DISTINCT, which is GROUP BY without aggregates). On deltas: each delta
 * row updates its group's accumulators; for each touched group the previous output row is retracted
 * and the new one inserted (none when the group emptied). Without GROUP BY there is exactly one group,
 * always present, so COUNT(*) of an empty input is 0. Keys equal as SQL values but spelled differently
 * (CHAR values padded differently, 'a' and 'a  ', NUMERIC values of different scales, 2.0 and 2.00) are
 * one group, shown in the spelling {@link Spellings} chooses among its rows. State: per group, the row
 * count, one accumulator per aggregate, the last output row, and for a key with CHAR or NUMERIC values
 * the copies of each spelling.
 */
public final class Aggregate implements Operator {
    /**
     * One aggregate call: its kind, argument column (-1 for none), constant for CONSTANT, and the column of its
     * FILTER (WHERE ...) condition (-1 for none): only rows where that column is TRUE reach the accumulator.
     */
    public record Call(Accumulator.Kind kind, int argument, Object constant, int filter, boolean zeroWhenNull) {
        public Call(Accumulator.Kind kind, int argument, Object constant) {
            this(kind, argument, constant, -1, false);
        }

        /** This call with a FILTER column. */
        public Call filtered(int column) {
            return new Call(kind, argument, constant, column, zeroWhenNull);
        }

        /** This call over rows whose column i is column columns[i] of the rows it reads instead. */
        public Call readingThrough(int[] columns) {
            return new Call(
                    kind,
                    argument < 0 ? -1 : columns[argument],
                    constant,
                    filter < 0 ? -1 : columns[filter],
                    zeroWhenNull);
        }

        /** This sum as Calcite's $SUM0: 0 of its type where a SUM is NULL (no rows, or only NULLs). */
        public Call asSum0() {
            return new Call(kind, argument, constant, filter, true);
        }

        Object zero() {
            return switch (kind) {
                case SUM_LONG -> 0L;
                case SUM_DOUBLE -> 0.0;
                case SUM_REAL -> 0.0f;
                case SUM_INTERVAL -> new io.shardview.circuit.pg.PgInterval(0, 0, 0);
                default -> java.math.BigDecimal.ZERO;
            };
        }
    }

    /** The first state byte when the groups' spellings follow their keys (else 0 or 1: started). */
    private static final int WITH_SPELLINGS = 2;

    private final int[] groupColumns;
    private final Call[] calls;
    private final boolean spelledKeys;
    private final HashMap<Row, Group> groups = new HashMap<>();
    private boolean started;

    /** spelledKeys: whether a group column is CHAR or NUMERIC (else no key is looked at for spellings). */
    public Aggregate(int[] groupColumns, Call[] calls, boolean spelledKeys) {
        this.groupColumns = groupColumns;
        this.calls = calls;
        this.spelledKeys = spelledKeys;
    }

    private final class Group {
        long rows;
        final Accumulator[] accumulators = new Accumulator[calls.length];
        Row output;
        /** The copies of each spelling of the key, when it has CHAR or NUMERIC values; else null. */
        final Spellings spellings;

        Group(Row key) {
            for (int i = 0; i < calls.length; i++) {
                accumulators[i] = Accumulator.create(calls[i].kind(), calls[i].constant());
            }
            spellings = spelledKeys && key.hasSpelled() ? new Spellings() : null;
        }

        /** Adds an input row whose key (spelled as in the row) is key. */
        void add(Row row, Row key, long weight) {
            rows += weight;
            if (spellings != null) spellings.add(key, weight);
            for (int i = 0; i < calls.length; i++) {
                int filter = calls[i].filter();
                if (filter >= 0 && !Boolean.TRUE.equals(row.get(filter))) continue;
                int arg = calls[i].argument();
                Object v = arg < 0 ? null : row.get(arg);
                if (arg < 0 || v != null) accumulators[i].add(v, weight);
            }
        }

        Row result(Row key) {
            Row shown = spellings == null ? null : spellings.shown();
            if (shown != null) key = shown;
            Object[] out = new Object[groupColumns.length + calls.length];
            for (int i = 0; i < groupColumns.length; i++) {
                out[i] = key.get(i);
            }
            for (int i = 0; i < calls.length; i++) {
                Object value = accumulators[i].result();
                out[groupColumns.length + i] = value == null && calls[i].zeroWhenNull() ? calls[i].zero() : value;
            }
            return Row.wrap(out);
        }
    }

    private boolean global() {
        return groupColumns.length == 0;
    }

    @Override
    public boolean needsFirstStep() {
        return global();
    }

    /**
     * Adds the delta to the groups, then computes the new output row of every touched group; only when
     * all succeed (a SUM may overflow) are the outputs replaced and emptied groups dropped.
     */
    @Override
    public ZSet step(ZSet[] inputs) {
        boolean first = global() && !started;
        Map<Row, Group> touched = add(inputs[0], 1);
        if (first) touched.put(Row.wrap(), groups.computeIfAbsent(Row.wrap(), Group::new));
        Map<Row, Row> results = new HashMap<>(touched.size() * 2);
        try {
            touched.forEach((key, g) -> {
                if (g.rows != 0 || global()) results.put(key, g.result(key));
            });
        } catch (RuntimeException e) { // leave the state as it was
            add(inputs[0], -1);
            dropEmpty(touched.keySet());
            throw e;
        }
        started = true;
        ZSet out = new ZSet(touched.size() * 2);
        touched.forEach((key, g) -> {
            if (g.output != null) out.add(g.output, -1);
            g.output = results.get(key);
            if (g.output != null) out.add(g.output, 1);
        });
        dropEmpty(touched.keySet());
        return out;
    }

    /** Un-adds the delta and restores the touched groups' outputs, which are functions of their rows. */
    @Override
    public void undo(ZSet[] inputs) {
        Map<Row, Group> touched = add(inputs[0], -1);
        dropEmpty(touched.keySet());
        touched.forEach((key, g) -> {
            if (groups.get(key) == g) g.output = g.result(key);
        });
    }

    /** Adds sign times each delta row to its group (creating it); returns the groups touched. */
    private Map<Row, Group> add(ZSet delta, int sign) {
        Map<Row, Group> touched = new HashMap<>();
        delta.forEach((row, w) -> {
            Row key = row.project(groupColumns);
            Group g = touched.computeIfAbsent(key, k -> groups.computeIfAbsent(k, Group::new));
            g.add(row, key, sign * w);
        });
        return touched;
    }

    /** Drops the groups left without rows; the one group of a global aggregate always stays. */
    private void dropEmpty(java.util.Set<Row> keys) {
        if (global()) return;
        for (Row key : keys) {
            Group g = groups.get(key);
            if (g != null && g.rows == 0) groups.remove(key);
        }
    }

    @Override
    public void writeState(DataOutput out) throws IOException {
        out.writeByte((spelledKeys ? WITH_SPELLINGS : 0) | (started ? 1 : 0));
        out.writeInt(groups.size());
        for (var e : groups.entrySet()) {
            RowCodec.writeRow(out, e.getKey());
            Group g = e.getValue();
            out.writeLong(g.rows);
            for (Accumulator a : g.accumulators) {
                a.write(out);
            }
            if (g.spellings != null) RowCodec.writeZSet(out, g.spellings.copies());
        }
    }

    /** Reads the groups; a snapshot from before spellings were kept gives each group its key's spelling. */
    @Override
    public void readState(DataInput in) throws IOException {
        int flags = in.readByte();
        started = (flags & 1) != 0;
        groups.clear();
        int n = in.readInt();
        for (int i = 0; i < n; i++) {
            Row key = RowCodec.readRow(in);
            Group g = new Group(key);
            g.rows = in.readLong();
            for (Accumulator a : g.accumulators) {
                a.read(in);
            }
            if (g.spellings != null) {
                if ((flags & WITH_SPELLINGS) != 0) g.spellings.copies().addAll(RowCodec.readZSet(in));
                else g.spellings.add(key, g.rows);
            }
            g.output = g.result(key);
            groups.put(key, g);
        }
    }

    @Override
    public long stateRows() {
        return groups.size();
    }
}
