package io.shardview.circuit.catalog;

import java.util.List;

/** The tenant's catalog: tables and views with their columns and row counts. */
public record CatalogDescription(long version, List<TableInfo> tables, List<ViewInfo> views) {

    /** A base table. */
    public record TableInfo(String name, List<Column> columns, List<String> primaryKey, long rows) {}

    /** A view with its defining SELECT. */
    public record ViewInfo(String name, String sql, List<Column> columns, long rows) {}
}
