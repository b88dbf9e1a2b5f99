package io.shardview.metrics.promql.parser;

import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Prometheus's durations and times, in milliseconds: {@link #parse} is {@code model.ParseDuration} (what PromQL
 * writes in {@code [5m]} and {@code offset 1h30m}); {@link #parseStep} and {@link #parseTime} are the HTTP API's
 * {@code parseDuration} and {@code parseTime} (web/api/v1/api.go). Errors are {@link IllegalArgumentException}s whose
 * messages are Prometheus's; naming the parameter is the caller's part.
 */
public final class Durations {
    /** The earliest time the API accepts and reports for an open start ({@code -292273086-05-16T16:47:06Z}). */
    public static final long MIN_TIME_MILLIS = (Long.MIN_VALUE / 1000 + 62135596801L) * 1000;

    /** The latest time the API accepts and reports for an open end ({@code 292277025-08-18T07:12:54.999999999Z}). */
    public static final long MAX_TIME_MILLIS = (Long.MAX_VALUE / 1000 - 62135596801L) * 1000 + 999;

    // Go's time.Parse cannot read years of more than four digits, so Prometheus matches its two boundary times by
    // their text; clients (Grafana among them) send them back as they received them.
    private static final String MIN_TIME_TEXT = "-292273086-05-16T16:47:06Z";
    private static final String MAX_TIME_TEXT = "292277025-08-18T07:12:54.999999999Z";

    private static final long NANOS_PER_MILLI = 1_000_000L;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    /** Each unit's nanoseconds and its rank: units must come from the biggest to the smallest ("1m1d" is invalid). */
    private record Unit(int rank, long nanos) {}

    private static final Map<String, Unit> UNITS = Map.of(
            "y", new Unit(1, 365 * 24 * 3600 * NANOS_PER_SECOND),
            "w", new Unit(2, 7 * 24 * 3600 * NANOS_PER_SECOND),
            "d", new Unit(3, 24 * 3600 * NANOS_PER_SECOND),
            "h", new Unit(4, 3600 * NANOS_PER_SECOND),
            "m", new Unit(5, 60 * NANOS_PER_SECOND),
            "s", new Unit(6, NANOS_PER_SECOND),
            "ms", new Unit(7, NANOS_PER_MILLI));

    // RFC 3339 as Go's time.Parse(time.RFC3339Nano) reads it: four-digit year, 'T', optional fraction of any length
    // (digits past nanoseconds are dropped), 'Z' or a numeric zone.
    private static final Pattern RFC3339 = Pattern.compile(
            "(\\d{4})-(\\d{2})-(\\d{2})T(\\d{2}):(\\d{2}):(\\d{2})(?:\\.(\\d+))?(?:(Z)|([+-])(\\d{2}):(\\d{2}))");

    private Durations() {}

    /**
     * {@code model.ParseDuration}: {@code 1h30m}, {@code 1m30s500ms}, {@code 2y}; units y (365d), w, d, h, m, s, ms in
     * decreasing order, whole numbers only; {@code "0"} alone is allowed and is 0.
     */
    public static long parse(String text) {
        if (text.equals("0")) {
            return 0;
        }
        if (text.isEmpty()) {
            throw new IllegalArgumentException("empty duration string");
        }
        long nanos = 0; // read as unsigned: Go sums in a uint64 and checks the total against MaxInt64
        int lastRank = 0;
        int i = 0;
        while (i < text.length()) {
            int digitsEnd = skip(text, i, true);
            int unitEnd = skip(text, digitsEnd, false);
            if (digitsEnd == i || unitEnd == digitsEnd) {
                throw notValid(text);
            }
            long value;
            try {
                value = Long.parseUnsignedLong(text.substring(i, digitsEnd));
            } catch (NumberFormatException e) {
                throw notValid(text);
            }
            String unitName = text.substring(digitsEnd, unitEnd);
            Unit unit = UNITS.get(unitName);
            if (unit == null) {
                throw new IllegalArgumentException(
                        "unknown unit " + GoText.quote(unitName) + " in duration " + GoText.quote(text));
            }
            if (unit.rank() <= lastRank) {
                throw notValid(text);
            }
            lastRank = unit.rank();
            if (Long.compareUnsigned(value, Long.divideUnsigned(Long.MIN_VALUE, unit.nanos())) > 0) {
                throw new IllegalArgumentException("duration out of range");
            }
            nanos += value * unit.nanos();
            if (Long.compareUnsigned(nanos, Long.MAX_VALUE) > 0) {
                throw new IllegalArgumentException("duration out of range");
            }
            i = unitEnd;
        }
        return nanos / NANOS_PER_MILLI;
    }

    /**
     * The API's duration parameters ({@code step}, {@code timeout}, {@code lookback_delta}): float seconds
     * ({@code 15}, {@code 1.5}, {@code 1e3}) or a duration ({@code 1m}). Sub-millisecond parts are dropped.
     */
    public static long parseStep(String text) {
        double seconds = Double.NaN;
        try {
            seconds = GoNumbers.parseFloat(text);
        } catch (NumberFormatException notAFloat) {
            // Not a float: a duration, or an error.
        }
        if (!Double.isNaN(seconds)) {
            double nanos = seconds * NANOS_PER_SECOND;
            if (nanos > Long.MAX_VALUE || nanos < Long.MIN_VALUE) {
                throw new IllegalArgumentException(
                        "cannot parse " + GoText.quote(text) + " to a valid duration. It overflows int64");
            }
            return (long) nanos / NANOS_PER_MILLI;
        }
        try {
            return parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("cannot parse " + GoText.quote(text) + " to a valid duration");
        }
    }

    /**
     * The API's time parameters ({@code start}, {@code end}, {@code time}): unix seconds with up to millisecond
     * fractions ({@code 1700000000.123}), RFC 3339 ({@code 2023-11-14T22:13:20.123+01:00}), or the API's own
     * boundary times ({@link #MIN_TIME_MILLIS}, {@link #MAX_TIME_MILLIS}) in their RFC 3339 form.
     */
    public static long parseTime(String text) {
        try {
            double seconds = GoNumbers.parseFloat(text);
            if (Double.isFinite(seconds)) {
                return unixSecondsToMillis(seconds);
            }
        } catch (NumberFormatException notAFloat) {
            // Not a number: RFC 3339 or an error.
        }
        Long rfc3339 = parseRfc3339(text);
        if (rfc3339 != null) {
            return rfc3339;
        }
        if (text.equals(MIN_TIME_TEXT)) {
            return MIN_TIME_MILLIS;
        }
        if (text.equals(MAX_TIME_TEXT)) {
            return MAX_TIME_MILLIS;
        }
        throw new IllegalArgumentException("cannot parse " + GoText.quote(text) + " to a valid timestamp");
    }

    /** As Prometheus: whole seconds, and the fraction rounded to milliseconds (half away from zero). */
    private static long unixSecondsToMillis(double seconds) {
        double whole = seconds < 0 ? Math.ceil(seconds) : Math.floor(seconds);
        double fraction = seconds - whole;
        double roundedMillis = Math.signum(fraction) * Math.floor(Math.abs(fraction) * 1000 + 0.5);
        // Go builds the time from (seconds, nanoseconds) and reads milliseconds back by truncating the nanoseconds.
        long nanos = (long) (roundedMillis / 1000 * NANOS_PER_SECOND);
        long secs = (long) whole + Math.floorDiv(nanos, NANOS_PER_SECOND);
        return secs * 1000 + Math.floorMod(nanos, NANOS_PER_SECOND) / NANOS_PER_MILLI;
    }

    private static Long parseRfc3339(String text) {
        Matcher m = RFC3339.matcher(text);
        if (!m.matches()) {
            return null;
        }
        try {
            LocalDateTime local = LocalDateTime.of(
                    num(m, 1), num(m, 2), num(m, 3), num(m, 4), num(m, 5), num(m, 6), fractionNanos(m.group(7)));
            int zoneSeconds = 0;
            if (m.group(8) == null) {
                int hours = num(m, 10);
                int minutes = num(m, 11);
                if (hours > 23 || minutes > 59) {
                    return null;
                }
                zoneSeconds = (m.group(9).equals("-") ? -1 : 1) * (hours * 3600 + minutes * 60);
            }
            long epochSecond = local.toEpochSecond(ZoneOffset.UTC) - zoneSeconds;
            return epochSecond * 1000 + local.getNano() / NANOS_PER_MILLI;
        } catch (DateTimeException outOfRange) {
            return null;
        }
    }

    private static int num(Matcher m, int group) {
        return Integer.parseInt(m.group(group));
    }

    private static int fractionNanos(String digits) {
        if (digits == null) {
            return 0;
        }
        String nine = (digits + "000000000").substring(0, 9);
        return Integer.parseInt(nine);
    }

    private static int skip(String text, int from, boolean digits) {
        int i = from;
        while (i < text.length() && (text.charAt(i) >= '0' && text.charAt(i) <= '9') == digits) {
            i++;
        }
        return i;
    }

    private static IllegalArgumentException notValid(String text) {
        return new IllegalArgumentException("not a valid duration string: " + GoText.quote(text));
    }
}
