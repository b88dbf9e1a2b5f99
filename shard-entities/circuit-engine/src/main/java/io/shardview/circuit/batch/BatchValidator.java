package io.shardview.circuit.batch;

import io.shardview.circuit.catalog.Column;
import io.shardview.circuit.catalog.TableSchema;
import io.shardview.circuit.data.Row;
import io.shardview.circuit.data.ZSet;
import io.shardview.circuit.error.RejectionKind;
import io.shardview.circuit.table.BaseTable;
import io.shardview.circuit.table.KeyChange;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Replays a batch's ops in order over an overlay of the touched keys, without changing any table, and
 * reduces it to the net effect per key: the original row retracted and the final row inserted.
 */
public final class BatchValidator {
    private final Map<String, BaseTable> tables;
    /** Per table with a primary key, the keys touched so far, each looked up in the table once. */
    private final Map<String, Touched> touched = new LinkedHashMap<>();

    private final Map<String, ZSet> keylessDeltas = new LinkedHashMap<>();
    /** Ops in the batch: the touched-key maps are sized for it, not rehashed as they grow. */
    private int expectedKeys;

    /** Writes to the engine's own tables (the clock) are allowed: a batch the engine makes itself. */
    private final boolean system;

    /** A validator of a client's batch, which may not write the engine's own tables. */
    public BatchValidator(Map<String, BaseTable> tables) {
        this(tables, false);
    }

    /** system: the engine's own batch, which may write its tables (io.shardview.circuit.catalog.Clock). */
    public BatchValidator(Map<String, BaseTable> tables, boolean system) {
        this.tables = tables;
        this.system = system;
    }

    /** Thrown internally for the first bad op; converted to a Rejected value by {@link #validate}. */
    private static final class Refusal extends RuntimeException {
        final RejectionKind kind;

        Refusal(RejectionKind kind, String message) {
            super(message, null, false, false);
            this.kind = kind;
        }
    }

    /** The net per-table deltas, or the rejection of the first bad op. */
    public BatchValidation validate(List<Op> ops, long version) {
        if (ops == null) return new BatchOutcome.Rejected(0, RejectionKind.INVALID, "missing ops");
        expectedKeys = ops.size();
        for (int i = 0; i < ops.size(); i++) {
            try {
                apply(ops.get(i));
            } catch (Refusal r) {
                return new BatchOutcome.Rejected(i, r.kind, "op " + i + ": " + r.getMessage());
            }
        }
        Map<String, List<KeyChange>> keyChanges = new LinkedHashMap<>();
        return new ValidatedBatch(version, ops.size(), netDeltas(keyChanges), keyChanges);
    }

    /**
     * A journaled batch's change ({@code deltas}, net per table) made to the tables as they now are, which may differ
     * from those it was validated against: an operator skipped an event before it ({@code shardview journal skip}).
     * For a table with a primary key, each key the change gives a row is set to that row and each key it only removes
     * is removed (when present); for a table without one, copies are added and removed, never below none; a table
     * that no longer exists is left out. On the tables the batch was validated against, this is the batch itself.
     */
    public ValidatedBatch rederive(Map<String, ZSet> deltas, int ops, long version) {
        for (ZSet delta : deltas.values()) expectedKeys += delta.size();
        deltas.forEach((name, delta) -> {
            BaseTable table = tables.get(name);
            if (table == null) return;
            TableSchema schema = table.schema();
            if (!schema.hasPrimaryKey()) {
                ZSet out = keylessDeltas.computeIfAbsent(name, n -> new ZSet());
                delta.forEach((row, w) -> {
                    long weight = w > 0 ? w : Math.max(w, -(table.copies(row) + out.weight(row)));
                    if (weight != 0) out.add(row, weight);
                });
                return;
            }
            // Removals first: a key the change removes and adds again ends with the row it adds.
            int[] key = schema.primaryKey();
            delta.forEach((row, w) -> {
                if (w < 0) touch(table, row.project(key)).after = null;
            });
            delta.forEach((row, w) -> {
                if (w > 0) touch(table, row.project(key)).after = row;
            });
        });
        Map<String, List<KeyChange>> keyChanges = new LinkedHashMap<>();
        return new ValidatedBatch(version, ops, netDeltas(keyChanges), keyChanges);
    }

    private void apply(Op op) {
        if (op == null) throw new Refusal(RejectionKind.INVALID, "missing op");
        BaseTable table =
                system || !io.shardview.circuit.catalog.Clock.isSystem(op.table()) ? tables.get(op.table()) : null;
        if (table == null) throw new Refusal(RejectionKind.INVALID, "unknown table '" + op.table() + "'");
        TableSchema schema = table.schema();
        if (!schema.hasPrimaryKey()) {
            applyKeyless(op, table);
            return;
        }
        if (op instanceof Op.Delete d) {
            if (d.key() == null)
                throw new Refusal(RejectionKind.INVALID, "delete on '" + schema.name() + "' needs a key");
            KeyChange change = touch(table, keyRow(schema, d.key()));
            if (change.after == null) throw conflict("delete of a missing key " + change.key);
            change.after = null;
            return;
        }
        Row row = fullRow(schema, rowOf(op));
        KeyChange change = touch(table, row.project(schema.primaryKey()));
        boolean exists = change.after != null;
        if (op instanceof Op.Insert && exists) throw conflict("insert of an existing key " + change.key);
        if (op instanceof Op.Update && !exists) throw conflict("update of a missing key " + change.key);
        row.hash64(); // while its values are in cache: the delta hashes it after all other ops
        change.after = row;
    }

