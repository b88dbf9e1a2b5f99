package io.shardview.circuit.table;

/**
 * The rows of a table with a primary key at one moment, as a snapshot writes them: each row's packed bytes, visited in
 * the table's slot order. Taken cheaply on the entity's thread (the slots copied, the pages shared: their written bytes
 * never change) and read later on the snapshot store's. The slots are copied in chunks of {@link #CHUNK}: a table of
 * millions of rows has tens of MB of them, which as one array would be a humongous allocation and one copy no
 * safepoint interrupts, stalling every thread of the node (bench/RESULTS.md, "A seventeenth machine").
 */
public final class PackedRows {
    /** Slots a chunk holds: 256 KB, well under the G1 region of any heap, so never a humongous allocation. */
    static final int CHUNK = 1 << 16;

    /** A row's packed bytes, visited where they are. */
    @FunctionalInterface
    public interface PackedRow {
        void accept(byte[] array, int offset, int length);
    }

    private final int[][] slots;
    private final byte[][] pages;
    private final int count;

    private PackedRows(int[][] slots, byte[][] pages, int count) {
        this.slots = slots;
        this.pages = pages;
        this.count = count;
    }

    /** The rows of a table whose slots and pages are these now (the slots are copied, the pages array is kept). */
    static PackedRows of(int[] slots, byte[][] pages, int count) {
        int[][] chunks = new int[(slots.length + CHUNK - 1) / CHUNK][];
        for (int c = 0; c < chunks.length; c++) {
            chunks[c] = java.util.Arrays.copyOfRange(slots, c * CHUNK, Math.min(slots.length, (c + 1) * CHUNK));
        }
        return new PackedRows(chunks, pages, count);
    }

    /** How many rows. */
    public int count() {
        return count;
    }

    /** Calls {@code row} with each row's packed bytes. */
    public void forEach(PackedRow row) {
        for (int[] chunk : slots) {
            for (int at : chunk) {
                if (at != 0) RowPages.visit(pages, at, row);
            }
        }
    }
}
