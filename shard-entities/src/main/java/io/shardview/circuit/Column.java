package io.shardview.circuit;

/** A column of a table or view: folded name, type and whether it accepts NULL. */
public record Column(String name, ColumnType type, boolean nullable) {
}
