package io.shardview.circuit.sql;

import io.shardview.circuit.NumericTypmod;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.rel.type.RelDataTypeSystemImpl;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * Calcite type derivation made to follow PostgreSQL: SUM(int) is bigint, SUM(bigint) and AVG(int) numeric,
 * timestamps have microseconds.
 */
public final class PgTypeSystem extends RelDataTypeSystemImpl {
    public static final PgTypeSystem INSTANCE = new PgTypeSystem();

    /** TIMESTAMP holds microseconds, as PostgreSQL's does (Calcite's default is milliseconds). */
    @Override
    public int getMaxPrecision(SqlTypeName typeName) {
        return typeName == SqlTypeName.TIMESTAMP ? 6 : super.getMaxPrecision(typeName);
    }

    /** NUMERIC(p,s) may have a negative scale, down to PostgreSQL's -1000 (NUMERIC(5,-2) rounds to hundreds). */
    @Override
    public int getMinScale(SqlTypeName typeName) {
        return typeName == SqlTypeName.DECIMAL ? -NumericTypmod.MAX_SCALE : super.getMinScale(typeName);
    }

    @Override
    public int getDefaultPrecision(SqlTypeName typeName) {
        return typeName == SqlTypeName.TIMESTAMP ? 6 : super.getDefaultPrecision(typeName);
    }

    /**
     * CHAR values of different lengths meet as VARCHAR (CASE, COALESCE, comparisons), so Calcite does not
     * pad the shorter ones: PostgreSQL keeps each value's own blanks (its bpchar without a length).
     */
    @Override
    public boolean shouldConvertRaggedUnionTypesToVarying() {
        return true;
    }

    @Override
    public RelDataType deriveSumType(RelDataTypeFactory factory, RelDataType argumentType) {
        SqlTypeName t = argumentType.getSqlTypeName();
        RelDataType out;
        if (t == SqlTypeName.SMALLINT || t == SqlTypeName.INTEGER || t == SqlTypeName.TINYINT) {
            out = factory.createSqlType(SqlTypeName.BIGINT);
        } else if (t == SqlTypeName.BIGINT) {
            out = factory.createSqlType(SqlTypeName.DECIMAL, getMaxPrecision(SqlTypeName.DECIMAL), 0);
        } else if (t == SqlTypeName.DECIMAL) {
            out = factory.createSqlType(SqlTypeName.DECIMAL, getMaxPrecision(SqlTypeName.DECIMAL), argumentType.getScale());
        } else {
            out = factory.createSqlType(SqlTypeName.DOUBLE);
        }
        return factory.createTypeWithNullability(out, argumentType.isNullable());
    }

    @Override
    public RelDataType deriveAvgAggType(RelDataTypeFactory factory, RelDataType argumentType) {
        SqlTypeName t = argumentType.getSqlTypeName();
        RelDataType out = t == SqlTypeName.DOUBLE || t == SqlTypeName.REAL || t == SqlTypeName.FLOAT
                ? factory.createSqlType(SqlTypeName.DOUBLE)
                : factory.createSqlType(SqlTypeName.DECIMAL, getMaxPrecision(SqlTypeName.DECIMAL), 16);
        return factory.createTypeWithNullability(out, argumentType.isNullable());
    }
}
