package io.shardview.circuit;

/**
 * One primary key a batch touches: the row stored under it before the batch and the row after the
 * batch's ops (null: no row). The validator writes {@code after} while it replays the ops; once the
 * batch is validated the change is read only.
 */
public final class KeyChange {
    final Row key;
    final Row before;
    Row after;

    KeyChange(Row key, Row before) {
        this.key = key;
        this.before = before;
        this.after = before;
    }
}
