package io.shardview.metrics.promql.parser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DurationsTest {

    @ParameterizedTest
    @CsvSource({
        "0, 0",
        "1ms, 1",
        "15s, 15000",
        "5m, 300000",
        "1h30m, 5400000",
        "1m30s500ms, 90500",
        "1m30ms, 60030",
        "2d, 172800000",
        "1w, 604800000",
        "1y, 31536000000",
        "1y2w3d4h5m6s7ms, 33019506007",
        "0s, 0",
        "100000h, 360000000000"
    })
    void parsesPrometheusDurationsToMilliseconds(String text, long millis) {
        assertEquals(millis, Durations.parse(text));
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "''|empty duration string",
                "5|not a valid duration string: \"5\"",
                "m|not a valid duration string: \"m\"",
                "1.5h|unknown unit \".\" in duration \"1.5h\"",
                "5m1h|not a valid duration string: \"5m1h\"",
                "5m1m|not a valid duration string: \"5m1m\"",
                "1s1ms1s|not a valid duration string: \"1s1ms1s\"",
                "5y1hs|unknown unit \"hs\" in duration \"5y1hs\"",
                "5M|unknown unit \"M\" in duration \"5M\"",
                "-5m|not a valid duration string: \"-5m\"",
                "' 5m'|not a valid duration string: \" 5m\"",
                "300y|duration out of range",
                "106752d|duration out of range",
                "99999999999999999999s|not a valid duration string: \"99999999999999999999s\""
            })
    void rejectsWhatPrometheusRejectsWithItsMessage(String text, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Durations.parse(text));
        assertEquals(message, e.getMessage());
    }

    @Test
    void theLongestDurationIsWhatAGoDurationHolds() {
        assertEquals(106750L * 24 * 3600 * 1000, Durations.parse("106750d"));
        assertEquals(Long.MAX_VALUE / 1_000_000, Durations.parse("2562047h47m16s854ms"));
        assertThrows(IllegalArgumentException.class, () -> Durations.parse("2562047h47m16s855ms"));
    }

    @ParameterizedTest
    @CsvSource({
        "15, 15000",
        "1.5, 1500",
        "0.0015, 1",
        "1e3, 1000000",
        "1m, 60000",
        "1h30m, 5400000",
        "0, 0",
        "-5, -5000",
        "0x1p4, 16000"
    })
    void stepsAreFloatSecondsOrDurations(String text, long millis) {
        assertEquals(millis, Durations.parseStep(text));
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "x|cannot parse \"x\" to a valid duration",
                "1.5m|cannot parse \"1.5m\" to a valid duration",
                "''|cannot parse \"\" to a valid duration",
                "' 15'|cannot parse \" 15\" to a valid duration",
                "0x10|cannot parse \"0x10\" to a valid duration",
                "15d0|cannot parse \"15d0\" to a valid duration",
                "1e10|cannot parse \"1e10\" to a valid duration. It overflows int64",
                "Inf|cannot parse \"Inf\" to a valid duration. It overflows int64"
            })
    void badStepsNameTheText(String text, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Durations.parseStep(text));
        assertEquals(message, e.getMessage());
    }

    @ParameterizedTest
    @CsvSource({
        "1700000000, 1700000000000",
        "1700000000.5, 1700000000500",
        "1700000000.123, 1700000000123",
        "1700000000.1235, 1700000000124",
        "0.057, 57",
        "-1.5, -1500",
        "1e9, 1000000000000",
        "2023-11-14T22:13:20Z, 1700000000000",
        "2023-11-14T22:13:20.123Z, 1700000000123",
        "2023-11-14T22:13:20.1239999999Z, 1700000000123",
        "2023-11-14T23:13:20+01:00, 1700000000000",
        "2023-11-14T20:43:20.5-01:30, 1700000000500",
        "1969-12-31T23:59:59.999Z, -1"
    })
    void timesAreUnixSecondsOrRfc3339(String text, long millis) {
        assertEquals(millis, Durations.parseTime(text));
    }

    @Test
    void theApiBoundaryTimesParseFromTheTextPrometheusGivesThem() {
        assertEquals(Durations.MIN_TIME_MILLIS, Durations.parseTime("-292273086-05-16T16:47:06Z"));
        assertEquals(Durations.MAX_TIME_MILLIS, Durations.parseTime("292277025-08-18T07:12:54.999999999Z"));
        assertEquals(Instant.parse("-292273086-05-16T16:47:06Z").toEpochMilli(), Durations.MIN_TIME_MILLIS);
        assertEquals(Instant.parse("+292277025-08-18T07:12:54.999Z").toEpochMilli(), Durations.MAX_TIME_MILLIS);
    }

    @ParameterizedTest
    @CsvSource({
        "x",
        "''",
        "NaN",
        "Inf",
        "2023-11-14",
        "2023-11-14 22:13:20Z",
        "2023-11-14T22:13:20",
        "2023-02-30T00:00:00Z",
        "2023-11-14T24:00:00Z",
        "2023-11-14T22:13:20+24:00",
        "23-11-14T22:13:20Z",
        "1700000000s"
    })
    void badTimesNameTheText(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Durations.parseTime(text));
        assertEquals("cannot parse " + GoText.quote(text) + " to a valid timestamp", e.getMessage());
    }
}
