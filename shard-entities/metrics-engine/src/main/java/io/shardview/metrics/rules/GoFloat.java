package io.shardview.metrics.rules;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Go's strconv.FormatFloat for float64 in the 'e', 'f' and 'g' formats, shortest (precision -1) or with a precision.
 * Digits come from the exact binary value (BigDecimal) rounded half-even, as Go's decimal rounding does; the shortest
 * form is the fewest digits that read back as the same double (Java 17's Double.toString is not always shortest).
 */
public final class GoFloat {
    private GoFloat() {}

    /** Decimal digits without trailing zeros, and the point's position: value = 0.digits × 10^point. */
    private record Digits(String digits, int point) {}

    /** Formats v as Go's strconv.FormatFloat(v, fmt, prec, 64); NaN is "NaN", infinities "+Inf" and "-Inf". */
    public static String format(double v, char fmt, int prec) {
        if (Double.isNaN(v)) return "NaN";
        if (Double.isInfinite(v)) return v > 0 ? "+Inf" : "-Inf";
        boolean neg = v < 0 || (v == 0 && 1 / v < 0);
        double abs = Math.abs(v);
        String body = fmt == 'f' ? fixed(abs, prec) : fmt == 'e' ? exponent(abs, prec) : general(abs, prec);
        return neg ? "-" + body : body;
    }

    private static String fixed(double abs, int prec) {
        if (prec < 0) {
            Digits d = shortest(abs);
            return fmtF(d, Math.max(d.digits().length() - d.point(), 0));
        }
        return new BigDecimal(abs).setScale(prec, RoundingMode.HALF_EVEN).toPlainString();
    }

    private static String exponent(double abs, int prec) {
        if (prec < 0) {
            Digits d = shortest(abs);
            return fmtE(d, Math.max(d.digits().length() - 1, 0));
        }
        return fmtE(rounded(abs, prec + 1), prec);
    }

    private static String general(double abs, int prec) {
        boolean shortest = prec < 0;
        if (prec == 0) prec = 1;
        Digits d = shortest ? shortest(abs) : rounded(abs, prec);
        int nd = d.digits().length();
        if (shortest) prec = nd;
        int eprec = prec;
        if (eprec > nd && nd >= d.point()) eprec = nd;
        if (shortest) eprec = 6; // Go decides the form of the shortest %g with precision 6
        int exp = d.point() - 1;
        if (exp < -4 || exp >= eprec) {
            return fmtE(d, Math.min(prec, nd) - 1);
        }
        if (prec > d.point()) prec = nd;
        return fmtF(d, Math.max(prec - d.point(), 0));
    }

    private static Digits shortest(double abs) {
        if (abs == 0) return new Digits("", 0);
        BigDecimal exact = new BigDecimal(abs);
        for (int p = 1; p < 17; p++) {
            BigDecimal r = exact.round(new MathContext(p, RoundingMode.HALF_EVEN));
            if (r.doubleValue() == abs) return digitsOf(r);
        }
        return digitsOf(exact.round(new MathContext(17, RoundingMode.HALF_EVEN)));
    }

    private static Digits rounded(double abs, int significant) {
        if (abs == 0) return new Digits("", 0);
        return digitsOf(new BigDecimal(abs).round(new MathContext(significant, RoundingMode.HALF_EVEN)));
    }

    private static Digits digitsOf(BigDecimal r) {
        BigDecimal s = r.stripTrailingZeros();
        String digits = s.unscaledValue().toString();
        return new Digits(digits, digits.length() - s.scale());
    }

    /** d.ddde±XX with prec digits after the point, the exponent at least two digits. */
    private static String fmtE(Digits d, int prec) {
        String ds = d.digits();
        StringBuilder b = new StringBuilder();
        b.append(ds.isEmpty() ? '0' : ds.charAt(0));
        if (prec > 0) {
            b.append('.');
            for (int i = 1; i <= prec; i++) b.append(i < ds.length() ? ds.charAt(i) : '0');
        }
        int exp = ds.isEmpty() ? 0 : d.point() - 1;
        b.append('e').append(exp < 0 ? '-' : '+');
        int a = Math.abs(exp);
        if (a < 10) b.append('0');
        return b.append(a).toString();
    }

    /** ddd.ddd with prec digits after the point. */
    private static String fmtF(Digits d, int prec) {
        String ds = d.digits();
        StringBuilder b = new StringBuilder();
        if (d.point() > 0) {
            for (int i = 0; i < d.point(); i++) b.append(i < ds.length() ? ds.charAt(i) : '0');
        } else {
            b.append('0');
        }
        if (prec > 0) {
            b.append('.');
            for (int i = 1; i <= prec; i++) {
                int j = d.point() + i - 1;
                b.append(j >= 0 && j < ds.length() ? ds.charAt(j) : '0');
            }
        }
        return b.toString();
    }
}
