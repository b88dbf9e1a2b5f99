package io.shardview.circuit.pg;

import io.shardview.circuit.error.EvaluationException;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * CAST from text, as PostgreSQL's input functions read it: surrounding whitespace is ignored, and
 * anything else they refuse fails with their message ({@code invalid input syntax for type integer: "x"}).
 * Dates and timestamps are read by {@link DateTimeInput}.
 */
public final class TextInput {
    private static final Pattern INTEGER = Pattern.compile("[+-]?[0-9]+");
    private static final Pattern DECIMAL = Pattern.compile("[+-]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][+-]?[0-9]+)?");
    private static final Pattern SPECIAL_DOUBLE = Pattern.compile("[+-]?(inf|infinity)|nan");

    private TextInput() {}

    /**
     * Why PostgreSQL refuses to read a string literal as a value of the type (its message, as it gives it when it
     * plans the statement: invalid input syntax for type integer: "a"), or null if it reads it.
     */
    public static String problem(String literal, ColumnType type) {
        try {
            Scalars.cast(literal, type);
            return null;
        } catch (EvaluationException e) {
            return e.getMessage();
        }
    }

    /** PostgreSQL's whitespace (isspace in the C locale), which its input functions skip. */
    static String trim(String s) {
        int from = 0;
        int to = s.length();
        while (from < to && " \t\n\r\f\u000B".indexOf(s.charAt(from)) >= 0) from++;
        while (to > from && " \t\n\r\f\u000B".indexOf(s.charAt(to - 1)) >= 0) to--;
        return s.substring(from, to);
    }

    private static EvaluationException invalid(String type, String input) {
        return new EvaluationException("invalid input syntax for type " + type + ": \"" + input + "\"");
    }

    static long toInteger(String input, ColumnType type) {
        String s = trim(input);
        if (!INTEGER.matcher(s).matches()) throw invalid(type.sqlName(), input);
        try {
            return Scalars.inRange(Long.parseLong(s), type);
        } catch (NumberFormatException | EvaluationException tooLarge) {
            throw new EvaluationException("value \"" + input + "\" is out of range for type " + type.sqlName());
        }
    }

    static double toDouble(String input) {
        String s = trim(input);
        String lower = s.toLowerCase(Locale.ROOT);
        if (SPECIAL_DOUBLE.matcher(lower).matches()) {
            if (lower.equals("nan")) return Double.NaN;
            return lower.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        }
        if (!DECIMAL.matcher(s).matches()) throw invalid("double precision", input);
        double d = Double.parseDouble(s);
        if (Double.isInfinite(d) || (d == 0 && new BigDecimal(s).signum() != 0)) {
            throw new EvaluationException("\"" + s + "\" is out of range for type double precision");
        }
        return d;
    }

    /** PostgreSQL's float4in: like float8's, rounded to float4; a value that overflows or becomes 0 is refused. */
    static float toReal(String input) {
        String s = trim(input);
        String lower = s.toLowerCase(Locale.ROOT);
        if (SPECIAL_DOUBLE.matcher(lower).matches()) return (float) toDouble(input);
        if (!DECIMAL.matcher(s).matches()) throw invalid("real", input);
        float f = Float.parseFloat(s);
        if (Float.isInfinite(f) || (f == 0 && new BigDecimal(s).signum() != 0)) {
            throw new EvaluationException("\"" + s + "\" is out of range for type real");
        }
        return f;
    }

    static BigDecimal toDecimal(String input) {
        String s = trim(input);
        if (!DECIMAL.matcher(s).matches()) throw invalid("numeric", input);
        return new BigDecimal(s);
    }

    /** PostgreSQL's boolean input: true/false, yes/no, on/off, 1/0 and unique prefixes, any case. */
    static boolean toBoolean(String input) {
        String s = trim(input).toLowerCase(Locale.ROOT);
        if (!s.isEmpty()) {
            if ("true".startsWith(s) || "yes".startsWith(s) || s.equals("1") || (s.length() > 1 && "on".startsWith(s)))
                return true;
            if ("false".startsWith(s) || "no".startsWith(s) || s.equals("0") || (s.length() > 1 && "off".startsWith(s)))
                return false;
        }
        throw invalid("boolean", input);
    }

    static LocalDate toDate(String input) {
        return DateTimeInput.toDate(input);
    }

    static LocalDateTime toTimestamp(String input) {
        return DateTimeInput.toTimestamp(input);
    }
}
