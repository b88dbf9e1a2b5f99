package io.shardview.circuit.view;

import io.shardview.circuit.compiler.Dataflow;
import io.shardview.circuit.compiler.PlanCompiler;
import io.shardview.circuit.compiler.SharedOperators;
import io.shardview.circuit.data.ReadOrder;
import io.shardview.circuit.data.Row;
import io.shardview.circuit.data.RowCodec;
import io.shardview.circuit.data.ZSet;
import io.shardview.circuit.pg.ColumnType;
import io.shardview.circuit.sql.PlanJson;
import java.util.List;
import java.util.Set;
import org.apache.calcite.rel.RelNode;

/**
 * A view as the circuit keeps it: its dataflow, its current content as a Z-set, and an order-independent
 * hash of that content (the sum of the row hashes times their weights, mod 2^64), both updated from
 * each output delta. The row hash is {@link Row#contentHash64}; a view without CHAR or NUMERIC columns
 * skips its look at the values for spellings, which finds none there.
 */
public final class MaterializedView {
    public final String name;
    public final String sql;
    /** Its operators: its own, or where another view has the same sub-plan, that view's (see {@link #share}). */
    private Dataflow dataflow;

    final RelNode plan;
    public final int level;
    /** Whether a column is CHAR or NUMERIC: only then can rows differ in spelling alone (see {@link #rowHash}). */
    private final boolean spelledColumns;

    public ZSet content = new ZSet();
    long hash;
    public long rowCount;
    /** The estimated bytes of the content's distinct rows (see {@link Row#estimatedBytes}). */
    private long bytes;

    private List<Row> sorted;

    /** The SQL revision the view was created under (see {@link io.shardview.circuit.Circuit#SQL_REVISION}), which it is evaluated by. */
    public final int revision;

    public MaterializedView(String name, String sql, RelNode plan, int level, int revision) {
        this.name = name;
        this.sql = sql;
        this.plan = plan;
        this.revision = revision;
        this.dataflow = compile();
        this.level = level;
        this.spelledColumns = dataflow.columns().stream()
                .anyMatch(c -> c.type() == ColumnType.CHAR
                        || c.type() == ColumnType.DECIMAL
                        || c.type() == ColumnType.INTERVAL);
    }

    public Dataflow dataflow() {
        return dataflow;
    }

    /** The plan as text for snapshots once found ({@link PlanJson}): "" when it cannot be kept as text. */
    private volatile String planJson;

    /**
     * The plan as text for a snapshot, found once (any thread: the plan does not change) and checked with a reader over
     * the relations as they are now; null when it cannot be kept as text, so a restore plans the view again.
     */
    public String planJson(PlanJson.Reader reader) {
        String json = planJson;
        if (json == null) {
            String found = PlanJson.of(plan, reader, revision);
            planJson = json = found == null ? "" : found;
        }
        return json.isEmpty() ? null : json;
    }

    /** The view was restored from this text of its plan: the next snapshot keeps it as it is. */
    public void restoredFrom(String json) {
        planJson = json;
    }

    /**
     * Takes the operators the tenant's other views hold for the same sub-plans in place of its own (once filled, or
     * restored): see {@link SharedOperators}. {@code others}: the other views' dataflows.
     */
    public void share(SharedOperators shared, Iterable<Dataflow> others) {
        dataflow = shared.share(dataflow, others);
    }

    /**
     * Operators restored empty from a snapshot, whose state an earlier view's shared operator holds (see {@link
     * Dataflow#readSharedState}); none once the view shares them.
     */
    private List<io.shardview.circuit.operator.Operator> unfilled = List.of();

    /** Restores the operators' state from a snapshot section (SVC14: shared operators' once, in the first view). */
    public void loadSharedState(java.io.DataInput in) throws java.io.IOException {
        unfilled = dataflow.readSharedState(in);
    }

    /** Whether an operator restored empty is still the view's own (its state is then missing). */
    public boolean missingSharedState() {
        if (unfilled.isEmpty()) return false;
        java.util.Set<io.shardview.circuit.operator.Operator> held =
                java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        held.addAll(dataflow.operators());
        for (io.shardview.circuit.operator.Operator op : unfilled) {
            if (held.contains(op)) return true;
        }
        unfilled = List.of();
        return false;
    }

    /** A fresh dataflow of the view's plan, evaluating as its revision does. */
    public Dataflow compile() {
        return PlanCompiler.compile(plan, revision >= 2, revision >= 5, revision >= 11);
    }

    private long rowHash(Row row) {
        return spelledColumns ? row.contentHash64() : row.hash64();
    }

    private Set<String> relations;

    /** The relations it reads, which never change (an immutable set, made once). */
    public Set<String> relations() {
        if (relations == null) relations = Set.copyOf(dataflow.relations());
        return relations;
    }

    /** Adds an output delta to the content; returns the estimated bytes it added (negative: removed). */
    public long absorb(ZSet delta) {
        return absorb(delta, 1);
    }

    /** Takes back a delta {@link #absorb} added: the content, its counts and its hash are as before. */
    public void unabsorb(ZSet delta) {
        absorb(delta, -1);
    }

    private long absorb(ZSet delta, long sign) {
        long before = bytes;
        delta.forEach((row, w) -> {
            bytes += content.addWeighed(row, sign * w);
            hash += sign * w * rowHash(row);
            rowCount += sign * w;
        });
        if (!delta.isEmpty()) sorted = null;
        return bytes - before;
    }

    /** The estimated bytes of the content. */
    public long bytes() {
        return bytes;
    }

    /**
     * The rows and bytes absorbing {@code delta} would add (negative: remove), as {@link #rowCount} and
     * {@link #bytes} will count them; changes nothing.
     */
    public long[] growth(ZSet delta) {
        long[] rowsAndBytes = new long[2];
        delta.forEach((row, w) -> {
            rowsAndBytes[0] += w;
            long before = content.weight(row);
            long after = before + w;
            if (before == 0 && after != 0) rowsAndBytes[1] += row.estimatedBytes();
            else if (before != 0 && after == 0) rowsAndBytes[1] -= row.estimatedBytes();
        });
        return rowsAndBytes;
    }

    /** Adds rows read from a snapshot to the (empty) content, without building an intermediate Z-set. */
    public void loadContent(java.io.DataInput in) throws java.io.IOException {
        int n = in.readInt();
        if (content.isEmpty()) content = new ZSet(n); // sized once instead of rehashed as it grows
        for (int i = 0; i < n; i++) {
            Row row = RowCodec.readRow(in);
            long w = in.readLong();
            content.add(row, w);
            bytes += row.estimatedBytes();
            hash += w * rowHash(row);
            rowCount += w;
        }
        sorted = null;
    }

    public String hashHex() {
        String hex = Long.toHexString(hash); // as String.format("%016x"), which costs more than a small batch
        return hex.length() == 16 ? hex : "0".repeat(16 - hex.length()) + hex;
    }

    /** The content in read order, each row repeated by its weight (cached until the next change). */
    public List<Row> sortedRows() {
        if (sorted == null) sorted = ReadOrder.expand(content, dataflow.readOrder());
        return sorted;
    }
}
