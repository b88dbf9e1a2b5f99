package io.shardview.circuit.pg;

import io.shardview.circuit.error.EvaluationException;
import io.shardview.circuit.pg.DateFields.Field;
import java.math.BigDecimal;
import java.time.LocalDateTime;
import java.time.temporal.ChronoUnit;
import java.util.function.DoubleUnaryOperator;

/**
 * PostgreSQL's interval arithmetic, computed as its timestamp.c computes it: the difference of two timestamps, the
 * sum and difference of intervals, an interval times or divided by a number (in float8, fractions of months and days
 * cascading down as there), justify_days, justify_hours, justify_interval, age, and the fields EXTRACT and date_part
 * read of an interval. A result beyond an interval's range fails with PostgreSQL's message.
 */
public final class Intervals {
    private Intervals() {}

    private static final long MICROS_PER_DAY = PgInterval.MICROS_PER_DAY;
    private static final int DAYS_PER_MONTH = 30;
    private static final int SECS_PER_DAY = 86_400;

    /** timestamp - timestamp: the microseconds between them as days and a time under a day (justify_hours). */
    public static PgInterval between(LocalDateTime a, LocalDateTime b) {
        long micros;
        try {
            micros = Math.subtractExact(micros(a), micros(b));
        } catch (ArithmeticException e) {
            throw outOfRange();
        }
        return justifyHours(new PgInterval(0, 0, micros));
    }

    public static PgInterval plus(PgInterval a, PgInterval b) {
        try {
            return new PgInterval(
                    Math.addExact(a.months(), b.months()),
                    Math.addExact(a.days(), b.days()),
                    Math.addExact(a.micros(), b.micros()));
        } catch (ArithmeticException e) {
            throw outOfRange();
        }
    }

    public static PgInterval minus(PgInterval a, PgInterval b) {
        return plus(a, negate(b));
    }

    public static PgInterval negate(PgInterval a) {
        try {
            return a.negate();
        } catch (ArithmeticException e) {
            throw outOfRange();
        }
    }

    /** interval * float8 (an integer or numeric factor is read as float8, as PostgreSQL casts it). */
    public static PgInterval times(PgInterval a, double factor) {
        return scaled(a, x -> x * factor);
    }

    /** interval / float8; dividing by zero fails as in PostgreSQL. */
    public static PgInterval dividedBy(PgInterval a, double divisor) {
        if (divisor == 0) throw new EvaluationException("division by zero");
        return scaled(a, x -> x / divisor);
    }

    /**
     * PostgreSQL's interval_mul and interval_div: each part scaled and truncated, the fraction of the months cascading
     * into days (30 a month) and of the days into seconds, each rounded to a microsecond's resolution (TSROUND) as
     * there, then the time scaled and the cascaded seconds added, rounded to a microsecond.
     */
    private static PgInterval scaled(PgInterval a, DoubleUnaryOperator by) {
        double months = by.applyAsDouble(a.months());
        double days = by.applyAsDouble(a.days());
        if (!fitsInt(months) || !fitsInt(days)) throw outOfRange();
        int wholeMonths = (int) months;
        int wholeDays = (int) days;
        double monthRemainderDays = tsRound((months - wholeMonths) * DAYS_PER_MONTH);
        double secRemainder =
                tsRound((days - wholeDays + monthRemainderDays - (int) monthRemainderDays) * SECS_PER_DAY);
        long resultDays = wholeDays;
        if (Math.abs(secRemainder) >= SECS_PER_DAY) {
            resultDays += (int) (secRemainder / SECS_PER_DAY);
            secRemainder -= (int) (secRemainder / SECS_PER_DAY) * SECS_PER_DAY;
        }
        resultDays += (int) monthRemainderDays;
        double time = Math.rint(by.applyAsDouble(a.micros()) + secRemainder * 1e6);
        if (Double.isNaN(time) || time >= 0x1p63 || time < -0x1p63 || resultDays != (int) resultDays) {
            throw outOfRange();
        }
        return new PgInterval(wholeMonths, (int) resultDays, (long) time);
    }

