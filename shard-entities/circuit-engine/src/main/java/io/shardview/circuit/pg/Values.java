package io.shardview.circuit.pg;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * PostgreSQL-like comparison, equality and stable hashing of the engine's Java values (a
 * {@link FixedChar} as its text without trailing blanks), and the identity of stored values, which
 * also tells apart the spellings of a value: the paddings of a bpchar value ('a' and 'a  ') and the
 * scales of a NUMERIC one (2.0 and 2.00).
 */
public final class Values {
    private Values() {}

    /** Equality of two non-null or null values; numbers compare by value (2 = 2.0 = 2.00). */
    public static boolean equal(Object a, Object b) {
        if (a == b) return true;
        if (a == null || b == null) return false;
        if (a instanceof Number && b instanceof Number) return compareNumbers((Number) a, (Number) b) == 0;
        if (a instanceof FixedChar || b instanceof FixedChar) return text(a).equals(text(b));
        if (a instanceof PgInterval x && b instanceof PgInterval y) return x.compareTo(y) == 0;
        return a.equals(b);
    }

    /**
     * Whether two values are stored alike: {@link #equal}, except that CHAR values must also have the same
     * padding, NUMERIC values the same scale and float zeros the same sign. Rows of a Z-set are told apart by this, so each keeps its
     * own spelling, as in PostgreSQL. An integer counts as scale 0 (2 and 2::numeric look alike).
     */
    public static boolean identical(Object a, Object b) {
        if (a == b) return true;
        if (a instanceof Long x && b instanceof Long y) return x.longValue() == y.longValue(); // the common case, first
        if (a instanceof FixedChar x) return b instanceof FixedChar y && x.sameSpelling(y);
        if (b instanceof FixedChar) return false;
        if (a instanceof PgInterval x) return x.equals(b); // '1 day' and '24:00:00' are equal, shown apart
        if (isFloat(a) && isFloat(b)) {
            double x = ((Number) a).doubleValue();
            double y = ((Number) b).doubleValue();
            if (x != y) return Double.isNaN(x) && Double.isNaN(y);
            return x != 0 || Double.doubleToRawLongBits(x) == Double.doubleToRawLongBits(y); // -0 and 0 apart
        }
        return equal(a, b) && scale(a) == scale(b) && isNegativeZero(a) == isNegativeZero(b);
    }

    /**
     * {@link #compare}, then values that tie by their spelling: CHAR values equal as bpchar by their padding,
     * fewer blanks first, NUMERIC values by their scale, smallest first, a float -0 before 0. Only {@link #identical} values tie.
     */
    public static int compareSpelled(Object a, Object b) {
        int c = compare(a, b);
        if (c != 0) return c;
        if (a instanceof FixedChar x && b instanceof FixedChar y) return Integer.compare(x.width(), y.width());
        if (a instanceof PgInterval x && b instanceof PgInterval y) {
            c = Integer.compare(x.months(), y.months());
            return c != 0 ? c : Integer.compare(x.days(), y.days());
        }
        c = Integer.compare(scale(a), scale(b));
        return c != 0 ? c : Boolean.compare(!isNegativeZero(a), !isNegativeZero(b));
    }

    /**
     * Whether a value has spellings that {@link #equal} does not tell apart: CHAR, NUMERIC and interval values
     * ('1 day' = '24:00:00'), and a float zero (-0 = 0, as in PostgreSQL, which still shows each as written).
     */
    public static boolean isSpelled(Object v) {
        return v instanceof FixedChar
                || v instanceof BigDecimal
                || v instanceof PgInterval
                || (isFloat(v) && ((Number) v).doubleValue() == 0);
    }

    /** Whether a value is a float -0. */
    public static boolean isNegativeZero(Object v) {
        return isFloat(v) && Double.doubleToRawLongBits(((Number) v).doubleValue()) == Long.MIN_VALUE;
    }

    /** The scale a NUMERIC value is shown with; 0 for any other value. */
    static int scale(Object v) {
        return v instanceof BigDecimal d ? d.scale() : 0;
    }

    /** A string or CHAR(n) value as text: CHAR(n) without its insignificant trailing blanks. */
    private static Object text(Object v) {
        return v instanceof FixedChar c ? c.text() : v;
    }

