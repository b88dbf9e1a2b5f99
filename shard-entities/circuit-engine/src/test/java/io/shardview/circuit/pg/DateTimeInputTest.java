package io.shardview.circuit.pg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.shardview.circuit.error.EvaluationException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import org.junit.jupiter.api.Test;

/** Text to DATE and TIMESTAMP reads what PostgreSQL 15 reads the same under DateStyle MDY, DMY and YMD. */
class DateTimeInputTest {
    private static LocalDateTime ts(String s) {
        return DateTimeInput.toTimestamp(s);
    }

    private static void refused(String message, String input) {
        assertEquals(
                message,
                assertThrows(EvaluationException.class, () -> DateTimeInput.toTimestamp(input))
                        .getMessage());
    }

    @Test
    void datesInEveryDateStyleIndependentFormRead() {
        LocalDate jan15 = LocalDate.of(2024, 1, 15);
        for (String s : new String[] {
            "2024-01-15",
            "2024/01/15",
            "2024.01.15",
            "20240115",
            "2024-Jan-15",
            "Jan-15-2024",
            "January 15, 2024",
            "Jan 15 2024",
            "15-Jan-2024",
            "15 January 2024",
            "2024 Jan 15",
            " 2024-01-15 ",
            "Mon Jan 15 2024",
            "Monday, January 15, 2024",
            "jan 15, 2024"
        }) {
            assertEquals(jan15, DateTimeInput.toDate(s), s);
            assertEquals(jan15.atStartOfDay(), ts(s), s);
        }
        assertEquals(LocalDate.of(2024, 1, 5), DateTimeInput.toDate("2024-1-5"));
        assertEquals(LocalDate.of(2024, 9, 3), DateTimeInput.toDate("Sept 3, 2024"));
        assertEquals(LocalDate.of(1970, 1, 1), DateTimeInput.toDate("epoch"));
        assertEquals(LocalDate.of(1970, 1, 15), DateTimeInput.toDate("700115"));
        assertEquals(LocalDate.of(2069, 12, 31), DateTimeInput.toDate("691231"));
        assertEquals(LocalDate.of(2024, 1, 15), DateTimeInput.toDate("2024.015"));
        assertEquals(LocalDate.of(2024, 1, 1), DateTimeInput.toDate("2023.366"));
        assertEquals(LocalDateTime.of(2024, 1, 15, 10, 30), ts("J2460325 10:30"));
        assertEquals(LocalDate.of(2024, 1, 15), DateTimeInput.toDate("2024-01-15 24:00"), "a date drops the time");
    }

    @Test
    void timesWithAmPmZonesAndCarriesRead() {
        assertEquals(LocalDateTime.of(2024, 1, 15, 10, 30), ts("2024-01-15T10:30"));
        assertEquals(LocalDateTime.of(2024, 1, 15, 10, 30), ts("2024-01-15 10:30:00+02"), "the zone is ignored");
        assertEquals(LocalDateTime.of(2024, 1, 15, 10, 30), ts("2024-01-15 10:30Z"));
        assertEquals(LocalDateTime.of(2024, 1, 15, 10, 30), ts("2024-01-15 10:30 UTC"));
        assertEquals(LocalDateTime.of(2024, 1, 15, 22, 30), ts("2024-01-15 10:30 PM"));
        assertEquals(LocalDateTime.of(2024, 1, 15, 0, 0), ts("2024-01-15 12:00 AM"));
        assertEquals(LocalDateTime.of(2024, 1, 16, 0, 0), ts("2024-01-15 24:00"));
        assertEquals(LocalDateTime.of(2024, 1, 15, 10, 30, 15, 500_000_000), ts("jan 15, 2024 10:30:15.5"));
        assertEquals(
                LocalDateTime.of(2024, 1, 15, 10, 30, 15, 123_457_000),
                ts("2024-01-15 10:30:15.1234567"),
                "rounded to microseconds");
        assertEquals(LocalDateTime.of(2024, 1, 15, 10, 31), ts("2024-01-15 10:30:60"));
        assertEquals(LocalDateTime.of(2024, 1, 15, 10, 31), ts("2024-01-15 10:30:59.9999999"));
    }

    @Test
    void ambiguousAndImpossibleInputsAreRefusedAsInPostgres() {
        refused("invalid input syntax for type timestamp: \"01/15/2024\"", "01/15/2024"); // read by DateStyle
        refused("invalid input syntax for type timestamp: \"Foo 15 2024\"", "Foo 15 2024");
        refused("date/time field value out of range: \"2024-02-30\"", "2024-02-30");
        refused("date/time field value out of range: \"2024-01-15 24:01\"", "2024-01-15 24:01");
        refused("date/time field value out of range: \"2024-01-15 13:00 PM\"", "2024-01-15 13:00 PM");
        assertEquals(
                "invalid input syntax for type date: \"x\"",
                assertThrows(EvaluationException.class, () -> DateTimeInput.toDate("x"))
                        .getMessage());
    }
}
