package io.shardview.circuit.plan;

import io.shardview.circuit.catalog.Column;
import io.shardview.circuit.pg.CalciteTypes;
import io.shardview.circuit.pg.ColumnType;
import java.util.List;
import org.apache.calcite.plan.RelOptTable;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.schema.impl.AbstractTable;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * A relation of the catalog as Calcite sees it: only its row type. A view's bpchar column without a
 * length (its values of several lengths, each keeping its own blanks) is VARCHAR to Calcite. The
 * columns as declared stay readable from a plan's table scans ({@link #catalogColumn}).
 */
public final class CatalogTable extends AbstractTable {
    private final List<Column> columns;

    public CatalogTable(List<Column> columns) {
        this.columns = columns;
    }

    public List<Column> columns() {
        return columns;
    }

    /** The type of a column of a catalog relation (Calcite sees CHAR without a length and TEXT as VARCHAR). */
    public static ColumnType catalogType(RelOptTable table, int column) {
        Column c = catalogColumn(table, column);
        return c == null ? null : c.type();
    }

    /** A column of a catalog relation as declared, with its CHAR(n) length and NUMERIC(p,s) typmod; null if none. */
    public static Column catalogColumn(RelOptTable table, int column) {
        CatalogTable t = table.unwrap(CatalogTable.class);
        return t == null ? null : t.columns.get(column);
    }

    @Override
    public RelDataType getRowType(RelDataTypeFactory factory) {
        RelDataTypeFactory.Builder b = factory.builder();
        for (Column c : columns) {
            RelDataType type = c.type() == ColumnType.CHAR && c.length() > 0
                    ? factory.createSqlType(SqlTypeName.CHAR, c.length())
                    : CalciteTypes.sqlType(factory, c.type());
            b.add(c.name(), factory.createTypeWithNullability(type, c.nullable()));
        }
        return b.build();
    }
}
