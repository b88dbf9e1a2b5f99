package io.shardview.circuit.pg;

import io.shardview.circuit.error.EvaluationException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.time.LocalDateTime;

/**
 * PostgreSQL semantics of the scalar operations on non-null values (callers handle NULL), including
 * its runtime errors: where PostgreSQL fails the statement these throw {@link EvaluationException}.
 */
public final class Scalars {

    private Scalars() {}

    /**
     * Arithmetic in the representation of the result type: Long (integers), Double or BigDecimal.
     * Fails as PostgreSQL does: division by zero, and results outside the result type's range.
     */
    public static Object arithmetic(char op, ColumnType type, Object a, Object b) {
        if (type.isInteger())
            return inRange(longArithmetic(op, ((Number) a).longValue(), ((Number) b).longValue(), type), type);
        if (type == ColumnType.DOUBLE || type == ColumnType.REAL) {
            return floatArithmetic(op, float8((Number) a), float8((Number) b), type == ColumnType.REAL);
        }
        return decimalArithmetic(op, Values.toDecimal((Number) a), Values.toDecimal((Number) b));
    }

    private static long longArithmetic(char op, long a, long b, ColumnType type) {
        try {
            switch (op) {
                case '+':
                    return Math.addExact(a, b);
                case '-':
                    return Math.subtractExact(a, b);
                case '*':
                    return Math.multiplyExact(a, b);
                case '/':
                    // Java truncates toward zero, as PostgreSQL does; MIN / -1 is the one quotient that overflows.
                    if (a == Long.MIN_VALUE && b == -1) throw EvaluationException.outOfRange(type.sqlName());
                    return a / nonZero(b);
                default:
                    return a % nonZero(b); // MIN % -1 is 0 in Java, as in PostgreSQL
            }
        } catch (ArithmeticException overflow) {
            throw EvaluationException.outOfRange(type.sqlName());
        }
    }

    /** An integer value checked against the range of its SQL type (all integers are held as Long). */
    static long inRange(long v, ColumnType type) {
        boolean fits =
                switch (type) {
                    case SMALLINT -> v >= Short.MIN_VALUE && v <= Short.MAX_VALUE;
                    case INT -> v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE;
                    default -> true;
                };
        if (!fits) throw EvaluationException.outOfRange(type.sqlName());
        return v;
    }

    private static long nonZero(long b) {
        if (b == 0) throw divisionByZero();
        return b;
    }

    private static EvaluationException divisionByZero() {
        return new EvaluationException("division by zero");
    }

    /**
     * float8 or float4 arithmetic with PostgreSQL's checks: an infinite or zero result from finite, non-zero inputs
     * fails. A float4 result is the float8 one rounded, which is the correctly rounded float4 result: a double
     * holds more than twice a float's digits, so rounding twice cannot differ from rounding once.
     */
    private static Object floatArithmetic(char op, double a, double b, boolean float4) {
        double r;
        switch (op) {
            case '+':
                r = a + b;
                break;
            case '-':
                r = a - b;
                break;
            case '*':
                r = a * b;
                break;
            case '/':
                if (b == 0 && !Double.isNaN(a)) throw divisionByZero();
                r = a / b;
                break;
            default:
                if (b == 0) throw divisionByZero();
                r = a % b;
        }
        double v = float4 ? (float) r : r;
        if (Double.isInfinite(v) && !Double.isInfinite(a) && !Double.isInfinite(b)) {
            throw new EvaluationException("value out of range: overflow");
        }
        boolean underflow = op == '*' ? a != 0 && b != 0 : op == '/' && a != 0 && !Double.isInfinite(b);
        if (v == 0 && underflow) throw new EvaluationException("value out of range: underflow");
        return float4 ? (Object) (float) v : (Object) v;
    }

    /** Unary minus: a float's sign flips (-0 from 0, as in PostgreSQL), other numbers are 0 - v. */
    public static Object negate(ColumnType type, Object v) {
        if (v instanceof Double d) return -d;
        if (v instanceof Float f) return -f;
        if (v instanceof PgInterval i) return Intervals.negate(i);
        return arithmetic('-', type, 0L, v);
    }

