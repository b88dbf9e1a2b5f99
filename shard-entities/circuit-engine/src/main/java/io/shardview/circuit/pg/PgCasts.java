package io.shardview.circuit.pg;

import java.util.Locale;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.sql.type.SqlTypeUtil;
import org.apache.calcite.sql.util.SqlBasicVisitor;
import org.apache.calcite.sql.validate.SqlValidator;

/**
 * PostgreSQL's casts among the engine's types (its pg_cast, and the I/O conversions to and from text): which it
 * makes implicitly, to resolve an operator, a function or the common type of CASE, COALESCE and UNION, and which
 * a written CAST may ask for. Calcite's are wider (a timestamp to an integer, a boolean to a number), so a query
 * is checked against these once validated, and a CAST or an aggregate PostgreSQL has no form of is refused with
 * its message.
 */
public final class PgCasts {
    private PgCasts() {}

    /**
     * Whether PostgreSQL casts from to to implicitly: a number to a number of a later rank (smallint, integer,
     * bigint, numeric, real, double precision), strings among themselves, a date to a timestamp, any type to itself.
     */
    static boolean implicit(RelDataType from, RelDataType to) {
        SqlTypeName a = from.getSqlTypeName();
        SqlTypeName b = to.getSqlTypeName();
        if (a == b || a == SqlTypeName.NULL) return true;
        int ra = numberRank(a);
        int rb = numberRank(b);
        if (ra > 0 && rb > 0) return ra <= rb;
        if (isString(a) && isString(b)) return true;
        return a == SqlTypeName.DATE && b == SqlTypeName.TIMESTAMP;
    }

    /**
     * PostgreSQL's type category of a Calcite type (numbers, strings, dates and timestamps, booleans), 0 for the NULL
     * type, -1 for a type of none of them: values of one category have a common type and compare with each other,
     * values of two do not.
     */
    static int category(RelDataType t) {
        SqlTypeName n = t.getSqlTypeName();
        if (n == SqlTypeName.NULL) return 0;
        if (numberRank(n) > 0) return 1;
        if (isString(n)) return 2;
        if (isDatetime(n)) return 3;
        return n == SqlTypeName.BOOLEAN ? 4 : -1;
    }

    /** Whether PostgreSQL compares values of the two types, or finds them a common type: they are of one category. */
    static boolean comparable(RelDataType a, RelDataType b) {
        int ca = category(a);
        int cb = category(b);
        return ca <= 0 || cb <= 0 || ca == cb;
    }

    /**
     * Whether a written CAST from from to to is one PostgreSQL has: numbers among themselves, anything to and from a
     * string, a boolean to and from an integer, dates and timestamps among themselves.
     */
    static boolean explicit(RelDataType from, RelDataType to) {
        SqlTypeName a = from.getSqlTypeName();
        SqlTypeName b = to.getSqlTypeName();
        if (implicit(from, to) || isString(a) || isString(b)) return true;
        if (numberRank(a) > 0 && numberRank(b) > 0) return true;
        if (a == SqlTypeName.BOOLEAN || b == SqlTypeName.BOOLEAN)
            return a == SqlTypeName.INTEGER || b == SqlTypeName.INTEGER;
        return isDatetime(a) && isDatetime(b);
    }

