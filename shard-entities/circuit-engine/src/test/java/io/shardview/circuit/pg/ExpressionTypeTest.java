package io.shardview.circuit.pg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.shardview.circuit.Circuit;
import io.shardview.circuit.DdlResult;
import io.shardview.circuit.PostgresMirror;
import io.shardview.circuit.TestCircuits;
import io.shardview.circuit.batch.BatchOutcome;
import io.shardview.circuit.batch.Op;
import io.shardview.circuit.catalog.Column;
import java.math.BigDecimal;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL's operator and function resolution, over a cross product of operators and operand types (columns of
 * each type, literals of each kind, NULL): every expression PostgreSQL accepts gets the type PostgreSQL gives it
 * (a view of it is described as format_type describes the same view there) and the same values on rows of
 * typical values, NULLs, and negative values with blank strings; every
 * expression PostgreSQL refuses (no such operator, function or cast, no common type) the engine refuses too. A
 * view's column type decides how the views over it compute (an integer overflows where a bigint does not, a text
 * compares with a CHAR(n) otherwise than a varchar), so it is part of the result. The engine may refuse, naming
 * the construct, what PostgreSQL accepts (an interval as a value, a boolean cast to an integer): the count is printed.
 */
class ExpressionTypeTest {
    private static final String TABLE = "CREATE TABLE t (id INT PRIMARY KEY, s SMALLINT, i INT, b BIGINT, n NUMERIC,"
            + " m NUMERIC(5,2), d DOUBLE PRECISION, r REAL, v VARCHAR, x TEXT, c CHAR(3), dt DATE, ts TIMESTAMP, bo BOOLEAN)";

    private static final List<String> NUMBERS =
            List.of("s", "i", "b", "n", "m", "d", "r", "1", "3000000000", "1.5", "1e2", "CAST(1 AS SMALLINT)", "NULL");
    private static final List<String> ANY = List.of(
            "s",
            "i",
            "b",
            "n",
            "m",
            "d",
            "r",
            "v",
            "x",
            "c",
            "dt",
            "ts",
            "bo",
            "1",
            "3000000000",
            "1.5",
            "'a'",
            "NULL",
            "TRUE");
    private static final List<String> TYPES = List.of(
            "SMALLINT",
            "INT",
            "BIGINT",
            "NUMERIC",
            "NUMERIC(4,1)",
            "DOUBLE PRECISION",
            "REAL",
            "VARCHAR",
            "VARCHAR(2)",
            "TEXT",
            "CHAR(2)",
            "DATE",
            "TIMESTAMP",
            "BOOLEAN");

    /** The rows both hold: typical values, NULLs, and negative values with blank strings (no zero: / and % would fail). */
    private static final String PG_ROWS =
            "INSERT INTO t VALUES (1, 2, 3, 4, 2.50, 1.25, 0.5, 1.5, 'ab', 'cd ', 'e', '2024-01-02', '2024-01-02 03:04:05', TRUE),"
                    + " (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),"
                    + " (3, -2, -3, -7, -2.5, -1.20, -0.25, -2.5, '', '  ', ' ', '1999-12-31', '1999-12-31 23:59:59.999999', FALSE)";

    private static List<Op> rows() {
        List<Op> out = new ArrayList<>();
        out.add(Op.insert(
                "t",
                values(
                        1,
                        2,
                        3,
                        4L,
                        new BigDecimal("2.50"),
                        new BigDecimal("1.25"),
                        0.5,
                        1.5,
                        "ab",
                        "cd ",
                        "e",
                        LocalDate.of(2024, 1, 2),
                        LocalDateTime.of(2024, 1, 2, 3, 4, 5),
                        true)));
        out.add(Op.insert(
                "t", values(2, null, null, null, null, null, null, null, null, null, null, null, null, null)));
        out.add(Op.insert(
                "t",
                values(
                        3,
                        -2,
                        -3,
                        -7L,
                        new BigDecimal("-2.5"),
                        new BigDecimal("-1.20"),
                        -0.25,
                        -2.5,
                        "",
                        "  ",
                        " ",
                        LocalDate.of(1999, 12, 31),
                        LocalDateTime.of(1999, 12, 31, 23, 59, 59, 999_999_000),
                        false)));
        return out;
    }

