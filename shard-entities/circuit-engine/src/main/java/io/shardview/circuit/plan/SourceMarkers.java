package io.shardview.circuit.plan;

import io.shardview.circuit.error.UnsupportedSqlException;
import io.shardview.circuit.pg.DateTimes;
import io.shardview.circuit.pg.NumericTypmod;
import io.shardview.circuit.pg.PgTypeSystem;
import java.math.BigDecimal;
import java.util.List;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.sql.SqlBasicCall;
import org.apache.calcite.sql.SqlBasicTypeNameSpec;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlDataTypeSpec;
import org.apache.calcite.sql.SqlFunction;
import org.apache.calcite.sql.SqlFunctionCategory;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlNumericLiteral;
import org.apache.calcite.sql.SqlOperatorBinding;
import org.apache.calcite.sql.SqlOperatorTable;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.SqlUserDefinedTypeNameSpec;
import org.apache.calcite.sql.fun.SqlCase;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.type.OperandTypes;
import org.apache.calcite.sql.type.ReturnTypes;
import org.apache.calcite.sql.type.SqlTypeFamily;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.sql.type.SqlTypeUtil;
import org.apache.calcite.sql.util.SqlOperatorTables;
import org.apache.calcite.sql.util.SqlShuttle;

/**
 * Marks in the parsed SQL what PostgreSQL's typing needs and Calcite's plan forgets: which casts to a
 * string type or to NUMERIC were written in the query (Calcite inserts casts of its own, and folds a written
 * cast of a literal into the literal), which numeric literals keep their own scale where Calcite would cast
 * them to its DECIMAL(19,6), and which CASE expressions were COALESCE or NULLIF (PostgreSQL
 * resolves COALESCE's type from its first argument, NULLIF's from its =, CASE's from its ELSE). A marker
 * is an identity function around the marked expression (the NUMERIC cast's also carries p and s);
 * {@code io.shardview.circuit.plan} reads it.
 * The conditions of a written CASE (and of the CASE a COALESCE becomes) are marked too, so Calcite cannot
 * drop a branch whose condition it proves always true: the CASE would become its THEN value cast to
 * Calcite's type, which no longer tells the type PostgreSQL gives the CASE (a CHAR(n) THEN with a VARCHAR
 * ELSE is varchar).
 */
public final class SourceMarkers {
    /** Around a CAST written to CHAR(n) or VARCHAR: PostgreSQL's explicit cast (pads, truncates). */
    public static final SqlFunction EXPLICIT_CAST = marker("PG_EXPLICIT_CAST");
    /**
     * Around a CAST written to TEXT (to Calcite a VARCHAR, see SqlPlanner's type names): PostgreSQL's text, which
     * a CHAR(n) loses its trailing blanks to and which compares with a CHAR(n) as text, not as bpchar.
     */
    public static final SqlFunction TEXT_CAST = marker("PG_TEXT_CAST");
    /**
     * Around a CAST written to NUMERIC(p,s) or NUMERIC(p), with p and s as written (Calcite's DECIMAL holds
     * at most 19 digits): PostgreSQL rounds to s and refuses overflow. Around one to NUMERIC, with p and s 0:
     * the value keeps its scale, and the column has no typmod.
     */
    public static final SqlFunction NUMERIC_CAST = new SqlFunction(
            "PG_NUMERIC_CAST",
            SqlKind.OTHER_FUNCTION,
            ReturnTypes.ARG0,
            null,
            OperandTypes.family(SqlTypeFamily.ANY, SqlTypeFamily.INTEGER, SqlTypeFamily.INTEGER),
            SqlFunctionCategory.SYSTEM);
    /**
     * Around a numeric literal that is an argument of COALESCE, an operand of + - * /, a CASE's THEN or
     * ELSE value, a UNION branch's select item or in a VALUES row (there arithmetic of literals too, 0 + 1):
     * Calcite would give it the scale of Calcite's NUMERIC type (0 as 0.000000) and fold `n * 1.0` into n,
     * where PostgreSQL keeps the literal's own scale (COALESCE(n, 0) is 0, 2.5 * 1.0 is 2.50) and computes
     * `m + 0` (a numeric without m's typmod).
     */
    public static final SqlFunction NUMERIC_LITERAL = marker("PG_NUMERIC_LITERAL");
    /** Around a COALESCE, turned into a CASE (see {@link #asCase}). */
    public static final SqlFunction COALESCE = marker("PG_COALESCE");

    /**
     * GREATEST(a, b, ...) and LEAST: written as COALESCE's CASE over the same arguments (so they take the type
     * PostgreSQL's select_common_type gives them, in their order, as COALESCE's do), marked so the engine computes the
     * largest or smallest non-null value instead (the first of equal ones, as PostgreSQL keeps).
     */
    public static final SqlFunction GREATEST = marker("PG_GREATEST");