    /**
     * Refuses, with PostgreSQL's message, a written CAST it has no form of ({@code CAST(ts AS INT)}), MIN or MAX
     * of a boolean (PostgreSQL has bool_and and bool_or instead), SUM or AVG of a string literal or NULL, and a
     * date or timestamp plus or minus an untyped literal PostgreSQL cannot resolve (dt + NULL; those it can,
     * {@link DateTimes#arithmetic} has typed), arithmetic of NULLs alone (NULL + NULL, which PostgreSQL cannot resolve
     * either), a string literal read as a number, boolean, date or timestamp that does not convert (i = 'a'), and an
     * interval as a value ({@link DateTimes#intervalProblem}): the first such problem, or null.
     */
    public static String problem(SqlNode validated, SqlValidator validator) {
        String[] problem = new String[1];
        validated.accept(new SqlBasicVisitor<Void>() {
            @Override
            public Void visit(SqlCall call) {
                super.visit(call);
                if (call.getKind() == SqlKind.CAST) {
                    RelDataType from = validator.getValidatedNodeTypeIfKnown(call.operand(0));
                    RelDataType to = validator.getValidatedNodeTypeIfKnown(call);
                    if (from != null && to != null && !explicit(from, to) && problem[0] == null) {
                        problem[0] = "cannot cast type " + pgName(from) + " to " + pgName(to);
                    }
                    // A string literal read as another type is read when PostgreSQL plans the statement.
                    ColumnType type = to == null ? null : CalciteTypes.columnType(to);
                    if (PgTypeCoercion.stringLiteral(call.operand(0))
                            && type != null
                            && type != ColumnType.VARCHAR
                            && problem[0] == null) {
                        problem[0] = TextInput.problem(((SqlLiteral) call.operand(0)).getValueAs(String.class), type);
                    }
                }
                if ((call.getKind() == SqlKind.SUM || call.getKind() == SqlKind.AVG)
                        && call.operandCount() == 1
                        && PgTypeCoercion.untypedLiteral(call.operand(0))
                        && problem[0] == null) {
                    problem[0] = "function " + call.getOperator().getName().toLowerCase(Locale.ROOT)
                            + "(unknown) is not unique";
                }
                boolean arithmetic = call.getKind() == SqlKind.PLUS
                        || call.getKind() == SqlKind.MINUS
                        || call.getKind() == SqlKind.TIMES
                        || call.getKind() == SqlKind.DIVIDE
                        || call.getKind() == SqlKind.MOD
                        || call.getKind() == SqlKind.MINUS_PREFIX
                        || call.getKind() == SqlKind.FLOOR
                        || call.getKind() == SqlKind.CEIL;
                if (arithmetic
                        && problem[0] == null
                        && call.getOperandList().stream().allMatch(PgTypeCoercion::untypedLiteral)) {
                    // NULL + NULL: PostgreSQL finds no one operator; floor(NULL) it reads as float8, which the engine
                    // does not.
                    problem[0] = "operator is not unique: " + call.getOperator().getName() + " of unknown";
                }
                if ((call.getKind() == SqlKind.PLUS || call.getKind() == SqlKind.MINUS)
                        && call.operandCount() == 2
                        && problem[0] == null) {
                    for (int i = 0; i < 2; i++) {
                        RelDataType t = validator.getValidatedNodeTypeIfKnown(call.operand(i));
                        if (t != null
                                && isDatetime(t.getSqlTypeName())
                                && PgTypeCoercion.unknownLiteral(call.operand(1 - i))) {
                            problem[0] = "operator is not unique: " + pgName(t) + " "
                                    + call.getOperator().getName() + " unknown";
                        }
                    }
                }
                if ((call.getKind() == SqlKind.MIN || call.getKind() == SqlKind.MAX) && call.operandCount() == 1) {
                    RelDataType arg = validator.getValidatedNodeTypeIfKnown(call.operand(0));
                    if (arg != null && arg.getSqlTypeName() == SqlTypeName.BOOLEAN && problem[0] == null) {
                        problem[0] = "function " + call.getOperator().getName().toLowerCase(Locale.ROOT)
                                + "(boolean) does not exist";
                    }
                }
                return null;
            }
        });
        return problem[0] != null ? problem[0] : DateTimes.intervalProblem(validated, validator);
    }

    /** 1 to 6 for smallint, integer, bigint, numeric, real, double precision; 0 for another type. */
    private static int numberRank(SqlTypeName t) {
        return switch (t) {
            case TINYINT, SMALLINT -> 1;
            case INTEGER -> 2;
            case BIGINT -> 3;
            case DECIMAL -> 4;
            case REAL -> 5;
            case FLOAT, DOUBLE -> 6;
            default -> 0;
        };
    }

    private static boolean isString(SqlTypeName t) {
        return t == SqlTypeName.CHAR || t == SqlTypeName.VARCHAR;
    }

    private static boolean isDatetime(SqlTypeName t) {
        return t == SqlTypeName.DATE || t == SqlTypeName.TIMESTAMP;
    }

    /** PostgreSQL's name of a Calcite type, as its messages spell it. */
    public static String pgName(RelDataType t) {
        return switch (t.getSqlTypeName()) {
            case TINYINT, SMALLINT -> "smallint";
            case INTEGER -> "integer";
            case BIGINT -> "bigint";
            case DECIMAL -> "numeric";
            case REAL -> "real";
            case FLOAT, DOUBLE -> "double precision";
            case CHAR -> "character";
            case VARCHAR -> "character varying";
            case DATE -> "date";
            case TIMESTAMP -> "timestamp without time zone";
            case BOOLEAN -> "boolean";
            default -> SqlTypeUtil.isInterval(t)
                    ? "interval"
                    : t.getSqlTypeName().getName().toLowerCase(Locale.ROOT);
        };
    }
}
