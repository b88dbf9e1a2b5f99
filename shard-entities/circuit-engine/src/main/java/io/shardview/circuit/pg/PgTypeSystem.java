package io.shardview.circuit.pg;

import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.rel.type.RelDataTypeSystemImpl;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.sql.type.SqlTypeUtil;

/**
 * Calcite type derivation made to follow PostgreSQL: SUM(int) is bigint, SUM(bigint) and AVG(int) numeric,
 * SUM(real) real,
 * real with another number float8, timestamps have microseconds.
 */
public final class PgTypeSystem extends RelDataTypeSystemImpl {
    /** The types of SQL revision 3 on. */
    public static final PgTypeSystem INSTANCE = new PgTypeSystem(true);
    /** The types before SQL revision 3: the remainder of two integers has the divisor's type, as Calcite gives it. */
    static final PgTypeSystem BEFORE_REVISION_3 = new PgTypeSystem(false);

    private final boolean widerRemainder;

    private PgTypeSystem(boolean widerRemainder) {
        this.widerRemainder = widerRemainder;
    }
    /** The most digits a PostgreSQL numeric value has before the decimal point. */
    public static final int NUMERIC_INTEGER_DIGITS = 131072;
    /** The most digits a PostgreSQL numeric value has after the decimal point (its largest display scale). */
    public static final int NUMERIC_SCALE = 16383;

    /**
     * TIMESTAMP holds microseconds, as PostgreSQL's does (Calcite's default is milliseconds). DECIMAL holds
     * what PostgreSQL's numeric holds (Calcite's default is 19 digits): a literal of any length PostgreSQL
     * reads is typed as the planner's DECIMAL, and a common type of several is not cut to 19 digits.
     */
    @Override
    public int getMaxPrecision(SqlTypeName typeName) {
        if (typeName == SqlTypeName.DECIMAL) return NUMERIC_INTEGER_DIGITS + NUMERIC_SCALE;
        return typeName == SqlTypeName.TIMESTAMP ? 6 : super.getMaxPrecision(typeName);
    }

    @Override
    public int getMaxScale(SqlTypeName typeName) {
        return typeName == SqlTypeName.DECIMAL ? NUMERIC_SCALE : super.getMaxScale(typeName);
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
        if (SqlTypeUtil.isInterval(argumentType)) return argumentType; // sum(interval): an interval
        SqlTypeName t = argumentType.getSqlTypeName();
        RelDataType out;
        if (t == SqlTypeName.SMALLINT || t == SqlTypeName.INTEGER || t == SqlTypeName.TINYINT) {
            out = factory.createSqlType(SqlTypeName.BIGINT);
        } else if (t == SqlTypeName.BIGINT) {
            // Scaled like a NUMERIC column (the values keep scale 0): Calcite's DECIMAL holds 19 digits, so with scale
            // 0
            // a comparison with -1.50 would cast the literal to the sum's type, -1, when the plan is made.
            out = factory.createSqlType(
                    SqlTypeName.DECIMAL, getMaxPrecision(SqlTypeName.DECIMAL), CalciteTypes.NUMERIC_SCALE);
        } else if (t == SqlTypeName.DECIMAL) {
            out = factory.createSqlType(
                    SqlTypeName.DECIMAL, getMaxPrecision(SqlTypeName.DECIMAL), argumentType.getScale());
        } else if (t == SqlTypeName.REAL) {
            out = factory.createSqlType(SqlTypeName.REAL);
        } else {
            out = factory.createSqlType(SqlTypeName.DOUBLE);
        }
        return factory.createTypeWithNullability(out, argumentType.isNullable());
    }

    /**
     * float4 arithmetic only between two float4 values: PostgreSQL computes real + integer, real + numeric and
     * real + double precision in float8 (Calcite would keep real + integer a REAL).
     */
    @Override
    public RelDataType deriveDecimalPlusType(RelDataTypeFactory factory, RelDataType a, RelDataType b) {
        RelDataType mixed = mixedReal(factory, a, b);
        return mixed != null ? mixed : super.deriveDecimalPlusType(factory, a, b);
    }

