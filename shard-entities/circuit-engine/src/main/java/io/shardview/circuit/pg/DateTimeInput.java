package io.shardview.circuit.pg;

import io.shardview.circuit.error.EvaluationException;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * CAST of text to DATE and TIMESTAMP: the forms PostgreSQL reads the same under every DateStyle setting
 * (checked against PostgreSQL 15 under MDY, DMY and YMD). A form PostgreSQL reads by DateStyle (01/02/2024)
 * is refused, as are the rest this engine cannot hold or does not read (see README).
 *
 * <p>Dates: a year of 4 or more digits first, then month and day, separated by '-', '/' or '.'
 * (2024-1-5, 2024/01/15, 2024.01.15); YYYYMMDD and YYMMDD (1970..2069); a year and day of the year
 * (2024.015); a Julian day (J2460325); a month name or abbreviation with a 4-digit year, in any
 * of the orders 2024-Jan-15, Jan-15-2024, 15-Jan-2024, January 15, 2024 (blanks, '-' or '/' between the
 * fields), after an optional weekday name (Monday, January 15, 2024); and epoch (1970-01-01).
 * Times, after a blank or T: H:MM, H:MM:SS or H:MM:SS.fraction (rounded to microseconds), then optionally
 * AM or PM and a zone that a timestamp without time zone ignores (Z, UTC, GMT, +02, -05:30, +0530).
 * 24:00:00 is the next day's midnight and second 60 the next minute. A date reads a time and drops it.
 */
final class DateTimeInput {
    private static final String MONTH = "(?<mon>[a-z]+)\\.?";
    private static final String YEAR_FIRST = "(?<y>\\d{4,})(?<sep>[-/.])(?<m>\\d{1,2})\\k<sep>(?<d>\\d{1,2})";
    private static final String UNDELIMITED = "(?<y>\\d{4})(?<m>\\d{2})(?<d>\\d{2})";
    private static final String TWO_DIGIT_YEAR = "(?<yy>\\d{2})(?<m>\\d{2})(?<d>\\d{2})";
    private static final String DAY_OF_YEAR = "(?<y>\\d{4})\\.(?<doy>\\d{3})";
    private static final String JULIAN_DAY = "j(?<jd>\\d{1,8})";
    /** The Julian day number of 1970-01-01. */
    private static final long JULIAN_EPOCH = 2440588;

    private static final String S = "[-/\\s]+";
    private static final String WEEKDAY = "(?:(?<wd>[a-z]+),?\\s+)?";
    private static final List<Pattern> DATES = List.of(
            date(YEAR_FIRST),
            date(UNDELIMITED),
            date(TWO_DIGIT_YEAR),
            date(DAY_OF_YEAR),
            date(JULIAN_DAY),
            date(WEEKDAY + "(?<y>\\d{4})" + S + MONTH + S + "(?<d>\\d{1,2})"),
            date(WEEKDAY + MONTH + S + "(?<d>\\d{1,2}),?" + S + "(?<y>\\d{4})"),
            date(WEEKDAY + "(?<d>\\d{1,2})" + S + MONTH + ",?" + S + "(?<y>\\d{4})"));
    private static final String TIME = "(?:(?:\\s+|t)(?<h>\\d{1,2}):(?<mi>\\d{2})(?::(?<s>\\d{2})(?:\\.(?<f>\\d+))?)?"
            + "(?:\\s*(?<ampm>am|pm))?(?:\\s*(?:z|utc|gmt|[+-]\\d{1,2}(?::?\\d{2})?))?)?";
    private static final Map<String, Integer> MONTHS = Map.ofEntries(
            Map.entry("jan", 1),
            Map.entry("january", 1),
            Map.entry("feb", 2),
            Map.entry("february", 2),
            Map.entry("mar", 3),
            Map.entry("march", 3),
            Map.entry("apr", 4),
            Map.entry("april", 4),
            Map.entry("may", 5),
            Map.entry("jun", 6),
            Map.entry("june", 6),
            Map.entry("jul", 7),
            Map.entry("july", 7),
            Map.entry("aug", 8),
            Map.entry("august", 8),
            Map.entry("sep", 9),
            Map.entry("sept", 9),
            Map.entry("september", 9),
            Map.entry("oct", 10),
            Map.entry("october", 10),
            Map.entry("nov", 11),
            Map.entry("november", 11),
            Map.entry("dec", 12),
            Map.entry("december", 12));
    private static final List<String> WEEKDAYS = List.of(
            "sun",
            "sunday",
            "mon",
            "monday",
            "tue",
            "tues",
            "tuesday",
            "wed",
            "wednesday",
            "thu",
            "thur",
            "thurs",
            "thursday",
            "fri",
            "friday",
            "sat",
            "saturday");

