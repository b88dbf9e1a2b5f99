package io.shardview.circuit.pg;

import io.shardview.circuit.error.EvaluationException;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.time.temporal.IsoFields;
import java.util.Map;

/**
 * The fields of a date or timestamp as PostgreSQL 15 names and computes them: the units of EXTRACT, date_part and
 * date_trunc (and of interval input), each field's value, truncation to a unit, and a date or timestamp plus an
 * interval. Years are those of the common era: the engine holds no date before 0001-01-01, so a result before it
 * fails, where PostgreSQL would give a BC date.
 */
public final class DateFields {
    private DateFields() {}

    /** A field or unit. The first group are PostgreSQL's units (its deltatktbl), the rest its special field names. */
    public enum Field {
        MICROSECOND,
        MILLISECOND,
        SECOND,
        MINUTE,
        HOUR,
        DAY,
        WEEK,
        MONTH,
        QUARTER,
        YEAR,
        DECADE,
        CENTURY,
        MILLENNIUM,
        TIMEZONE,
        DOW,
        ISODOW,
        DOY,
        ISOYEAR,
        EPOCH,
        JULIAN;

        /** Whether the field is below a day: PostgreSQL's EXTRACT refuses it for a date. */
        public boolean belowDay() {
            return ordinal() <= HOUR.ordinal() || this == TIMEZONE;
        }
    }

    /** PostgreSQL's spellings of units (its deltatktbl), matched on their first 10 letters, as it matches them. */
    private static final Map<String, Field> UNITS = Map.ofEntries(
            Map.entry("microsecon", Field.MICROSECOND),
            Map.entry("us", Field.MICROSECOND),
            Map.entry("usec", Field.MICROSECOND),
            Map.entry("usecs", Field.MICROSECOND),
            Map.entry("useconds", Field.MICROSECOND),
            Map.entry("millisecon", Field.MILLISECOND),
            Map.entry("ms", Field.MILLISECOND),
            Map.entry("msec", Field.MILLISECOND),
            Map.entry("msecs", Field.MILLISECOND),
            Map.entry("mseconds", Field.MILLISECOND),
            Map.entry("s", Field.SECOND),
            Map.entry("sec", Field.SECOND),
            Map.entry("secs", Field.SECOND),
            Map.entry("second", Field.SECOND),
            Map.entry("seconds", Field.SECOND),
            Map.entry("m", Field.MINUTE),
            Map.entry("min", Field.MINUTE),
            Map.entry("mins", Field.MINUTE),
            Map.entry("minute", Field.MINUTE),
            Map.entry("minutes", Field.MINUTE),
            Map.entry("h", Field.HOUR),
            Map.entry("hr", Field.HOUR),
            Map.entry("hrs", Field.HOUR),
            Map.entry("hour", Field.HOUR),
            Map.entry("hours", Field.HOUR),
            Map.entry("d", Field.DAY),
            Map.entry("day", Field.DAY),
            Map.entry("days", Field.DAY),
            Map.entry("w", Field.WEEK),
            Map.entry("week", Field.WEEK),
            Map.entry("weeks", Field.WEEK),
            Map.entry("mon", Field.MONTH),
            Map.entry("mons", Field.MONTH),
            Map.entry("month", Field.MONTH),
            Map.entry("months", Field.MONTH),
            Map.entry("qtr", Field.QUARTER),
            Map.entry("quarter", Field.QUARTER),
            Map.entry("y", Field.YEAR),
            Map.entry("yr", Field.YEAR),
            Map.entry("yrs", Field.YEAR),
            Map.entry("year", Field.YEAR),
            Map.entry("years", Field.YEAR),
            Map.entry("dec", Field.DECADE),
            Map.entry("decs", Field.DECADE),
            Map.entry("decade", Field.DECADE),
            Map.entry("decades", Field.DECADE),
            Map.entry("c", Field.CENTURY),
            Map.entry("cent", Field.CENTURY),
            Map.entry("century", Field.CENTURY),
            Map.entry("centuries", Field.CENTURY),
            Map.entry("mil", Field.MILLENNIUM),
            Map.entry("mils", Field.MILLENNIUM),
            Map.entry("millennium", Field.MILLENNIUM),
            Map.entry("millennia", Field.MILLENNIUM),
            Map.entry("timezone", Field.TIMEZONE),
            Map.entry("timezone_h", Field.TIMEZONE),
            Map.entry("timezone_m", Field.TIMEZONE));