    public static final SqlFunction LEAST = marker("PG_LEAST");
    /** Around a NULLIF, which Calcite turns into a CASE. */
    public static final SqlFunction NULLIF = marker("PG_NULLIF");
    /**
     * NULLIF(a, b)'s first argument, written NULLIF(PG_NULLIF_VALUE(a, b), b): a as the left side of the = PostgreSQL
     * picks, which promotes an integer beside a numeric to numeric, an integer or numeric beside a float to float8
     * (NULLIF(0, n) is a numeric); otherwise a as it is.
     */
    public static final SqlFunction NULLIF_VALUE = new SqlFunction(
            "PG_NULLIF_VALUE",
            SqlKind.OTHER_FUNCTION,
            SourceMarkers::nullIfValueType,
            null,
            OperandTypes.ANY_ANY,
            SqlFunctionCategory.SYSTEM);
    /** Around each condition of a written (searched) CASE. */
    public static final SqlFunction CASE_CONDITION = marker("PG_CASE_CONDITION");
    /**
     * Around a varchar that PostgreSQL compares as bpchar (with a CHAR(n) of an outer row, in a correlated
     * subquery): the value as a bpchar keeping its own blanks, so a decorrelated subquery grouped by it keeps
     * 'a' and 'a ' in one group, as both match that CHAR(n) ({@code io.shardview.circuit.rewrite.BpcharCorrelations}).
     * Not written in SQL: the planner puts it there.
     */
    public static final SqlFunction BPCHAR = marker("PG_BPCHAR");

    /**
     * Around a WHERE or ON condition that is never TRUE (a.x < a.x, 1 = 0), so Calcite's rules do not replace the
     * relation it filters by an empty VALUES, which would lose what PostgreSQL still describes: its columns'
     * typmods (numeric(5,2), character(3)). Not written in SQL: the planner puts it there.
     */
    public static final SqlFunction NEVER_TRUE = marker("PG_NEVER_TRUE");

    /**
     * Around each {@code inner = outer} of a correlated subquery that compares one outer string with several inner
     * ones, not all of its type (a CHAR(n) or a text with a varchar): the comparison itself, but not one Calcite's
     * decorrelator reads as equality. It would put one inner value for the outer one in the other comparisons
     * ({@code u.x = t.v AND u.c = t.v} became {@code u.c = u.x}, text, where PostgreSQL compares u.c with the
     * varchar t.v as bpchar). Not written in SQL: the planner puts it there
     * ({@code io.shardview.circuit.rewrite.BpcharCorrelations}).
     */
    public static final SqlFunction CORRELATION = marker("PG_CORRELATION");

    /**
     * The argument of floor, ceil, sign and round with one argument, as PostgreSQL resolves those functions: each has
     * a numeric and a double precision form, so a numeric stays numeric (without its typmod, as a function's result
     * has none) and any other number (an integer, a real) or an untyped NULL is cast to double precision, the numeric
     * category's preferred type. Anything else has no such function (refused, as there).
     */
    public static final SqlFunction FLOAT8_OR_NUMERIC = new SqlFunction(
            "PG_FLOAT8_OR_NUMERIC",
            SqlKind.OTHER_FUNCTION,
            SourceMarkers::float8OrNumericType,
            null,
            OperandTypes.ANY,
            SqlFunctionCategory.SYSTEM);

    /**
     * The first argument of round(x, s), which PostgreSQL has for numeric only: an integer or a numeric becomes a
     * numeric; a float has no such function (refused, as there).
     */
    public static final SqlFunction NUMERIC_ARG = new SqlFunction(
            "PG_NUMERIC_ARG",
            SqlKind.OTHER_FUNCTION,
            SourceMarkers::numericArgType,
            null,
            OperandTypes.ANY,
            SqlFunctionCategory.SYSTEM);

    /** PostgreSQL's length(text): characters, an integer (Calcite's standard table has only CHAR_LENGTH). */
    public static final SqlFunction LENGTH = new SqlFunction(
            "length", // as the parser writes an unquoted name (lower case, as PostgreSQL)
            SqlKind.OTHER_FUNCTION,
            ReturnTypes.INTEGER_NULLABLE,
            null,
            OperandTypes.STRING,
            SqlFunctionCategory.USER_DEFINED_FUNCTION); // looked up by name, as a call the parser did not know

    /** lpad(text, integer [, text]), PostgreSQL's. */
    public static final SqlFunction LPAD = textFunction(
            "lpad",
            OperandTypes.or(
                    OperandTypes.family(SqlTypeFamily.CHARACTER, SqlTypeFamily.INTEGER),
                    OperandTypes.family(SqlTypeFamily.CHARACTER, SqlTypeFamily.INTEGER, SqlTypeFamily.CHARACTER)));

    /** rpad(text, integer [, text]), PostgreSQL's. */
    public static final SqlFunction RPAD = textFunction("rpad", LPAD.getOperandTypeChecker());

    /** split_part(text, text, integer), PostgreSQL's. */
    public static final SqlFunction SPLIT_PART = textFunction(
            "split_part", OperandTypes.family(SqlTypeFamily.CHARACTER, SqlTypeFamily.CHARACTER, SqlTypeFamily.INTEGER));

