package io.shardview.circuit.pg;

import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.sql.type.SqlTypeName;

/** The engine's column types as Calcite's SQL types, and back. */
public final class CalciteTypes {
    private CalciteTypes() {}

    /**
     * The scale of Calcite's DECIMAL for a NUMERIC column, whatever its typmod (values keep their own): a literal
     * compared with it is cast to the common type when the plan is made, so to at most this many decimals.
     */
    public static final int NUMERIC_SCALE = 6;

    public static RelDataType sqlType(RelDataTypeFactory f, ColumnType t) {
        switch (t) {
            case BOOLEAN:
                return f.createSqlType(SqlTypeName.BOOLEAN);
            case SMALLINT:
                return f.createSqlType(SqlTypeName.SMALLINT);
            case INT:
                return f.createSqlType(SqlTypeName.INTEGER);
            case BIGINT:
                return f.createSqlType(SqlTypeName.BIGINT);
            case DOUBLE:
                return f.createSqlType(SqlTypeName.DOUBLE);
            case REAL:
                return f.createSqlType(SqlTypeName.REAL);
            case DECIMAL:
                return f.createSqlType(SqlTypeName.DECIMAL, 19, NUMERIC_SCALE);
            case VARCHAR:
            case CHAR:
            case TEXT:
                return f.createSqlType(SqlTypeName.VARCHAR);
            case DATE:
                return f.createSqlType(SqlTypeName.DATE);
            case INTERVAL:
                return DateTimes.intervalType(f, false);
            default:
                return f.createSqlType(SqlTypeName.TIMESTAMP);
        }
    }

    /** The engine column type of a Calcite type. */
    public static ColumnType columnType(RelDataType t) {
        switch (t.getSqlTypeName()) {
            case BOOLEAN:
                return ColumnType.BOOLEAN;
            case TINYINT:
            case SMALLINT:
                return ColumnType.SMALLINT;
            case INTEGER:
                return ColumnType.INT;
            case BIGINT:
                return ColumnType.BIGINT;
            case FLOAT:
            case DOUBLE:
                return ColumnType.DOUBLE;
            case REAL:
                return ColumnType.REAL;
            case DECIMAL:
                return ColumnType.DECIMAL;
            case CHAR:
            case VARCHAR:
                return ColumnType.VARCHAR;
            case DATE:
                return ColumnType.DATE;
            case TIMESTAMP:
                return ColumnType.TIMESTAMP;
            case INTERVAL_DAY_SECOND:
                return ColumnType.INTERVAL; // the type DateTimes gives every interval
            default:
                return null;
        }
    }
}
