package io.shardview.circuit.pg;

import io.shardview.circuit.error.UnsupportedSqlException;
import io.shardview.circuit.pg.DateFields.Field;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import org.apache.calcite.avatica.util.TimeUnit;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.sql.SqlBasicTypeNameSpec;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlCallBinding;
import org.apache.calcite.sql.SqlDataTypeSpec;
import org.apache.calcite.sql.SqlFunction;
import org.apache.calcite.sql.SqlFunctionCategory;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlIntervalLiteral;
import org.apache.calcite.sql.SqlIntervalQualifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.SqlOperatorBinding;
import org.apache.calcite.sql.SqlOperatorTable;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.parser.SqlParserUtil;
import org.apache.calcite.sql.type.OperandTypes;
import org.apache.calcite.sql.type.SqlReturnTypeInference;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.sql.type.SqlTypeUtil;
import org.apache.calcite.sql.util.SqlBasicVisitor;
import org.apache.calcite.sql.util.SqlOperatorTables;
import org.apache.calcite.sql.validate.SqlValidator;

/**
 * PostgreSQL's date and time functions and operators, as the engine plans and computes them:
 * <ul>
 *   <li>{@code EXTRACT(field FROM x)}: a numeric, of a date or a timestamp (a field below a day refused for a date,
 *       as PostgreSQL refuses it); {@code date_part('field', x)}: a double precision, a date read as its timestamp;
 *       {@code date_trunc('unit', ts)}: a timestamp. A field or unit is a literal, known when the view is created.
 *       {@code date_trunc} of a date is refused: PostgreSQL resolves it as date_trunc of a timestamp with time zone,
 *       a type the engine does not have.
 *   <li>{@code date + integer}, {@code integer + date}, {@code date - integer}: a date; {@code date - date}: an integer
 *       of days. Marked while the operator's operands are typed ({@link #arithmetic}): the integer becomes
 *       {@link #DAYS}, each date of a difference {@link #EPOCH_DAY}.
 *   <li>a date or timestamp plus or minus an interval: a timestamp (a date is its midnight's timestamp,
 *       as PostgreSQL's date + interval). An interval is written {@code INTERVAL '1 day'} (PostgreSQL's syntax,
 *       which Calcite's parser lacks: io.shardview.circuit.sql.IntervalLiterals rewrites it to a call it parses), {@code INTERVAL '1' DAY}
 *       (the standard's, which both have) or, beside a timestamp, as a string literal ({@code ts + '1 day'}); each
 *       becomes {@link #INTERVAL} holding PostgreSQL's months, days and microseconds ({@link PgInterval}).
 *   <li>{@code ts - ts} (a date read as its midnight): an interval ({@link #TIMESTAMP_MI}); interval arithmetic,
 *       comparisons, {@code EXTRACT} of an interval, {@code justify_*} and {@code age}, computed by {@link Intervals}.
 *       An interval where the engine has no operation for it is refused when the view is created
 *       ({@link #intervalProblem}).
 * </ul>
 */
public final class DateTimes {
    private DateTimes() {}

    /** EXTRACT(field FROM x), written PG_EXTRACT('field', x) by {@link #mark}: PostgreSQL 14's numeric result. */
    public static final SqlFunction EXTRACT =
            function("PG_EXTRACT", SqlFunctionCategory.SYSTEM, b -> fieldType(b, "pg_catalog.extract"));

    /** date_part('field', x): double precision. */
    public static final SqlFunction DATE_PART =
            function("date_part", SqlFunctionCategory.USER_DEFINED_FUNCTION, b -> fieldType(b, "date_part"));

    /** date_trunc('unit', ts): a timestamp. */
    public static final SqlFunction DATE_TRUNC =
            function("date_trunc", SqlFunctionCategory.USER_DEFINED_FUNCTION, DateTimes::dateTruncType);

    /**
     * date_bin(stride, x, origin): the start of the bin of width stride, counted from origin, that holds x (a date or
     * timestamp), as a timestamp. The stride is an interval constant of days and time, without months.
     */
    public static final SqlFunction DATE_BIN =
            function("date_bin", SqlFunctionCategory.USER_DEFINED_FUNCTION, DateTimes::dateBinType);

    /** An interval constant, PG_INTERVAL(months, days, microseconds) of integer literals, or PG_INTERVAL(NULL). */
    public static final SqlFunction INTERVAL = function("PG_INTERVAL", SqlFunctionCategory.SYSTEM, b -> {
        boolean isNull = b.getOperandCount() != 3;
        if (isNull && (b.getOperandCount() != 1 || !b.isOperandNull(0, false))) {
            throw new UnsupportedSqlException("PG_INTERVAL of " + b.getOperandCount() + " arguments");
        }
        if (!isNull) require(b, SqlTypeName.INTEGER, SqlTypeName.BIGINT, SqlTypeName.DECIMAL);
        return intervalType(b.getTypeFactory(), isNull);
    });