    /** left(text, integer), PostgreSQL's. */
    public static final SqlFunction LEFT =
            textFunction("left", OperandTypes.family(SqlTypeFamily.CHARACTER, SqlTypeFamily.INTEGER));

    /** right(text, integer), PostgreSQL's. */
    public static final SqlFunction RIGHT =
            textFunction("right", OperandTypes.family(SqlTypeFamily.CHARACTER, SqlTypeFamily.INTEGER));

    /** concat(any, ...), PostgreSQL's: its arguments' text one after another, NULLs left out; never NULL. */
    public static final SqlFunction CONCAT = new SqlFunction(
            "concat",
            SqlKind.OTHER_FUNCTION,
            ReturnTypes.explicit(SqlTypeName.VARCHAR),
            null,
            OperandTypes.variadic(org.apache.calcite.sql.type.SqlOperandCountRanges.from(1)),
            SqlFunctionCategory.USER_DEFINED_FUNCTION);

    /** concat_ws(text, any, ...), PostgreSQL's: the arguments after the first joined by it, NULLs left out. */
    public static final SqlFunction CONCAT_WS = new SqlFunction(
            "concat_ws",
            SqlKind.OTHER_FUNCTION,
            binding -> binding.getTypeFactory()
                    .createTypeWithNullability(
                            binding.getTypeFactory().createSqlType(SqlTypeName.VARCHAR),
                            binding.getOperandType(0).isNullable()), // NULL only with a NULL separator
            null,
            new org.apache.calcite.sql.type.SqlOperandTypeChecker() { // a text separator (or NULL), then anything
                @Override
                public boolean checkOperandTypes(
                        org.apache.calcite.sql.SqlCallBinding binding, boolean throwOnFailure) {
                    RelDataType separator = binding.getOperandType(0);
                    boolean text =
                            SqlTypeUtil.inCharFamily(separator) || separator.getSqlTypeName() == SqlTypeName.NULL;
                    if (!text && throwOnFailure) throw binding.newValidationSignatureError();
                    return text;
                }

                @Override
                public org.apache.calcite.sql.SqlOperandCountRange getOperandCountRange() {
                    return org.apache.calcite.sql.type.SqlOperandCountRanges.from(2);
                }

                @Override
                public String getAllowedSignatures(org.apache.calcite.sql.SqlOperator op, String name) {
                    return name + "(text, any, ...)";
                }
            },
            SqlFunctionCategory.USER_DEFINED_FUNCTION);

    /** A function of PostgreSQL's returning text, looked up by its name as the parser writes it (lower case). */
    private static SqlFunction textFunction(String name, org.apache.calcite.sql.type.SqlOperandTypeChecker operands) {
        return new SqlFunction(
                name,
                SqlKind.OTHER_FUNCTION,
                ReturnTypes.VARCHAR_NULLABLE,
                null,
                operands,
                SqlFunctionCategory.USER_DEFINED_FUNCTION);
    }

    /** The markers and PostgreSQL's functions the planner adds to Calcite's. */
    private static final SqlOperatorTable OWN = SqlOperatorTables.chain(
            DateTimes.OPERATORS,
            SqlOperatorTables.of(
                    EXPLICIT_CAST,
                    TEXT_CAST,
                    NUMERIC_CAST,
                    NUMERIC_LITERAL,
                    COALESCE,
                    GREATEST,
                    LEAST,
                    NULLIF,
                    NULLIF_VALUE,
                    CASE_CONDITION,
                    FLOAT8_OR_NUMERIC,
                    NUMERIC_ARG,
                    LENGTH,
                    LPAD,
                    RPAD,
                    SPLIT_PART,
                    LEFT,
                    RIGHT,
                    CONCAT,
                    CONCAT_WS,
                    org.apache.calcite.sql.fun.SqlLibraryOperators.ILIKE,
                    org.apache.calcite.sql.fun.SqlLibraryOperators.NOT_ILIKE),
            SqlOperatorTables.of(MathFunctions.OPERATORS));

    /** The standard operators and the markers. */
    public static final SqlOperatorTable OPERATORS =
            SqlOperatorTables.chain(IntervalAggregates.replacing(SqlStdOperatorTable.instance()), OWN);

    /**
     * The operators a plan read back from its text is made of (io.shardview.circuit.sql.PlanJson): Calcite's own SUM
     * and AVG, which every plan of a number holds (the interval-aware ones only validate; a plan holding one is not
     * kept as text, since the two share their names).
     */
    public static final SqlOperatorTable PLAN_OPERATORS = SqlOperatorTables.chain(SqlStdOperatorTable.instance(), OWN);

    /** The most digits of a number in a view or query, before and after the point: PostgreSQL's largest NUMERIC(p). */
    static final int MAX_DIGITS = NumericTypmod.MAX_PRECISION;

    private SourceMarkers() {}

