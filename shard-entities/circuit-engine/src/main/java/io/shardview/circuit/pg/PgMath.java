package io.shardview.circuit.pg;

import ch.obermuhlner.math.big.BigDecimalMath;
import io.shardview.circuit.error.EvaluationException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * PostgreSQL 15's sqrt, ln, log, exp, power and trunc, over double precision or numeric (values are {@link Double}s
 * or {@link BigDecimal}s; the planner chose the form as PostgreSQL resolves the call).
 *
 * <p>The double precision forms are the C library's functions with PostgreSQL's checks: the same errors for a
 * negative square root or logarithm, and {@code value out of range: overflow/underflow} where a finite argument gives
 * an infinite result or a zero one (from a non-zero base). Java's and glibc's ln, exp and pow may differ in the last
 * bit; sqrt is exact in both.
 *
 * <p>The numeric forms give PostgreSQL's result scale, which each function chooses from its arguments' scales and an
 * estimate of the result's magnitude (at least 16 significant digits; {@code sqrt(2.0)} is 1.414213562373095, 15
 * digits after the point, {@code ln(2.0)} 16, {@code exp(100.0)} 1), and the exact value rounded half away from zero
 * to it: computed here with guard digits beyond that scale (big-math's ln and exp), where PostgreSQL computes it
 * with guard digits of its own. The estimates are PostgreSQL's, step by step, since they decide the digits shown.
 */
public final class PgMath {
    /** NUMERIC_MIN_SIG_DIGITS: the significant digits a computed numeric gets at least. */
    private static final int MIN_SIG_DIGITS = 16;
    /** NUMERIC_MAX_DISPLAY_SCALE. */
    private static final int MAX_DISPLAY_SCALE = 1000;
    /** NUMERIC_MAX_RESULT_SCALE: exp(x) and power overflow (or underflow to zero) beyond x = 3 times this. */
    private static final int MAX_RESULT_SCALE = 2000;
    /** Digits computed beyond the result's scale before rounding to it. */
    private static final int GUARD = 12;

    private static final BigDecimal ZERO_POINT_NINE = new BigDecimal("0.9");
    private static final BigDecimal ONE_POINT_ONE = new BigDecimal("1.1");
    private static final BigDecimal TEN = BigDecimal.TEN;
    private static final BigDecimal NBASE = BigDecimal.valueOf(10_000);

    private PgMath() {}

    /** sqrt(x). */
    public static Object sqrt(Object v) {
        if (v instanceof BigDecimal x) return sqrt(x);
        double x = (Double) v;
        if (x < 0) throw new EvaluationException("cannot take square root of a negative number");
        return Math.sqrt(x);
    }

    /** ln(x). */
    public static Object ln(Object v) {
        if (v instanceof BigDecimal x) return ln(x);
        double x = (Double) v;
        checkLogArgument(x);
        return Math.log(x);
    }

    /** log(x): the logarithm to base 10. */
    public static Object log10(Object v) {
        if (v instanceof BigDecimal x) return log(TEN, x);
        double x = (Double) v;
        checkLogArgument(x);
        return Math.log10(x);
    }

    /** exp(x). */
    public static Object exp(Object v) {
        if (v instanceof BigDecimal x) return exp(x);
        double x = (Double) v;
        if (Double.isNaN(x)) return x;
        if (Double.isInfinite(x)) return x > 0 ? x : 0.0;
        double result = Math.exp(x);
        if (Double.isInfinite(result)) throw new EvaluationException("value out of range: overflow");
        if (result == 0.0) throw new EvaluationException("value out of range: underflow");
        return result;
    }

    /** trunc(x): toward zero (a double keeps its sign: trunc(-0.5) is -0). */
    public static Object trunc(Object v) {
        if (v instanceof BigDecimal x) return x.setScale(0, RoundingMode.DOWN);
        double x = (Double) v;
        return x < 0 ? Math.ceil(x) : Math.floor(x);
    }

    /** trunc(numeric, s): toward zero to s digits after the point; a negative s to tens, hundreds (scale 0). */
    public static BigDecimal trunc(BigDecimal v, long scale) {
        int s = (int) Math.max(-MAX_RESULT_SCALE, Math.min(MAX_RESULT_SCALE, scale));
        BigDecimal truncated = v.setScale(s, RoundingMode.DOWN);
        return s < 0 ? truncated.setScale(0) : truncated;
    }

    /** power(a, b): both doubles or both numerics, as the call was resolved. */
    public static Object power(Object a, Object b) {
        if (a instanceof BigDecimal base) return power(base, (BigDecimal) b);
        double x = (Double) a;
        double y = (Double) b;
        if (x == 0 && y < 0) throw new EvaluationException("zero raised to a negative power is undefined");
        if (x < 0 && Math.floor(y) != y && !Double.isInfinite(y))
            throw new EvaluationException("a negative number raised to a non-integer power yields a complex result");
        double result = Math.pow(x, y);
        boolean finite = !Double.isInfinite(x) && !Double.isInfinite(y) && !Double.isNaN(x) && !Double.isNaN(y);
        if (finite && Double.isInfinite(result)) throw new EvaluationException("value out of range: overflow");
        if (finite && result == 0.0 && x != 0.0) throw new EvaluationException("value out of range: underflow");
        return result;
    }

    private static void checkLogArgument(double x) {
        if (x == 0) throw new EvaluationException("cannot take logarithm of zero");
        if (x < 0) throw new EvaluationException("cannot take logarithm of a negative number");
    }

    // ---- numeric ----

    /** numeric sqrt: at least 16 significant digits from the argument's base-10000 weight, not fewer than its scale. */
    static BigDecimal sqrt(BigDecimal x) {
        if (x.signum() < 0) throw new EvaluationException("cannot take square root of a negative number");
        int sweight = (Values.nbaseWeight(x) + 1) * 4 / 2 - 1;
        int rscale = clampScale(Math.max(MIN_SIG_DIGITS - sweight, scale(x)));
        if (x.signum() == 0) return BigDecimal.ZERO.setScale(rscale);
        // Truncated at enough digits, then rounded: an irrational root is never exactly half way.
        int digits = Math.max(1, (approxLog10(x) / 2) + 2 + rscale) + GUARD;
        return x.sqrt(new MathContext(digits, RoundingMode.DOWN)).setScale(rscale, RoundingMode.HALF_UP);
    }

    /** numeric ln: 16 significant digits of the estimated result, not fewer than the argument's scale. */
    static BigDecimal ln(BigDecimal x) {
        checkLogArgument(x);
        int rscale = clampScale(Math.max(MIN_SIG_DIGITS - estimateLnDweight(x), scale(x)));
        return round(lnToScale(x, rscale + GUARD), rscale);
    }

    /** numeric log(b, x): ln(x) / ln(b), its scale from both estimates and both arguments' scales. */
    public static BigDecimal log(BigDecimal base, BigDecimal x) {
        checkLogArgument(base);
        checkLogArgument(x);
        int resultDweight = estimateLnDweight(x) - estimateLnDweight(base);
        int rscale = MIN_SIG_DIGITS - resultDweight;
        rscale = clampScale(Math.max(rscale, Math.max(scale(base), scale(x))));
        BigDecimal lnBase = lnRelative(base, rscale + GUARD + Math.max(0, resultDweight) + 2);
        if (lnBase.signum() == 0) throw new EvaluationException("division by zero");
        BigDecimal lnX = lnRelative(x, rscale + GUARD + Math.max(0, resultDweight) + 2);
        int quotientDigits = Math.max(1, rscale + Math.max(0, resultDweight) + 2) + GUARD;
        return round(lnX.divide(lnBase, new MathContext(quotientDigits, RoundingMode.HALF_EVEN)), rscale);
    }

    /** numeric exp: 16 significant digits from x's decimal weight (x log10(e)), not fewer than x's scale. */
    static BigDecimal exp(BigDecimal x) {
        double val = x.doubleValue() * 0.434294481903252;
        val = Math.max(-MAX_RESULT_SCALE, Math.min(MAX_RESULT_SCALE, val));
        int rscale = clampScale(Math.max(MIN_SIG_DIGITS - (int) val, scale(x)));
        if (Math.abs(x.doubleValue()) >= MAX_RESULT_SCALE * 3) {
            if (x.signum() > 0) throw new EvaluationException("value overflows numeric format");
            return BigDecimal.ZERO.setScale(rscale);
        }
        return round(expToScale(x, rscale), rscale);
    }

    /**
     * numeric power: an integer exponent (of int range) multiplies, with scale max(16, the base's scale); any other
     * exponent is exp(y ln |b|), its scale from an 8-digit estimate of that product as PostgreSQL makes it.
     */
    static BigDecimal power(BigDecimal base, BigDecimal exponent) {
        if (base.signum() == 0 && exponent.signum() < 0)
            throw new EvaluationException("zero raised to a negative power is undefined");
        boolean integral =
                exponent.signum() == 0 || exponent.stripTrailingZeros().scale() <= 0;
        if (integral
                && exponent.compareTo(BigDecimal.valueOf(Integer.MIN_VALUE)) >= 0
                && exponent.compareTo(BigDecimal.valueOf(Integer.MAX_VALUE)) <= 0) {
            int rscale = clampScale(Math.max(MIN_SIG_DIGITS, scale(base)));
            return integerPower(base, exponent.intValueExact(), rscale);
        }
        int sign = 1;
        BigDecimal b = base;
        if (base.signum() < 0) {
            if (!integral)
                throw new EvaluationException(
                        "a negative number raised to a non-integer power yields a complex result");
            sign = exponent.toBigInteger().testBit(0) ? -1 : 1;
            b = base.negate();
        }
        if (b.signum() == 0) return BigDecimal.ZERO.setScale(MIN_SIG_DIGITS);
        // PostgreSQL's estimate: ln(b) to about 8 significant digits, times y, at that scale.
        int lnDweight = estimateLnDweight(b);
        int localRscale = Math.max(8 - lnDweight, 0);
        localRscale = Math.min(localRscale, MAX_DISPLAY_SCALE);
        BigDecimal lnEstimate = round(lnToScale(b, localRscale + GUARD), localRscale);
        double val = round(lnEstimate.multiply(exponent), localRscale).doubleValue();
        if (Math.abs(val) > MAX_RESULT_SCALE * 3.01) {
            if (val > 0) throw new EvaluationException("value overflows numeric format");
            return BigDecimal.ZERO.setScale(MAX_DISPLAY_SCALE);
        }
        val *= 0.434294481903252;
        int rscale = MIN_SIG_DIGITS - (int) val;
        rscale = clampScale(Math.max(rscale, Math.max(scale(base), scale(exponent))));
        // exp(y ln b) to rscale: y ln b must be right to rscale plus the result's integer digits.
        int resultDigits = Math.max(0, (int) Math.ceil(val) + 1);
        int productDigits = Math.max(1, (int) Math.ceil(Math.log10(Math.abs(val / 0.434294481903252) + 1)) + 1);
        BigDecimal lnB = lnRelative(b, rscale + resultDigits + productDigits + GUARD + Math.max(0, -lnDweight) + 2);
        BigDecimal product = lnB.multiply(exponent);
        BigDecimal result = round(expToScale(product, rscale), rscale);
        return sign < 0 ? result.negate() : result;
    }

    /** base^n to rscale, n of int range: 0 and 1 exactly, a negative n as 1 / base^-n (division by zero for 0). */
    private static BigDecimal integerPower(BigDecimal base, int n, int rscale) {
        if (n == 0) return BigDecimal.ONE.setScale(rscale);
        if (base.signum() == 0) return BigDecimal.ZERO.setScale(rscale);
        // PostgreSQL's estimate of the result's decimal weight: beyond its bounds, overflow or zero.
        double f = n * approxLog10Exact(base.abs());
        if (f > 3 * Short.MAX_VALUE * 4) throw new EvaluationException("value overflows numeric format");
        if (f + 1 < -rscale || f + 1 < -MAX_DISPLAY_SCALE) return BigDecimal.ZERO.setScale(rscale);
        int digits = Math.max(1, (int) Math.ceil(f) + 1 + rscale)
                + GUARD
                + String.valueOf(Math.abs(n)).length();
        BigDecimal result = base.pow(n, new MathContext(digits, RoundingMode.HALF_EVEN));
        return round(result, rscale);
    }

    /** ln(x) to scale digits after the point. */
    private static BigDecimal lnToScale(BigDecimal x, int scale) {
        // ln(x) is at most ~6 digits before the point (x below 10^131072); its own weight may be far below.
        int magnitude = Math.max(1, (int) Math.ceil(Math.log10(Math.abs(approxLn(x)) + 1e-300)) + 1);
        return lnRelative(x, Math.max(1, magnitude + scale) + 2 + Math.max(0, -estimateLnDweight(x)));
    }

    /** ln(x) to the given significant digits. */
    private static BigDecimal lnRelative(BigDecimal x, int significantDigits) {
        if (x.compareTo(BigDecimal.ONE) == 0) return BigDecimal.ZERO;
        return BigDecimalMath.log(x, new MathContext(Math.max(1, significantDigits), RoundingMode.HALF_EVEN));
    }

    /** exp(x) to scale digits after the point plus guard digits. */
    private static BigDecimal expToScale(BigDecimal x, int scale) {
        double decimalWeight = x.doubleValue() * 0.434294481903252;
        int digits = Math.max(1, (int) Math.ceil(decimalWeight) + 1 + scale) + GUARD;
        return BigDecimalMath.exp(x, new MathContext(digits, RoundingMode.HALF_EVEN));
    }

    private static void checkLogArgument(BigDecimal x) {
        if (x.signum() == 0) throw new EvaluationException("cannot take logarithm of zero");
        if (x.signum() < 0) throw new EvaluationException("cannot take logarithm of a negative number");
    }

    /**
     * PostgreSQL's estimate_ln_dweight: the decimal weight of ln(x), from x - 1 near 1 (0.9 to 1.1), else from the
     * first two base-10000 digits of x.
     */
    static int estimateLnDweight(BigDecimal x) {
        if (x.signum() <= 0) return 0;
        if (x.compareTo(ZERO_POINT_NINE) >= 0 && x.compareTo(ONE_POINT_ONE) <= 0) {
            BigDecimal d = x.subtract(BigDecimal.ONE).abs();
            if (d.signum() == 0) return 0;
            int w = Values.nbaseWeight(d);
            int firstDigit = leadingDigits(d, w, 1).intValue();
            return w * 4 + (int) Math.log10(firstDigit);
        }
        int w = Values.nbaseWeight(x);
        BigInteger two = leadingDigits(x, w, 2);
        BigDecimal rest = x.abs().subtract(new BigDecimal(two).scaleByPowerOfTen(4 * (w - 1)));
        long digits;
        int dweight;
        if (rest.signum() == 0 && two.mod(BigInteger.valueOf(10_000)).signum() == 0) {
            digits = two.divide(BigInteger.valueOf(10_000)).longValue(); // one base-10000 digit
            dweight = w * 4;
        } else {
            digits = two.longValue();
            dweight = w * 4 - 4;
        }
        double lnVar = Math.log((double) digits) + dweight * 2.302585092994046;
        return (int) Math.log10(Math.abs(lnVar));
    }

    /** The first count base-10000 digits of |x| (weight w) as one integer. */
    private static BigInteger leadingDigits(BigDecimal x, int w, int count) {
        return x.abs()
                .scaleByPowerOfTen(-4 * (w - count + 1))
                .setScale(0, RoundingMode.DOWN)
                .toBigIntegerExact();
    }

    /** PostgreSQL's display scale of a numeric value. */
    private static int scale(BigDecimal x) {
        return Math.max(x.scale(), 0);
    }

    private static int clampScale(int rscale) {
        return Math.max(0, Math.min(MAX_DISPLAY_SCALE, rscale));
    }

    /** Half away from zero, as PostgreSQL's round_var. */
    private static BigDecimal round(BigDecimal v, int scale) {
        return v.setScale(scale, RoundingMode.HALF_UP);
    }

    /** The decimal exponent of x's first digit (x not zero). */
    private static int approxLog10(BigDecimal x) {
        return x.precision() - x.scale() - 1;
    }

    /** log10 of a positive x, to double precision, for any magnitude. */
    private static double approxLog10Exact(BigDecimal x) {
        int e = approxLog10(x);
        return e + Math.log10(x.scaleByPowerOfTen(-e).doubleValue());
    }

    /** ln of a positive x, to double precision, for any magnitude. */
    private static double approxLn(BigDecimal x) {
        return approxLog10Exact(x) * 2.302585092994046;
    }
}