    /** The field names EXTRACT and date_part know beside the units (PostgreSQL's datetktbl). */
    private static final Map<String, Field> SPECIAL = Map.of(
            "dow", Field.DOW,
            "isodow", Field.ISODOW,
            "doy", Field.DOY,
            "isoyear", Field.ISOYEAR,
            "epoch", Field.EPOCH,
            "j", Field.JULIAN,
            "jd", Field.JULIAN,
            "julian", Field.JULIAN);

    /** A unit (as date_trunc and interval input read them), or null; the name lower-cased, as PostgreSQL reads it. */
    public static Field unit(String name) {
        return UNITS.get(name.length() > 10 ? name.substring(0, 10) : name);
    }

    /** A field of EXTRACT or date_part: a unit or a special name (dow, epoch, ...), or null. */
    public static Field field(String name) {
        Field unit = unit(name);
        return unit != null ? unit : SPECIAL.get(name);
    }

    /** The Julian day number of 1970-01-01. */
    private static final long JULIAN_EPOCH = 2440588;

    private static final long MICROS_PER_DAY = 86_400_000_000L;

    /** The last date and the first timestamp PostgreSQL cannot hold (5874897-12-31, 294277-01-01). */
    private static final LocalDate LAST_DATE = LocalDate.of(5874897, 12, 31);

    private static final LocalDateTime TIMESTAMP_END = LocalDateTime.of(294277, 1, 1, 0, 0);

    /**
     * EXTRACT(field FROM x): a numeric. Of a timestamp, seconds with 6 decimals, milliseconds with 3, the epoch's
     * seconds with 6, the Julian day with the time of day as numeric division gives it; of a date, integers (the
     * caller has refused the fields below a day).
     */
    public static BigDecimal extract(Field field, Object value) {
        if (value instanceof LocalDate date) {
            return switch (field) {
                case EPOCH -> BigDecimal.valueOf(date.toEpochDay() * 86_400);
                case JULIAN -> BigDecimal.valueOf(date.toEpochDay() + JULIAN_EPOCH);
                default -> BigDecimal.valueOf(whole(field, date.atStartOfDay()));
            };
        }
        LocalDateTime t = (LocalDateTime) value;
        long secondMicros = t.getSecond() * 1_000_000L + t.getNano() / 1000;
        return switch (field) {
            case MICROSECOND -> BigDecimal.valueOf(secondMicros);
            case MILLISECOND -> BigDecimal.valueOf(secondMicros, 3);
            case SECOND -> BigDecimal.valueOf(secondMicros, 6);
            case EPOCH -> BigDecimal.valueOf(epochMicros(t), 6);
            case JULIAN -> BigDecimal.valueOf(t.toLocalDate().toEpochDay() + JULIAN_EPOCH)
                    .add(Values.divideNumeric(BigDecimal.valueOf(dayMicros(t)), BigDecimal.valueOf(MICROS_PER_DAY)));
            default -> BigDecimal.valueOf(whole(field, t));
        };
    }

    /**
     * date_part('field', x): a double precision, computed as PostgreSQL's date_part of a timestamp computes it in
     * float8 (a date is the timestamp of its midnight): seconds as {@code sec + usec / 1e6}, the epoch as its
     * microseconds / 1e6, the Julian day as {@code day + seconds / 86400}.
     */
    public static double datePart(Field field, Object value) {
        LocalDateTime t = value instanceof LocalDate date ? date.atStartOfDay() : (LocalDateTime) value;
        int fraction = t.getNano() / 1000;
        return switch (field) {
            case MICROSECOND -> t.getSecond() * 1_000_000.0 + fraction;
            case MILLISECOND -> t.getSecond() * 1000.0 + fraction / 1000.0;
            case SECOND -> t.getSecond() + fraction / 1_000_000.0;
            case EPOCH -> epochMicros(t) / 1_000_000.0;
            case JULIAN -> (t.toLocalDate().toEpochDay() + JULIAN_EPOCH)
                    + ((t.getHour() * 60 + t.getMinute()) * 60 + t.getSecond() + fraction / 1_000_000.0) / 86_400.0;
            default -> whole(field, t);
        };
    }