    /** The type of {@link #NULLIF_VALUE}: its first operand's, promoted as PostgreSQL's = promotes it. */
    private static RelDataType nullIfValueType(SqlOperatorBinding binding) {
        RelDataType a = binding.getOperandType(0);
        RelDataType b = binding.getOperandType(1);
        if (a.getSqlTypeName() == SqlTypeName.NULL)
            return b; // NULLIF(NULL, b): PostgreSQL's = reads the NULL as b's type
        boolean exactA = SqlTypeUtil.isExactNumeric(a);
        SqlTypeName promoted = exactA && !SqlTypeUtil.isDecimal(a) && SqlTypeUtil.isDecimal(b)
                ? SqlTypeName.DECIMAL
                : exactA && SqlTypeUtil.isApproximateNumeric(b) ? SqlTypeName.DOUBLE : null;
        if (promoted == null) return a;
        RelDataTypeFactory factory = binding.getTypeFactory();
        RelDataType type = promoted == SqlTypeName.DECIMAL
                ? factory.createSqlType(
                        SqlTypeName.DECIMAL, factory.getTypeSystem().getMaxPrecision(SqlTypeName.DECIMAL), 0)
                : factory.createSqlType(promoted);
        return factory.createTypeWithNullability(type, a.isNullable());
    }

    private static RelDataType float8OrNumericType(SqlOperatorBinding binding) {
        RelDataType a = binding.getOperandType(0);
        RelDataTypeFactory factory = binding.getTypeFactory();
        if (SqlTypeUtil.isDecimal(a)) return unconstrainedNumeric(factory, a.isNullable());
        if (a.getSqlTypeName() != SqlTypeName.NULL && !SqlTypeUtil.isNumeric(a)) {
            throw new IllegalArgumentException(
                    "function " + binding.getOperator().getName() + " of " + a.getSqlTypeName() + " does not exist");
        }
        return factory.createTypeWithNullability(factory.createSqlType(SqlTypeName.DOUBLE), true);
    }

    private static RelDataType numericArgType(SqlOperatorBinding binding) {
        RelDataType a = binding.getOperandType(0);
        if (a.getSqlTypeName() != SqlTypeName.NULL && !SqlTypeUtil.isExactNumeric(a)) {
            throw new IllegalArgumentException("function round(" + a.getSqlTypeName() + ", integer) does not exist");
        }
        return unconstrainedNumeric(binding.getTypeFactory(), true);
    }

    /** PostgreSQL's numeric without a typmod, as a function returns it. */
    static RelDataType unconstrainedNumeric(RelDataTypeFactory factory, boolean nullable) {
        RelDataType numeric = factory.createSqlType(
                SqlTypeName.DECIMAL, factory.getTypeSystem().getMaxPrecision(SqlTypeName.DECIMAL), 0);
        return factory.createTypeWithNullability(numeric, nullable);
    }

    private static SqlFunction marker(String name) {
        return new SqlFunction(
                name, SqlKind.OTHER_FUNCTION, ReturnTypes.ARG0, null, OperandTypes.ANY, SqlFunctionCategory.SYSTEM);
    }

    /**
     * The query with its string and NUMERIC(p,s) casts, COALESCEs, NULLIFs, CASE conditions and numeric literals
     * marked; checkTypmods: refuse a NUMERIC(p,s) outside PostgreSQL's bounds (a view replayed or restored from
     * an engine that accepted one, p 1001 or s 1001, is planned as that engine did); pgTypes: SQL revision 3 on
     * (see {@link #asCase}).
     */
    public static SqlNode mark(SqlNode query, boolean checkTypmods, boolean pgTypes) {
        return mark(query, checkTypmods, pgTypes, false);
    }

