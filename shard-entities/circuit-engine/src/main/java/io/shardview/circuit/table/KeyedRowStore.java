package io.shardview.circuit.table;

import io.shardview.circuit.data.Row;
import io.shardview.circuit.data.RowBytes;
import java.util.function.Consumer;

/**
 * The rows of a table with a primary key, packed as {@link RowBytes} in an open-addressing hash table
 * (linear probing) keyed by the primary key. No per-row key object or map entry: a slot costs a
 * reference and an int hash, the row its packed bytes.
 */
final class KeyedRowStore {
    private final int[] keyColumns;
    private final int width;
    private byte[][] rows = new byte[16][];
    private int[] hashes = new int[16];
    private int size;
    /** The stored rows' bytes: each packed array with its header, and its slot (reference and hash). */
    private long bytes;
    /** The bytes a stored row costs beside its packed bytes: its array's header and its slot. */
    private static final int ROW_OVERHEAD = 24;
    /** Bumped whenever stored rows change slots (a removal's backward shift, a grow). */
    private int moves;

    KeyedRowStore(int[] keyColumns, int width) {
        this.keyColumns = keyColumns;
        this.width = width;
    }

    int size() {
        return size;
    }

    /** The bytes the stored rows take (not the empty slots). */
    long bytes() {
        return bytes;
    }

    private void store(int slot, byte[] row) {
        if (rows[slot] != null) bytes -= rows[slot].length;
        rows[slot] = row;
        bytes += row.length;
    }

    Row get(Row key) {
        int slot = find(key, key.hashCode());
        return slot < 0 ? null : RowBytes.decode(rows[slot], width);
    }

    /** The slot of a key's row, or -1; valid while {@link #moves} stays the same. */
    int slotOf(Row key) {
        return find(key, key.hashCode());
    }

    /** The row in a slot that {@link #slotOf} returned. */
    Row rowAt(int slot) {
        return RowBytes.decode(rows[slot], width);
    }

    /** A count that changes whenever rows may have changed slots since a {@link #slotOf}. */
    int moves() {
        return moves;
    }

    /** Replaces the row in a slot found by {@link #slotOf} while {@link #moves} is unchanged. */
    void replaceAt(int slot, Row row) {
        store(slot, RowBytes.encode(row));
    }

    /** Stores a row, replacing the row with the same key. */
    void put(Row row) {
        put(row, row.project(keyColumns));
    }

    /** Stores a row whose key (its primary-key columns) the caller has at hand. */
    void put(Row row, Row key) {
        int hash = key.hashCode();
        int slot = find(key, hash);
        if (slot >= 0) {
            store(slot, RowBytes.encode(row));
            return;
        }
        if ((size + 1) * 4 > rows.length * 3) grow();
        byte[] packed = RowBytes.encode(row);
        insert(packed, hash);
        bytes += packed.length + ROW_OVERHEAD;
        size++;
    }

    void remove(Row key) {
        int slot = find(key, key.hashCode());
        if (slot < 0) return;
        size--;
        moves++;
        bytes -= rows[slot].length + ROW_OVERHEAD;
        int mask = rows.length - 1;
        int hole = slot;
        rows[hole] = null;
        // Backward-shift deletion keeps every remaining row reachable from its home slot.
        for (int j = (hole + 1) & mask; rows[j] != null; j = (j + 1) & mask) {
            int home = hashes[j] & mask;
            boolean movable = hole <= j ? (home <= hole || home > j) : (home <= hole && home > j);
            if (movable) {
                rows[hole] = rows[j];
                hashes[hole] = hashes[j];
                rows[j] = null;
                hole = j;
            }
        }
    }

    /**
     * The stored rows as they are now, packed, with empty slots as null. A stored row array is never
     * written again (a put stores a new array), so copying the slot array freezes the content.
     */
    byte[][] packedRows() {
        return rows.clone();
    }

    /** Makes room for n more rows at once (before loading a snapshot's rows). */
    void reserve(int n) {
        while ((size + n) * 4 > rows.length * 3) grow();
    }

    /** Stores a packed row read from a snapshot, whose key no stored row has. */
    void putPacked(byte[] row) {
        Row key = RowBytes.decodeColumns(row, keyColumns);
        if ((size + 1) * 4 > rows.length * 3) grow();
        insert(row, key.hashCode());
        bytes += row.length + ROW_OVERHEAD;
        size++;
    }

    void forEach(Consumer<Row> action) {
        for (byte[] r : rows) {
            if (r != null) action.accept(RowBytes.decode(r, width));
        }
    }

    private int find(Row key, int hash) {
        int mask = rows.length - 1;
        for (int i = spread(hash) & mask; rows[i] != null; i = (i + 1) & mask) {
            if (hashes[i] == spread(hash)
                    && RowBytes.decodeColumns(rows[i], keyColumns).equals(key)) return i;
        }
        return -1;
    }

    private static int spread(int h) {
        return h ^ (h >>> 16);
    }

    private void insert(byte[] row, int hash) {
        int mask = rows.length - 1;
        int h = spread(hash);
        int i = h & mask;
        while (rows[i] != null) i = (i + 1) & mask;
        rows[i] = row;
        hashes[i] = h;
    }

    private void grow() {
        moves++;
        byte[][] oldRows = rows;
        int[] oldHashes = hashes;
        rows = new byte[oldRows.length * 2][];
        hashes = new int[oldRows.length * 2];
        for (int i = 0; i < oldRows.length; i++) {
            if (oldRows[i] != null) {
                int mask = rows.length - 1;
                int j = oldHashes[i] & mask;
                while (rows[j] != null) j = (j + 1) & mask;
                rows[j] = oldRows[i];
                hashes[j] = oldHashes[i];
            }
        }
    }
}
