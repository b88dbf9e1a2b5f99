package io.shardview.circuit;

import io.shardview.circuit.catalog.Column;
import io.shardview.circuit.data.Row;
import java.util.List;

/**
 * One page of a table's or view's rows in read order. {@code count} is the whole relation's row count
 * (copies counted); {@code next} is the cursor of the following page or null. A cursor is a position
 * and is meant to be used at the same version.
 */
public record RowsPage(
        String name, long version, String hash, long count, List<Column> columns, List<Row> rows, String next) {}
