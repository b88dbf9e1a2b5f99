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
 * The ranking window functions of one window, {@code f() OVER (PARTITION BY p ORDER BY o)}: each input row with one
 * more column per function, {@code ROW_NUMBER} (its position in its partition in ORDER BY order, 1 first),
 * {@code RANK} (1 + the rows of its partition before its peers, the rows with equal ORDER BY values) or
 * {@code DENSE_RANK} (1 + the peer groups before its own), as BIGINT.
 *
 * <p>On deltas: for each partition a step touches, its ranked rows before the step are retracted and its ranked rows
 * after it inserted (equal rows cancel), so a change costs the size of its partition, as top-k per group
 * ({@code WHERE rn <= k} over this) needs. Rows equal in ORDER BY get their row numbers in the engine's natural row
 * order: deterministic, where PostgreSQL leaves their order unspecified. State: every input row, per partition, in
 * ORDER BY order then natural order.
 */
public final class WindowRank implements Operator {
    /** A ranking function. */
    public enum Function {
        ROW_NUMBER,
        RANK,
        DENSE_RANK
    }

    private final int[] partitionKeys;
    private final Comparator<Row> peers;
    private final Comparator<Row> order;
    private final Function[] functions;
    private final Map<Row, TreeMap<Row, Long>> partitions = new HashMap<>();
    private long stateRows;

    /**
     * @param partitionKeys the input columns of PARTITION BY
     * @param orderKeys the ORDER BY of the window (equal for peers), over input rows
     * @param functions the functions, one output column each, in order
     */
    public WindowRank(int[] partitionKeys, Comparator<Row> orderKeys, Function[] functions) {
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

    /** Adds the partition's rows, each with its ranks, weighted by {@code sign}. */
    private void rank(TreeMap<Row, Long> rows, ZSet out, long sign) {
        long position = 0; // rows before, copies counted
        long rank = 0;
        long dense = 0;
        Row previous = null;
        boolean numbered = false;
        for (Function f : functions) numbered |= f == Function.ROW_NUMBER;
        for (Map.Entry<Row, Long> e : rows.entrySet()) {
            Row row = e.getKey();
            long copies = e.getValue();
            if (previous == null || peers.compare(previous, row) != 0) {
                rank = position + 1;
                dense++;
            }
            previous = row;
            if (numbered) { // each copy has its own number
                for (long c = 0; c < copies; c++) out.add(ranked(row, position + c + 1, rank, dense), sign);
            } else {
                out.add(ranked(row, 0, rank, dense), sign * copies);
            }
            position += copies;
        }
    }

    private Row ranked(Row row, long number, long rank, long dense) {
        Object[] values = new Object[row.size() + functions.length];
        for (int i = 0; i < row.size(); i++) values[i] = row.get(i);
        for (int f = 0; f < functions.length; f++) {
            values[row.size() + f] = switch (functions[f]) {
                case ROW_NUMBER -> number;
                case RANK -> rank;
                case DENSE_RANK -> dense;
            };
        }
        return Row.wrap(values);
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