    private static boolean fitsInt(double v) {
        return !Double.isNaN(v) && v >= Integer.MIN_VALUE && v < 0x1p31;
    }

    /** PostgreSQL's TSROUND: to six decimals, half to even. */
    private static double tsRound(double v) {
        return Math.rint(v * 1e6) / 1e6;
    }

    /** justify_hours: whole days of the time into the days, the time then of the days' sign. */
    public static PgInterval justifyHours(PgInterval a) {
        long time = a.micros() % MICROS_PER_DAY;
        long days = a.days() + a.micros() / MICROS_PER_DAY;
        if (days > 0 && time < 0) {
            time += MICROS_PER_DAY;
            days--;
        } else if (days < 0 && time > 0) {
            time -= MICROS_PER_DAY;
            days++;
        }
        return new PgInterval(a.months(), toInt(days), time);
    }

    /** justify_days: whole 30-day months of the days into the months, the days then of the months' sign. */
    public static PgInterval justifyDays(PgInterval a) {
        long months = a.months() + a.days() / DAYS_PER_MONTH;
        int days = a.days() % DAYS_PER_MONTH;
        if (months > 0 && days < 0) {
            days += DAYS_PER_MONTH;
            months--;
        } else if (months < 0 && days > 0) {
            days -= DAYS_PER_MONTH;
            months++;
        }
        return new PgInterval(toInt(months), days, a.micros());
    }

    /** justify_interval: both justifications, every part then of one sign. */
    public static PgInterval justifyInterval(PgInterval a) {
        long months = a.months();
        long days = a.days();
        long time = a.micros();
        if ((days > 0 && time > 0) || (days < 0 && time < 0)) { // PostgreSQL's pre-justification against overflow
            months += days / DAYS_PER_MONTH;
            days -= days / DAYS_PER_MONTH * DAYS_PER_MONTH;
        }
        days += time / MICROS_PER_DAY;
        time %= MICROS_PER_DAY;
        months += days / DAYS_PER_MONTH;
        days -= days / DAYS_PER_MONTH * DAYS_PER_MONTH;
        if (months > 0 && (days < 0 || (days == 0 && time < 0))) {
            days += DAYS_PER_MONTH;
            months--;
        } else if (months < 0 && (days > 0 || (days == 0 && time > 0))) {
            days -= DAYS_PER_MONTH;
            months++;
        }
        if (days > 0 && time < 0) {
            time += MICROS_PER_DAY;
            days--;
        } else if (days < 0 && time > 0) {
            time -= MICROS_PER_DAY;
            days++;
        }
        return new PgInterval(toInt(months), toInt(days), time);
    }

    /**
     * age(a, b): a - b in years, months and days by the calendar (PostgreSQL's timestamp_age): the fields subtracted
     * one by one, a negative field borrowing from the next larger one, a day borrowed as the length of the month of
     * the later timestamp's... as PostgreSQL takes it (of {@code a} when a is the earlier, else of {@code b}).
     */
    public static PgInterval age(LocalDateTime a, LocalDateTime b) {
        long sign = a.isBefore(b) ? -1 : 1; // the fields of the later less the earlier's, the sign put back last
        long[] f = { // microseconds, seconds, minutes, hours, days, months, years
            sign * (a.getNano() / 1000 - b.getNano() / 1000),
            sign * (a.getSecond() - b.getSecond()),
            sign * (a.getMinute() - b.getMinute()),
            sign * (a.getHour() - b.getHour()),
            sign * (a.getDayOfMonth() - b.getDayOfMonth()),
            sign * (a.getMonthValue() - b.getMonthValue()),
            sign * ((long) a.getYear() - b.getYear())
        };
        long[] borrowed = {
            1_000_000, 60, 60, 24, (sign < 0 ? a : b).toLocalDate().lengthOfMonth(), 12
        };
        for (int i = 0; i < borrowed.length; i++) {
            while (f[i] < 0) { // a negative field borrows one of the next larger
                f[i] += borrowed[i];
                f[i + 1]--;
            }
        }
        long time = sign * (((f[3] * 60 + f[2]) * 60 + f[1]) * 1_000_000 + f[0]);
        return new PgInterval(toInt(sign * (f[6] * 12 + f[5])), toInt(sign * f[4]), time);
    }

