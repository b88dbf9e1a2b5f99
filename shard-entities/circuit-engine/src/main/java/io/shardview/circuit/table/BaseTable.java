package io.shardview.circuit.table;

import io.shardview.circuit.catalog.TableSchema;
import io.shardview.circuit.data.Row;
import io.shardview.circuit.data.ZSet;
import io.shardview.circuit.data.ZSetImage;

/**
 * The stored rows of one base table. A table with a primary key keeps its rows packed, hashed by key
 * ({@link KeyedRowStore}); a keyless table is a multiset of rows with their copy counts.
 */
public final class BaseTable {
    private final TableSchema schema;
    private final KeyedRowStore byKey;
    private final ZSet multiset = new ZSet();
    private long rowCount;
    private long multisetBytes;

    public BaseTable(TableSchema schema) {
        this.schema = schema;
        this.byKey = new KeyedRowStore(schema.primaryKey(), schema.columns().size());
    }

    public TableSchema schema() {
        return schema;
    }

    public long rowCount() {
        return rowCount;
    }

    /**
     * About how many bytes the rows take: a keyed table's packed rows as stored, a keyless table's rows by
     * {@link Row#estimatedBytes} per copy. Kept as rows come and go.
     */
    public long bytes() {
        return schema.hasPrimaryKey() ? byKey.bytes() : multisetBytes;
    }

    /**
     * The rows and bytes {@code delta} would add (negative: remove), as {@link #bytes} will count them; for a
     * keyed table its rows by {@link Row#estimatedBytes}, since the packed size is known only once stored.
     */
    public static long[] growth(ZSet delta) {
        long[] rowsAndBytes = new long[2];
        delta.forEach((row, w) -> {
            rowsAndBytes[0] += w;
            rowsAndBytes[1] += w * row.estimatedBytes();
        });
        return rowsAndBytes;
    }

    /**
     * The change of a key about to be validated: its stored row, and where it is stored, so that
     * applying the change need not look the key up again.
     */
    public KeyChange change(Row key) {
        int slot = byKey.slotOf(key);
        return new KeyChange(key, slot < 0 ? null : byKey.rowAt(slot), byKey, slot, byKey.moves());
    }

    /** Copies of a row in a keyless table. */
    public long copies(Row row) {
        return multiset.weight(row);
    }

    /** Applies a consolidated delta that the batch validation proved consistent with the stored rows. */
    public void apply(ZSet delta) {
        apply(delta, null);
    }

    /**
     * Applies a validated delta; for a table with a primary key, changes (when known) are the same
     * delta per key, as the validation found it, and are applied instead of re-deriving keys from it.
     */
    public void apply(ZSet delta, java.util.List<KeyChange> changes) {
        delta.forEach((row, w) -> rowCount += w);
        if (!schema.hasPrimaryKey()) {
            multiset.addAll(delta);
            delta.forEach((row, w) -> multisetBytes += w * row.estimatedBytes());
            return;
        }
        if (changes != null) {
            for (KeyChange c : changes) {
                if (c.after == null) byKey.remove(c.key);
                else if (c.slot >= 0 && c.store == byKey && c.moves == byKey.moves()) byKey.replaceAt(c.slot, c.after);
                else byKey.put(c.after, c.key);
            }
            return;
        }
        // An update of a key is -old +new (in any iteration order): the put replaces the old row in
        // place, so only keys that are retracted without a new row are removed.
        java.util.HashSet<Row> replaced = new java.util.HashSet<>();
        delta.forEach((row, w) -> {
            if (w > 0) {
                Row key = row.project(schema.primaryKey());
                byKey.put(row, key);
                replaced.add(key);
            }
        });
        delta.forEach((row, w) -> {
            Row key = w < 0 ? row.project(schema.primaryKey()) : null;
            if (key != null && !replaced.contains(key)) byKey.remove(key);
        });
    }

    /** The rows as they are now, for a snapshot written later (see {@link io.shardview.circuit.snapshot.CircuitImage}). */
    public TableImage image() {
        return schema.hasPrimaryKey()
                ? new TableImage(schema, byKey.packedRows(), byKey.size(), null)
                : new TableImage(schema, null, 0, ZSetImage.of(multiset));
    }

    /** Makes room for n packed rows about to be loaded. */
    public void reservePacked(int n) {
        byKey.reserve(n);
    }

    /** Stores a packed row from a snapshot (tables with a primary key; see {@link io.shardview.circuit.snapshot.CircuitSnapshot}). */
    public void loadPacked(byte[] row) {
        byKey.putPacked(row);
        rowCount++;
    }

    /** The whole content as a Z-set. */
    public ZSet content() {
        if (!schema.hasPrimaryKey()) {
            ZSet out = new ZSet(multiset.size());
            out.addAll(multiset);
            return out;
        }
        ZSet out = new ZSet(byKey.size());
        byKey.forEach(r -> out.add(r, 1));
        return out;
    }
}