    private void applyKeyless(Op op, BaseTable table) {
        String name = table.schema().name();
        ZSet delta = keylessDeltas.computeIfAbsent(name, n -> new ZSet());
        if (op instanceof Op.Insert ins) {
            delta.add(fullRow(table.schema(), ins.row()), 1);
        } else if (op instanceof Op.Delete d && d.row() != null) {
            Row row = fullRow(table.schema(), d.row());
            if (table.copies(row) + delta.weight(row) <= 0) throw conflict("delete of a missing row " + row);
            delta.add(row, -1);
        } else {
            throw new Refusal(
                    RejectionKind.INVALID,
                    opName(op) + " on table '" + name
                            + "' without a primary key (only insert and delete by row are allowed)");
        }
    }

    private static Map<String, Object> rowOf(Op op) {
        if (op instanceof Op.Insert o) return o.row();
        if (op instanceof Op.Update o) return o.row();
        return ((Op.Upsert) op).row();
    }

    private static String opName(Op op) {
        return op.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * One table's touched keys: by key, and in the order first touched, which later passes follow so
     * they visit the batch's rows about in the order they were allocated.
     */
    private record Touched(HashMap<Row, KeyChange> byKey, List<KeyChange> inOrder) {}

    /** The key's change so far in this batch, its stored row looked up on first touch. */
    private KeyChange touch(BaseTable table, Row key) {
        Touched keys = touched.computeIfAbsent(
                table.schema().name(),
                n -> new Touched(new HashMap<>(Math.max(16, expectedKeys * 4 / 3 + 1)), new ArrayList<>()));
        KeyChange change = keys.byKey().get(key);
        if (change == null) {
            change = table.change(key);
            if (change.before != null) change.before.hash64(); // as for a new row: hashed while just decoded
            keys.byKey().put(key, change);
            keys.inOrder().add(change);
        }
        return change;
    }

    /** A full typed row: unknown columns and wrong types are INVALID, missing columns are NULL. */
    static Row fullRow(TableSchema schema, Map<String, Object> values) {
        if (values == null) throw new Refusal(RejectionKind.INVALID, "missing row");
        List<Column> columns = schema.columns();
        Object[] out = new Object[columns.size()];
        values.forEach((name, v) -> {
            int i = schema.columnIndex(name);
            if (i < 0)
                throw new Refusal(
                        RejectionKind.INVALID, "unknown column '" + name + "' in table '" + schema.name() + "'");
            out[i] = coerce(columns.get(i), v);
        });
        for (int i = 0; i < out.length; i++) {
            if (out[i] == null && !columns.get(i).nullable()) {
                throw new Refusal(
                        RejectionKind.INVALID,
                        "NULL in NOT NULL column '" + columns.get(i).name() + "'");
            }
        }
        return Row.wrap(out);
    }

    private static Row keyRow(TableSchema schema, Map<String, Object> values) {
        int[] pk = schema.primaryKey();
        if (values.size() != pk.length) {
            throw new Refusal(
                    RejectionKind.INVALID, "key must name exactly the primary key columns " + schema.primaryKeyNames());
        }
        Object[] out = new Object[pk.length];
        for (int k = 0; k < pk.length; k++) {
            Column c = schema.columns().get(pk[k]);
            if (!values.containsKey(c.name()))
                throw new Refusal(RejectionKind.INVALID, "key lacks column '" + c.name() + "'");
            out[k] = coerce(c, values.get(c.name()));
            if (out[k] == null) throw new Refusal(RejectionKind.INVALID, "NULL in key column '" + c.name() + "'");
        }
        return Row.wrap(out);
    }

    private static Object coerce(Column c, Object v) {
        try {
            return c.coerce(v);
        } catch (IllegalArgumentException e) {
            throw new Refusal(RejectionKind.INVALID, "column '" + c.name() + "': " + e.getMessage());
        } catch (ArithmeticException e) {
            throw new Refusal(RejectionKind.INVALID, "column '" + c.name() + "': out of range");
        }
    }

    private static Refusal conflict(String message) {
        return new Refusal(RejectionKind.CONFLICT, message);
    }

    /** The net delta per changed table; keyChanges receives each keyed table's changes. */
    private Map<String, ZSet> netDeltas(Map<String, List<KeyChange>> keyChanges) {
        Map<String, ZSet> out = new LinkedHashMap<>();
        touched.forEach((name, keys) -> {
            ZSet delta = new ZSet(keys.inOrder().size() * 2);
            List<KeyChange> changes = new ArrayList<>(keys.inOrder().size());
            for (KeyChange c : keys.inOrder()) {
                // Left as it was (an identical row cancels in the delta, so the table keeps the stored one). Not
                // merely equal: an update from 2.00 to 2 stores 2, as PostgreSQL does.
                if (c.before == c.after || (c.before != null && c.after != null && c.before.identical(c.after)))
                    continue;
                if (c.before != null) delta.add(c.before, -1);
                if (c.after != null) delta.add(c.after, 1);
                changes.add(c);
            }
            if (!delta.isEmpty()) {
                out.put(name, delta);
                keyChanges.put(name, changes);
            }
        });
        keylessDeltas.forEach((name, delta) -> {
            if (!delta.isEmpty()) out.put(name, delta);
        });
        return out;
    }
}