    /** A number of days as an interval: the integer of date + integer and date - integer. */
    public static final SqlFunction DAYS = function("PG_DAYS", SqlFunctionCategory.SYSTEM, b -> {
        require(b, SqlTypeName.SMALLINT, SqlTypeName.INTEGER);
        return intervalType(b.getTypeFactory(), b.getOperandType(0).isNullable());
    });

    /** A date's day number: each side of date - date, whose difference PostgreSQL's is. */
    public static final SqlFunction EPOCH_DAY = function("PG_EPOCH_DAY", SqlFunctionCategory.SYSTEM, b -> {
        require(b, SqlTypeName.DATE, SqlTypeName.NULL);
        RelDataTypeFactory f = b.getTypeFactory();
        return f.createTypeWithNullability(
                f.createSqlType(SqlTypeName.INTEGER), b.getOperandType(0).isNullable());
    });

    /** timestamp - timestamp, an interval: a - b written PG_TIMESTAMP_MI(a, b) - INTERVAL '0' by {@link #arithmetic}. */
    public static final SqlFunction TIMESTAMP_MI = function("PG_TIMESTAMP_MI", SqlFunctionCategory.SYSTEM, b -> {
        require(b, SqlTypeName.TIMESTAMP);
        return intervalType(
                b.getTypeFactory(),
                b.getOperandType(0).isNullable() || b.getOperandType(1).isNullable());
    });

    /** justify_days(interval), justify_hours(interval), justify_interval(interval): an interval. */
    public static final SqlFunction JUSTIFY_DAYS =
            function("justify_days", SqlFunctionCategory.USER_DEFINED_FUNCTION, b -> justifyType(b, "justify_days"));

    public static final SqlFunction JUSTIFY_HOURS =
            function("justify_hours", SqlFunctionCategory.USER_DEFINED_FUNCTION, b -> justifyType(b, "justify_hours"));

    public static final SqlFunction JUSTIFY_INTERVAL = function(
            "justify_interval", SqlFunctionCategory.USER_DEFINED_FUNCTION, b -> justifyType(b, "justify_interval"));

    /** age(timestamp, timestamp): the difference in years, months and days by the calendar, an interval. */
    public static final SqlFunction AGE = function("age", SqlFunctionCategory.USER_DEFINED_FUNCTION, b -> {
        if (b.getOperandCount() != 2) {
            throw new UnsupportedSqlException("age of " + b.getOperandCount() + " arguments: the engine has"
                    + " age(timestamp, timestamp); age(ts) is age(CAST(CURRENT_DATE AS TIMESTAMP), ts)");
        }
        for (int i = 0; i < 2; i++) {
            if (b.getOperandType(i).getSqlTypeName() != SqlTypeName.TIMESTAMP) {
                throw new IllegalArgumentException("function age(" + PgCasts.pgName(b.getOperandType(0)) + ", "
                        + PgCasts.pgName(b.getOperandType(1)) + ") does not exist");
            }
        }
        return intervalType(
                b.getTypeFactory(),
                b.getOperandType(0).isNullable() || b.getOperandType(1).isNullable());
    });

    private static RelDataType justifyType(SqlOperatorBinding b, String name) {
        if (b.getOperandCount() != 1 || !SqlTypeUtil.isInterval(b.getOperandType(0))) {
            String types = b.getOperandCount() == 1 ? PgCasts.pgName(b.getOperandType(0)) : "...";
            throw new IllegalArgumentException("function " + name + "(" + types + ") does not exist");
        }
        return intervalType(b.getTypeFactory(), b.getOperandType(0).isNullable());
    }

    /** Refuses a call of one of the markers below written otherwise than the planner writes it (PG_DAYS('a')). */
    private static void require(SqlOperatorBinding b, SqlTypeName... types) {
        for (int i = 0; i < b.getOperandCount(); i++) {
            if (!List.of(types).contains(b.getOperandType(i).getSqlTypeName())) {
                throw new UnsupportedSqlException(b.getOperator().getName() + " of " + b.getOperandType(i));
            }
        }
    }

    /** The functions above, for the validator's operator table. */
    public static final SqlOperatorTable OPERATORS = SqlOperatorTables.of(
            EXTRACT,
            DATE_PART,
            DATE_TRUNC,
            DATE_BIN,
            INTERVAL,
            DAYS,
            EPOCH_DAY,
            TIMESTAMP_MI,
            JUSTIFY_DAYS,
            JUSTIFY_HOURS,
            JUSTIFY_INTERVAL,
            AGE);

