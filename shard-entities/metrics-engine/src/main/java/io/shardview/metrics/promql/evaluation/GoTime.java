package io.shardview.metrics.promql.evaluation;

/**
 * The date functions' view of a sample value, as Prometheus computes it: the value converted to whole unix seconds
 * the way Go converts a float to int64 on amd64 (NaN, infinities and values out of range become the smallest int64),
 * then split into UTC calendar fields with Go's proleptic Gregorian arithmetic on an unsigned "absolute" second count.
 * java.time agrees for ordinary times but cannot represent the extreme ones, where Prometheus still answers (e.g.
 * {@code minute(NaN)} is 30).
 */
final class GoTime {
    private static final long SECONDS_PER_DAY = 86_400;
    private static final long DAYS_PER_400_YEARS = 365 * 400 + 97;
    private static final long DAYS_PER_100_YEARS = 365 * 100 + 24;
    private static final long DAYS_PER_4_YEARS = 365 * 4 + 1;
    private static final long ABSOLUTE_ZERO_YEAR = -292277022399L;
    /** Unix seconds to seconds since Go's absolute zero (year -292277022399): unixToInternal + internalToAbsolute. */
    private static final long UNIX_TO_ABSOLUTE = 9223372028715321600L;
    /** Days before each month in a year without Feb 29 (index 0 = January), and the year's total at 12. */
    private static final int[] DAYS_BEFORE = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365};

    private final long abs; // unsigned
    private final long year;
    private final int month; // 1..12
    private final int day; // 1..31
    private final int yearDay; // 1..366

    private GoTime(double seconds) {
        abs = goInt64(seconds) + UNIX_TO_ABSOLUTE; // wraps as Go's int64 addition does
        long d = Long.divideUnsigned(abs, SECONDS_PER_DAY);
        long n = d / DAYS_PER_400_YEARS; // d < 2^64 / 86400 fits a signed long
        long y = 400 * n;
        d -= DAYS_PER_400_YEARS * n;
        n = d / DAYS_PER_100_YEARS;
        n -= n >> 2; // the last day of a 400-year cycle
        y += 100 * n;
        d -= DAYS_PER_100_YEARS * n;
        n = d / DAYS_PER_4_YEARS;
        y += 4 * n;
        d -= DAYS_PER_4_YEARS * n;
        n = d / 365;
        n -= n >> 2; // the last day of a 4-year cycle
        y += n;
        d -= 365 * n;
        year = y + ABSOLUTE_ZERO_YEAR;
        yearDay = (int) d + 1;
        int dayOfYear = (int) d; // 0-based
        if (isLeap(year) && dayOfYear == 31 + 29 - 1) {
            month = 2;
            day = 29;
            return;
        }
        if (isLeap(year) && dayOfYear > 31 + 29 - 1) dayOfYear--;
        int m = dayOfYear / 31; // at most one month too low
        if (dayOfYear >= DAYS_BEFORE[m + 1]) m++;
        month = m + 1;
        day = dayOfYear - DAYS_BEFORE[m] + 1;
    }

    static GoTime of(double seconds) {
        return new GoTime(seconds);
    }

    /** Go's {@code int64(f)} on amd64: truncation, with NaN and out-of-range values as the smallest int64. */
    static long goInt64(double value) {
        if (Double.isNaN(value) || value >= 0x1p63 || value < -0x1p63) return Long.MIN_VALUE;
        return (long) value;
    }

    long year() {
        return year;
    }

    int month() {
        return month;
    }

    int dayOfMonth() {
        return day;
    }

    int dayOfYear() {
        return yearDay;
    }

    /** 0 for Sunday. Absolute day 0 is a Monday. */
    int dayOfWeek() {
        long sec = Long.remainderUnsigned(abs + SECONDS_PER_DAY, 7 * SECONDS_PER_DAY);
        return (int) (sec / SECONDS_PER_DAY);
    }

    int hour() {
        return (int) (Long.remainderUnsigned(abs, SECONDS_PER_DAY) / 3600);
    }

    int minute() {
        return (int) (Long.remainderUnsigned(abs, 3600) / 60);
    }

    int daysInMonth() {
        if (month == 2) return isLeap(year) ? 29 : 28;
        return DAYS_BEFORE[month] - DAYS_BEFORE[month - 1];
    }

    private static boolean isLeap(long year) {
        return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    }
}
