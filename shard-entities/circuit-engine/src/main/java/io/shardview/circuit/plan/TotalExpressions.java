package io.shardview.circuit.plan;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexFieldAccess;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.type.SqlTypeFamily;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.sql.type.SqlTypeUtil;

/**
 * Expressions that evaluate without a runtime error on every row, in the engine and in PostgreSQL: a
 * mark evaluates a correlation's two sides for every row of either relation, where PostgreSQL evaluates
 * them only for the pairs its plan compares (none when it skips the subquery, under an OR already TRUE,
 * or scans an empty table; an index scan evaluates the outer side once even then), so only a side that
 * cannot fail may be taken apart from its '='. Total: columns, literals, casts that widen a number or
 * write a value as text, UPPER, LOWER, ||, CASE, COALESCE, NULLIF, comparisons and boolean connectives
 * over total operands, NUMERIC + - * (and / by a non-zero literal), and integer + - * / whose result
 * provably fits its type: CAST(n AS BIGINT) + 1 for an INT n, not n + 1, which overflows at 2^31 - 1.
 * Not total: division by a column, float arithmetic (overflow), casts that may refuse their input
 * (text to a number, NUMERIC to an integer or to REAL, CAST AS NUMERIC(p,s)). The engine's NUMERIC arithmetic has no
 * overflow; PostgreSQL's fails only beyond 131,072 digits. NUMERIC to DOUBLE PRECISION fails beyond 1e308, in
 * both, but counts as total: a mark would fail where PostgreSQL does not only on a NUMERIC of over 308 digits,
 * and its correlation with a float column (u.f = t.m * 2) stays a mark.
 */
public final class TotalExpressions {
    private TotalExpressions() {}

    /** Whether e evaluates without a runtime error whatever the row. */
    public static boolean isTotal(RexNode e) {
        if (e instanceof RexInputRef || e instanceof RexFieldAccess || e instanceof RexLiteral) return true;
        if (!(e instanceof RexCall call)) return false;
        List<RexNode> ops = call.getOperands();
        switch (call.getKind()) {
            case AND:
            case OR:
            case NOT:
            case IS_NULL:
            case IS_NOT_NULL:
            case IS_TRUE:
            case IS_NOT_TRUE:
            case IS_FALSE:
            case IS_NOT_FALSE:
            case EQUALS:
            case NOT_EQUALS:
            case LESS_THAN:
            case LESS_THAN_OR_EQUAL:
            case GREATER_THAN:
            case GREATER_THAN_OR_EQUAL:
            case IS_DISTINCT_FROM:
            case IS_NOT_DISTINCT_FROM:
            case CASE:
            case COALESCE:
            case SEARCH:
            case PLUS_PREFIX:
                return allTotal(ops);
            case PLUS:
            case MINUS:
            case TIMES:
            case DIVIDE:
            case MINUS_PREFIX:
                return allTotal(ops) && arithmeticCannotFail(call);
            case CAST:
                return isTotal(ops.get(0)) && castCannotFail(ops.get(0), call.getType());
            default:
                return function(call);
        }
    }

    private static boolean allTotal(List<RexNode> ops) {
        return ops.stream().allMatch(TotalExpressions::isTotal);
    }

    /** The markers of SourceMarkers (a NUMERIC(p,s) cast only unconstrained), UPPER, LOWER and ||. */
    private static boolean function(RexCall call) {
        SqlOperator op = call.getOperator();
        List<RexNode> ops = call.getOperands();
        if (op == SourceMarkers.NUMERIC_CAST) {
            return isTotal(ops.get(0)) && ((RexLiteral) ops.get(1)).getValueAs(Integer.class) == 0;
        }
        boolean known = op == SourceMarkers.EXPLICIT_CAST
                || op == SourceMarkers.NUMERIC_LITERAL
                || op == SourceMarkers.COALESCE
                || op == SourceMarkers.NULLIF
                || op == SourceMarkers.CASE_CONDITION
                || op == SourceMarkers.BPCHAR
                || op == SourceMarkers.CORRELATION
                || op.getName().equals("||")
                || op.getName().equalsIgnoreCase("UPPER")
                || op.getName().equalsIgnoreCase("LOWER");
        return known && allTotal(ops);
    }

    /**
     * A date or timestamp plus or minus an interval constant ({@code NOW() - INTERVAL '1 hour'}): it fails only past
     * the ends of the timestamp range (4713 BC, 294276 AD), in both. Not counted by {@link #isTotal}, which would change
     * the plans of views created before; the range semi-join over the tenant's clock takes it as total.
     */
    public static boolean isShiftedTime(RexNode e) {
        if (!(e instanceof RexCall call) || (call.getKind() != SqlKind.PLUS && call.getKind() != SqlKind.MINUS))
            return false;
        SqlTypeName type = call.getType().getSqlTypeName();
        if (type != SqlTypeName.TIMESTAMP && type != SqlTypeName.DATE) return false;
        List<RexNode> ops = call.getOperands();
        if (ops.size() != 2) return false;
        for (int i = 0; i < 2; i++) {
            RexNode interval = ops.get(i);
            if (SqlTypeUtil.isInterval(interval.getType())
                    && org.apache.calcite.rex.RexUtil.isConstant(interval)
                    && isTotal(ops.get(1 - i))) {
                return true;
            }
        }
        return false;
    }