    private static Map<String, Object> values(Object... values) {
        String[] columns = {"id", "s", "i", "b", "n", "m", "d", "r", "v", "x", "c", "dt", "ts", "bo"};
        Map<String, Object> row = new LinkedHashMap<>();
        for (int i = 0; i < columns.length; i++) row.put(columns[i], values[i]);
        return row;
    }

    /** Each a select list of one item y, or the first branch of a UNION ALL. */
    private static List<String> expressions() {
        List<String> out = new ArrayList<>();
        for (String a : NUMBERS) {
            out.add("-" + a);
            for (String b : NUMBERS) {
                for (String op : List.of("+", "-", "*", "/", "%")) out.add(a + " " + op + " " + b);
            }
        }
        for (String a : ANY) {
            out.add(a);
            for (String f : List.of("SUM", "AVG", "MIN", "MAX", "COUNT")) out.add(f + "(" + a + ")");
            for (String b : ANY) {
                out.add("COALESCE(" + a + ", " + b + ")");
                out.add("GREATEST(" + a + ", " + b + ")");
                out.add("LEAST(" + a + ", " + b + ")");
                out.add("NULLIF(" + a + ", " + b + ")");
                out.add("CASE WHEN bo THEN " + a + " ELSE " + b + " END");
                out.add(a + " || " + b);
                out.add(a + " = " + b);
                out.add(a + " < " + b);
                out.add(a + " >= " + b);
                out.add(a + " <> " + b);
                out.add(a + " IS DISTINCT FROM " + b);
                out.add("NOT (" + a + " = " + b + ")");
                // CASE NULL WHEN ... PostgreSQL reads as text (so NULL = 1 is text = integer, refused); Calcite's
                // parser
                // writes it as the searched CASE WHEN NULL = 1, whose NULL both read as the other side's type.
                if (!a.equals("NULL")) out.add("CASE " + a + " WHEN " + b + " THEN 1 ELSE 0 END");
                out.add(a + " BETWEEN " + b + " AND " + b);
                out.add(a + " IN (" + b + ", " + b + ")");
                out.add(a + " AS y FROM t UNION ALL SELECT " + b);
            }
            out.add("CASE WHEN bo THEN " + a + " END");
            for (String f : List.of(
                    "LOWER", "UPPER", "ABS", "ROUND", "LENGTH", "CHAR_LENGTH", "TRIM", "FLOOR", "CEIL", "SIGN")) {
                out.add(f + "(" + a + ")");
            }
            for (String f : List.of("SQRT", "LN", "LOG", "EXP", "TRUNC")) out.add(f + "(" + a + ")");
            out.add("TRUNC(" + a + ", 1)");
            out.add("LOG(" + a + ", 100)");
            out.add("POWER(2, " + a + ")");
            for (String f : List.of("MOD", "POWER")) out.add(f + "(" + a + ", 3)");
            out.add("CONCAT(" + a + ", 'x', " + a + ")");
            out.add("CONCAT_WS(',', " + a + ", NULL, " + a + ")");
            out.add("CONCAT_WS(" + a + ", 'x', 'y')");
            out.add("REPLACE(" + a + ", 'a', 'xy')");
            out.add("LPAD(" + a + ", 4, '*')");
            out.add("RPAD(" + a + ", 1)");
            out.add("SPLIT_PART(" + a + ", 'b', 1)");
            out.add("LEFT(" + a + ", 1)");
            out.add("RIGHT(" + a + ", -1)");
            out.add(a + " LIKE 'a%'");
            out.add(a + " ILIKE 'A%'");
            out.add(a + " NOT LIKE 'e__'"); // a CHAR(3) 'e' is 'e  ' to LIKE
            out.add(a + " LIKE '%\\_' ESCAPE '\\'");
            out.add("ROUND(" + a + ", 1)");
            out.add("ROUND(" + a + ", -1)");
            out.add(a + " IS NULL");
            out.add(a + " IS NOT TRUE");
            out.add("NOT " + a);
            out.add(a + " AND bo");
            out.add(a + " OR bo");
            out.add("SUBSTRING(" + a + " FROM 1 FOR 1)");
            out.add("POSITION('a' IN " + a + ")");
            for (String type : TYPES) out.add("CAST(" + a + " AS " + type + ")");
        }
        for (String three : List.of("GREATEST(i, n, d)", "LEAST(s, NULL, b)", "GREATEST(v, x, c)", "LEAST(c, 'b', c)"))
            out.add(three);
        for (String a : List.of("dt", "ts")) {
            for (String b : List.of("dt", "ts", "1", "i", "NULL")) {
                out.add(a + " + " + b);
                out.add(a + " - " + b);
            }
        }
        for (String a : ANY) {
            out.add("EXTRACT(YEAR FROM " + a + ")");
            out.add("date_part('day', " + a + ")");
            out.add("date_trunc('month', " + a + ")");
            out.add(a + " + INTERVAL '1 day'");
            out.add(a + " - INTERVAL '1 mon'");
            out.add("s + " + a);
            out.add(a + " + s");
            out.add(a + " - '2024-01-01'");
            out.add(a + " + '1 hour'");
        }
        out.addAll(dateTimes());
        return out;
    }

