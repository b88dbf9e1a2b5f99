package io.shardview.circuit.table;

import io.shardview.circuit.data.Row;
import io.shardview.circuit.data.RowBytes;
import java.util.function.Consumer;

/**
 * The rows of a table with a primary key, packed as {@link RowBytes} into pages ({@link RowPages}), found through an
 * open-addressing hash table (linear probing) keyed by the primary key. A row is no object of its own: its slot holds
 * where its bytes are (an int) and its key's hash. So a table of millions of rows is a few large arrays to the garbage
 * collector, not millions of small ones: a young collection neither copies the rows inserted since the last one nor
 * scans a slot array of references for the new ones (on 2 cores, a table growing by 50,000 rows a second made young
 * pauses of 70-90 ms, two thirds of them copying rows and scanning slots; bench/RESULTS.md).
 */
final class KeyedRowStore {
    private final int[] keyColumns;
    private final int width;
    private final RowPages pages = new RowPages();
    /** Per slot, where its row is in {@link #pages} (0: empty). */
    private int[] slots = new int[16];
    /** Per slot, its key's hash (spread). */
    private int[] hashes = new int[16];

    private int size;
    /** The stored rows' bytes as the budgets count them: each packed row and {@link #ROW_OVERHEAD}. */
    private long bytes;
    /** The bytes a stored row is counted for beside its packed bytes (what it cost as an array of its own). */
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

    /** The bytes of the pages the rows are in, garbage and room left included (for tests). */
    long pageBytes() {
        return pages.capacity();
    }

    Row get(Row key) {
        int slot = find(key, key.hashCode());
        return slot < 0 ? null : rowAt(slot);
    }

    /** The slot of a key's row, or -1; valid while {@link #moves} stays the same. */
    int slotOf(Row key) {
        return find(key, key.hashCode());
    }

    /** The row in a slot that {@link #slotOf} returned. */
    Row rowAt(int slot) {
        int at = slots[slot];
        return RowBytes.decode(pages.page(at), pages.rowOffset(at), width);
    }

    /** A count that changes whenever rows may have changed slots since a {@link #slotOf}. */
    int moves() {
        return moves;
    }

    /** Replaces the row in a slot found by {@link #slotOf} while {@link #moves} is unchanged. */
    void replaceAt(int slot, Row row) {
        replace(slot, RowBytes.encode(row));
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
            replace(slot, RowBytes.encode(row));
            return;
        }
        if ((size + 1) * 4 > slots.length * 3) grow();
        byte[] packed = RowBytes.encode(row);
        insert(pages.add(packed), hash);
        bytes += packed.length + ROW_OVERHEAD;
        size++;
        compact(-1);
    }

    private void replace(int slot, byte[] packed) {
        int old = slots[slot];
        bytes += packed.length - pages.rowLength(old);
        slots[slot] = pages.add(packed);
        compact(pages.release(old));
    }

    void remove(Row key) {
        int slot = find(key, key.hashCode());
        if (slot < 0) return;
        size--;
        moves++;
        int old = slots[slot];
        bytes -= pages.rowLength(old) + ROW_OVERHEAD;
        int mask = slots.length - 1;
        int hole = slot;
        slots[hole] = 0;
        // Backward-shift deletion keeps every remaining row reachable from its home slot.
        for (int j = (hole + 1) & mask; slots[j] != 0; j = (j + 1) & mask) {
            int home = hashes[j] & mask;
            boolean movable = hole <= j ? (home <= hole || home > j) : (home <= hole && home > j);
            if (movable) {
                slots[hole] = slots[j];
                hashes[hole] = hashes[j];
                slots[j] = 0;
                hole = j;
            }
        }
        compact(pages.release(old));
    }

    /**
     * Compacts {@code page} (-1: none), a page whose garbage passed half of it, and any page the tail left behind so:
     * their live rows move to the page being filled. Only once the operation that released rows is done, so every slot
     * is in place; a row's slot stays its slot, only where it points changes (a slot found before stays valid).
     */
    private void compact(int page) {
        if (page >= 0) pages.compact(page, this::relocate);
        for (int left = pages.takePending(); left >= 0; left = pages.takePending()) {
            pages.compact(left, this::relocate);
        }
    }

    /** A live row of a page being compacted, at {@code from}, found by its key and moved; false if it is garbage. */
    private boolean relocate(int from, byte[] page, int offset) {
        Row key = RowBytes.decodeColumns(page, offset, keyColumns);
        int mask = slots.length - 1;
        int h = spread(key.hashCode());
        for (int i = h & mask; slots[i] != 0; i = (i + 1) & mask) {
            if (slots[i] == from) {
                slots[i] = pages.copy(from);
                return true;
            }
        }
        return false;
    }

    /**
     * The stored rows as they are now, for a snapshot written later: the slots copied (in chunks), and the pages as
     * they are (a stored row's bytes are never written again: a change or a compaction writes its row anew elsewhere).
     */
    PackedRows packedRows() {
        return PackedRows.of(slots, pages.snapshot(), size);
    }

    /** The slots of the hash index (a power of two, at least 4/3 of the rows). */
    int slotCount() {
        return slots.length;
    }

    /** Makes room for n more rows at once (before loading a snapshot's rows). */
    void reserve(int n) {
        while ((size + n) * 4 > slots.length * 3) grow();
    }

    /** Stores a packed row read from a snapshot, whose key no stored row has. */
    void putPacked(byte[] row) {
        Row key = RowBytes.decodeColumns(row, keyColumns);
        if ((size + 1) * 4 > slots.length * 3) grow();
        insert(pages.add(row), key.hashCode());
        bytes += row.length + ROW_OVERHEAD;
        size++;
        compact(-1);
    }

    void forEach(Consumer<Row> action) {
        for (int at : slots) {
            if (at != 0) action.accept(RowBytes.decode(pages.page(at), pages.rowOffset(at), width));
        }
    }

    private int find(Row key, int hash) {
        int mask = slots.length - 1;
        int h = spread(hash);
        for (int i = h & mask; slots[i] != 0; i = (i + 1) & mask) {
            if (hashes[i] == h && keyAt(slots[i]).equals(key)) return i;
        }
        return -1;
    }

    private Row keyAt(int at) {
        return RowBytes.decodeColumns(pages.page(at), pages.rowOffset(at), keyColumns);
    }

    private static int spread(int h) {
        return h ^ (h >>> 16);
    }

    private void insert(int at, int hash) {
        int mask = slots.length - 1;
        int h = spread(hash);
        int i = h & mask;
        while (slots[i] != 0) i = (i + 1) & mask;
        slots[i] = at;
        hashes[i] = h;
    }

    private void grow() {
        moves++;
        int[] oldSlots = slots;
        int[] oldHashes = hashes;
        slots = new int[oldSlots.length * 2];
        hashes = new int[oldSlots.length * 2];
        int mask = slots.length - 1;
        for (int i = 0; i < oldSlots.length; i++) {
            if (oldSlots[i] != 0) {
                int j = oldHashes[i] & mask;
                while (slots[j] != 0) j = (j + 1) & mask;
                slots[j] = oldSlots[i];
                hashes[j] = oldHashes[i];
            }
        }
    }
}