    /**
     * abs(v) as PostgreSQL computes it for each numeric type: the same type, an integer whose absolute value leaves the
     * type's range fails ({@code abs(-2147483648)} is "integer out of range"), a float's sign is dropped (abs(-0) is
     * 0), a numeric keeps its scale.
     */
    public static Object abs(ColumnType type, Object v) {
        if (v instanceof Double d) return Math.abs(d);
        if (v instanceof Float f) return Math.abs(f);
        if (v instanceof BigDecimal d) return d.abs();
        long n = ((Number) v).longValue();
        if (n == Long.MIN_VALUE) throw EvaluationException.outOfRange(type.sqlName());
        return inRange(Math.abs(n), type);
    }

    /**
     * floor, ceil, sign or round (one argument) of a double precision or a numeric, as PostgreSQL computes them: a
     * double's round is rint's (half to even: round(2.5) is 2, round(-0.25) is -0), a numeric's rounds half away from
     * zero to scale 0 (round(2.5) is 3); sign is -1, 0 or 1 of the same type (0 for -0 and NaN, as dsign's comparisons
     * give).
     */
    public static Object rounding(String function, Object v) {
        if (v instanceof BigDecimal d) {
            return switch (function) {
                case "FLOOR" -> d.setScale(0, RoundingMode.FLOOR);
                case "CEIL" -> d.setScale(0, RoundingMode.CEILING);
                case "SIGN" -> BigDecimal.valueOf(d.signum());
                default -> d.setScale(0, RoundingMode.HALF_UP);
            };
        }
        double x = (Double) v;
        return switch (function) {
            case "FLOOR" -> Math.floor(x);
            case "CEIL" -> Math.ceil(x);
            case "SIGN" -> x > 0 ? 1.0 : x < 0 ? -1.0 : 0.0;
            default -> Math.rint(x);
        };
    }

    /**
     * round(numeric, s): half away from zero to s digits after the point; a negative s rounds to tens, hundreds...
     * and keeps scale 0 (round(1250.5, -2) is 1300), as PostgreSQL does.
     */
    public static BigDecimal round(BigDecimal v, long scale) {
        int s = (int) Math.max(-NumericTypmod.MAX_PRECISION, Math.min(NumericTypmod.MAX_PRECISION, scale));
        BigDecimal rounded = v.setScale(s, RoundingMode.HALF_UP);
        return s < 0 ? rounded.setScale(0) : rounded;
    }

    private static Object decimalArithmetic(char op, BigDecimal a, BigDecimal b) {
        switch (op) {
            case '+':
                return a.add(b);
            case '-':
                return a.subtract(b);
            case '*':
                return a.multiply(b);
            case '/':
                if (b.signum() == 0) throw divisionByZero();
                return Values.divideNumeric(a, b);
            default:
                // PostgreSQL's numeric remainder has the larger scale of the two (2 % 2.50 is 2.00).
                if (b.signum() == 0) throw divisionByZero();
                return a.remainder(b).setScale(Math.max(Math.max(a.scale(), b.scale()), 0));
        }
    }

    /** CAST of a non-null value to a column type; an input PostgreSQL would refuse fails the same way. */
    public static Object cast(Object v, ColumnType to) {
        switch (to) {
            case SMALLINT:
            case INT:
            case BIGINT:
                return castToInteger(v, to);
            case DOUBLE:
                if (v instanceof Number n) return float8(n);
                return TextInput.toDouble(v.toString());
            case REAL:
                return v instanceof Number n ? real(n) : TextInput.toReal(v.toString());
            case DECIMAL:
                if (Values.isFloat(v)) {
                    double d = ((Number) v).doubleValue();
                    if (Double.isNaN(d) || Double.isInfinite(d))
                        throw new EvaluationException("cannot convert " + text(v) + " to numeric");
                    return numeric(d, v instanceof Float ? 6 : 15);
                }
                if (v instanceof Number) return Values.toDecimal((Number) v);
                return TextInput.toDecimal(v.toString());
            case VARCHAR:
                return text(v);
            case BOOLEAN:
                if (v instanceof Boolean) return v;
                if (v instanceof Long n) return n != 0;
                return TextInput.toBoolean(v.toString());
            case DATE:
                if (v instanceof LocalDateTime) return ((LocalDateTime) v).toLocalDate();
                if (v instanceof LocalDate) return v;
                return TextInput.toDate(v.toString());
            case INTERVAL:
                return v instanceof PgInterval ? v : PgInterval.parse(v.toString());
            default:
                if (v instanceof LocalDate) return ((LocalDate) v).atStartOfDay();
                if (v instanceof LocalDateTime) return v;
                return TextInput.toTimestamp(v.toString());
        }
    }

