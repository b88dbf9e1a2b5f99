package io.shardview.circuit.pg;

import io.shardview.circuit.error.UnsupportedSqlException;
import java.math.BigDecimal;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlIntervalLiteral;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNumericLiteral;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.type.SqlTypeFamily;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.util.TimestampString;

/**
 * PostgreSQL's {@code generate_series(start, stop [, step])} as a FROM item, over constants: integers (step 1 by
 * default), or timestamps with an interval step. Its rows are known when the view is created, so it is written as the
 * VALUES it yields before the query is validated: a constant relation, which joins and groups as a table that never
 * changes (a calendar of hours to LEFT JOIN events onto, a range of buckets). As in PostgreSQL, the column takes the
 * alias's name ({@code AS g} or {@code AS g(h)}; {@code generate_series} without one), the series stops at the last
 * value not past stop (none when start is already past it), a timestamp series adds the step to each value in turn,
 * and a step of zero is an error. At most {@link #MAX_ROWS} rows.
 */
public final class GenerateSeries {
    private GenerateSeries() {}

    /** The most rows a series may have: its rows are part of the view's plan. */
    public static final int MAX_ROWS = 10_000;

    private static final BigDecimal INT_MIN = BigDecimal.valueOf(Integer.MIN_VALUE);
    private static final BigDecimal INT_MAX = BigDecimal.valueOf(Integer.MAX_VALUE);

    /**
     * The FROM item {@code generate_series(...) [AS alias [(column)]]} (call: the AS, or the table call without one)
     * as its VALUES under that alias, or null for any other node.
     */
    public static SqlNode rewrite(SqlCall call) {
        SqlCall as = null;
        SqlCall table = call;
        if (call.getKind() == SqlKind.AS) {
            if (!(call.operand(0) instanceof SqlCall inner)) return null;
            as = call;
            table = inner;
        }
        if (table.getKind() != SqlKind.COLLECTION_TABLE
                || !(table.operand(0) instanceof SqlCall function)
                || !function.getOperator().getName().equalsIgnoreCase("generate_series")) {
            return null;
        }
        SqlParserPos pos = call.getParserPosition();
        List<SqlNode> operands = new ArrayList<>();
        operands.add(SqlStdOperatorTable.VALUES.createCall(pos, rows(function, pos)));
        if (as != null && as.operandCount() > 2) {
            if (as.operandCount() > 3) {
                throw new IllegalArgumentException("too many column aliases specified for function generate_series");
            }
            operands.addAll(as.getOperandList().subList(1, 3));
        } else {
            SqlNode alias = as == null ? new SqlIdentifier("generate_series", pos) : as.operand(1);
            operands.add(alias);
            operands.add(alias.clone(pos));
        }
        return SqlStdOperatorTable.AS.createCall(pos, operands);
    }

    private static List<SqlNode> rows(SqlCall series, SqlParserPos pos) {
        int n = series.operandCount();
        if (n < 2 || n > 3) {
            throw new UnsupportedSqlException("generate_series of " + n + " arguments");
        }
        BigDecimal start = integer(series.operand(0));
        BigDecimal stop = integer(series.operand(1));
        if (start != null && stop != null) {
            BigDecimal step = n == 3 ? integer(series.operand(2)) : BigDecimal.ONE;
            if (step == null) throw notConstants();
            return integers(start, stop, step, pos);
        }
        LocalDateTime from = timestamp(series.operand(0));
        LocalDateTime to = timestamp(series.operand(1));
        PgInterval step = n == 3 ? interval(series.operand(2)) : null;
        if (from == null || to == null || step == null) throw notConstants();
        return timestamps(from, to, step, pos);
    }

    private static UnsupportedSqlException notConstants() {
        return new UnsupportedSqlException("generate_series of other than integer constants, or timestamp constants"
                + " with an interval constant as the step");
    }