    private static boolean arithmeticCannotFail(RexCall call) {
        SqlTypeName type = call.getType().getSqlTypeName();
        if (call.getKind() == SqlKind.DIVIDE) {
            BigDecimal divisor = literal(call.getOperands().get(1));
            if (divisor == null || divisor.signum() == 0) return false;
        }
        if (type == SqlTypeName.DECIMAL) return true;
        return SqlTypeName.INT_TYPES.contains(type) && fits(range(call), call.getType());
    }

    /** A numeric literal's value (through the marker that keeps its scale); null if e is none. */
    private static BigDecimal literal(RexNode e) {
        if (e instanceof RexCall c && c.getOperator() == SourceMarkers.NUMERIC_LITERAL)
            e = c.getOperands().get(0);
        while (e instanceof RexCall c && c.getKind() == SqlKind.CAST)
            e = c.getOperands().get(0);
        return e instanceof RexLiteral l && !l.isNull() && SqlTypeUtil.isNumeric(l.getType())
                ? l.getValueAs(BigDecimal.class)
                : null;
    }

    /** Whether converting a value of e's type to the given type cannot fail. */
    private static boolean castCannotFail(RexNode e, RelDataType to) {
        RelDataType from = e.getType();
        SqlTypeName f = from.getSqlTypeName();
        SqlTypeName t = to.getSqlTypeName();
        if (SqlTypeUtil.inCharFamily(to))
            return true; // text of any value; Calcite's casts between strings convert nothing
        boolean float8 = t == SqlTypeName.DOUBLE || t == SqlTypeName.FLOAT;
        if (SqlTypeName.INT_TYPES.contains(f)) {
            if (SqlTypeName.INT_TYPES.contains(t)) return fits(range(e), to);
            return t == SqlTypeName.DECIMAL
                    || SqlTypeName.APPROX_TYPES.contains(t); // |bigint| < 1e19, far inside float4
        }
        // To float4 (REAL) only from an integer or a float4: a NUMERIC or float8 beyond 3.4e38 overflows it.
        if (f == SqlTypeName.DECIMAL) return t == SqlTypeName.DECIMAL || float8;
        if (SqlTypeName.APPROX_TYPES.contains(f)) return float8 || t == f;
        boolean datetime = from.getFamily() == SqlTypeFamily.DATE || from.getFamily() == SqlTypeFamily.TIMESTAMP;
        return datetime && (t == SqlTypeName.DATE || t == SqlTypeName.TIMESTAMP) || f == t;
    }

    /** The values an integer expression can take: {lo, hi}. */
    private static BigInteger[] range(RexNode e) {
        BigDecimal literal = literal(e);
        if (literal != null && literal.stripTrailingZeros().scale() <= 0) {
            BigInteger v = literal.toBigIntegerExact();
            return new BigInteger[] {v, v};
        }
        if (e instanceof RexCall c
                && c.getKind() == SqlKind.CAST
                && SqlTypeName.INT_TYPES.contains(
                        c.getOperands().get(0).getType().getSqlTypeName())) {
            return range(c.getOperands().get(0));
        }
        if (e instanceof RexCall c && c.getKind() == SqlKind.MINUS_PREFIX) {
            BigInteger[] r = range(c.getOperands().get(0));
            return new BigInteger[] {r[1].negate(), r[0].negate()};
        }
        if (e instanceof RexCall c
                && (c.getKind() == SqlKind.PLUS
                        || c.getKind() == SqlKind.MINUS
                        || c.getKind() == SqlKind.TIMES
                        || c.getKind() == SqlKind.DIVIDE)) {
            return combine(
                    c.getKind(),
                    range(c.getOperands().get(0)),
                    range(c.getOperands().get(1)));
        }
        return typeRange(e.getType());
    }

    /** The range of a op b for a in ra, b in rb (b a non-zero literal for /): the extremes are at the corners. */
    private static BigInteger[] combine(SqlKind op, BigInteger[] ra, BigInteger[] rb) {
        BigInteger lo = null;
        BigInteger hi = null;
        for (BigInteger a : ra) {
            for (BigInteger b : rb) {
                BigInteger v =
                        switch (op) {
                            case PLUS -> a.add(b);
                            case MINUS -> a.subtract(b);
                            case TIMES -> a.multiply(b);
                            default -> a.divide(b); // toward zero, as PostgreSQL (b is a non-zero literal)
                        };
                lo = lo == null || v.compareTo(lo) < 0 ? v : lo;
                hi = hi == null || v.compareTo(hi) > 0 ? v : hi;
            }
        }
        return new BigInteger[] {lo, hi};
    }

    private static boolean fits(BigInteger[] range, RelDataType type) {
        BigInteger[] bounds = typeRange(type);
        return range[0].compareTo(bounds[0]) >= 0 && range[1].compareTo(bounds[1]) <= 0;
    }

    private static BigInteger[] typeRange(RelDataType type) {
        long min =
                switch (type.getSqlTypeName()) {
                    case TINYINT -> Byte.MIN_VALUE;
                    case SMALLINT -> Short.MIN_VALUE;
                    case INTEGER -> Integer.MIN_VALUE;
                    default -> Long.MIN_VALUE;
                };
        return new BigInteger[] {BigInteger.valueOf(min), BigInteger.valueOf(-(min + 1))};
    }
}