    private DateTimeInput() {}

    private static Pattern date(String datePart) {
        return Pattern.compile(datePart + TIME, Pattern.CASE_INSENSITIVE);
    }

    static LocalDate toDate(String input) {
        return parse(input, "date").toLocalDate();
    }

    static LocalDateTime toTimestamp(String input) {
        return parse(input, "timestamp");
    }

    /** The date and time of the input; type names the target type in error messages. */
    private static LocalDateTime parse(String input, String type) {
        String s = TextInput.trim(input).toLowerCase(Locale.ROOT);
        if (s.equals("epoch")) return LocalDateTime.of(1970, 1, 1, 0, 0);
        for (Pattern p : DATES) {
            Matcher m = p.matcher(s);
            if (!m.matches()) continue;
            Integer month = month(m);
            if (month == null || !weekdayOrNone(m)) break;
            LocalDate day = day(m, month, input, type);
            boolean dateOnly = type.equals("date");
            return m.group("h") == null ? day.atStartOfDay() : withTime(day, m, input, dateOnly);
        }
        throw new EvaluationException("invalid input syntax for type " + type + ": \"" + input + "\"");
    }

    private static Integer month(Matcher m) {
        if (has(m, "mon")) return MONTHS.get(m.group("mon"));
        return has(m, "m") ? Integer.parseInt(m.group("m")) : 1;
    }

    private static boolean has(Matcher m, String group) {
        return m.pattern().pattern().contains("(?<" + group + ">");
    }

    private static boolean weekdayOrNone(Matcher m) {
        return !has(m, "wd") || m.group("wd") == null || WEEKDAYS.contains(m.group("wd"));
    }

    /**
     * The day of the matched date fields. A two-digit year is 1970..2069, as PostgreSQL reads it; a day of
     * the year may be 366 in any year (the next January 1st then). Days before year 1 (BC) are refused.
     */
    private static LocalDate day(Matcher m, int month, String input, String type) {
        try {
            LocalDate day;
            if (has(m, "jd")) {
                day = LocalDate.ofEpochDay(Long.parseLong(m.group("jd")) - JULIAN_EPOCH);
            } else if (has(m, "doy")) {
                int dayOfYear = Integer.parseInt(m.group("doy"));
                if (dayOfYear < 1 || dayOfYear > 366) throw fieldOutOfRange(input);
                day = LocalDate.of(Integer.parseInt(m.group("y")), 1, 1).plusDays(dayOfYear - 1);
            } else {
                int year = has(m, "yy") ? 1900 + Integer.parseInt(m.group("yy")) : Integer.parseInt(m.group("y"));
                if (has(m, "yy") && year < 1970) year += 100;
                day = LocalDate.of(year, month, Integer.parseInt(m.group("d")));
            }
            if (day.getYear() < 1) throw fieldOutOfRange(input);
            return day;
        } catch (DateTimeException | NumberFormatException e) {
            throw fieldOutOfRange(input);
        }
    }

    /**
     * The day at the matched time, as PostgreSQL reads it: 12 AM is 0 h and 1..11 PM add 12 h; 24:00:00 and
     * second 60 carry over, as does a fraction that rounds to a whole second. A date keeps its day.
     */
    private static LocalDateTime withTime(LocalDate day, Matcher m, String input, boolean dateOnly) {
        int hour = Integer.parseInt(m.group("h"));
        int minute = Integer.parseInt(m.group("mi"));
        int second = m.group("s") == null ? 0 : Integer.parseInt(m.group("s"));
        long micros = m.group("f") == null ? 0 : (long) Math.rint(Double.parseDouble("0." + m.group("f")) * 1e6);
        String ampm = m.group("ampm");
        if (ampm != null) {
            if (hour > 12) throw fieldOutOfRange(input);
            if (ampm.equals("am") && hour == 12) hour = 0;
            else if (ampm.equals("pm") && hour != 12) hour += 12;
        }
        boolean fits = minute <= 59
                && (second < 60 || (second == 60 && micros == 0))
                && (hour < 24 || (hour == 24 && minute == 0 && second == 0 && micros == 0));
        if (!fits) throw fieldOutOfRange(input);
        if (dateOnly) return day.atStartOfDay();
        return day.atStartOfDay()
                .plusHours(hour)
                .plusMinutes(minute)
                .plusSeconds(second)
                .plusNanos(micros * 1000);
    }

    private static EvaluationException fieldOutOfRange(String input) {
        return new EvaluationException("date/time field value out of range: \"" + input + "\"");
    }
}