    /** Total order used for ORDER BY, MIN/MAX and indexes: NULLs last, strings by code point. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public static int compare(Object a, Object b) {
        if (a == b) return 0;
        if (a == null) return 1;
        if (b == null) return -1;
        if (a instanceof Number && b instanceof Number) return compareNumbers((Number) a, (Number) b);
        if (a instanceof FixedChar || b instanceof FixedChar) {
            a = text(a);
            b = text(b);
        }
        if (a instanceof String && b instanceof String) return compareCodePoints((String) a, (String) b);
        return ((Comparable) a).compareTo(b);
    }

    static int compareCodePoints(String a, String b) {
        int n = Math.min(a.length(), b.length());
        for (int i = 0; i < n; i++) {
            char x = a.charAt(i);
            char y = b.charAt(i);
            if (x != y) {
                // Surrogates (U+D800..DFFF) sort above the BMP chars U+E000..FFFF by code point.
                boolean sx = Character.isSurrogate(x);
                boolean sy = Character.isSurrogate(y);
                if (sx != sy) return sx ? 1 : -1;
                return x - y;
            }
        }
        return a.length() - b.length();
    }

    static int compareNumbers(Number a, Number b) {
        if (a instanceof Long && b instanceof Long) return Long.compare((Long) a, (Long) b);
        if (isFloat(a) || isFloat(b)) {
            // float4 meets other numbers as float8, as in PostgreSQL; -0 = 0, NaN above everything and equal to NaN.
            double x = a.doubleValue();
            double y = b.doubleValue();
            return x == y ? 0 : Double.compare(x, y);
        }
        return toDecimal(a).compareTo(toDecimal(b));
    }

    /** Whether a number is a float8 or float4 value. */
    public static boolean isFloat(Object n) {
        return n instanceof Double || n instanceof Float;
    }

    /** A number as BigDecimal (exact for Long/BigDecimal). */
    public static BigDecimal toDecimal(Number n) {
        if (n instanceof BigDecimal) return (BigDecimal) n;
        if (n instanceof Long || n instanceof Integer) return BigDecimal.valueOf(n.longValue());
        return BigDecimal.valueOf(n.doubleValue());
    }

    /** A 64-bit hash that is stable across JVMs and consistent with {@link #equal} (so it ignores padding). */
    public static long hash64(Object v) {
        if (v == null) return 0x9E3779B97F4A7C15L;
        if (v instanceof Long) return mix(((Long) v));
        if (isFloat(v)) {
            double d = ((Number) v).doubleValue();
            if (d == Math.rint(d) && Math.abs(d) < 9.0e15) return mix((long) d);
            return mix(Double.doubleToLongBits(d == 0.0 ? 0.0 : d));
        }
        if (v instanceof BigDecimal) return hashDecimal((BigDecimal) v);
        if (v instanceof String) return hashString((String) v);
        if (v instanceof FixedChar c) return hashString(c.text());
        if (v instanceof Boolean) return (Boolean) v ? 0x51AF3D2B9C6E4F11L : 0x2C1B3C6D7E8F9A0BL;
        if (v instanceof LocalDate) return mix(((LocalDate) v).toEpochDay() ^ 0x44A7L);
        if (v instanceof LocalDateTime) {
            LocalDateTime t = (LocalDateTime) v;
            return mix(t.toEpochSecond(ZoneOffset.UTC) * 1_000_000_000L + t.getNano() ^ 0x7153L);
        }
        if (v instanceof PgInterval i) return mix(mix(i.spanDays()) ^ i.spanMicros() ^ 0x1A7EL);
        throw new IllegalArgumentException("unhashable value " + v.getClass());
    }

    private static long hashDecimal(BigDecimal d) {
        BigDecimal s = d.signum() == 0 ? BigDecimal.ZERO : d.stripTrailingZeros();
        if (s.scale() <= 0 && s.precision() - s.scale() <= 18) return mix(s.longValueExact());
        double dv = s.doubleValue();
        // Beyond the double range a value equals (as compareNumbers has it) the infinity it rounds to.
        if (Double.isInfinite(dv) || BigDecimal.valueOf(dv).compareTo(s) == 0) return mix(Double.doubleToLongBits(dv));
        BigInteger u = s.unscaledValue();
        return mix(u.hashCode() * 31L + s.scale());
    }

    private static long hashString(String s) {
        long h = 0xCBF29CE484222325L;
        for (int i = 0; i < s.length(); i++) {
            h = (h ^ s.charAt(i)) * 0x100000001B3L;
        }
        return mix(h);
    }

    /** SplitMix64 finaliser. */
    public static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * NUMERIC division as PostgreSQL does it (numeric_div, select_div_scale): the result keeps at least
     * 16 significant digits, and at least the scale of either operand, rounded half away from zero.
     * So AVG of small values has 16 decimals and a quotient of 19 integer digits has none.
     */
    public static BigDecimal divideNumeric(BigDecimal dividend, BigDecimal divisor) {
        int qweight = nbaseWeight(dividend) - nbaseWeight(divisor);
        if (nbaseFirstDigit(dividend) <= nbaseFirstDigit(divisor)) qweight--;
        int scale = 16 - qweight * 4;
        scale = Math.max(scale, Math.max(dividend.scale(), divisor.scale()));
        scale = Math.min(Math.max(scale, 0), 1000);
        return dividend.divide(divisor, scale, java.math.RoundingMode.HALF_UP);
    }

    // PostgreSQL stores NUMERIC in base-10000 digits: the weight is the power of 10000 of the first
    // non-zero digit (0 for zero), the first digit its value (0 for zero).
    static int nbaseWeight(BigDecimal v) {
        if (v.signum() == 0) return 0;
        int log10 = v.precision() - v.scale() - 1;
        return Math.floorDiv(log10, 4);
    }

    private static int nbaseFirstDigit(BigDecimal v) {
        if (v.signum() == 0) return 0;
        return v.abs().movePointLeft(4 * nbaseWeight(v)).intValue();
    }
}