    /**
     * A number as float4: float8 and NUMERIC values rounded once, failing as PostgreSQL's float8 to float4 does
     * when the result overflows or becomes 0 (its numeric to float4 reads the numeric's text, likewise, and
     * names it in its message).
     */
    private static Float real(Number n) {
        if (n instanceof Float f) return f;
        if (n instanceof Long l) return (float) l;
        if (n instanceof Double d) {
            float f = (float) d.doubleValue();
            if (Float.isInfinite(f) && !d.isInfinite()) throw new EvaluationException("value out of range: overflow");
            if (f == 0 && d != 0) throw new EvaluationException("value out of range: underflow");
            return f;
        }
        BigDecimal exact = Values.toDecimal(n);
        float f = exact.floatValue();
        if (Float.isInfinite(f) || (f == 0 && exact.signum() != 0)) throw outOfRange(exact, "real");
        return f;
    }

    /**
     * A number as float8; a NUMERIC as PostgreSQL's numeric to float8 turns it, reading its text as float8 input
     * does: the nearest double, failing beyond the double's range or nearer to 0 than its least value (1e400, 1e-400).
     */
    private static double float8(Number n) {
        double d = n.doubleValue();
        if (n instanceof BigDecimal exact && (Double.isInfinite(d) || (d == 0 && exact.signum() != 0))) {
            throw outOfRange(n, "double precision");
        }
        return d;
    }

    private static EvaluationException outOfRange(Number numeric, String type) {
        return new EvaluationException("\"" + text(numeric) + "\" is out of range for type " + type);
    }

    /**
     * PostgreSQL 15's float8 (float4) to numeric: the value's 15 (6) significant digits, its %.15g (%.6g) text
     * rounded from the exact binary value, read as numeric, so 100.0 is 100 (scale 0), 0.1 is 0.1 and 1e-7 is
     * 0.0000001; the float4 1.2345679 is 1.23457.
     */
    static BigDecimal numeric(double d, int significantDigits) {
        if (d == 0) return BigDecimal.ZERO;
        BigDecimal digits = new BigDecimal(d)
                .round(new MathContext(significantDigits, RoundingMode.HALF_EVEN))
                .stripTrailingZeros();
        return digits.scale() < 0 ? digits.setScale(0) : digits;
    }

    /** A value as CAST(v AS NUMERIC(precision, scale)) gives it; numeric field overflow as PostgreSQL. */
    public static BigDecimal fit(BigDecimal v, int precision, int scale) {
        try {
            return NumericTypmod.fit(v, precision, scale);
        } catch (IllegalArgumentException overflow) {
            throw new EvaluationException(overflow.getMessage());
        }
    }

    private static Object castToInteger(Object v, ColumnType to) {
        if (v instanceof Long n) return inRange(n, to);
        if (Values.isFloat(v)) {
            // PostgreSQL rounds half to even for float8 and float4 and refuses what does not fit, NaN included.
            double r = Math.rint(((Number) v).doubleValue());
            if (Double.isNaN(r) || r < -0x1p63 || r >= 0x1p63) throw EvaluationException.outOfRange(to.sqlName());
            return inRange((long) r, to);
        }
        if (v instanceof BigDecimal d) {
            BigDecimal r = d.setScale(0, RoundingMode.HALF_UP); // numeric rounds half away from zero
            if (r.unscaledValue().bitLength() > 63) throw EvaluationException.outOfRange(to.sqlName());
            return inRange(r.longValue(), to);
        }
        if (v instanceof Boolean b) return b ? 1L : 0L;
        return TextInput.toInteger(v.toString(), to);
    }