    /**
     * As {@link #mark(SqlNode, boolean, boolean)}; clock: the tenant has a clock
     * (io.shardview.circuit.catalog.Clock), which NOW(), CURRENT_TIMESTAMP, LOCALTIMESTAMP and CURRENT_DATE read
     * (refused without one).
     */
    public static SqlNode mark(SqlNode query, boolean checkTypmods, boolean pgTypes, boolean clock) {
        return query.accept(new SqlShuttle() {
            @Override
            public SqlNode visit(SqlLiteral literal) {
                if (literal instanceof SqlNumericLiteral number) checkNumericFormat(number);
                if (literal instanceof org.apache.calcite.sql.SqlIntervalLiteral interval)
                    return DateTimes.mark(interval);
                return literal;
            }

            @Override
            public SqlNode visit(SqlNodeList list) {
                SqlNode copy = super.visit(list);
                if (copy instanceof SqlNodeList items) {
                    for (int i = 0; i < items.size(); i++) items.set(i, exactNumeric(items.get(i), checkTypmods));
                }
                return copy;
            }

            @Override
            public SqlNode visit(org.apache.calcite.sql.SqlIdentifier id) {
                // CURRENT_TIMESTAMP, CURRENT_DATE, LOCALTIME...: written without parentheses, parsed as names.
                // Only these: they are reserved words (in PostgreSQL too), never a column's name; "now" or "random"
                // may be one.
                if (id.isSimple()
                        && !id.isComponentQuoted(0)
                        && NILADIC_TIME_WORDS.contains(id.getSimple().toLowerCase(java.util.Locale.ROOT))) {
                    SqlNode time = clock ? clockRead(id.getSimple(), id.getParserPosition()) : null;
                    if (time != null) return time.accept(this);
                    refuseNonDeterministic(id.getSimple());
                }
                return id;
            }

            @Override
            public SqlNode visit(SqlCall call) {
                SqlNode series = io.shardview.circuit.pg.GenerateSeries.rewrite(call);
                if (series != null) return series.accept(this);
                if (clock && call.operandCount() == 0) {
                    SqlNode time = clockRead(call.getOperator().getName(), call.getParserPosition());
                    if (time != null) return time.accept(this);
                }
                if (clock
                        && call.operandCount() == 1
                        && call.getOperator().getName().equalsIgnoreCase("age")) {
                    // age(ts) is age(current_date at midnight, ts), as PostgreSQL defines it.
                    SqlParserPos pos = call.getParserPosition();
                    SqlNode today = DateTimes.cast(clockRead("current_date", pos), SqlTypeName.TIMESTAMP);
                    return DateTimes.AGE.createCall(pos, today, call.operand(0)).accept(this);
                }
                refuseNonDeterministic(call.getOperator().getName());
                SqlNode copy = super.visit(call);
                if (!(copy instanceof SqlCall c)) return copy;
                SqlNode dateTime = DateTimes.mark(c); // EXTRACT, date_trunc, an interval
                if (dateTime != null) return dateTime;
                // Not LIMIT / OFFSET of a SELECT or ORDER BY.
                if (c instanceof SqlBasicCall || c instanceof SqlCase) {
                    for (int i = 0; i < c.operandCount(); i++) {
                        SqlNode operand = c.operand(i);
                        if (operand != null) {
                            SqlNode exact = exactNumeric(operand, checkTypmods);
                            if (exact != operand) c.setOperand(i, exact);
                        }
                    }
                }
                // The parser may leave COALESCE and NULLIF unresolved functions of that name.
                if (c.getKind() == SqlKind.COALESCE || c.getOperator().getName().equalsIgnoreCase("COALESCE")) {
                    markLiterals(c);
                    return wrap(COALESCE, asCase(c, pgTypes));
                }
                if (c.getKind() == SqlKind.PLUS
                        || c.getKind() == SqlKind.MINUS
                        || c.getKind() == SqlKind.TIMES
                        || c.getKind() == SqlKind.DIVIDE) {
                    markLiterals(c);
                }
                SqlNode math = MathFunctions.rewrite(c);
                if (math != null) {
                    markLiterals((SqlCall) math);
                    return math;
                }
                if (c.getKind() == SqlKind.VALUES) {
                    for (SqlNode row : c.getOperandList())
                        if (row instanceof SqlCall r && r.getKind() == SqlKind.ROW) markConstants(r);
                }
                if (c.getKind() == SqlKind.UNION) {
                    for (SqlNode branch : c.getOperandList())
                        if (branch instanceof SqlSelect select) markSelectItems(select);
                }
                if ((c.getKind() == SqlKind.NULLIF || c.getOperator().getName().equalsIgnoreCase("NULLIF"))
                        && c.operandCount() == 2) {
                    SqlNode b = c.operand(1);
                    c.setOperand(
                            0,
                            NULLIF_VALUE.createCall(
                                    c.getParserPosition(), c.operand(0), b.clone(b.getParserPosition())));
                    return wrap(NULLIF, c);
                }
                String function = c.getOperator().getName().toLowerCase(java.util.Locale.ROOT);
                if (pgTypes && (function.equals("greatest") || function.equals("least")) && c.operandCount() >= 1) {
                    markLiterals(c);
                    SqlFunction marker = function.equals("greatest") ? GREATEST : LEAST;
                    if (c.operandCount() == 1) return wrap(marker, c.operand(0));
                    return wrap(marker, asCase(c, true));
                }
                if (pgTypes && isRounding(c)) {
                    SqlFunction argument = c.operandCount() == 1 ? FLOAT8_OR_NUMERIC : NUMERIC_ARG;
                    c.setOperand(0, wrap(argument, c.operand(0)));
                    return c;
                }
                if (c.getKind() == SqlKind.CAST && isStringType(c.operand(1))) return wrap(EXPLICIT_CAST, c);
                if (c.getKind() == SqlKind.CAST && isText(c.operand(1))) return wrap(TEXT_CAST, c);
                if (c.getKind() == SqlKind.CAST && isNumeric(c.operand(1))) return numericCast(c, checkTypmods);
                if (c instanceof SqlCase written) {
                    markCaseValues(written);
                    if (written.getValueOperand() == null) {
                        SqlNodeList conditions = written.getWhenOperands();
                        for (int i = 0; i < conditions.size(); i++)
                            conditions.set(i, wrap(CASE_CONDITION, conditions.get(i)));
                    }
                }
                return c;
            }
        });
    }

