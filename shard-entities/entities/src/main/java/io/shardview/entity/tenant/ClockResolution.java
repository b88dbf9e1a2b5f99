package io.shardview.entity.tenant;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A tenant clock's resolution as the API writes it: a whole number of one unit, {@code 500ms}, {@code 5s}, {@code 1m},
 * {@code 1h} (also {@code us}), from 10 ms to a day.
 */
public final class ClockResolution {
    private ClockResolution() {}

    private static final Pattern TEXT = Pattern.compile("(\\d{1,12})(us|ms|s|m|h)");

    /** The microseconds {@code text} names; IllegalArgumentException, saying what is expected, for anything else. */
    public static long parse(String text) {
        Matcher m = text == null ? null : TEXT.matcher(text.trim());
        if (m == null || !m.matches()) {
            throw new IllegalArgumentException("a resolution is a whole number with a unit of us, ms, s, m or h"
                    + " (\"500ms\", \"5s\", \"1m\"), got " + (text == null ? "none" : "\"" + text + "\""));
        }
        long unit =
                switch (m.group(2)) {
                    case "us" -> 1;
                    case "ms" -> 1_000;
                    case "s" -> 1_000_000;
                    case "m" -> 60_000_000;
                    default -> 3_600_000_000L;
                };
        long count = Long.parseLong(m.group(1));
        if (count > TenantClock.MAX_MICROS / unit) {
            throw new IllegalArgumentException("a resolution is at most a day (24h), got \"" + text + "\"");
        }
        long micros = count * unit;
        if (micros < TenantClock.MIN_MICROS) {
            throw new IllegalArgumentException(
                    "a resolution is at least 10ms (each tick is a journaled batch), got \"" + text + "\"");
        }
        return micros;
    }

    /** {@code micros} in the largest unit that writes it whole. */
    public static String text(long micros) {
        if (micros % 3_600_000_000L == 0) return micros / 3_600_000_000L + "h";
        if (micros % 60_000_000 == 0) return micros / 60_000_000 + "m";
        if (micros % 1_000_000 == 0) return micros / 1_000_000 + "s";
        if (micros % 1_000 == 0) return micros / 1_000 + "ms";
        return micros + "us";
    }
}
