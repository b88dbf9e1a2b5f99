package io.shardview.circuit.catalog;

import java.util.List;

/** A base table's definition: its columns and the positions of its primary key (empty: a multiset). */
public record TableSchema(String name, List<Column> columns, int[] primaryKey) {

    public boolean hasPrimaryKey() {
        return primaryKey.length > 0;
    }

    /** Position of a column by folded name, or -1. */
    public int columnIndex(String column) {
        for (int i = 0; i < columns.size(); i++) {
            if (columns.get(i).name().equals(column)) return i;
        }
        return -1;
    }

    public List<String> primaryKeyNames() {
        return java.util.Arrays.stream(primaryKey)
                .mapToObj(i -> columns.get(i).name())
                .toList();
    }
}