    /** EXTRACT and date_part of each field, date_trunc to each unit, and dates and timestamps plus intervals. */
    private static List<String> dateTimes() {
        List<String> out = new ArrayList<>();
        for (String field : List.of(
                "YEAR",
                "MONTH",
                "DAY",
                "HOUR",
                "MINUTE",
                "SECOND",
                "DOW",
                "DOY",
                "QUARTER",
                "WEEK",
                "EPOCH",
                "ISOYEAR",
                "ISODOW",
                "MILLISECOND",
                "MILLISECONDS",
                "MICROSECOND",
                "MICROSECONDS",
                "DECADE",
                "CENTURY",
                "MILLENNIUM",
                "JULIAN",
                "TIMEZONE",
                "NANOSECOND")) {
            for (String x : List.of("dt", "ts", "NULL", "CAST(NULL AS DATE)")) {
                out.add("EXTRACT(" + field + " FROM " + x + ")");
                out.add("date_part('" + field.toLowerCase(java.util.Locale.ROOT) + "', " + x + ")");
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
                "dow",
                "epoch")) {
            for (String x : List.of("ts", "dt", "CAST(dt AS TIMESTAMP)", "CAST(NULL AS TIMESTAMP)")) {
                out.add("date_trunc('" + unit + "', " + x + ")");
            }
        }
        for (String interval : List.of(
                "INTERVAL '1 month'",
                "INTERVAL '1 mon 1 day'",
                "INTERVAL '-1 day'",
                "INTERVAL '2 hours 30 minutes'",
                "INTERVAL '1 year 2 mons -3 days 04:05:06.5'",
                "INTERVAL '1.5 days'",
                "INTERVAL '1 day ago'",
                "INTERVAL '1 microsecond'",
                "INTERVAL '1' DAY",
                "INTERVAL '1-1' YEAR TO MONTH",
                "-INTERVAL '1 week'")) {
            for (String x : List.of("dt", "ts", "CAST(NULL AS DATE)")) {
                out.add(x + " + " + interval);
                out.add(x + " - " + interval);
                out.add(interval + " + " + x);
            }
        }
        for (String e : List.of(
                "ts > dt + INTERVAL '1 day'",
                "dt + i",
                "i + dt",
                "dt + 1 - 1",
                "dt - (dt - 1)",
                "INTERVAL '1 day'",
                "INTERVAL '1 day' + INTERVAL '1 hour'",
                "ts - INTERVAL '1 day' * 2",
                "ts - ts > INTERVAL '1 day'",
                "ts + NULL",
                "EXTRACT(EPOCH FROM ts - INTERVAL '1 mon')")) out.add(e);
        return out;
    }