    /**
     * The tenant's clock read where the query names the time: {@code (SELECT MAX(now) FROM $clock)}, a timestamp, for
     * NOW(), CURRENT_TIMESTAMP and LOCALTIMESTAMP (the engine has no time zones: a timestamp in UTC), cast to a date for
     * CURRENT_DATE; null for another name. A scalar subquery of one aggregate: a comparison with it is maintained as a
     * range semi-join, which re-judges only the rows between the clock's old and new values at each tick.
     */
    private static SqlNode clockRead(String name, SqlParserPos pos) {
        String word = name.toLowerCase(java.util.Locale.ROOT);
        boolean date = word.equals("current_date");
        if (!date && !word.equals("now") && !word.equals("current_timestamp") && !word.equals("localtimestamp")) {
            return null;
        }
        SqlNode max = SqlStdOperatorTable.MAX.createCall(
                pos, new org.apache.calcite.sql.SqlIdentifier(io.shardview.circuit.catalog.Clock.COLUMN, pos));
        SqlNode read = SqlSelects.of(
                pos,
                SqlNodeList.of(max),
                new org.apache.calcite.sql.SqlIdentifier(io.shardview.circuit.catalog.Clock.TABLE, pos));
        if (!date) return read;
        return DateTimes.cast(read, org.apache.calcite.sql.type.SqlTypeName.DATE);
    }

    /** The time functions SQL writes without parentheses. */
    private static final java.util.Set<String> NILADIC_TIME_WORDS =
            java.util.Set.of("current_timestamp", "current_date", "current_time", "localtime", "localtimestamp");

    /** Functions whose value depends on when or by chance, not on the rows: a view cannot be maintained over them. */
    private static final java.util.Set<String> NON_DETERMINISTIC = java.util.Set.of(
            "now",
            "current_timestamp",
            "current_date",
            "current_time",
            "localtime",
            "localtimestamp",
            "clock_timestamp",
            "statement_timestamp",
            "transaction_timestamp",
            "timeofday",
            "random",
            "rand",
            "rand_integer",
            "gen_random_uuid",
            "uuid_generate_v4");

    /**
     * A view is maintained from its tables' changes, so each row it holds must follow from those rows alone: now(),
     * random() and their kin would give each row the time or chance of the batch that computed it, and recomputing
     * the view from scratch would differ. Refused at CREATE, naming the function.
     */
    private static void refuseNonDeterministic(String function) {
        String name = function.toLowerCase(java.util.Locale.ROOT);
        if (NON_DETERMINISTIC.contains(name)) {
            throw new UnsupportedSqlException(
                    "non-deterministic function " + name + "(): a view's rows must follow from"
                            + " its tables' rows alone (each row would keep the time or chance of the batch that computed it)");
        }
    }

    /** floor(x), ceil(x), sign(x), round(x) or round(x, s): see {@link #FLOAT8_OR_NUMERIC}, {@link #NUMERIC_ARG}. */
    private static boolean isRounding(SqlCall c) {
        String name = c.getOperator().getName().toUpperCase(java.util.Locale.ROOT);
        if (c.operandCount() == 1) {
            return c.getKind() == SqlKind.FLOOR
                    || c.getKind() == SqlKind.CEIL
                    || name.equals("SIGN")
                    || name.equals("ROUND");
        }
        return c.operandCount() == 2 && name.equals("ROUND");
    }

    /**
     * A number written with an exponent is numeric in PostgreSQL (1.50e0 is 1.50, 1e2 is 100, not the integer
     * 100), where Calcite reads a DOUBLE: it becomes CAST(exact literal AS NUMERIC), marked as a written one,
     * with the scale PostgreSQL reads (0 or more), of up to {@link #MAX_DIGITS} digits written out.
     * A CAST of it to a float type is then PostgreSQL's numeric to float8 or float4, which fails beyond their
     * range (1e400). Other nodes are returned as they are.
     */
    private static SqlNode exactNumeric(SqlNode node, boolean checkTypmods) {
        if (!(node instanceof SqlNumericLiteral number) || number.isExact()) return node;
        BigDecimal value = number.bigDecimalValue();
        if (value == null) return node;
        SqlParserPos pos = number.getParserPosition();
        SqlNode exact = SqlLiteral.createExactNumeric(
                value.setScale(Math.max(value.scale(), 0)).toPlainString(), pos);
        SqlDataTypeSpec numeric = new SqlDataTypeSpec(new SqlBasicTypeNameSpec(SqlTypeName.DECIMAL, pos), pos);
        return numericCast((SqlCall) SqlStdOperatorTable.CAST.createCall(pos, exact, numeric), checkTypmods);
    }

