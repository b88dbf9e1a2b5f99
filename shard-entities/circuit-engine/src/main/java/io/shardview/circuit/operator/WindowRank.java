package io.shardview.circuit.operator;

import io.shardview.circuit.data.Row;
import io.shardview.circuit.data.RowCodec;
import io.shardview.circuit.data.ZSet;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The ranking and offset window functions of one window, {@code f() OVER (PARTITION BY p ORDER BY o)}: each input row
 * with one more column per function, {@code ROW_NUMBER} (its position in its partition in ORDER BY order, 1 first),
 * {@code RANK} (1 + the rows of its partition before its peers, the rows with equal ORDER BY values) or
 * {@code DENSE_RANK} (1 + the peer groups before its own), as BIGINT; {@code LAG(x, n, d)} and {@code LEAD(x, n, d)}
 * (column x of the row n positions before or after it in its partition, or d past the partition's edge).
 *
 * <p>On deltas: for each partition a step touches, its ranked rows before the step are retracted and its ranked rows
 * after it inserted (equal rows cancel), so a change costs the size of its partition, as top-k per group
 * ({@code WHERE rn <= k} over this) needs. Rows equal in ORDER BY get their row numbers in the engine's natural row
 * order: deterministic, where PostgreSQL leaves their order unspecified. State: every input row, per partition, in
 * ORDER BY order then natural order.
 */
public final class WindowRank implements Operator {
    /** The window functions maintained, as refusals name them. */
    public static final String MAINTAINED = "(only ROW_NUMBER, RANK, DENSE_RANK, PERCENT_RANK, CUME_DIST, NTILE, LAG,"
            + " LEAD, FIRST_VALUE, LAST_VALUE and NTH_VALUE are maintained)";

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
        NTH_VALUE
    }

    /**
     * The frame FIRST_VALUE, LAST_VALUE and NTH_VALUE read, always from the partition's first row: to the current row
     * and its peers (RANGE ... CURRENT ROW, the default with ORDER BY), to the current row alone (ROWS ... CURRENT
     * ROW), or to the partition's last row (... UNBOUNDED FOLLOWING).
     */
    public enum Frame {
        TO_PEERS,
        TO_ROW,
        WHOLE
    }

    /**
     * One function of the window: the input column it reads (LAG, LEAD and the _VALUE functions), its number (how many
     * rows away for LAG and LEAD, which row for NTH_VALUE, how many buckets for NTILE), the value past the partition's
     * edge for LAG and LEAD (the column's NULL if none), and the frame of the _VALUE functions.
     */
    public record Call(Function function, int column, long offset, Object fallback, Frame frame) {
        /** A function of no argument. */
        public static Call of(Function function) {
            return new Call(function, -1, 0, null, Frame.TO_PEERS);
        }
    }

    private final int[] partitionKeys;
    private final Comparator<Row> peers;
    private final Comparator<Row> order;
    private final Call[] functions;
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
    }

    @Override
    public ZSet step(ZSet[] inputs) {
        Map<Row, ZSet> byPartition = split(inputs[0]);
        ZSet out = new ZSet();
        for (Map.Entry<Row, ZSet> e : byPartition.entrySet()) {
            TreeMap<Row, Long> rows = partitions.get(e.getKey());
            if (rows != null) rank(rows, out, -1);
            rows = apply(e.getKey(), e.getValue());
            if (rows != null) rank(rows, out, 1);
        }
        return out;
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

    /** Adds the partition's rows, each with its functions' values, weighted by {@code sign}. */
    private void rank(TreeMap<Row, Long> rows, ZSet out, long sign) {
        boolean perCopy = false; // each copy has its own value (a number, a row before or after it, a bucket)
        for (Call f : functions) perCopy |= f.function() != Function.RANK && f.function() != Function.DENSE_RANK;
        Partition partition = perCopy ? new Partition(rows, peers) : null;
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
            if (perCopy) {
                for (long c = 0; c < n; c++) out.add(ranked(row, partition, (int) (position + c), rank, dense), sign);
            } else {
                out.add(ranked(row, null, 0, rank, dense), sign * n);
            }
            position += n;
        }
    }

    /** A partition's rows in order, each copy on its own, and where each copy's peers end. */
    private static final class Partition {
        final List<Row> copies = new ArrayList<>();
        /** For each copy, the index of the last copy of its peers. */
        final int[] lastPeer;

        Partition(TreeMap<Row, Long> rows, Comparator<Row> peers) {
            rows.forEach((row, n) -> {
                for (long c = 0; c < n; c++) copies.add(row);
            });
            lastPeer = new int[copies.size()];
            for (int i = copies.size() - 1; i >= 0; i--) {
                boolean last = i == copies.size() - 1 || peers.compare(copies.get(i), copies.get(i + 1)) != 0;
                lastPeer[i] = last ? i : lastPeer[i + 1];
            }
        }

        int size() {
            return copies.size();
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
                case FIRST_VALUE -> partition.copies.get(0).get(call.column());
                case LAST_VALUE -> partition
                        .copies
                        .get(frameEnd(partition, index, call))
                        .get(call.column());
                case NTH_VALUE -> call.offset() - 1 <= frameEnd(partition, index, call)
                        ? partition.copies.get((int) call.offset() - 1).get(call.column())
                        : null;
            };
        }
        return Row.wrap(values);
    }

    /** The column of the row at {@code at}, or the fallback outside the partition. */
    private static Object offset(Partition partition, long at, Call call) {
        return at >= 0 && at < partition.size() ? partition.copies.get((int) at).get(call.column()) : call.fallback();
    }

    /** The last row of the frame of the row at {@code index}. */
    private static int frameEnd(Partition partition, int index, Call call) {
        return switch (call.frame()) {
            case TO_PEERS -> partition.lastPeer[index];
            case TO_ROW -> index;
            case WHOLE -> partition.size() - 1;
        };
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
