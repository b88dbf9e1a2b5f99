package io.shardview.circuit.pg;

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
public final class PgTypeFactory extends JavaTypeFactoryImpl {
    private final boolean pgTypes;

    /**
     * pgTypes: the types of SQL revision 3 on (see {@link PgTypeSystem}), where values of different type categories
     * have no common type, as in PostgreSQL (COALESCE(s, dt) of a smallint and a date; Calcite would make it a date).
     */
    public PgTypeFactory(boolean pgTypes) {
        super(pgTypes ? PgTypeSystem.INSTANCE : PgTypeSystem.BEFORE_REVISION_3);
        this.pgTypes = pgTypes;
    }

    @Override
    public RelDataType leastRestrictive(List<RelDataType> types, SqlTypeMappingRule rule) {
        if (pgTypes && !oneCategory(types)) return null;
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
        return real
                ? createTypeWithNullability(createSqlType(SqlTypeName.REAL), nullable)
                : super.leastRestrictive(types, rule);
    }

    /** Whether the types not NULL are all of one of PostgreSQL's categories (other types: left to Calcite). */
    private static boolean oneCategory(List<RelDataType> types) {
        int category = 0;
        for (RelDataType t : types) {
            int c = PgCasts.category(t);
            if (c < 0) return true;
            if (c == 0) continue;
            if (category != 0 && c != category) return false;
            category = c;
        }
        return true;
    }
}
