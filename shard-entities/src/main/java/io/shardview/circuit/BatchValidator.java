package io.shardview.circuit;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Replays a batch's ops in order over an overlay of the touched keys, without changing any table, and
 * reduces it to the net effect per key: the original row retracted and the final row inserted.
 */
final class BatchValidator {
    /** Marks a key deleted in the overlay. */
    private static final Row ABSENT = Row.wrap();

    private final Map<String, BaseTable> tables;
    private final Map<String, HashMap<Row, Row>> overlays = new LinkedHashMap<>();
    private final Map<String, ZSet> keylessDeltas = new LinkedHashMap<>();
    private final Map<String, HashMap<Row, Row>> originals = new HashMap<>();

    BatchValidator(Map<String, BaseTable> tables) {
        this.tables = tables;
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
    BatchValidation validate(List<Op> ops, long version) {
        if (ops == null) return new BatchOutcome.Rejected(0, RejectionKind.INVALID, "missing ops");
        for (int i = 0; i < ops.size(); i++) {
            try {
                apply(ops.get(i));
            } catch (Refusal r) {
                return new BatchOutcome.Rejected(i, r.kind, "op " + i + ": " + r.getMessage());
            }
        }
        return new ValidatedBatch(version, ops.size(), netDeltas());
    }

    private void apply(Op op) {
        if (op == null) throw new Refusal(RejectionKind.INVALID, "missing op");
        BaseTable table = tables.get(op.table());
        if (table == null) throw new Refusal(RejectionKind.INVALID, "unknown table '" + op.table() + "'");
        TableSchema schema = table.schema();
        if (!schema.hasPrimaryKey()) {
            applyKeyless(op, table);
            return;
        }
        if (op instanceof Op.Delete d) {
            if (d.key() == null) throw new Refusal(RejectionKind.INVALID, "delete on '" + schema.name() + "' needs a key");
            Row key = keyRow(schema, d.key());
            if (current(table, key) == null) throw conflict("delete of a missing key " + key);
            overlay(schema).put(key, ABSENT);
            return;
        }
        Row row = fullRow(schema, rowOf(op));
        Row key = row.project(schema.primaryKey());
        boolean exists = current(table, key) != null;
        if (op instanceof Op.Insert && exists) throw conflict("insert of an existing key " + key);
        if (op instanceof Op.Update && !exists) throw conflict("update of a missing key " + key);
        overlay(schema).put(key, row);
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
            throw new Refusal(RejectionKind.INVALID, opName(op) + " on table '" + name
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

    private HashMap<Row, Row> overlay(TableSchema schema) {
        return overlays.computeIfAbsent(schema.name(), n -> new HashMap<>());
    }

    private Row current(BaseTable table, Row key) {
        HashMap<Row, Row> overlay = overlays.get(table.schema().name());
        Row row = overlay == null ? null : overlay.get(key);
        if (row == null) return stored(table, key);
        return row == ABSENT ? null : row;
    }

    /** The stored row of a key, looked up once per batch (netDeltas needs it again). */
    private Row stored(BaseTable table, Row key) {
        HashMap<Row, Row> seen = originals.computeIfAbsent(table.schema().name(), n -> new HashMap<>());
        Row row = seen.get(key);
        if (row == null) {
            row = table.get(key);
            seen.put(key, row == null ? ABSENT : row);
            return row;
        }
        return row == ABSENT ? null : row;
    }

    /** A full typed row: unknown columns and wrong types are INVALID, missing columns are NULL. */
    static Row fullRow(TableSchema schema, Map<String, Object> values) {
        if (values == null) throw new Refusal(RejectionKind.INVALID, "missing row");
        List<Column> columns = schema.columns();
        Object[] out = new Object[columns.size()];
        values.forEach((name, v) -> {
            int i = schema.columnIndex(name);
            if (i < 0) throw new Refusal(RejectionKind.INVALID, "unknown column '" + name + "' in table '" + schema.name() + "'");
            out[i] = coerce(columns.get(i), v);
        });
        for (int i = 0; i < out.length; i++) {
            if (out[i] == null && !columns.get(i).nullable()) {
                throw new Refusal(RejectionKind.INVALID, "NULL in NOT NULL column '" + columns.get(i).name() + "'");
            }
        }
        return Row.wrap(out);
    }

    private static Row keyRow(TableSchema schema, Map<String, Object> values) {
        int[] pk = schema.primaryKey();
        if (values.size() != pk.length) {
            throw new Refusal(RejectionKind.INVALID, "key must name exactly the primary key columns " + schema.primaryKeyNames());
        }
        Object[] out = new Object[pk.length];
        for (int k = 0; k < pk.length; k++) {
            Column c = schema.columns().get(pk[k]);
            if (!values.containsKey(c.name())) throw new Refusal(RejectionKind.INVALID, "key lacks column '" + c.name() + "'");
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

    private Map<String, ZSet> netDeltas() {
        Map<String, ZSet> out = new LinkedHashMap<>();
        overlays.forEach((name, overlay) -> {
            BaseTable table = tables.get(name);
            ZSet delta = new ZSet(overlay.size() * 2);
            overlay.forEach((key, fin) -> {
                Row orig = stored(table, key);
                if (orig != null) delta.add(orig, -1);
                if (fin != ABSENT) delta.add(fin, 1);
            });
            if (!delta.isEmpty()) out.put(name, delta);
        });
        keylessDeltas.forEach((name, delta) -> {
            if (!delta.isEmpty()) out.put(name, delta);
        });
        return out;
    }
}