    /** PostgreSQL's text of a timestamp: seconds always, a fraction only when non-zero, without trailing zeros. */
    private static String timestampText(LocalDateTime t) {
        String text =
                t.toLocalDate() + " " + String.format("%02d:%02d:%02d", t.getHour(), t.getMinute(), t.getSecond());
        if (t.getNano() == 0) return text;
        return text + String.format(".%09d", t.getNano()).replaceAll("0+$", "");
    }

    /**
     * PostgreSQL's float8 or float4 output: the shortest decimal strictly nearer to the value than to either
     * neighbour (the nearest such one; a tie, which reading would settle to even, does not count, as in
     * PostgreSQL's Ryu), plain when its leading digit's exponent is in -4..14 (float4: -4..5), else as 1.5e-05.
     */
    private static String floatText(double d, boolean float4) {
        if (Double.isNaN(d)) return "NaN";
        if (Double.isInfinite(d)) return d > 0 ? "Infinity" : "-Infinity";
        if (d == 0) return 1 / d < 0 ? "-0" : "0";
        double a = Math.abs(d);
        BigDecimal exact = new BigDecimal(a);
        BigDecimal two = BigDecimal.valueOf(2);
        double above = float4 ? Math.ulp((float) a) : Math.ulp(a);
        double below = a - (float4 ? Math.nextDown((float) a) : Math.nextDown(a));
        BigDecimal high = exact.add(new BigDecimal(above).divide(two));
        BigDecimal low = exact.subtract(new BigDecimal(below).divide(two));
        BigDecimal shortest = exact;
        for (int digits = 1; digits <= 17; digits++) {
            BigDecimal nearest = null;
            for (RoundingMode mode :
                    new RoundingMode[] {RoundingMode.HALF_EVEN, RoundingMode.FLOOR, RoundingMode.CEILING}) {
                BigDecimal candidate = exact.round(new MathContext(digits, mode));
                if (candidate.compareTo(low) > 0
                        && candidate.compareTo(high) < 0
                        && (nearest == null
                                || candidate
                                                .subtract(exact)
                                                .abs()
                                                .compareTo(
                                                        nearest.subtract(exact).abs())
                                        < 0)) {
                    nearest = candidate;
                }
            }
            if (nearest != null) {
                shortest = nearest;
                break;
            }
        }
        shortest = shortest.stripTrailingZeros();
        String sign = d < 0 ? "-" : "";
        int exponent = shortest.precision() - shortest.scale() - 1;
        if (exponent >= -4 && exponent < (float4 ? 6 : 15)) return sign + shortest.toPlainString();
        String digits = shortest.unscaledValue().toString();
        StringBuilder sb = new StringBuilder(sign).append(digits.charAt(0));
        if (digits.length() > 1) sb.append('.').append(digits, 1, digits.length());
        String e = Integer.toString(Math.abs(exponent));
        return sb.append('e')
                .append(exponent < 0 ? '-' : '+')
                .append(e.length() < 2 ? "0" : "")
                .append(e)
                .toString();
    }

    /** The text form PostgreSQL gives a value. */
    /**
     * A value as its type's output function writes it, as concat() reads its arguments: {@link #text} but a boolean
     * as t or f and a CHAR(n) with its trailing blanks.
     */
    public static String output(Object v) {
        if (v instanceof Boolean b) return b ? "t" : "f";
        if (v instanceof FixedChar c) {
            int pad = c.length() - c.text().codePointCount(0, c.text().length());
            return pad > 0 ? c.text() + " ".repeat(pad) : c.text();
        }
        return text(v);
    }

    public static String text(Object v) {
        if (v instanceof Double d) return floatText(d, false);
        if (v instanceof Float f) return floatText(f, true);
        if (v instanceof BigDecimal) return ((BigDecimal) v).toPlainString();
        if (v instanceof Boolean) return (Boolean) v ? "true" : "false";
        if (v instanceof LocalDateTime t) return timestampText(t);
        if (v instanceof FixedChar c) return c.text(); // bpchar to text drops the trailing blanks
        return v.toString();
    }
}