    /** The fields of an interval that EXTRACT and date_part read; others are refused when the view is created. */
    public static boolean hasField(Field field) {
        return switch (field) {
            case MICROSECOND,
                    MILLISECOND,
                    SECOND,
                    MINUTE,
                    HOUR,
                    DAY,
                    MONTH,
                    QUARTER,
                    YEAR,
                    DECADE,
                    CENTURY,
                    MILLENNIUM,
                    EPOCH -> true;
            default -> false;
        };
    }

    /**
     * EXTRACT(field FROM interval), a numeric: the parts as PostgreSQL's output splits them (years and months of the
     * months, hours, minutes and seconds of the time, each truncated toward zero), seconds with 6 decimals,
     * milliseconds with 3, the epoch with 6 (a year 365.25 days, a month 30).
     */
    public static BigDecimal extract(Field field, PgInterval v) {
        long secondMicros = v.micros() % 60_000_000L;
        return switch (field) {
            case MICROSECOND -> BigDecimal.valueOf(secondMicros);
            case MILLISECOND -> BigDecimal.valueOf(secondMicros, 3);
            case SECOND -> BigDecimal.valueOf(secondMicros, 6);
            case EPOCH -> BigDecimal.valueOf(epochSeconds(v))
                    .add(BigDecimal.valueOf(v.micros(), 6))
                    .setScale(6);
            default -> BigDecimal.valueOf(whole(field, v));
        };
    }

    /** date_part('field', interval), a double precision computed in float8 as PostgreSQL's interval_part computes it. */
    public static double datePart(Field field, PgInterval v) {
        long sec = v.micros() / 1_000_000L % 60;
        long fsec = v.micros() % 1_000_000L;
        return switch (field) {
            case MICROSECOND -> sec * 1_000_000.0 + fsec;
            case MILLISECOND -> sec * 1000.0 + fsec / 1000.0;
            case SECOND -> sec + fsec / 1_000_000.0;
            case EPOCH -> v.micros() / 1_000_000.0
                    + (365.25 * SECS_PER_DAY) * (v.months() / 12)
                    + ((double) DAYS_PER_MONTH * SECS_PER_DAY) * (v.months() % 12)
                    + ((double) SECS_PER_DAY) * v.days();
            default -> whole(field, v);
        };
    }

    /** The whole seconds of the months and days: a year 365.25 days (exact in quarters of a day), a month 30. */
    private static long epochSeconds(PgInterval v) {
        long quarterDays = 1461L * (v.months() / 12) + 120L * (v.months() % 12) + 4L * v.days();
        return quarterDays * (SECS_PER_DAY / 4);
    }

    private static long whole(Field field, PgInterval v) {
        long years = v.months() / 12;
        return switch (field) {
            case MINUTE -> v.micros() / 60_000_000L % 60;
            case HOUR -> v.micros() / 3_600_000_000L;
            case DAY -> v.days();
            case MONTH -> v.months() % 12;
            case QUARTER -> v.months() % 12 / 3 + 1;
            case YEAR -> years;
            case DECADE -> years / 10;
            case CENTURY -> years / 100;
            case MILLENNIUM -> years / 1000;
            default -> throw new IllegalStateException("field " + field + " of an interval");
        };
    }

    private static long micros(LocalDateTime t) {
        return ChronoUnit.MICROS.between(LocalDateTime.of(2000, 1, 1, 0, 0), t);
    }

    private static int toInt(long v) {
        if (v != (int) v) throw outOfRange();
        return (int) v;
    }

    private static EvaluationException outOfRange() {
        return new EvaluationException("interval out of range");
    }
}