    /**
     * Refuses a number PostgreSQL's numeric cannot hold, more than 131072 digits before the point or 16383
     * after it (1e131072, 1e-16384), with its message (its parser reads every number as one), and one of more
     * than {@link #MAX_DIGITS} digits written out, which PostgreSQL would read: Calcite's validation, and the
     * engine's hashing of a value, strip its trailing zeros one division at a time (seconds for 1e131071).
     */
    private static void checkNumericFormat(SqlNumericLiteral number) {
        BigDecimal value = number.bigDecimalValue();
        if (value == null) return;
        long integerDigits = value.signum() == 0 ? 0 : Math.max((long) value.precision() - value.scale(), 0);
        long scale = Math.max(value.scale(), 0);
        if (integerDigits > PgTypeSystem.NUMERIC_INTEGER_DIGITS || scale > PgTypeSystem.NUMERIC_SCALE) {
            throw new IllegalArgumentException("value overflows numeric format");
        }
        if (integerDigits + scale > MAX_DIGITS) {
            throw new UnsupportedSqlException("a number of more than " + MAX_DIGITS + " digits");
        }
    }

    /**
     * COALESCE(a, b, c) as CASE WHEN a IS NOT NULL THEN a WHEN b IS NOT NULL THEN b ELSE c END, as Calcite
     * would turn it, but with its conditions marked: Calcite would reduce COALESCE(a, b) of a NOT NULL a to a,
     * which no longer tells PostgreSQL's type (the typmod of a CHAR(3) a is lost beside a literal b).
     * pgTypes: each condition tests a copy of its value, so a NULL value is not typed as the varchar Calcite infers
     * for the operand of IS NOT NULL (COALESCE(NULL, 1) was text; in PostgreSQL an integer).
     */
    private static SqlNode asCase(SqlCall coalesce, boolean pgTypes) {
        List<SqlNode> args = coalesce.getOperandList();
        if (args.size() < 2) return coalesce;
        SqlNodeList conditions = new SqlNodeList(SqlParserPos.ZERO);
        SqlNodeList values = new SqlNodeList(SqlParserPos.ZERO);
        for (SqlNode arg : args.subList(0, args.size() - 1)) {
            SqlNode tested = pgTypes ? arg.clone(arg.getParserPosition()) : arg;
            conditions.add(wrap(CASE_CONDITION, SqlStdOperatorTable.IS_NOT_NULL.createCall(SqlParserPos.ZERO, tested)));
            values.add(arg);
        }
        return new SqlCase(SqlParserPos.ZERO, null, conditions, values, args.get(args.size() - 1));
    }

    /**
     * Marks the call's exact numeric literal operands (signed or not), and casts of one (CAST(1 AS SMALLINT), which
     * Calcite would fold into a literal and then drop from n / 1, where PostgreSQL computes n / 1::int2).
     */
    private static void markLiterals(SqlCall call) {
        for (int i = 0; i < call.operandCount(); i++) {
            SqlNode operand = call.operand(i);
            boolean literalCast = operand instanceof SqlCall cast
                    && cast.getKind() == SqlKind.CAST
                    && isExactLiteral(cast.operand(0));
            if (isExactLiteral(operand) || literalCast) call.setOperand(i, wrap(NUMERIC_LITERAL, operand));
        }
    }

    /**
     * Marks the numeric constants among a CASE's THEN and ELSE values: PostgreSQL converts an integer or
     * decimal literal there (or arithmetic of literals, THEN 0 + 1) to the CASE's numeric type keeping its
     * own scale (THEN 0 beside a NUMERIC is 0), where Calcite folds its cast into a literal of its scale.
     */
    private static void markCaseValues(SqlCase written) {
        SqlNodeList values = written.getThenOperands();
        for (int i = 0; i < values.size(); i++) {
            if (isExactConstant(values.get(i))) values.set(i, wrap(NUMERIC_LITERAL, values.get(i)));
        }
        SqlNode otherwise = written.getElseOperand();
        if (isExactConstant(otherwise)) written.setOperand(3, wrap(NUMERIC_LITERAL, otherwise));
    }

    /**
     * Marks the numeric constants among the items of a UNION's branch: PostgreSQL converts each to the
     * column's numeric type keeping its own scale (SELECT 0 ... UNION ALL SELECT n is 0), where Calcite
     * folds its cast into a literal of its scale. An item `0 AS x` keeps its name.
     */
    private static void markSelectItems(SqlSelect select) {
        SqlNodeList items = select.getSelectList();
        for (int i = 0; i < items.size(); i++) {
            SqlNode item = items.get(i);
            if (item instanceof SqlCall as && as.getKind() == SqlKind.AS && isExactConstant(as.operand(0))) {
                as.setOperand(0, wrap(NUMERIC_LITERAL, as.operand(0)));
            } else if (isExactConstant(item)) {
                items.set(i, wrap(NUMERIC_LITERAL, item));
            }
        }
    }

    /**
     * Marks the numeric constants of a VALUES row: PostgreSQL resolves a VALUES column as a UNION's, each
     * literal keeping its own scale (VALUES (1.0), (2.00), (3) is 1.0, 2.00 and 3).
     */
    private static void markConstants(SqlCall row) {
        for (int i = 0; i < row.operandCount(); i++) {
            if (isExactConstant(row.operand(i))) row.setOperand(i, wrap(NUMERIC_LITERAL, row.operand(i)));
        }
    }