    private static SqlFunction function(String name, SqlFunctionCategory category, SqlReturnTypeInference type) {
        return new SqlFunction(name, SqlKind.OTHER_FUNCTION, type, null, OperandTypes.VARIADIC, category);
    }

    /** The name of the call {@code INTERVAL 'text'} is written as before parsing (io.shardview.circuit.sql.IntervalLiterals). */
    public static final String INTERVAL_TEXT = "pg_interval";

    /** The words that end the standard's interval literal ({@code INTERVAL '1' DAY}) in PostgreSQL's grammar. */
    public static final List<String> QUALIFIERS = List.of("year", "month", "day", "hour", "minute", "second");

    /**
     * Called for each call of the parsed query, its operands done: EXTRACT as {@link #EXTRACT} with the field's name,
     * date_trunc as {@link #DATE_TRUNC}, {@code pg_interval('text')} and a negated interval constant as
     * {@link #INTERVAL}; null for any other call.
     */
    public static SqlNode mark(SqlCall c) {
        SqlParserPos pos = c.getParserPosition();
        String name = c.getOperator().getName();
        if (c.getKind() == SqlKind.EXTRACT && c.operandCount() == 2) {
            return EXTRACT.createCall(pos, SqlLiteral.createCharString(fieldName(c.operand(0)), pos), c.operand(1));
        }
        if (name.equalsIgnoreCase("date_trunc")) return DATE_TRUNC.createCall(pos, c.getOperandList());
        if (name.equalsIgnoreCase("date_bin") && c.operandCount() == 3) {
            // PostgreSQL reads a string literal as the interval, and as the timestamp of the origin.
            SqlNode stride = c.operand(0);
            if (stride instanceof SqlLiteral text
                    && text.getTypeName().getFamily() == org.apache.calcite.sql.type.SqlTypeFamily.CHARACTER) {
                stride = constant(PgInterval.parse(text.getValueAs(String.class)), pos);
            }
            SqlNode origin = c.operand(2);
            if (origin instanceof SqlLiteral text
                    && text.getTypeName().getFamily() == org.apache.calcite.sql.type.SqlTypeFamily.CHARACTER) {
                origin = cast(origin, SqlTypeName.TIMESTAMP);
            }
            return DATE_BIN.createCall(pos, stride, c.operand(1), origin);
        }
        if (name.equalsIgnoreCase(INTERVAL_TEXT)
                && c.operandCount() == 1
                && c.operand(0) instanceof SqlLiteral text
                && text.getTypeName().getFamily() == org.apache.calcite.sql.type.SqlTypeFamily.CHARACTER) {
            return constant(PgInterval.parse(text.getValueAs(String.class)), pos);
        }
        if (c.getKind() == SqlKind.MINUS_PREFIX && c.operand(0) instanceof SqlCall i && valueOf(i) != null) {
            return constant(valueOf(i).negate(), pos);
        }
        return null;
    }

    /** The name of EXTRACT's field as the parser gave it: a keyword as a time unit, another word as a name. */
    private static String fieldName(SqlNode field) {
        String name;
        if (field instanceof SqlIntervalQualifier q) {
            name = q.timeFrameName != null ? q.timeFrameName : q.getStartUnit().name();
        } else if (field instanceof SqlIdentifier id && id.isSimple()) {
            name = id.getSimple();
        } else {
            throw new UnsupportedSqlException("EXTRACT of the field " + field);
        }
        return name.toLowerCase(Locale.ROOT);
    }

    /**
     * The standard's interval literal ({@code INTERVAL '1' DAY}, {@code INTERVAL '1-2' YEAR TO MONTH}) as
     * {@link #INTERVAL}: one field read as PostgreSQL reads that number of it, without the fields below it
     * ({@code '1.5' DAY} is a day, {@code '90' MINUTE} an hour and a half), a range of fields as Calcite reads them
     * (years and months as months, days to seconds in milliseconds).
     */
    public static SqlNode mark(SqlIntervalLiteral literal) {
        SqlIntervalLiteral.IntervalValue value = literal.getValueAs(SqlIntervalLiteral.IntervalValue.class);
        SqlIntervalQualifier qualifier = value.getIntervalQualifier();
        SqlParserPos pos = literal.getParserPosition();
        PgInterval interval;
        if (qualifier.getStartUnit() == qualifier.getEndUnit() || qualifier.getEndUnit() == null) {
            String unit = qualifier.getStartUnit().name().toLowerCase(Locale.ROOT);
            if (!QUALIFIERS.contains(unit))
                throw new UnsupportedSqlException("INTERVAL ... " + unit.toUpperCase(Locale.ROOT));
            interval = PgInterval.parse(value.getIntervalLiteral() + " " + unit).truncatedTo(DateFields.unit(unit));
        } else if (qualifier.isYearMonth()) {
            long months = SqlParserUtil.intervalToMonths(value.getIntervalLiteral(), qualifier);
            interval = new PgInterval(Math.toIntExact(months), 0, 0);
        } else {
            interval =
                    new PgInterval(0, 0, SqlParserUtil.intervalToMillis(value.getIntervalLiteral(), qualifier) * 1000);
        }
        return constant(value.getSign() < 0 ? interval.negate() : interval, pos);
    }

