package io.shardview.circuit.sql;

import java.util.List;
import org.apache.calcite.jdbc.JavaTypeFactoryImpl;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.sql.type.SqlTypeMappingRule;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.sql.type.SqlTypeUtil;

/**
 * Calcite's types with PostgreSQL's common type of a real and exact numbers (CASE and COALESCE values, UNION
 * items, VALUES rows, an IN list): real, since integers and numeric convert to real implicitly and not the other
 * way round (Calcite would make it DOUBLE). Arithmetic and comparisons are resolved otherwise (see
 * {@link PgTypeSystem#deriveDecimalPlusType}, {@link PgTypeCoercion}).
 */
final class PgTypeFactory extends JavaTypeFactoryImpl {
    PgTypeFactory() {
        super(PgTypeSystem.INSTANCE);
    }

    @Override
    public RelDataType leastRestrictive(List<RelDataType> types, SqlTypeMappingRule rule) {
        boolean real = false;
        boolean nullable = false;
        for (RelDataType t : types) {
            SqlTypeName name = t.getSqlTypeName();
            real |= name == SqlTypeName.REAL;
            nullable |= t.isNullable();
            if (name != SqlTypeName.REAL && name != SqlTypeName.NULL && !SqlTypeUtil.isExactNumeric(t)) {
                return super.leastRestrictive(types, rule);
            }
        }
        return real ? createTypeWithNullability(createSqlType(SqlTypeName.REAL), nullable) : super.leastRestrictive(types, rule);
    }
}
