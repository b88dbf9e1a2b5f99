package io.shardview.http.metrics;

import io.shardview.metrics.index.Matcher;
import io.shardview.metrics.promql.parser.PromqlParseException;
import io.shardview.metrics.promql.parser.PromqlParser;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The query parameters of {@code api/v1/export} and the series endpoints, checked at the edge: one or more
 * {@code match[]} selectors and an optional {@code start}/{@code end} range, as Prometheus' HTTP API takes them
 * (unix seconds with an optional fraction, or RFC 3339). Bad parameters are an
 * IllegalArgumentException whose message names the parameter.
 */
record ExportRequest(List<List<Matcher>> selectors, long startMs, long endMs) {
    /** Far enough from the ends of a long that no arithmetic on a time overflows (about 73 million years). */
    static final long MAX_ABS_MILLIS = Long.MAX_VALUE / 4;

    private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d{1,4})?");

    static ExportRequest of(List<String> matches, Optional<String> start, Optional<String> end) {
        if (matches.isEmpty()) throw new IllegalArgumentException("missing match[]: give at least one series selector");
        List<List<Matcher>> selectors = new ArrayList<>();
        for (String selector : matches) selectors.add(selector(selector));
        long startMs = start.map(text -> timeMillis(text, "start")).orElse(-MAX_ABS_MILLIS);
        long endMs = end.map(text -> timeMillis(text, "end")).orElse(MAX_ABS_MILLIS);
        if (endMs < startMs) throw new IllegalArgumentException("end is before start");
        return new ExportRequest(List.copyOf(selectors), startMs, endMs);
    }

    /**
     * A {@code match[]} selector as Prometheus parses it (its PromQL parser's selector rule), which must pick
     * something: one matcher at least must not match the empty string, so a selector cannot pick every series by
     * accident.
     */
    static List<Matcher> selector(String text) {
        List<Matcher> matchers;
        try {
            matchers = PromqlParser.parseSelector(text);
        } catch (PromqlParseException e) {
            throw new IllegalArgumentException("invalid parameter \"match[]\": " + e.getMessage(), e);
        }
        for (Matcher m : matchers) {
            if (!m.matches("")) return matchers;
        }
        throw new IllegalArgumentException(
                "invalid parameter \"match[]\": match[] must contain at least one non-empty matcher");
    }

    /** Unix seconds (with a fraction) or RFC 3339, in milliseconds; {@code name} is the parameter. */
    static long timeMillis(String text, String name) {
        String t = text.trim();
        if (DECIMAL.matcher(t).matches()) {
            double millis = Math.rint(Double.parseDouble(t) * 1000);
            if (Math.abs(millis) > MAX_ABS_MILLIS) throw outOfRange(name, text);
            return (long) millis;
        }
        try {
            Instant instant = OffsetDateTime.parse(t).toInstant();
            if (instant.getEpochSecond() > MAX_ABS_MILLIS / 1000 || instant.getEpochSecond() < -MAX_ABS_MILLIS / 1000)
                throw outOfRange(name, text);
            return instant.toEpochMilli();
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("cannot parse " + name + " " + text + ": use unix seconds or RFC 3339");
        }
    }

    private static IllegalArgumentException outOfRange(String name, String text) {
        return new IllegalArgumentException(name + " " + text + " is out of range");
    }
}
