package io.shardview.circuit.table;

/**
 * The rows of a table with a primary key at one moment, as a snapshot writes them: each row's packed bytes, visited in
 * the table's slot order. Taken cheaply on the entity's thread (the slots copied, the pages shared: their written bytes
 * never change) and read later on the snapshot store's.
 */
public final class PackedRows {
    /** A row's packed bytes, visited where they are. */
    @FunctionalInterface
    public interface PackedRow {
        void accept(byte[] array, int offset, int length);
    }

    private final int[] slots;
    private final byte[][] pages;
    private final int count;

    PackedRows(int[] slots, byte[][] pages, int count) {
        this.slots = slots;
        this.pages = pages;
        this.count = count;
    }

    /** How many rows. */
    public int count() {
        return count;
    }

    /** Calls {@code row} with each row's packed bytes. */
    public void forEach(PackedRow row) {
        for (int at : slots) {
            if (at != 0) RowPages.visit(pages, at, row);
        }
    }
}