    @Override
    public RelDataType deriveDecimalMultiplyType(RelDataTypeFactory factory, RelDataType a, RelDataType b) {
        RelDataType mixed = mixedReal(factory, a, b);
        return mixed != null ? mixed : super.deriveDecimalMultiplyType(factory, a, b);
    }

    @Override
    public RelDataType deriveDecimalDivideType(RelDataTypeFactory factory, RelDataType a, RelDataType b) {
        RelDataType mixed = mixedReal(factory, a, b);
        return mixed != null ? mixed : super.deriveDecimalDivideType(factory, a, b);
    }

    /**
     * The remainder of two whole numbers one of which is NUMERIC is a numeric, as in PostgreSQL (Calcite would give
     * 12345678901234567890 % 7 the divisor's type, integer, and the engine would compute it on a truncated long);
     * of two integers, the wider one's type (b % 7 of a bigint b is a bigint, Calcite's would be an integer).
     */
    @Override
    public RelDataType deriveDecimalModType(RelDataTypeFactory factory, RelDataType a, RelDataType b) {
        if (widerRemainder && (a.getSqlTypeName() == SqlTypeName.NULL || b.getSqlTypeName() == SqlTypeName.NULL)) {
            RelDataType typed = a.getSqlTypeName() == SqlTypeName.NULL ? b : a; // s % NULL: NULL read as s's type
            return factory.createTypeWithNullability(typed, true);
        }
        if (widerRemainder && integer(a) && integer(b)) {
            RelDataType wider =
                    a.getSqlTypeName().ordinal() >= b.getSqlTypeName().ordinal() ? a : b;
            return factory.createTypeWithNullability(
                    factory.createSqlType(wider.getSqlTypeName()), a.isNullable() || b.isNullable());
        }
        RelDataType mod = super.deriveDecimalModType(factory, a, b);
        boolean numeric = SqlTypeUtil.isExactNumeric(a)
                && SqlTypeUtil.isExactNumeric(b)
                && (SqlTypeUtil.isDecimal(a) || SqlTypeUtil.isDecimal(b));
        if (!numeric || mod == null || SqlTypeUtil.isDecimal(mod)) return mod;
        RelDataType whole = factory.createSqlType(SqlTypeName.DECIMAL, getMaxPrecision(SqlTypeName.DECIMAL), 0);
        return factory.createTypeWithNullability(whole, a.isNullable() || b.isNullable());
    }

    private static boolean integer(RelDataType t) {
        SqlTypeName n = t.getSqlTypeName();
        return n == SqlTypeName.TINYINT
                || n == SqlTypeName.SMALLINT
                || n == SqlTypeName.INTEGER
                || n == SqlTypeName.BIGINT;
    }

    /** DOUBLE when exactly one of two numeric operands is REAL, else null. */
    static RelDataType mixedReal(RelDataTypeFactory factory, RelDataType a, RelDataType b) {
        boolean realA = a.getSqlTypeName() == SqlTypeName.REAL;
        boolean realB = b.getSqlTypeName() == SqlTypeName.REAL;
        if (realA == realB || !SqlTypeUtil.isNumeric(a) || !SqlTypeUtil.isNumeric(b)) return null;
        return factory.createTypeWithNullability(
                factory.createSqlType(SqlTypeName.DOUBLE), a.isNullable() || b.isNullable());
    }

    @Override
    public RelDataType deriveAvgAggType(RelDataTypeFactory factory, RelDataType argumentType) {
        if (SqlTypeUtil.isInterval(argumentType)) return argumentType; // avg(interval): an interval
        SqlTypeName t = argumentType.getSqlTypeName();
        RelDataType out = t == SqlTypeName.DOUBLE || t == SqlTypeName.REAL || t == SqlTypeName.FLOAT
                ? factory.createSqlType(SqlTypeName.DOUBLE)
                : factory.createSqlType(SqlTypeName.DECIMAL, getMaxPrecision(SqlTypeName.DECIMAL), 16);
        return factory.createTypeWithNullability(out, argumentType.isNullable());
    }
}