    private static List<SqlNode> integers(BigDecimal start, BigDecimal stop, BigDecimal step, SqlParserPos pos) {
        if (step.signum() == 0) throw new IllegalArgumentException("step size cannot equal zero");
        // bigint when an argument is past integer's range, as PostgreSQL picks generate_series(bigint, ...)
        boolean big =
                List.of(start, stop, step).stream().anyMatch(v -> v.compareTo(INT_MIN) < 0 || v.compareTo(INT_MAX) > 0);
        List<SqlNode> rows = new ArrayList<>();
        for (BigDecimal v = start;
                step.signum() > 0 ? v.compareTo(stop) <= 0 : v.compareTo(stop) >= 0;
                v = v.add(step)) {
            tooMany(rows);
            SqlNode literal = SqlLiteral.createExactNumeric(v.toPlainString(), pos);
            if (big) {
                literal = DateTimes.cast(literal, SqlTypeName.BIGINT);
            }
            rows.add(SqlStdOperatorTable.ROW.createCall(pos, literal));
        }
        return rows;
    }

    private static List<SqlNode> timestamps(LocalDateTime from, LocalDateTime to, PgInterval step, SqlParserPos pos) {
        int sign = Long.signum(step.months() * 30L * 86_400_000_000L + step.days() * 86_400_000_000L + step.micros());
        if (sign == 0) throw new IllegalArgumentException("step size cannot equal zero");
        List<SqlNode> rows = new ArrayList<>();
        for (LocalDateTime t = from;
                sign > 0 ? !t.isAfter(to) : !t.isBefore(to);
                t = (LocalDateTime) DateFields.plus(t, step)) {
            tooMany(rows);
            TimestampString value = new TimestampString(
                            t.getYear(),
                            t.getMonthValue(),
                            t.getDayOfMonth(),
                            t.getHour(),
                            t.getMinute(),
                            t.getSecond())
                    .withNanos(t.getNano());
            rows.add(SqlStdOperatorTable.ROW.createCall(
                    pos, SqlLiteral.createTimestamp(SqlTypeName.TIMESTAMP, value, 6, pos)));
        }
        return rows;
    }

    private static void tooMany(List<SqlNode> rows) {
        if (rows.size() >= MAX_ROWS) {
            throw new UnsupportedSqlException(
                    "generate_series of more than " + MAX_ROWS + " rows (its rows are part" + " of the view's plan)");
        }
    }

    /** An integer literal, negated or not, or null. */
    private static BigDecimal integer(SqlNode node) {
        if (node instanceof SqlCall c && c.getKind() == SqlKind.MINUS_PREFIX) {
            BigDecimal v = integer(c.operand(0));
            return v == null ? null : v.negate();
        }
        if (node instanceof SqlNumericLiteral number
                && number.isExact()
                && number.getScale() != null
                && number.getScale() == 0) {
            return number.getValueAs(BigDecimal.class);
        }
        return null;
    }

    /** A TIMESTAMP literal, or a string literal cast to a timestamp, or null. */
    private static LocalDateTime timestamp(SqlNode node) {
        if (node instanceof org.apache.calcite.sql.SqlUnknownLiteral typed && typed.tag.equalsIgnoreCase("TIMESTAMP")) {
            return DateTimeInput.toTimestamp(typed.getValue()); // as the parser leaves TIMESTAMP '...'
        }
        if (node instanceof SqlLiteral literal && literal.getTypeName() == SqlTypeName.TIMESTAMP) {
            return DateTimeInput.toTimestamp(
                    literal.getValueAs(TimestampString.class).toString());
        }
        if (node instanceof SqlCall c
                && c.getKind() == SqlKind.CAST
                && c.operand(0) instanceof SqlLiteral text
                && text.getTypeName().getFamily() == SqlTypeFamily.CHARACTER
                && c.operand(1).toString().toUpperCase(Locale.ROOT).startsWith("TIMESTAMP")) {
            return DateTimeInput.toTimestamp(text.getValueAs(String.class));
        }
        return null;
    }

    /** An interval constant ({@code INTERVAL '1 hour'}, {@code INTERVAL '1' HOUR}, {@code '1 hour'}), or null. */
    private static PgInterval interval(SqlNode node) {
        if (node instanceof SqlLiteral text && text.getTypeName().getFamily() == SqlTypeFamily.CHARACTER) {
            return PgInterval.parse(text.getValueAs(String.class));
        }
        SqlNode marked = node instanceof SqlIntervalLiteral literal
                ? DateTimes.mark(literal)
                : node instanceof SqlCall c ? DateTimes.mark(c) : null;
        return marked instanceof SqlCall constant ? DateTimes.valueOf(constant) : null;
    }
}
