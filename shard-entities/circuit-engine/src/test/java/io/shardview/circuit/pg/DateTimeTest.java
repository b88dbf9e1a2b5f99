package io.shardview.circuit.pg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardview.circuit.Circuit;
import io.shardview.circuit.DdlResult;
import io.shardview.circuit.PostgresMirror;
import io.shardview.circuit.TestCircuits;
import io.shardview.circuit.batch.BatchOutcome;
import io.shardview.circuit.batch.Op;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * EXTRACT, date_part, date_trunc, date arithmetic and intervals on dates chosen for their edges (month ends, leap
 * days, years whose first days belong to the ISO week of the year before, a century's first year, the last
 * microsecond of a day): each expression's type and values equal PostgreSQL's. ExpressionTypeTest crosses the same
 * constructs with every operand type.
 */
class DateTimeTest {
    private static final String TABLE = "CREATE TABLE d (id INT PRIMARY KEY, dt DATE, ts TIMESTAMP)";

    private static final Object[][] ROWS = {
        {1, LocalDate.of(2024, 1, 31), LocalDateTime.of(2024, 1, 31, 23, 30, 0, 500_000_000)},
        {2, LocalDate.of(2023, 1, 31), LocalDateTime.of(2023, 3, 31, 0, 0)},
        {3, LocalDate.of(2024, 2, 29), LocalDateTime.of(2024, 2, 29, 12, 0, 1, 1000)},
        {4, LocalDate.of(2021, 1, 1), LocalDateTime.of(2021, 1, 3, 10, 0)},
        {5, LocalDate.of(2000, 12, 31), LocalDateTime.of(2001, 1, 1, 0, 0)},
        {6, LocalDate.of(1900, 2, 28), LocalDateTime.of(1999, 12, 31, 23, 59, 59, 999_999_000)},
        {7, null, null}
    };

    /** Interval literals in PostgreSQL's syntax and the standard's, each added to and subtracted from dt and ts. */
    private static final List<String> INTERVALS = List.of(
            "INTERVAL '1 month'",
            "INTERVAL '1 mon 1 day'",
            "INTERVAL '1 year'",
            "INTERVAL '-1 month'",
            "INTERVAL '2 hours 30 minutes'",
            "INTERVAL '1.5 days'",
            "INTERVAL '1.5 months'",
            "INTERVAL '0.3 years'",
            "INTERVAL '1 day ago'",
            "INTERVAL '-1 day +2 hours'",
            "INTERVAL '1 2:03:04.5'",
            "INTERVAL '1-2'",
            "INTERVAL '@ 3 weeks'",
            "INTERVAL '1 decade'",
            "INTERVAL '90 secs 5 ms 7 us'",
            "INTERVAL '0.0000015 sec'",
            "INTERVAL '2.5 us'",
            "INTERVAL '0.125 years'",
            "INTERVAL '1.5 weeks'",
            "INTERVAL '- 1 day 2'",
            "INTERVAL '25:00'",
            "INTERVAL '1:2.5'",
            "INTERVAL '1 mil 1 microsecondsxyz'",
            "INTERVAL '1' DAY",
            "INTERVAL '1.5' DAY",
            "INTERVAL '90' MINUTE",
            "INTERVAL '1-2' YEAR TO MONTH",
            "INTERVAL '1 02:03' DAY TO MINUTE",
            "-INTERVAL '1 mon'");

    private static List<String> expressions() {
        List<String> out = new ArrayList<>();
        for (String x : List.of("dt", "ts")) {
            for (String field : List.of(
                    "YEAR",
                    "MONTH",
                    "DAY",
                    "HOUR",
                    "MINUTE",
                    "SECOND",
                    "MILLISECONDS",
                    "MICROSECONDS",
                    "DOW",
                    "ISODOW",
                    "DOY",
                    "WEEK",
                    "ISOYEAR",
                    "QUARTER",
                    "DECADE",
                    "CENTURY",
                    "MILLENNIUM",
                    "EPOCH",
                    "JULIAN")) {
                out.add("EXTRACT(" + field + " FROM " + x + ")");
                out.add("date_part('" + field.toLowerCase(java.util.Locale.ROOT) + "', " + x + ")");
            }
            for (String interval : INTERVALS) {
                out.add(x + " + " + interval);
                out.add(x + " - " + interval);
            }
        }
        for (String unit : List.of(
                "microseconds",
                "milliseconds",
                "second",
                "minute",
                "hour",
                "day",
                "week",
                "month",
                "quarter",
                "year",
                "decade",
                "century",
                "millennium",
                "MON",
                "qtr")) {
            out.add("date_trunc('" + unit + "', ts)");
            out.add("date_trunc('" + unit + "', CAST(dt AS TIMESTAMP))");
        }
        out.add("INTERVAL '1 day' + ts");
        out.add("INTERVAL '1 mon' + dt");
        out.add("dt + 31");
        out.add("31 + dt");
        out.add("dt - 366");
        out.add("dt - DATE '2000-02-28'");
        out.add("dt - '2024-03-01'");
        out.add("ts + '1 mon -1 day'");
        out.add("ts > dt + INTERVAL '1 day'");
        out.add("EXTRACT(DAY FROM dt + INTERVAL '1 month')");
        out.add("date_trunc('month', ts) + INTERVAL '1 month' - INTERVAL '1 day'");
        out.add("dt + 2147483647");
        out.add("ts + INTERVAL '300000 years'");
        out.add("EXTRACT(HOUR FROM dt)");
        return out;
    }

