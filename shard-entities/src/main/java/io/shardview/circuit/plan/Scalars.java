package io.shardview.circuit.plan;

import io.shardview.circuit.ColumnType;
import io.shardview.circuit.Values;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.time.LocalDateTime;

/** PostgreSQL semantics of the scalar operations on non-null values (callers handle NULL). */
final class Scalars {
    private static final MathContext DIVISION = new MathContext(34, RoundingMode.HALF_EVEN);

    private Scalars() {
    }

    /** Arithmetic in the representation of the result type: Long (integers), Double or BigDecimal. */
    static Object arithmetic(char op, ColumnType type, Object a, Object b) {
        if (type.isInteger()) return longArithmetic(op, ((Number) a).longValue(), ((Number) b).longValue());
        if (type == ColumnType.DOUBLE) return doubleArithmetic(op, ((Number) a).doubleValue(), ((Number) b).doubleValue());
        return decimalArithmetic(op, Values.toDecimal((Number) a), Values.toDecimal((Number) b));
    }

    private static Object longArithmetic(char op, long a, long b) {
        switch (op) {
            case '+': return Math.addExact(a, b);
            case '-': return Math.subtractExact(a, b);
            case '*': return Math.multiplyExact(a, b);
            case '/': return a / nonZero(b); // Java truncates toward zero, as PostgreSQL does
            default: return a % nonZero(b);
        }
    }

    private static long nonZero(long b) {
        if (b == 0) throw new ArithmeticException("division by zero");
        return b;
    }

    private static Object doubleArithmetic(char op, double a, double b) {
        switch (op) {
            case '+': return a + b;
            case '-': return a - b;
            case '*': return a * b;
            case '/':
                if (b == 0) throw new ArithmeticException("division by zero");
                return a / b;
            default: return a % b;
        }
    }

    private static Object decimalArithmetic(char op, BigDecimal a, BigDecimal b) {
        switch (op) {
            case '+': return a.add(b);
            case '-': return a.subtract(b);
            case '*': return a.multiply(b);
            case '/':
                if (b.signum() == 0) throw new ArithmeticException("division by zero");
                return a.divide(b, DIVISION);
            default: return a.remainder(b);
        }
    }

    /** CAST of a non-null value to a column type. */
    static Object cast(Object v, ColumnType to) {
        switch (to) {
            case SMALLINT: case INT: case BIGINT: return castToInteger(v);
            case DOUBLE:
                if (v instanceof Number) return ((Number) v).doubleValue();
                return Double.parseDouble(v.toString().trim());
            case DECIMAL:
                if (v instanceof Number) return Values.toDecimal((Number) v);
                return new BigDecimal(v.toString().trim());
            case VARCHAR: return text(v);
            case BOOLEAN:
                if (v instanceof Boolean) return v;
                return parseBoolean(v.toString());
            case DATE:
                if (v instanceof LocalDateTime) return ((LocalDateTime) v).toLocalDate();
                if (v instanceof LocalDate) return v;
                return LocalDate.parse(v.toString().trim());
            default:
                if (v instanceof LocalDate) return ((LocalDate) v).atStartOfDay();
                if (v instanceof LocalDateTime) return v;
                return LocalDateTime.parse(v.toString().trim().replace(' ', 'T'));
        }
    }

    private static Object castToInteger(Object v) {
        if (v instanceof Long) return v;
        if (v instanceof Double) return (long) Math.rint((Double) v); // PostgreSQL rounds half to even for float8
        if (v instanceof BigDecimal) return ((BigDecimal) v).setScale(0, RoundingMode.HALF_UP).longValueExact();
        if (v instanceof Boolean) return (Boolean) v ? 1L : 0L;
        return Long.parseLong(v.toString().trim());
    }

    private static Boolean parseBoolean(String s) {
        String t = s.trim().toLowerCase(java.util.Locale.ROOT);
        if (t.equals("true") || t.equals("t") || t.equals("yes") || t.equals("on") || t.equals("1")) return true;
        if (t.equals("false") || t.equals("f") || t.equals("no") || t.equals("off") || t.equals("0")) return false;
        throw new IllegalArgumentException("invalid boolean '" + s + "'");
    }

    /** The text form PostgreSQL gives a value. */
    static String text(Object v) {
        if (v instanceof Double) {
            double d = (Double) v;
            if (d == Math.rint(d) && Math.abs(d) < 1e15) return Long.toString((long) d);
            return Double.toString(d);
        }
        if (v instanceof BigDecimal) return ((BigDecimal) v).toPlainString();
        if (v instanceof Boolean) return (Boolean) v ? "true" : "false";
        if (v instanceof LocalDateTime) return v.toString().replace('T', ' ');
        return v.toString();
    }
}