    private static SqlNode constant(PgInterval interval, SqlParserPos pos) {
        return INTERVAL.createCall(
                pos,
                SqlLiteral.createExactNumeric(Integer.toString(interval.months()), pos),
                SqlLiteral.createExactNumeric(Integer.toString(interval.days()), pos),
                SqlLiteral.createExactNumeric(Long.toString(interval.micros()), pos));
    }

    /** The interval a call of {@link #INTERVAL} over three literals holds, or null for another node. */
    static PgInterval valueOf(SqlCall c) {
        if (c.getOperator() != INTERVAL || c.operandCount() != 3) return null;
        long[] parts = new long[3];
        for (int i = 0; i < 3; i++) {
            if (!(c.operand(i) instanceof SqlLiteral l) || l.getValueAs(BigDecimal.class) == null) return null;
            parts[i] = l.getValueAs(BigDecimal.class).longValueExact();
        }
        return new PgInterval((int) parts[0], (int) parts[1], parts[2]);
    }

    /**
     * PostgreSQL's + and - of dates, timestamps and intervals, as the validator types the operator's operands
     * (revision 3 on; before it, as Calcite): the operands rewritten so Calcite's own + and - type them as
     * PostgreSQL does (see the class comment), or {@code timestamp - timestamp} (of dates and timestamps, or with
     * an untyped literal) refused as the interval it is. Whether the call was rewritten.
     */
    static boolean arithmetic(SqlCallBinding binding) {
        SqlCall call = binding.getCall();
        boolean minus = call.getKind() == SqlKind.MINUS;
        if ((!minus && call.getKind() != SqlKind.PLUS) || call.operandCount() != 2) return false;
        SqlTypeName a = binding.getOperandType(0).getSqlTypeName();
        SqlTypeName b = binding.getOperandType(1).getSqlTypeName();
        boolean untypedB = PgTypeCoercion.untypedLiteral(call.operand(1));
        if (minus && a == SqlTypeName.DATE && (b == SqlTypeName.DATE || untypedB)) { // date - date: days
            if (PgTypeCoercion.stringLiteral(call.operand(1)))
                replace(binding, 1, cast(call.operand(1), SqlTypeName.DATE)); // read as a date, as PostgreSQL does
            replace(binding, 0, EPOCH_DAY.createCall(SqlParserPos.ZERO, (SqlNode) call.operand(0)));
            replace(binding, 1, EPOCH_DAY.createCall(SqlParserPos.ZERO, (SqlNode) call.operand(1)));
            return true;
        }
        if (minus && isDatetime(a) && (isDatetime(b) || untypedB)) { // timestamp - timestamp: an interval
            SqlNode left = asTimestamp(call.operand(0), a);
            SqlNode right = untypedB ? cast(call.operand(1), SqlTypeName.TIMESTAMP) : asTimestamp(call.operand(1), b);
            replace(binding, 0, TIMESTAMP_MI.createCall(SqlParserPos.ZERO, left, right));
            replace(binding, 1, constant(new PgInterval(0, 0, 0), SqlParserPos.ZERO));
            return true;
        }
        for (int i = 0; i < 2; i++) {
            SqlTypeName other = i == 0 ? b : a;
            boolean integer = other == SqlTypeName.SMALLINT || other == SqlTypeName.INTEGER;
            if ((i == 0 ? a : b) == SqlTypeName.DATE && integer && !(minus && i == 1)) { // date + integer: a date
                replace(binding, 1 - i, DAYS.createCall(SqlParserPos.ZERO, (SqlNode) call.operand(1 - i)));
                return true;
            }
        }
        if (!minus && a == SqlTypeName.TIMESTAMP && untypedB) { // timestamp + unknown: + interval
            SqlNode literal = call.operand(1);
            replace(
                    binding,
                    1,
                    PgTypeCoercion.stringLiteral(literal)
                            ? constant(
                                    PgInterval.parse(((SqlLiteral) literal).getValueAs(String.class)),
                                    SqlParserPos.ZERO)
                            : INTERVAL.createCall(SqlParserPos.ZERO, literal));
            return true;
        }
        for (int i = 0; i < 2; i++) { // date ± interval: its midnight's timestamp ± the interval
            SqlTypeName type = i == 0 ? a : b;
            SqlNode other = call.operand(1 - i);
            if (type == SqlTypeName.DATE
                    && !(minus && i == 1)
                    && SqlTypeUtil.isInterval(binding.getOperandType(1 - i))
                    && !(other instanceof SqlCall days && days.getOperator() == DAYS)) {
                replace(binding, i, cast(call.operand(i), SqlTypeName.TIMESTAMP));
                return true;
            }
        }
        return false;
    }

