package io.shardview.circuit.plan;

import io.shardview.circuit.ColumnType;
import io.shardview.circuit.operator.EvaluationException;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.DateTimeException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * CAST from text, as PostgreSQL's input functions read it: surrounding whitespace is ignored, and
 * anything else they refuse fails with their message ({@code invalid input syntax for type integer: "x"}).
 * Dates and timestamps accept the ISO forms only (PostgreSQL accepts more, e.g. month names).
 */
final class TextInput {
    private static final Pattern INTEGER = Pattern.compile("[+-]?[0-9]+");
    private static final Pattern DECIMAL = Pattern.compile("[+-]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][+-]?[0-9]+)?");
    private static final Pattern ISO_DATE = Pattern.compile("([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})");
    private static final Pattern ISO_TIMESTAMP = Pattern.compile(
            "([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})(?:[ T]([0-9]{1,2}):([0-9]{2})(?::([0-9]{2})(?:\\.([0-9]{1,9}))?)?)?");
    private static final Pattern SPECIAL_DOUBLE = Pattern.compile("[+-]?(inf|infinity)|nan");

    private TextInput() {
    }

    /** PostgreSQL's whitespace (isspace in the C locale), which its input functions skip. */
    private static String trim(String s) {
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

    static BigDecimal toDecimal(String input) {
        String s = trim(input);
        if (!DECIMAL.matcher(s).matches()) throw invalid("numeric", input);
        return new BigDecimal(s);
    }

    /** PostgreSQL's boolean input: true/false, yes/no, on/off, 1/0 and unique prefixes, any case. */
    static boolean toBoolean(String input) {
        String s = trim(input).toLowerCase(Locale.ROOT);
        if (!s.isEmpty()) {
            if ("true".startsWith(s) || "yes".startsWith(s) || s.equals("1") || (s.length() > 1 && "on".startsWith(s))) return true;
            if ("false".startsWith(s) || "no".startsWith(s) || s.equals("0") || (s.length() > 1 && "off".startsWith(s))) return false;
        }
        throw invalid("boolean", input);
    }

    static LocalDate toDate(String input) {
        Matcher m = ISO_DATE.matcher(trim(input));
        if (!m.matches()) throw invalid("date", input);
        return date(m, input);
    }

    static LocalDateTime toTimestamp(String input) {
        Matcher m = ISO_TIMESTAMP.matcher(trim(input));
        if (!m.matches()) throw invalid("timestamp", input);
        LocalDate day = date(m, input);
        if (m.group(4) == null) return day.atStartOfDay();
        try {
            String fraction = m.group(7) == null ? "" : m.group(7);
            int nanos = fraction.isEmpty() ? 0 : Integer.parseInt((fraction + "000000000").substring(0, 9));
            return day.atTime(Integer.parseInt(m.group(4)), Integer.parseInt(m.group(5)),
                    m.group(6) == null ? 0 : Integer.parseInt(m.group(6)), nanos);
        } catch (DateTimeException e) {
            throw fieldOutOfRange(input);
        }
    }

    /** The date of the first three groups (year, month, day); a field out of its range fails as in PostgreSQL. */
    private static LocalDate date(Matcher m, String input) {
        try {
            return LocalDate.of(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)));
        } catch (DateTimeException e) {
            throw fieldOutOfRange(input);
        }
    }

    private static EvaluationException fieldOutOfRange(String input) {
        return new EvaluationException("date/time field value out of range: \"" + input + "\"");
    }
}