    /** A field whose value is a whole number. */
    private static long whole(Field field, LocalDateTime t) {
        int year = t.getYear();
        return switch (field) {
            case MINUTE -> t.getMinute();
            case HOUR -> t.getHour();
            case DAY -> t.getDayOfMonth();
            case MONTH -> t.getMonthValue();
            case QUARTER -> (t.getMonthValue() - 1) / 3 + 1;
            case WEEK -> t.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR);
            case YEAR -> year;
            case DECADE -> year / 10;
            case CENTURY -> (year + 99) / 100;
            case MILLENNIUM -> (year + 999) / 1000;
            case DOW -> t.getDayOfWeek().getValue() % 7;
            case ISODOW -> t.getDayOfWeek().getValue();
            case DOY -> t.getDayOfYear();
            case ISOYEAR -> t.get(IsoFields.WEEK_BASED_YEAR);
            default -> throw new IllegalStateException("field " + field);
        };
    }

    /**
     * date_trunc('unit', ts): the timestamp with the fields below the unit at their start; a week starts on Monday
     * (ISO), a decade at a year divisible by 10, a century and a millennium at their year 1 (2001, 1901, 1001).
     */
    public static LocalDateTime truncate(Field unit, LocalDateTime t) {
        LocalDate date = t.toLocalDate();
        int year = t.getYear();
        LocalDateTime truncated =
                switch (unit) {
                    case MICROSECOND -> t;
                    case MILLISECOND -> t.truncatedTo(ChronoUnit.MILLIS);
                    case SECOND -> t.truncatedTo(ChronoUnit.SECONDS);
                    case MINUTE -> t.truncatedTo(ChronoUnit.MINUTES);
                    case HOUR -> t.truncatedTo(ChronoUnit.HOURS);
                    case DAY -> date.atStartOfDay();
                    case WEEK -> date.minusDays(date.getDayOfWeek().getValue() - 1)
                            .atStartOfDay();
                    case MONTH -> date.withDayOfMonth(1).atStartOfDay();
                    case QUARTER -> LocalDate.of(year, (t.getMonthValue() - 1) / 3 * 3 + 1, 1)
                            .atStartOfDay();
                    case YEAR -> LocalDate.of(year, 1, 1).atStartOfDay();
                    case DECADE -> LocalDate.of(year / 10 * 10, 1, 1).atStartOfDay();
                    case CENTURY -> LocalDate.of((year + 99) / 100 * 100 - 99, 1, 1)
                            .atStartOfDay();
                    case MILLENNIUM -> LocalDate.of((year + 999) / 1000 * 1000 - 999, 1, 1)
                            .atStartOfDay();
                    default -> throw new IllegalStateException("unit " + unit);
                };
        return inRange(truncated);
    }

    /**
     * A date plus a number of days (PostgreSQL's date + integer), or a timestamp plus an interval: its months first
     * (the day clamped to the month's last, as 2024-01-31 + 1 month is 2024-02-29), then its days, then its time, as
     * PostgreSQL's timestamp + interval adds them. A result PostgreSQL cannot hold fails as there.
     */
    public static Object plus(Object dateOrTimestamp, PgInterval interval) {
        if (dateOrTimestamp instanceof LocalDate date) {
            LocalDate sum = date.plusDays(interval.days());
            if (sum.isAfter(LAST_DATE)) throw new EvaluationException("date out of range");
            if (sum.getYear() < 1) throw beforeYearOne("date");
            return sum;
        }
        LocalDateTime t = (LocalDateTime) dateOrTimestamp;
        return inRange(
                t.plusMonths(interval.months()).plusDays(interval.days()).plus(interval.micros(), ChronoUnit.MICROS));
    }

    private static LocalDateTime inRange(LocalDateTime t) {
        if (!t.isBefore(TIMESTAMP_END)) throw new EvaluationException("timestamp out of range");
        if (t.getYear() < 1) throw beforeYearOne("timestamp");
        return t;
    }

    private static EvaluationException beforeYearOne(String type) {
        return new EvaluationException(
                type + " out of range: the engine holds no " + type + " before 0001-01-01 (PostgreSQL's BC)");
    }

    private static long epochMicros(LocalDateTime t) {
        return t.toEpochSecond(ZoneOffset.UTC) * 1_000_000L + t.getNano() / 1000;
    }

    private static long dayMicros(LocalDateTime t) {
        return t.toLocalTime().toNanoOfDay() / 1000;
    }
}