    /** CAST(node AS type), as the engine writes one into a query before validation. */
    public static SqlNode cast(SqlNode node, SqlTypeName type) {
        SqlDataTypeSpec spec =
                new SqlDataTypeSpec(new SqlBasicTypeNameSpec(type, SqlParserPos.ZERO), SqlParserPos.ZERO);
        return SqlStdOperatorTable.CAST.createCall(SqlParserPos.ZERO, node, spec);
    }

    /** A date as its midnight's timestamp (PostgreSQL's date - timestamp reads it so); a timestamp as it is. */
    private static SqlNode asTimestamp(SqlNode node, SqlTypeName type) {
        return type == SqlTypeName.DATE ? cast(node, SqlTypeName.TIMESTAMP) : node;
    }

    /** Puts a new operand in the call and types it. */
    private static void replace(SqlCallBinding binding, int i, SqlNode operand) {
        binding.getCall().setOperand(i, operand);
        binding.getValidator().deriveType(binding.getScope(), operand);
    }

    private static boolean isDatetime(SqlTypeName t) {
        return t == SqlTypeName.DATE || t == SqlTypeName.TIMESTAMP;
    }

    /**
     * An interval where the engine has no operation for it, or null. Intervals are values: of select lists, GROUP BY,
     * window ORDER BY and frame offsets, compared, added, subtracted, negated, multiplied and divided by numbers, added
     * to dates and timestamps, of CASE, COALESCE and NULLIF, MIN and MAX, EXTRACT, date_part, date_bin's stride, the
     * justify functions, SUM and AVG, and a cast to text. Anything else of an interval (IN, another function) is
     * refused.
     */
    static String intervalProblem(SqlNode validated, SqlValidator validator) {
        String[] problem = new String[1];
        validated.accept(new SqlBasicVisitor<Void>() {
            @Override
            public Void visit(SqlCall call) {
                if (problem[0] == null && !takesIntervals(call, validator)) {
                    for (SqlNode operand : call.getOperandList()) {
                        if (operand instanceof SqlNodeList list) list.forEach(n -> check(call, n));
                        else check(call, operand);
                    }
                }
                return super.visit(call);
            }

            private void check(SqlCall call, SqlNode node) {
                RelDataType type = node == null ? null : validator.getValidatedNodeTypeIfKnown(node);
                if (problem[0] == null && type != null && SqlTypeUtil.isInterval(type)) {
                    problem[0] =
                            "an interval as an operand of " + call.getOperator().getName() + ": the engine"
                                    + " compares, adds, subtracts, scales, shows and extracts fields of intervals, and takes"
                                    + " MIN and MAX of them; SUM, AVG and other functions of an interval are not there yet";
                }
            }
        });
        return problem[0];
    }

    private static final java.util.Set<SqlKind> TAKE_INTERVALS = java.util.EnumSet.of(
            SqlKind.SELECT,
            SqlKind.AS,
            SqlKind.PLUS,
            SqlKind.MINUS,
            SqlKind.TIMES,
            SqlKind.DIVIDE,
            SqlKind.MINUS_PREFIX,
            SqlKind.PLUS_PREFIX,
            SqlKind.EQUALS,
            SqlKind.NOT_EQUALS,
            SqlKind.LESS_THAN,
            SqlKind.LESS_THAN_OR_EQUAL,
            SqlKind.GREATER_THAN,
            SqlKind.GREATER_THAN_OR_EQUAL,
            SqlKind.BETWEEN,
            SqlKind.IS_DISTINCT_FROM,
            SqlKind.IS_NOT_DISTINCT_FROM,
            SqlKind.IS_NULL,
            SqlKind.IS_NOT_NULL,
            SqlKind.CASE,
            SqlKind.COALESCE,
            SqlKind.NULLIF,
            SqlKind.MIN,
            SqlKind.MAX,
            SqlKind.SUM,
            SqlKind.AVG,
            SqlKind.COUNT,
            SqlKind.OVER,
            SqlKind.WINDOW,
            SqlKind.DESCENDING,
            SqlKind.NULLS_FIRST,
            SqlKind.NULLS_LAST,
            SqlKind.PRECEDING,
            SqlKind.FOLLOWING,
            SqlKind.ORDER_BY,
            SqlKind.UNION,
            SqlKind.INTERSECT,
            SqlKind.EXCEPT,
            SqlKind.WITH,
            SqlKind.WITH_ITEM,
            SqlKind.LAG,
            SqlKind.LEAD,
            SqlKind.FIRST_VALUE,
            SqlKind.LAST_VALUE,
            SqlKind.NTH_VALUE);

