package io.shardview.metrics.promql.evaluation;

import java.util.function.DoubleUnaryOperator;

/** The functions of one number (abs, ln, sin, ...), and the arithmetic where Go's math differs from Java's. */
final class InstantFunctions {
    private InstantFunctions() {}

    private static final double LN2 = Math.log(2);

    /** The function of one number named {@code name}, or null. */
    static DoubleUnaryOperator math(String name) {
        return switch (name) {
            case "abs" -> Math::abs;
            case "ceil" -> Math::ceil;
            case "floor" -> Math::floor;
            case "exp" -> Math::exp;
            case "sqrt" -> Math::sqrt;
            case "ln" -> Math::log;
            case "log2" -> v -> Math.log(v) / LN2;
            case "log10" -> Math::log10;
            case "sgn" -> v -> v < 0 ? -1 : v > 0 ? 1 : v;
            case "acos" -> Math::acos;
            case "asin" -> Math::asin;
            case "atan" -> Math::atan;
            case "cos" -> Math::cos;
            case "sin" -> Math::sin;
            case "tan" -> Math::tan;
            case "cosh" -> Math::cosh;
            case "sinh" -> Math::sinh;
            case "tanh" -> Math::tanh;
            case "acosh" -> InstantFunctions::acosh;
            case "asinh" -> InstantFunctions::asinh;
            case "atanh" -> InstantFunctions::atanh;
            case "deg" -> v -> v * 180 / Math.PI;
            case "rad" -> v -> v * Math.PI / 180;
            default -> null;
        };
    }

    /** round(v, toNearest): half up to a multiple of toNearest. */
    static double round(double v, double toNearest) {
        double inverse = 1.0 / toNearest;
        return Math.floor(v * inverse + 0.5) / inverse;
    }

    /** Go's math.Max: +Inf wins over NaN. */
    static double goMax(double a, double b) {
        if (a == Double.POSITIVE_INFINITY || b == Double.POSITIVE_INFINITY) return Double.POSITIVE_INFINITY;
        return Math.max(a, b);
    }

    /** Go's math.Min: -Inf wins over NaN. */
    static double goMin(double a, double b) {
        if (a == Double.NEGATIVE_INFINITY || b == Double.NEGATIVE_INFINITY) return Double.NEGATIVE_INFINITY;
        return Math.min(a, b);
    }

    private static double asinh(double x) {
        double a = Math.abs(x);
        double r;
        if (a > 1e8) r = Math.log(a) + LN2;
        else if (a < 1e-8) r = a;
        else r = Math.log1p(a + a * a / (1 + Math.sqrt(1 + a * a)));
        return Math.copySign(r, x);
    }

    private static double acosh(double x) {
        if (x < 1 || Double.isNaN(x)) return Double.NaN;
        if (x > 1e8) return Math.log(x) + LN2;
        double t = x - 1;
        return Math.log1p(t + Math.sqrt(2 * t + t * t));
    }

    private static double atanh(double x) {
        return 0.5 * Math.log1p(2 * x / (1 - x));
    }
}
