package io.shardview.circuit.pg;

import io.shardview.circuit.error.UnsupportedSqlException;
import io.shardview.circuit.pg.DateFields.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PostgreSQL's interval: months, days and microseconds, kept apart because a month and a day have no fixed length
 * (added to a timestamp, the months go first, clamped to the month's end, then the days, then the time; see
 * {@link DateFields#plus}). Intervals are values of views ({@code ts - ts}, interval arithmetic: {@link Intervals});
 * they compare and are equal as PostgreSQL's are, by their span with a month as 30 days and a day as 24 hours
 * ({@code '1 mon' = '30 days'}), and are shown as PostgreSQL shows them ({@link #toString}).
 *
 * <p>{@link #parse} reads PostgreSQL's input in its default (postgres) style: quantities with units ({@code 1 day},
 * {@code 2 hours 30 minutes}, {@code 1 year 2 mons}, {@code -1.5 days}, {@code 1 day ago}, units spelt as
 * PostgreSQL spells them: {@code mon}, {@code mins}, {@code hrs}, ...), {@code h:mm[:ss[.f]]} times, {@code y-m}
 * years and months, and a bare number as seconds (before a time, as days). Fractions spill as PostgreSQL's do: a
 * fraction of a year into whole months, of a month into 30-day days and then time, of a day into time.
 */
public record PgInterval(int months, int days, long micros) implements Comparable<PgInterval> {
    static final long MICROS_PER_DAY = 86_400_000_000L;

    /** The span as whole days (a month 30) and the microseconds left, 0 to a day: what compares, equals and hashes. */
    long spanDays() {
        return months * 30L + days + Math.floorDiv(micros, MICROS_PER_DAY);
    }

    long spanMicros() {
        return Math.floorMod(micros, MICROS_PER_DAY);
    }

    /** PostgreSQL's interval_cmp: by the span, a month as 30 days and a day as 24 hours. */
    @Override
    public int compareTo(PgInterval o) {
        int c = Long.compare(spanDays(), o.spanDays());
        return c != 0 ? c : Long.compare(spanMicros(), o.spanMicros());
    }

    /**
     * PostgreSQL's output of an interval in its default style ({@code IntervalStyle = postgres}): years, months and days
     * as quantities ({@code 1 year 2 mons -3 days}), then the time as {@code [+-]hh:mm:ss[.ffffff]} (trailing zeros of
     * the fraction dropped), shown when it is not zero or when nothing else is; a positive part after a negative one
     * carries a {@code +}.
     */
    @Override
    public String toString() {
        StringBuilder out = new StringBuilder();
        boolean[] before = {false};
        part(out, months / 12, "year", before);
        part(out, months % 12, "mon", before);
        part(out, days, "day", before);
        long hours = micros / 3_600_000_000L;
        long minutes = micros / 60_000_000L % 60;
        long seconds = micros / 1_000_000L % 60;
        long fraction = micros % 1_000_000L;
        if (out.length() == 0 || micros != 0) {
            if (out.length() > 0) out.append(' ');
            out.append(micros < 0 ? "-" : before[0] ? "+" : "");
            out.append(String.format(
                    Locale.ROOT, "%02d:%02d:%02d", Math.abs(hours), Math.abs(minutes), Math.abs(seconds)));
            if (fraction != 0) {
                String digits = String.format(Locale.ROOT, "%06d", Math.abs(fraction));
                out.append('.').append(digits.replaceFirst("0+$", ""));
            }
        }
        return out.toString();
    }

    /** One quantity of the output: none when 0, plural but for 1, a + after a negative quantity. */
    private static void part(StringBuilder out, long value, String unit, boolean[] before) {
        if (value == 0) return;
        if (out.length() > 0) out.append(' ');
        if (before[0] && value > 0) out.append('+');
        out.append(value).append(' ').append(unit).append(value != 1 ? "s" : "");
        before[0] = value < 0;
    }

    /** An interval of whole days (a date plus an integer). */
    public static PgInterval ofDays(long days) {
        return new PgInterval(0, Math.toIntExact(days), 0);
    }

    /** The interval with each part negated (what subtracting it adds). */
    public PgInterval negate() {
        return new PgInterval(Math.negateExact(months), Math.negateExact(days), Math.negateExact(micros));
    }

    /**
     * The interval without its fields below the unit, as PostgreSQL keeps an interval typed by a field
     * ({@code INTERVAL '1.5' DAY} is 1 day, {@code INTERVAL '90' MINUTE} 1 hour 30 minutes): of a year, whole years of
     * its months; of a month, its months; of a day, no time; of an hour or a minute, whole ones of its time.
     */
    public PgInterval truncatedTo(Field unit) {
        return switch (unit) {
            case YEAR -> new PgInterval(months / 12 * 12, 0, 0);
            case MONTH -> new PgInterval(months, 0, 0);
            case DAY -> new PgInterval(months, days, 0);
            case HOUR -> new PgInterval(months, days, micros / 3_600_000_000L * 3_600_000_000L);
            case MINUTE -> new PgInterval(months, days, micros / 60_000_000L * 60_000_000L);
            default -> this;
        };
    }

    /** A token of interval input: a signed number (a lone sign applies to the number after it), a time, y-m, a word. */
    private static final Pattern TOKEN = Pattern.compile("(?<time>[+-]?\\d+:\\d+(?::\\d+)?(?:\\.\\d*)?)"
            + "|(?<ym>[+-]?\\d+-\\d+)"
            + "|(?<number>(?:[+-]\\s*)?(?:\\d+\\.?\\d*|\\.\\d+))"
            + "|(?<word>[a-z]+)"
            + "|(?<skip>[\\s,]+|@)");

    /** The fields read so far (a field given twice is refused, as PostgreSQL does) and their sums. */
    private static final class Fields {
        final java.util.EnumSet<Field> seen = java.util.EnumSet.noneOf(Field.class);
        long years;
        long months;
        long days;
        long micros;

        void claim(String input, Field... units) {
            for (Field u : units) {
                if (!seen.add(u)) throw invalid(input);
            }
        }
    }

    /**
     * PostgreSQL's interval input (see the class comment), refusing what PostgreSQL refuses with its message
     * ({@code invalid input syntax for type interval: "..."}) and forms of it the engine does not read (ISO 8601's
     * {@code P1D}, PostgreSQL's reading of a bare number before a number with a unit) with one saying so.
     */
    public static PgInterval parse(String text) {
        List<String[]> tokens = tokens(text);
        boolean ago = !tokens.isEmpty() && tokens.get(tokens.size() - 1)[1].equals("ago");
        if (ago) tokens = tokens.subList(0, tokens.size() - 1);
        if (tokens.isEmpty()) throw invalid(text);
        Fields f = new Fields();
        for (int i = 0; i < tokens.size(); i++) {
            String kind = tokens.get(i)[0];
            String token = tokens.get(i)[1];
            String next = i + 1 < tokens.size() ? tokens.get(i + 1)[0] : null;
            switch (kind) {
                case "time" -> time(token, text, f);
                case "ym" -> yearsMonths(token, text, f);
                case "number" -> {
                    if ("word".equals(next)) {
                        quantity(token, unit(tokens.get(++i)[1], text), text, f);
                    } else if ("time".equals(next)) {
                        quantity(token, Field.DAY, text, f); // 1 2:03:04 is a day and a time
                    } else if (next == null) {
                        quantity(token, Field.SECOND, text, f); // a bare number last is seconds
                    } else {
                        throw unread(text);
                    }
                }
                default -> throw text.trim().matches("(?i)p\\d.*") ? unread(text) : invalid(text); // ISO 8601: P1D
            }
        }
        if (ago) {
            f.years = -f.years;
            f.months = -f.months;
            f.days = -f.days;
            f.micros = -f.micros;
        }
        try {
            return new PgInterval(
                    Math.toIntExact(Math.addExact(Math.multiplyExact(f.years, 12), f.months)),
                    Math.toIntExact(f.days),
                    f.micros);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("interval out of range");
        }
    }

    private static List<String[]> tokens(String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        Matcher m = TOKEN.matcher(lower);
        List<String[]> out = new ArrayList<>();
        int at = 0;
        while (at < lower.length()) {
            if (!m.find(at) || m.start() != at) throw unread(text);
            at = m.end();
            for (String kind : List.of("time", "ym", "number", "word")) {
                if (m.group(kind) != null)
                    out.add(new String[] {kind, m.group(kind).replaceAll("\\s", "")});
            }
        }
        return out;
    }

    /** A unit of interval input: PostgreSQL's units but the quarter and the time zone. */
    private static Field unit(String word, String input) {
        Field u = DateFields.unit(word);
        if (u == null || u == Field.QUARTER || u == Field.TIMEZONE) throw invalid(input);
        return u;
    }

    /**
     * A signed number of a unit, its whole part and its fraction applied as PostgreSQL's DecodeInterval applies them
     * (the fraction in double precision, as there).
     */
    private static void quantity(String number, Field unit, String input, Fields f) {
        boolean negative = number.startsWith("-");
        String digits = number.replaceFirst("^[+-]", "");
        int point = digits.indexOf('.');
        String whole = point < 0 ? digits : digits.substring(0, point);
        long value;
        try {
            value = whole.isEmpty() ? 0 : Math.toIntExact(Long.parseLong(whole));
        } catch (ArithmeticException | NumberFormatException e) {
            throw new IllegalArgumentException("interval field value out of range: \"" + input + "\"");
        }
        double fraction =
                point < 0 || point == digits.length() - 1 ? 0 : Double.parseDouble("0" + digits.substring(point));
        if (negative) {
            value = -value;
            fraction = -fraction;
        }
        f.claim(input, unit);
        if (unit == Field.SECOND && fraction != 0) f.claim(input, Field.MILLISECOND, Field.MICROSECOND);
        try {
            switch (unit) {
                case MICROSECOND -> f.micros += value + micros(fraction);
                case MILLISECOND -> f.micros += Math.multiplyExact(value, 1000L) + micros(fraction * 1000);
                case SECOND -> f.micros += Math.multiplyExact(value, 1_000_000L) + micros(fraction * 1e6);
                case MINUTE -> f.micros += Math.multiplyExact(value, 60_000_000L) + micros(fraction * 6e7);
                case HOUR -> f.micros += Math.multiplyExact(value, 3_600_000_000L) + micros(fraction * 3.6e9);
                case DAY -> {
                    f.days += value;
                    f.micros += micros(fraction * MICROS_PER_DAY);
                }
                case WEEK -> {
                    f.days += value * 7;
                    fractionOfDays(fraction * 7, f);
                }
                case MONTH -> {
                    f.months += value;
                    fractionOfDays(fraction * 30, f);
                }
                default -> { // years, decades, centuries, millennia: a fraction becomes whole months
                    int years =
                            switch (unit) {
                                case DECADE -> 10;
                                case CENTURY -> 100;
                                case MILLENNIUM -> 1000;
                                default -> 1;
                            };
                    f.years += Math.multiplyExact(value, years);
                    f.months += (long) Math.rint(fraction * years * 12);
                }
            }
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("interval field value out of range: \"" + input + "\"");
        }
    }

    /** Days with a fraction: the whole days, then the rest as microseconds (PostgreSQL's AdjustFractDays). */
    private static void fractionOfDays(double days, Fields f) {
        long whole = (long) days;
        f.days += whole;
        f.micros += micros((days - whole) * MICROS_PER_DAY);
    }

    /**
     * A fractional number of microseconds made whole as PostgreSQL's AdjustFractMicroseconds makes it: the whole part,
     * then rint of what is left, which rounds a half toward zero (2.5 is 2, -1.5 is -1).
     */
    private static long micros(double micros) {
        long whole = (long) micros;
        return whole + (long) Math.rint(micros - whole);
    }

    /** y-m, years and months (SQL's form), its sign both's. */
    private static void yearsMonths(String token, String input, Fields f) {
        f.claim(input, Field.YEAR, Field.MONTH);
        boolean negative = token.startsWith("-");
        String[] parts = token.replaceFirst("^[+-]", "").split("-");
        try {
            long months = Math.addExact(
                    Math.multiplyExact(Math.toIntExact(Long.parseLong(parts[0])), 12L), Long.parseLong(parts[1]));
            f.months += negative ? -months : months;
        } catch (ArithmeticException | NumberFormatException e) {
            throw new IllegalArgumentException("interval field value out of range: \"" + input + "\"");
        }
    }

    /** h:mm, h:mm:ss[.f], or mm:ss.f (two parts with a fraction), its sign the whole time's. */
    private static void time(String token, String input, Fields f) {
        f.claim(input, Field.HOUR, Field.MINUTE, Field.SECOND);
        boolean negative = token.startsWith("-");
        String[] parts = token.replaceFirst("^[+-]", "").split(":");
        boolean minutesSeconds = parts.length == 2 && parts[1].contains(".");
        String[] seconds = (minutesSeconds ? parts[1] : parts.length > 2 ? parts[2] : "0").split("\\.", -1);
        // The fraction as PostgreSQL's ParseFractionalSecond reads it: strtod of its own digits, then rint.
        double fraction = seconds.length < 2 || seconds[1].isEmpty() ? 0 : Double.parseDouble("0." + seconds[1]);
        try {
            long hours = minutesSeconds ? 0 : Math.toIntExact(Long.parseLong(parts[0]));
            long minutes = Math.toIntExact(Long.parseLong(minutesSeconds ? parts[0] : parts[1]));
            long whole = Long.parseLong(seconds[0]);
            if ((!minutesSeconds && minutes > 59) || whole > 59) throw new ArithmeticException();
            long micros = ((hours * 60 + minutes) * 60 + whole) * 1_000_000L + (long) Math.rint(fraction * 1e6);
            f.micros += negative ? -micros : micros;
        } catch (ArithmeticException | NumberFormatException e) {
            throw new IllegalArgumentException("interval field value out of range: \"" + input + "\"");
        }
    }

    /** PostgreSQL's message for input it does not read. */
    private static IllegalArgumentException invalid(String input) {
        return new IllegalArgumentException("invalid input syntax for type interval: \"" + input + "\"");
    }

    /** Input the engine does not read, PostgreSQL may (P1D, '2 3 hours'). */
    private static UnsupportedSqlException unread(String input) {
        return new UnsupportedSqlException("interval '" + input + "': the engine reads intervals written as"
                + " quantities with units ('1 day', '2 hours 30 minutes', '-1 mon', '1 day ago'), h:mm:ss and y-m");
    }
}