    private static final java.util.Set<String> VALUE_MARKERS =
            java.util.Set.of("PG_COALESCE", "PG_NULLIF", "PG_GREATEST", "PG_LEAST");

    /** Whether a call's operands may be intervals (see {@link #intervalProblem}). */
    private static boolean takesIntervals(SqlCall call, SqlValidator validator) {
        SqlOperator op = call.getOperator();
        if (TAKE_INTERVALS.contains(call.getKind())) return true;
        if (op == EXTRACT || op == DATE_PART || op == DATE_BIN || op == JUSTIFY_DAYS || op == JUSTIFY_HOURS)
            return true;
        if (op == JUSTIFY_INTERVAL || op == TIMESTAMP_MI || op == INTERVAL || op == DAYS) return true;
        // The planner's markers of COALESCE, NULLIF, GREATEST and LEAST (io.shardview.circuit.plan.SourceMarkers).
        if (VALUE_MARKERS.contains(op.getName())) return true;
        if (call.getKind() == SqlKind.CAST) { // to text, or to interval
            RelDataType type = validator.getValidatedNodeTypeIfKnown(call);
            return type != null && (SqlTypeUtil.inCharFamily(type) || SqlTypeUtil.isInterval(type));
        }
        return false;
    }

    /** EXTRACT's and date_part's type, once they are checked as PostgreSQL checks them (see {@link #field}). */
    private static RelDataType fieldType(SqlOperatorBinding b, String function) {
        requireTwo(b, function);
        RelDataType x = b.getOperandType(1);
        field(b, function, x.getSqlTypeName() == SqlTypeName.DATE && b.getOperator() == EXTRACT);
        RelDataTypeFactory f = b.getTypeFactory();
        RelDataType type = b.getOperator() == EXTRACT
                ? f.createSqlType(SqlTypeName.DECIMAL, f.getTypeSystem().getMaxPrecision(SqlTypeName.DECIMAL), 0)
                : f.createSqlType(SqlTypeName.DOUBLE);
        return f.createTypeWithNullability(type, x.isNullable());
    }

    private static RelDataType dateTruncType(SqlOperatorBinding b) {
        requireTwo(b, "date_trunc");
        RelDataType x = b.getOperandType(1);
        if (x.getSqlTypeName() == SqlTypeName.DATE) {
            throw new UnsupportedSqlException("date_trunc of a date: PostgreSQL truncates it as a timestamp with time"
                    + " zone, a type the engine does not have; write date_trunc('unit', CAST(x AS TIMESTAMP))");
        }
        field(b, "date_trunc", false);
        return x;
    }

    /**
     * date_bin's type, a timestamp, once its operands are checked as PostgreSQL checks them: an interval constant of
     * more than zero days and time (no months), a date or timestamp, a timestamp.
     */
    private static RelDataType dateBinType(SqlOperatorBinding b) {
        if (b.getOperandCount() != 3) {
            throw new IllegalArgumentException(
                    "function date_bin of " + b.getOperandCount() + " arguments does not exist");
        }
        if (!(b instanceof org.apache.calcite.sql.SqlCallBinding call)
                || !(call.operand(0) instanceof SqlCall stride)
                || valueOf(stride) == null) {
            throw new UnsupportedSqlException("date_bin of a stride that is not an interval constant");
        }
        PgInterval interval = valueOf(stride);
        if (interval.months() != 0) {
            throw new IllegalArgumentException("timestamps cannot be binned into intervals containing months or years");
        }
        if (binWidth(interval) <= 0) throw new IllegalArgumentException("stride must be greater than zero");
        RelDataType x = b.getOperandType(1);
        RelDataType origin = b.getOperandType(2);
        if (!isDatetime(x.getSqlTypeName()) || origin.getSqlTypeName() != SqlTypeName.TIMESTAMP) {
            throw new IllegalArgumentException("function date_bin(interval, " + PgCasts.pgName(x) + ", "
                    + PgCasts.pgName(origin) + ") does not exist");
        }
        RelDataTypeFactory f = b.getTypeFactory();
        return f.createTypeWithNullability(timestamp(f), x.isNullable() || origin.isNullable());
    }