    @Test
    void datesAndTimestampsComputeAsPostgres() throws SQLException {
        Map<String, String> mismatches = new LinkedHashMap<>();
        try (PostgresMirror pg = new PostgresMirror()) {
            pg.reset();
            pg.execute(TABLE);
            Circuit circuit = TestCircuits.circuit(TABLE);
            List<Op> ops = new ArrayList<>();
            for (Object[] row : ROWS) {
                Map<String, Object> values = new LinkedHashMap<>();
                values.put("id", row[0]);
                values.put("dt", row[1]);
                values.put("ts", row[2]);
                ops.add(Op.insert("d", values));
                pg.execute("INSERT INTO d VALUES (" + row[0] + ", " + quoted(row[1]) + ", " + quoted(row[2]) + ")");
            }
            assertInstanceOf(BatchOutcome.Accepted.class, circuit.applyBatch(ops));
            int n = 0;
            for (String e : expressions()) {
                String name = "e" + n++;
                String sql = "SELECT id, " + e + " AS y FROM d";
                String pgError; // a data exception reading the view, or an error creating it
                boolean pgRefused;
                try {
                    pgError = pg.createView(name, sql);
                    pgRefused = pgError != null;
                } catch (SQLException refused) {
                    pgError = null;
                    pgRefused = true;
                }
                DdlResult r = circuit.executeSql("CREATE VIEW " + name + " AS " + sql);
                if (pgRefused || r instanceof DdlResult.Rejected) {
                    // Both refuse (EXTRACT(HOUR FROM dt), dt + 2147483647); a data exception with PostgreSQL's message.
                    boolean same = pgRefused
                            && r instanceof DdlResult.Rejected rejected
                            && (pgError == null || rejected.message().contains(pgError));
                    if (!same) mismatches.put(e, "PostgreSQL: " + pgRefused + " " + pgError + "; engine: " + r);
                    continue;
                }
                String expected = pg.columnTypes(name).get(1);
                String actual = PostgresMirror.formatType(
                        circuit.columns(name).orElseThrow().get(1));
                if (!expected.equals(actual)) mismatches.put(e, "type: PostgreSQL " + expected + ", engine " + actual);
                List<String> pgRows = pg.rows("SELECT * FROM " + name);
                List<String> rows = PostgresMirror.canonical(circuit.content(name));
                if (!pgRows.equals(rows)) mismatches.put(e, "rows: PostgreSQL " + pgRows + ", engine " + rows);
            }
        }
        mismatches.forEach((e, m) -> System.out.println("MISMATCH " + e + ": " + m));
        assertEquals(Map.of(), mismatches);
    }

    @Test
    void whatPostgresRefusesOrTheEngineCannotHoldIsRefusedWithAMessage() {
        Circuit circuit = TestCircuits.circuit(TABLE);
        String[][] refusals = {
            {"EXTRACT(HOUR FROM dt)", "unit \"hour\" not supported for type date"},
            {"EXTRACT(NANOSECOND FROM ts)", "unit \"nanosecond\" not recognized for type timestamp without time zone"},
            {"date_trunc('hour', dt)", "date_trunc of a date: PostgreSQL truncates it as a timestamp with time zone"},
            {"date_trunc('dow', ts)", "unit \"dow\" not recognized for type timestamp without time zone"},
            {"EXTRACT(DOW FROM ts - ts)", "unit \"dow\" not supported for type interval"},
            {"date_trunc('day', INTERVAL '1 day')", "date_trunc of an interval"},
            {"ts + INTERVAL '1 fortnight'", "invalid input syntax for type interval: \"1 fortnight\""},
            {"date_part(CAST(id AS TEXT), ts)", "date_part of a field that is not a string literal"},
            {"ABS(ts - ts)", "an interval as an operand of ABS"},
            {"ts + INTERVAL '1 day 1 day'", "invalid input syntax for type interval: \"1 day 1 day\""},
            {"ts + INTERVAL 'P1D'", "the engine reads intervals written as quantities with units"},
            {"date_part('day')", "date_part of 1 arguments"},
            {"EXTRACT(DAY FROM NULL)", "function pg_catalog.extract(unknown, unknown) is not unique"},
            {"EXTRACT(DAY FROM id)", "function pg_catalog.extract(unknown, integer) does not exist"},
            {"ts + 1", "Cannot apply '+' to arguments of type '<TIMESTAMP(6)> + <INTEGER>'"}
        };
        for (String[] refusal : refusals) {
            DdlResult r = circuit.executeSql("CREATE VIEW v AS SELECT " + refusal[0] + " AS y FROM d");
            assertInstanceOf(DdlResult.Rejected.class, r, refusal[0]);
            assertTrue(((DdlResult.Rejected) r).message().contains(refusal[1]), refusal[0] + ": " + r);
        }
    }

    private static String quoted(Object v) {
        return v == null ? "NULL" : "'" + v.toString().replace('T', ' ') + "'";
    }
}
