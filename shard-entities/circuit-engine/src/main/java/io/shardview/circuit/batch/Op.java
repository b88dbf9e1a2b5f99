package io.shardview.circuit.batch;

import java.util.Map;

/** One operation of an ingest batch; row and key values are JSON-ish Java values keyed by column name. */
public sealed interface Op {
    String table();

    /** Inserts a row; a conflict if its primary key exists. */
    record Insert(String table, Map<String, Object> row) implements Op {}

    /** Replaces the row with the same primary key; a conflict if the key is missing. */
    record Update(String table, Map<String, Object> row) implements Op {}

    /** Inserts or replaces the row with the same primary key. */
    record Upsert(String table, Map<String, Object> row) implements Op {}

    /** Deletes by primary key ({@code key}), or one copy of a whole row of a keyless table ({@code row}). */
    record Delete(String table, Map<String, Object> key, Map<String, Object> row) implements Op {}

    static Op insert(String table, Map<String, Object> row) {
        return new Insert(table, row);
    }

    static Op update(String table, Map<String, Object> row) {
        return new Update(table, row);
    }

    static Op upsert(String table, Map<String, Object> row) {
        return new Upsert(table, row);
    }

    static Op deleteKey(String table, Map<String, Object> key) {
        return new Delete(table, key, null);
    }

    static Op deleteRow(String table, Map<String, Object> row) {
        return new Delete(table, null, row);
    }
}
