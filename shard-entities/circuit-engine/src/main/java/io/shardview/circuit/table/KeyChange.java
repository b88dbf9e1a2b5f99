package io.shardview.circuit.table;

import io.shardview.circuit.data.Row;

/**
 * One primary key a batch touches: the row stored under it before the batch and the row after the
 * batch's ops (null: no row). The validator writes {@code after} while it replays the ops; once the
 * batch is validated the change is read only.
 */
public final class KeyChange {
    public final Row key;
    public final Row before;
    public Row after;
    /** Where the validation found the stored row: the store, its slot (-1: none) and moves count. */
    final KeyedRowStore store;

    final int slot;
    final int moves;

    KeyChange(Row key, Row before, KeyedRowStore store, int slot, int moves) {
        this.key = key;
        this.before = before;
        this.after = before;
        this.store = store;
        this.slot = slot;
        this.moves = moves;
    }
}
