package io.shardview.circuit.plan;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlFunction;
import org.apache.calcite.sql.SqlFunctionCategory;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlOperatorBinding;
import org.apache.calcite.sql.type.OperandTypes;
import org.apache.calcite.sql.type.SqlReturnTypeInference;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.sql.type.SqlTypeUtil;

/**
 * PostgreSQL's sqrt, ln, log, exp, power (pow) and trunc, resolved as PostgreSQL resolves them (evaluated by {@code
 * io.shardview.circuit.pg.PgMath}).
 *
 * <p>Each has a double precision and a numeric form, except log(b, x) and trunc(x, s), numeric only. A numeric
 * argument takes the numeric form, any other number (an integer, a real) or an untyped NULL the double precision
 * one; power(a, b) is numeric when an argument is numeric and neither is a real or double, as PostgreSQL's candidate
 * rules decide. A string, date or boolean has no such function (refused with PostgreSQL's message). The calls are
 * the engine's own operators, not Calcite's: Calcite plans sqrt(x) as power(x, 0.5), whose numeric result has a
 * digit more than PostgreSQL's sqrt.
 */
public final class MathFunctions {
    /** sqrt(x). */
    public static final SqlFunction SQRT = unary("PG_SQRT");
    /** ln(x). */
    public static final SqlFunction LN = unary("PG_LN");
    /** log(x): base 10. */
    public static final SqlFunction LOG10 = unary("PG_LOG10");
    /** exp(x). */
    public static final SqlFunction EXP = unary("PG_EXP");
    /** trunc(x). */
    public static final SqlFunction TRUNC = unary("PG_TRUNC");
    /** log(b, x): numeric only. */
    public static final SqlFunction LOG = function("PG_LOG", MathFunctions::logType);
    /** trunc(x, s): numeric only. */
    public static final SqlFunction TRUNC_SCALE = function("PG_TRUNC_SCALE", MathFunctions::truncScaleType);
    /** power(a, b) and pow(a, b). */
    public static final SqlFunction POWER = function("PG_POWER", MathFunctions::powerType);

    /** The operators, for the planner's operator table (calls are resolved by these names). */
    public static final List<SqlFunction> OPERATORS = List.of(SQRT, LN, LOG10, EXP, TRUNC, LOG, TRUNC_SCALE, POWER);

    private static final Map<String, SqlFunction> UNARY =
            Map.of("sqrt", SQRT, "ln", LN, "log", LOG10, "exp", EXP, "trunc", TRUNC);
    private static final Map<String, SqlFunction> BINARY =
            Map.of("log", LOG, "trunc", TRUNC_SCALE, "power", POWER, "pow", POWER);

    /** The SQL names of these operators, for messages. */
    private static final Map<SqlFunction, String> NAMES = Map.of(
            SQRT,
            "sqrt",
            LN,
            "ln",
            LOG10,
            "log",
            EXP,
            "exp",
            TRUNC,
            "trunc",
            LOG,
            "log",
            TRUNC_SCALE,
            "trunc",
            POWER,
            "power");

    private MathFunctions() {}

    /** The call as one of these operators, or null when it is none of them. */
    static SqlNode rewrite(SqlCall call) {
        String name = call.getOperator().getName().toLowerCase(Locale.ROOT);
        SqlFunction f =
                switch (call.operandCount()) {
                    case 1 -> UNARY.get(name);
                    case 2 -> BINARY.get(name);
                    default -> null;
                };
        if (f == null) return null;
        return f.createCall(call.getParserPosition(), call.getOperandList());
    }

    /** Whether the operator is one of these. */
    public static boolean isMath(org.apache.calcite.sql.SqlOperator op) {
        return op instanceof SqlFunction f && NAMES.containsKey(f);
    }

    private static SqlFunction unary(String name) {
        return new SqlFunction(
                name,
                SqlKind.OTHER_FUNCTION,
                MathFunctions::unaryType,
                null,
                OperandTypes.ANY,
                SqlFunctionCategory.SYSTEM);
    }

    private static SqlFunction function(String name, SqlReturnTypeInference type) {
        return new SqlFunction(
                name, SqlKind.OTHER_FUNCTION, type, null, OperandTypes.ANY_ANY, SqlFunctionCategory.SYSTEM);
    }

    private static RelDataType unaryType(SqlOperatorBinding binding) {
        RelDataType a = binding.getOperandType(0);
        if (SqlTypeUtil.isDecimal(a)) return numeric(binding.getTypeFactory());
        if (!isNumberOrNull(a)) throw noSuchFunction(binding);
        // trunc has macaddr forms too: an untyped NULL fits several.
        if (isNull(a) && binding.getOperator() == TRUNC)
            throw new IllegalArgumentException("function trunc(unknown) is not unique");
        return float8(binding.getTypeFactory());
    }

    private static RelDataType logType(SqlOperatorBinding binding) {
        for (int i = 0; i < 2; i++) {
            RelDataType t = binding.getOperandType(i);
            if (!isNull(t) && !SqlTypeUtil.isExactNumeric(t)) throw noSuchFunction(binding);
        }
        return numeric(binding.getTypeFactory());
    }

    private static RelDataType truncScaleType(SqlOperatorBinding binding) {
        RelDataType x = binding.getOperandType(0);
        RelDataType s = binding.getOperandType(1);
        boolean scaleInteger = isNull(s) || (SqlTypeUtil.isIntType(s) && s.getSqlTypeName() != SqlTypeName.BIGINT);
        if ((!isNull(x) && !SqlTypeUtil.isExactNumeric(x)) || !scaleInteger) throw noSuchFunction(binding);
        return numeric(binding.getTypeFactory());
    }

    private static RelDataType powerType(SqlOperatorBinding binding) {
        boolean numeric = false;
        boolean floating = false;
        for (int i = 0; i < 2; i++) {
            RelDataType t = binding.getOperandType(i);
            if (!isNumberOrNull(t)) throw noSuchFunction(binding);
            numeric |= SqlTypeUtil.isDecimal(t);
            floating |= SqlTypeUtil.isApproximateNumeric(t);
        }
        RelDataTypeFactory factory = binding.getTypeFactory();
        return numeric && !floating ? numeric(factory) : float8(factory);
    }

    private static boolean isNumberOrNull(RelDataType t) {
        return isNull(t) || SqlTypeUtil.isNumeric(t);
    }

    private static boolean isNull(RelDataType t) {
        return t.getSqlTypeName() == SqlTypeName.NULL;
    }

    private static RelDataType numeric(RelDataTypeFactory factory) {
        return SourceMarkers.unconstrainedNumeric(factory, true);
    }

    private static RelDataType float8(RelDataTypeFactory factory) {
        return factory.createTypeWithNullability(factory.createSqlType(SqlTypeName.DOUBLE), true);
    }

    /** PostgreSQL's message for a call no form of the function takes. */
    private static IllegalArgumentException noSuchFunction(SqlOperatorBinding binding) {
        StringBuilder types = new StringBuilder();
        for (int i = 0; i < binding.getOperandCount(); i++) {
            if (i > 0) types.append(", ");
            RelDataType t = binding.getOperandType(i);
            types.append(isNull(t) ? "unknown" : io.shardview.circuit.pg.PgCasts.pgName(t));
        }
        return new IllegalArgumentException(
                "function " + NAMES.get((SqlFunction) binding.getOperator()) + "(" + types + ") does not exist");
    }
}