    /** A stride of days and time in microseconds (a day is 24 hours, as date_bin counts it). */
    private static long binWidth(PgInterval stride) {
        return Math.addExact(Math.multiplyExact(stride.days(), 86_400_000_000L), stride.micros());
    }

    /** date_bin: the start of the bin of {@code x} (a date or timestamp), bins of {@code width} us from origin. */
    private static LocalDateTime bin(long width, Object x, LocalDateTime origin) {
        LocalDateTime at = x instanceof LocalDate date ? date.atStartOfDay() : (LocalDateTime) x;
        long diff = java.time.temporal.ChronoUnit.MICROS.between(origin, at);
        return origin.plus(Math.multiplyExact(Math.floorDiv(diff, width), width), java.time.temporal.ChronoUnit.MICROS);
    }

    /** A field or unit and a value: the forms of these functions the engine has. */
    private static void requireTwo(SqlOperatorBinding b, String function) {
        if (b.getOperandCount() != 2) {
            throw new UnsupportedSqlException(function.replace("pg_catalog.", "") + " of " + b.getOperandCount()
                    + " arguments (the engine has the form of a field or unit and a date or timestamp)");
        }
    }

    /**
     * The field or unit of EXTRACT, date_part or date_trunc: its first operand, a string literal (lower-cased, as
     * PostgreSQL reads it), of a date or timestamp (PostgreSQL's messages for an untyped or another argument, a field
     * it does not know, or one below a day of a date when date is true).
     */
    private static Field field(SqlOperatorBinding b, String function, boolean date) {
        RelDataType x = b.getOperandType(1);
        boolean unknown =
                x.getSqlTypeName() == SqlTypeName.NULL || b.isOperandLiteral(1, false) && SqlTypeUtil.inCharFamily(x);
        if (unknown) {
            throw new IllegalArgumentException("function " + function + "(unknown, unknown) is not unique");
        }
        boolean interval = SqlTypeUtil.isInterval(x);
        if (interval && b.getOperator() == DATE_TRUNC) {
            throw new UnsupportedSqlException("date_trunc of an interval");
        }
        if (!interval && !isDatetime(x.getSqlTypeName())) {
            throw new IllegalArgumentException(
                    "function " + function + "(unknown, " + PgCasts.pgName(x) + ") does not exist");
        }
        String name = b.isOperandLiteral(0, false) ? b.getOperandLiteralValue(0, String.class) : null;
        if (name == null) {
            throw new UnsupportedSqlException(function.replace("pg_catalog.", "")
                    + " of a field that is not a string literal (the engine reads it when the view is created)");
        }
        Field field = b.getOperator() == DATE_TRUNC
                ? DateFields.unit(name.toLowerCase(Locale.ROOT))
                : DateFields.field(name.toLowerCase(Locale.ROOT));
        RelDataType of = b.getOperator() == DATE_PART && !interval ? timestamp(b.getTypeFactory()) : x;
        if (field == null) throw unitProblem(b, "not recognized", of);
        if (interval && !Intervals.hasField(field)) throw unitProblem(b, "not supported", of);
        if (field == Field.TIMEZONE || date && field.belowDay()) throw unitProblem(b, "not supported", of);
        return field;
    }

    private static IllegalArgumentException unitProblem(SqlOperatorBinding b, String problem, RelDataType type) {
        String name = b.getOperandLiteralValue(0, String.class).toLowerCase(Locale.ROOT);
        return new IllegalArgumentException("unit \"" + name + "\" " + problem + " for type " + PgCasts.pgName(type));
    }

    private static RelDataType timestamp(RelDataTypeFactory f) {
        return f.createSqlType(SqlTypeName.TIMESTAMP);
    }

    /** The Calcite type of every interval: PostgreSQL's one interval type holds months, days and time alike. */
    static RelDataType intervalType(RelDataTypeFactory f, boolean nullable) {
        RelDataType type =
                f.createSqlIntervalType(new SqlIntervalQualifier(TimeUnit.DAY, TimeUnit.SECOND, SqlParserPos.ZERO));
        return f.createTypeWithNullability(type, nullable);
    }