    @Test
    void everyExpressionHasPostgresTypeAndValue() throws SQLException {
        Map<String, String> mismatches = new LinkedHashMap<>();
        List<String> engineOnly = new ArrayList<>();
        int compared = 0;
        int engineRefused = 0;
        try (PostgresMirror pg = new PostgresMirror()) {
            pg.reset();
            pg.execute(TABLE);
            pg.execute(PG_ROWS);
            Circuit circuit = TestCircuits.circuit(TABLE);
            assertInstanceOf(BatchOutcome.Accepted.class, circuit.applyBatch(rows()));
            int n = 0;
            for (String e : expressions()) {
                String name = "e" + n++;
                String sql = "SELECT " + e + (e.contains(" FROM t") ? "" : " AS y FROM t");
                boolean pgRefused;
                try {
                    pgRefused = pg.createView(name, sql) != null; // a data exception reading it
                } catch (SQLException refused) {
                    pgRefused = true; // no such operator, function or cast, no common type; or a literal that does not
                    // convert
                }
                DdlResult r = circuit.executeSql("CREATE VIEW " + name + " AS " + sql);
                if (r instanceof DdlResult.Rejected rejected) {
                    if (!pgRefused) {
                        engineRefused++;
                        System.out.println("REFUSED " + e + ": " + rejected.message());
                    }
                    continue;
                }
                if (pgRefused) {
                    engineOnly.add(e);
                    continue;
                }
                compared++;
                String expected = pg.columnTypes(name).get(0);
                String actual = PostgresMirror.formatType(
                        circuit.columns(name).orElseThrow().get(0));
                if (!expected.equals(actual)) mismatches.put(e, "type: PostgreSQL " + expected + ", engine " + actual);
                List<String> pgRows = pg.rows("SELECT * FROM " + name);
                List<String> rows = PostgresMirror.canonical(circuit.content(name));
                if (!pgRows.equals(rows)) mismatches.put(e, "rows: PostgreSQL " + pgRows + ", engine " + rows);
            }
        }
        System.out.println("ExpressionTypeTest: " + compared + " expressions compared with PostgreSQL; " + engineRefused
                + " refused by the engine only");
        mismatches.forEach((e, m) -> System.out.println("MISMATCH " + e + ": " + m));
        assertEquals(List.of(), engineOnly, "accepted by the engine, refused by PostgreSQL");
        assertEquals(Map.of(), mismatches);
    }

    @Test
    void aViewOfAnOlderRevisionKeepsCalcitesTypingOnReplay() {
        // Journaled under revision 2, these views were accepted (v || 1, COALESCE(v, 1)) or typed as Calcite types
        // them (b % 7 an integer): replayed, they are again, so the batches journaled after them replay alike.
        String views = "CREATE VIEW w AS SELECT b % 7 AS r, v || 1 AS c, COALESCE(v, 1) AS k FROM t";
        Circuit old = TestCircuits.circuit(TABLE);
        assertInstanceOf(DdlResult.Applied.class, old.replaySql(views, 2));
        assertEquals(
                List.of("integer", "text", "varchar"),
                old.columns("w").orElseThrow().stream().map(Column::sqlTypeName).toList());
        Circuit now = TestCircuits.circuit(TABLE);
        assertInstanceOf(DdlResult.Rejected.class, now.executeSql(views));
        assertInstanceOf(DdlResult.Applied.class, now.executeSql("CREATE VIEW w AS SELECT b % 7 AS r FROM t"));
        assertEquals(
                List.of("bigint"),
                now.columns("w").orElseThrow().stream().map(Column::sqlTypeName).toList());
    }
}