    /** Whether a node is an exact numeric literal or arithmetic of such literals only (marked ones too). */
    private static boolean isExactConstant(SqlNode node) {
        if (isExactLiteral(node)) return true;
        if (!(node instanceof SqlCall call)) return false;
        boolean arithmetic = call.getOperator() == NUMERIC_LITERAL
                || call.getKind() == SqlKind.PLUS
                || call.getKind() == SqlKind.MINUS
                || call.getKind() == SqlKind.TIMES
                || call.getKind() == SqlKind.DIVIDE
                || call.getKind() == SqlKind.MINUS_PREFIX
                || call.getKind() == SqlKind.PLUS_PREFIX;
        return arithmetic && call.getOperandList().stream().allMatch(SourceMarkers::isExactConstant);
    }

    /** Whether a node is an exact numeric literal, signed or not. */
    private static boolean isExactLiteral(SqlNode node) {
        SqlNode literal = node;
        if (literal instanceof SqlCall sign
                && (sign.getKind() == SqlKind.MINUS_PREFIX || sign.getKind() == SqlKind.PLUS_PREFIX)) {
            literal = sign.operand(0);
        }
        return literal instanceof SqlNumericLiteral number && number.isExact();
    }

    /** PostgreSQL's bounds of NUMERIC(p,s), with its messages (Calcite's DECIMAL has narrower ones). */
    private static void checkTypmod(int precision, int scale) {
        if (precision < 1 || precision > NumericTypmod.MAX_PRECISION) {
            throw new IllegalArgumentException(
                    "NUMERIC precision " + precision + " must be between 1 and " + NumericTypmod.MAX_PRECISION);
        }
        if (scale < -NumericTypmod.MAX_SCALE || scale > NumericTypmod.MAX_SCALE) {
            throw new IllegalArgumentException("NUMERIC scale " + scale + " must be between -" + NumericTypmod.MAX_SCALE
                    + " and " + NumericTypmod.MAX_SCALE);
        }
    }

    private static SqlNode wrap(SqlFunction marker, SqlNode node) {
        return new SqlBasicCall(marker, List.of(node), SqlParserPos.ZERO);
    }

    private static boolean isNumeric(SqlNode node) {
        return typeName(node) == SqlTypeName.DECIMAL;
    }

    /**
     * A written CAST to NUMERIC, marked with the precision and scale written (0 and 0 for an unconstrained
     * NUMERIC, whose cast keeps the value's scale: CAST(1.5 AS NUMERIC) is 1.5, where Calcite would fold
     * it into a literal of its DECIMAL(19,0), 1; so a literal operand is marked too).
     */
    private static SqlNode numericCast(SqlCall cast, boolean checkTypmod) {
        SqlBasicTypeNameSpec typmod = (SqlBasicTypeNameSpec) ((SqlDataTypeSpec) cast.operand(1)).getTypeNameSpec();
        boolean unconstrained = typmod.getPrecision() == RelDataType.PRECISION_NOT_SPECIFIED;
        int precision = unconstrained ? 0 : typmod.getPrecision();
        // NUMERIC(p) has scale 0, as in PostgreSQL; a negative scale rounds to tens, hundreds, ...
        int scale = unconstrained || typmod.getScale() == RelDataType.SCALE_NOT_SPECIFIED ? 0 : typmod.getScale();
        if (unconstrained) {
            if (isExactConstant(cast.operand(0)) || cast.operand(0) instanceof SqlNumericLiteral) {
                cast.setOperand(0, wrap(NUMERIC_LITERAL, cast.operand(0)));
            }
        } else if (checkTypmod) {
            checkTypmod(typmod.getPrecision(), scale);
        }
        return new SqlBasicCall(
                NUMERIC_CAST,
                List.of(
                        cast,
                        SqlLiteral.createExactNumeric(Integer.toString(precision), SqlParserPos.ZERO),
                        SqlLiteral.createExactNumeric(Integer.toString(scale), SqlParserPos.ZERO)),
                SqlParserPos.ZERO);
    }

    private static boolean isStringType(SqlNode node) {
        SqlTypeName name = typeName(node);
        return name == SqlTypeName.CHAR || name == SqlTypeName.VARCHAR;
    }

    /** Whether a CAST's target is TEXT, a type name Calcite knows only from the catalog. */
    private static boolean isText(SqlNode node) {
        return node instanceof SqlDataTypeSpec spec
                && spec.getTypeNameSpec() instanceof SqlUserDefinedTypeNameSpec named
                && named.getTypeName().isSimple()
                && named.getTypeName().getSimple().equalsIgnoreCase("text");
    }

    /** The type a CAST's target spells (NUMERIC is DECIMAL), or null for another node or a type it does not name. */
    private static SqlTypeName typeName(SqlNode node) {
        if (!(node instanceof SqlDataTypeSpec spec)
                || !(spec.getTypeNameSpec() instanceof SqlBasicTypeNameSpec basic)) {
            return null;
        }
        return SqlTypeName.get(basic.getTypeName().getSimple());
    }
}