    /** Whether the engine computes the operator's calls with {@link #evaluator}. */
    public static boolean computes(SqlOperator op) {
        return op == EXTRACT
                || op == DATE_PART
                || op == DATE_TRUNC
                || op == DATE_BIN
                || op == INTERVAL
                || op == DAYS
                || op == EPOCH_DAY
                || op == TIMESTAMP_MI
                || op == JUSTIFY_DAYS
                || op == JUSTIFY_HOURS
                || op == JUSTIFY_INTERVAL
                || op == AGE;
    }

    /** A call of one of these functions as a function of its operands' values (a NULL one gives NULL). */
    public static Function<Object[], Object> evaluator(RexCall call) {
        SqlOperator op = call.getOperator();
        if (op == INTERVAL) {
            return v -> v.length != 3
                    ? null
                    : new PgInterval(
                            ((Number) v[0]).intValue(), ((Number) v[1]).intValue(), ((Number) v[2]).longValue());
        }
        if (op == DAYS) return v -> v[0] == null ? null : PgInterval.ofDays(((Number) v[0]).longValue());
        if (op == EPOCH_DAY) return v -> v[0] == null ? null : ((LocalDate) v[0]).toEpochDay();
        if (op == TIMESTAMP_MI) {
            return v ->
                    v[0] == null || v[1] == null ? null : Intervals.between((LocalDateTime) v[0], (LocalDateTime) v[1]);
        }
        if (op == JUSTIFY_DAYS) return v -> v[0] == null ? null : Intervals.justifyDays((PgInterval) v[0]);
        if (op == JUSTIFY_HOURS) return v -> v[0] == null ? null : Intervals.justifyHours((PgInterval) v[0]);
        if (op == JUSTIFY_INTERVAL) return v -> v[0] == null ? null : Intervals.justifyInterval((PgInterval) v[0]);
        if (op == AGE) {
            return v -> v[0] == null || v[1] == null ? null : Intervals.age((LocalDateTime) v[0], (LocalDateTime) v[1]);
        }
        if (op == DATE_BIN) {
            return v -> v[0] == null || v[1] == null || v[2] == null
                    ? null
                    : bin(binWidth((PgInterval) v[0]), v[1], (LocalDateTime) v[2]);
        }
        String name = ((RexLiteral) call.getOperands().get(0))
                .getValueAs(String.class)
                .toLowerCase(Locale.ROOT);
        if (op == DATE_TRUNC) {
            Field unit = DateFields.unit(name);
            return v -> v[1] == null ? null : DateFields.truncate(unit, (LocalDateTime) v[1]);
        }
        Field field = DateFields.field(name);
        if (op == EXTRACT) {
            return v -> v[1] == null
                    ? null
                    : v[1] instanceof PgInterval i ? Intervals.extract(field, i) : DateFields.extract(field, v[1]);
        }
        return v -> v[1] == null
                ? null
                : v[1] instanceof PgInterval i ? Intervals.datePart(field, i) : DateFields.datePart(field, v[1]);
    }

    /** An interval's +, - (of intervals), * and / (by a number, or a number times an interval), NULL of a NULL. */
    private static Function<Object[], Object> intervalArithmetic(SqlKind kind) {
        return v -> {
            if (v[0] == null || v[1] == null) return null;
            return switch (kind) {
                case PLUS -> Intervals.plus((PgInterval) v[0], (PgInterval) v[1]);
                case MINUS -> Intervals.minus((PgInterval) v[0], (PgInterval) v[1]);
                case TIMES -> v[0] instanceof PgInterval i
                        ? Intervals.times(i, ((Number) v[1]).doubleValue())
                        : Intervals.times((PgInterval) v[1], ((Number) v[0]).doubleValue());
                case DIVIDE -> Intervals.dividedBy((PgInterval) v[0], ((Number) v[1]).doubleValue());
                default -> throw new UnsupportedSqlException(kind + " of intervals");
            };
        };
    }

    /**
     * A date's or timestamp's + or - (as {@link #arithmetic} made it: its other operand an interval) as a function of
     * its operands' values: a date plus days, a timestamp plus an interval (minus: the interval negated, as
     * PostgreSQL's timestamp - interval adds it).
     */
    public static Function<Object[], Object> arithmetic(RexCall call) {
        boolean minus = call.getKind() == SqlKind.MINUS;
        if (SqlTypeUtil.isInterval(call.getType())) return intervalArithmetic(call.getKind());
        return v -> {
            if (v[0] == null || v[1] == null) return null;
            boolean intervalFirst = v[0] instanceof PgInterval;
            PgInterval interval = (PgInterval) (intervalFirst ? v[0] : v[1]);
            return DateFields.plus(intervalFirst ? v[1] : v[0], minus ? interval.negate() : interval);
        };
    }
}
