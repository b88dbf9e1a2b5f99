package io.shardview.circuit.pg;

import static io.shardview.circuit.TestCircuits.row;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.shardview.circuit.Circuit;
import io.shardview.circuit.DdlResult;
import io.shardview.circuit.QueryResult;
import io.shardview.circuit.TestCircuits;
import io.shardview.circuit.batch.BatchOutcome;
import io.shardview.circuit.batch.Op;
import io.shardview.circuit.catalog.Column;
import io.shardview.circuit.error.RejectionKind;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Numbers written with more than 19 digits in a view or query, as PostgreSQL 15 reads them (every value, scale
 * and type below was read there): a whole number beyond bigint is a numeric, a decimal one a numeric of its
 * written scale, and arithmetic, comparisons, CASE, COALESCE and IN lists with them are numeric ones (with a
 * float column, float ones); a CAST rounds them as PostgreSQL's does, and fails where PostgreSQL's fails.
 */
class LongNumericLiteralTest {
    private static final String TABLE =
            "CREATE TABLE t (id INT PRIMARY KEY, i INT, b BIGINT, n NUMERIC, m NUMERIC(5,2),"
                    + " d DOUBLE PRECISION, r REAL);";

    /** Row 1 has a value in every column, row 2 only NULLs. */
    private static final List<Op> ROWS = List.of(
            Op.insert(
                    "t",
                    row(
                            "id",
                            1,
                            "i",
                            7,
                            "b",
                            9000000000000000000L,
                            "n",
                            new BigDecimal("2.5"),
                            "m",
                            new BigDecimal("1.25"),
                            "d",
                            0.5,
                            "r",
                            1.5)),
            Op.insert("t", row("id", 2)));

    /** A circuit with the view w over t's rows, checked against a from-scratch evaluation. */
    private static Circuit view(String select) {
        Circuit c = TestCircuits.circuit(TABLE + "CREATE VIEW w AS " + select);
        TestCircuits.applyAndCheck(c, List.of("w"), ROWS.toArray(Op[]::new));
        return c;
    }

    /** w's rows in read order, each as its values' plain text joined by ' '. */
    private static List<String> rows(Circuit c) {
        return TestCircuits.rows(c, "w").stream()
                .map(r -> Arrays.stream(r.toArray())
                        .map(v -> v instanceof BigDecimal d ? d.toPlainString() : String.valueOf(v))
                        .collect(Collectors.joining(" ")))
                .toList();
    }

    /** w's described column types, PostgreSQL's names. */
    private static List<String> types(Circuit c) {
        return c.columns("w").orElseThrow().stream().map(Column::sqlTypeName).toList();
    }

    @Test
    void aWholeNumberBeyondBigintIsANumeric() {
        Circuit c = view("SELECT 12345678901234567890 AS a, -12345678901234567890 AS b, 9223372036854775808 AS c,"
                + " 99999999999999999999 + 1 AS d FROM t WHERE id = 1");
        assertEquals(
                List.of("12345678901234567890 -12345678901234567890 9223372036854775808 100000000000000000000"),
                rows(c));
        assertEquals(List.of("numeric", "numeric", "numeric", "numeric"), types(c));
    }

    @Test
    void aDecimalNumberKeepsItsWrittenScale() {
        Circuit c = view("SELECT 123456789012345678901234567890.123 AS a, 0.1234567890123456789012345 AS b,"
                + " 1.00000000000000000000000000 AS c FROM t WHERE id = 1");
        assertEquals(
                List.of("123456789012345678901234567890.123 0.1234567890123456789012345 1.00000000000000000000000000"),
                rows(c));
        assertEquals(List.of("numeric", "numeric", "numeric"), types(c));
    }

    @Test
    void aNumberWithAnExponentIsWrittenOut() {
        Circuit c = view("SELECT 1e20 AS a, 1.5e25 AS b, 1e-25 AS c, 1e20 + 1 AS d FROM t WHERE id = 1");
        assertEquals(
                List.of(
                        "100000000000000000000 15000000000000000000000000 0.0000000000000000000000001 100000000000000000001"),
                rows(c));
        assertEquals(List.of("numeric", "numeric", "numeric", "numeric"), types(c));
    }

    @Test
    void arithmeticWithALongNumberIsNumericBesideExactColumnsAndFloatBesideFloats() {
        Circuit c = view(
                "SELECT id, i + 12345678901234567890 AS a, b * 12345678901234567890 AS b, n / 12345678901234567890 AS c,"
                        + " m + 12345678901234567890.12345 AS d, d + 12345678901234567890 AS e, r * 12345678901234567890 AS f FROM t");
        assertEquals(
                List.of(
                        "1 12345678901234567897 111111110111111111010000000000000000000 0.000000000000000000202500001822500017"
                                + " 12345678901234567891.37345 1.2345678901234567E19 1.851851835185185E19",
                        "2 null null null null null null"),
                rows(c));
        assertEquals(
                List.of("integer", "numeric", "numeric", "numeric", "numeric", "double precision", "double precision"),
                types(c));
    }

    @Test
    void aLongNumbersQuotientAndRemainderAreNumeric() {
        // Calcite types a remainder of whole numbers as its divisor: 12345678901234567890 % 7 would be an integer.
        Circuit c = view(
                "SELECT 12345678901234567890 / 7 AS a, 12345678901234567890 % 7 AS b, -12345678901234567890 % 7 AS c,"
                        + " b % 12345678901234567890 AS d FROM t WHERE id = 1");
        assertEquals(List.of("1763668414462081127 1 -1 9000000000000000000"), rows(c));
        assertEquals(List.of("numeric", "numeric", "numeric", "numeric"), types(c));
    }

    @Test
    void aLongNumberComparesWithEveryNumberType() {
        Circuit c = view(
                "SELECT id FROM t WHERE i < 12345678901234567890 AND b > -12345678901234567890 AND n < 100000000000000000000"
                        + " AND m < 12345678901234567890 AND d < 12345678901234567890 AND r < 12345678901234567890");
        assertEquals(List.of("1"), rows(c));
        // A float column compares in float8, where the tail of decimals is lost; a numeric one exactly.
        c = view("SELECT id, d = 0.50000000000000000000000001 AS a, n = 2.50000000000000000000000001 AS b,"
                + " n = 2.50000000000000000000000000 AS c, r = 1.5000000000000000000000000001 AS d,"
                + " b < 9000000000000000000.0000000000001 AS e FROM t");
        assertEquals(List.of("1 true false true true true", "2 null null null null null"), rows(c));
    }

    @Test
    void caseAndCoalesceTakeTheLongNumberAsTheirTypeHoldsIt() {
        Circuit c = view(
                "SELECT id, COALESCE(i, 12345678901234567890) AS a, COALESCE(b, -12345678901234567890) AS b,"
                        + " COALESCE(n, 1.00000000000000000000) AS c, COALESCE(d, 12345678901234567890) AS d,"
                        + " COALESCE(r, 12345678901234567890) AS e, CASE WHEN id = 1 THEN 12345678901234567890.5 ELSE n END AS f FROM t");
        assertEquals(
                List.of(
                        "1 7 9000000000000000000 2.5 0.5 1.5 12345678901234567890.5",
                        "2 12345678901234567890 -12345678901234567890 1.00000000000000000000 1.2345678901234567E19 1.2345679E19 null"),
                rows(c));
        assertEquals(
                List.of("integer", "numeric", "numeric", "numeric", "double precision", "real", "numeric"), types(c));
    }

    @Test
    void anInListWithALongNumberComparesAsTheListsType() {
        Circuit c = view(
                "SELECT id, i IN (12345678901234567890, 7) AS a, b IN (12345678901234567890, 9000000000000000000) AS b,"
                        + " n IN (2.50000000000000000000000001, 3) AS c, d IN (0.50000000000000000000000001, 3) AS d,"
                        + " r IN (1.5000000000000000000000000001, 3) AS e FROM t");
        assertEquals(List.of("1 true true false true true", "2 null null null null null"), rows(c));
    }

    @Test
    void aCastRoundsTheLongNumberAsPostgresqlDoes() {
        // Calcite would fold a literal's cast truncating it (1.5 as an integer 1, 1.123456 as NUMERIC(10,5) 1.12345).
        Circuit c = view(
                "SELECT CAST(123456789012345678901234 AS DOUBLE PRECISION) AS a, CAST(123456789012345678901234 AS REAL) AS b,"
                        + " CAST(1.0E308 AS DOUBLE PRECISION) AS c, CAST(123456789012345678901234.125 AS NUMERIC(30,2)) AS d,"
                        + " CAST(1.123456 AS NUMERIC(10,5)) AS e, CAST(1250 AS NUMERIC(5,-2)) AS f, CAST(1.5 AS INTEGER) AS g,"
                        + " CAST(-2.5 AS BIGINT) AS h, CAST(12345678901234567890.5 AS NUMERIC) AS k FROM t WHERE id = 1");
        assertEquals(
                List.of("1.2345678901234569E23 1.2345679E23 1.0E308 123456789012345678901234.13 1.12346 1300 2 -3"
                        + " 12345678901234567890.5"),
                rows(c));
        assertEquals(
                List.of(
                        "double precision",
                        "real",
                        "double precision",
                        "numeric(30,2)",
                        "numeric(10,5)",
                        "numeric(5,-2)",
                        "integer",
                        "bigint",
                        "numeric"),
                types(c));
    }

    @Test
    void aNumberBeyondTheCastsTypeFailsWithPostgresqlsMessage() {
        String huge = "\"1" + "0".repeat(400) + "\" is out of range for type double precision";
        assertFails("CAST(1e400 AS DOUBLE PRECISION)", huge);
        assertFails("CAST(1" + "0".repeat(400) + " AS FLOAT)", huge);
        assertFails(
                "CAST(1e-400 AS DOUBLE PRECISION)",
                "\"0." + "0".repeat(399) + "1\" is out of range for type double precision");
        assertFails("CAST(1e39 AS REAL)", "\"1000000000000000000000000000000000000000\" is out of range for type real");
        assertFails("d + 1e400", huge); // float8 + numeric converts the numeric
        assertFails("COALESCE(d, 1e400)", huge); // reached on row 2, whose d is NULL
        assertFails("CAST(12345678901234567890 AS BIGINT)", "bigint out of range");
        assertFails(
                "CAST(123456789012345678901234 AS NUMERIC(5,2))",
                "numeric field overflow (a field with precision 5, scale 2 must round to an absolute value less than 10^3)");
        // In a condition too (the cast PostgreSQL adds to compare with the float column).
        QueryResult.Rejected where = assertInstanceOf(
                QueryResult.Rejected.class, view("SELECT id FROM t").query("SELECT id FROM t WHERE d > 1e400"));
        assertEquals(new QueryResult.Rejected(RejectionKind.EVALUATION_ERROR, "query: " + huge), where);
    }

    /** The expression refuses a view over t's rows, fails the batch that gives an empty t a row, and fails a query. */
    private static void assertFails(String expression, String problem) {
        Circuit filled = view("SELECT id FROM t");
        assertRejected(
                filled.executeSql("CREATE VIEW f AS SELECT " + expression + " AS v FROM t"),
                RejectionKind.EVALUATION_ERROR,
                "view f: " + problem);
        assertEquals(
                new QueryResult.Rejected(RejectionKind.EVALUATION_ERROR, "query: " + problem),
                filled.query("SELECT " + expression + " AS v FROM t"),
                expression);
        Circuit empty = TestCircuits.circuit(TABLE + "CREATE VIEW f AS SELECT " + expression + " AS v FROM t");
        BatchOutcome.Failed failed = assertInstanceOf(BatchOutcome.Failed.class, empty.applyBatch(ROWS), expression);
        assertEquals(problem, failed.problem(), expression);
    }

    @Test
    void aNumberBeyondPostgresqlsNumericIsRefusedWithItsMessageAndOneOfMoreThanAThousandDigitsToo() {
        // PostgreSQL: at most 131072 digits before the point and 16383 after it; the engine: 1000 in all (its largest
        // NUMERIC(p)).
        Circuit c = view(
                "SELECT 1e999 > 0 AS a, 1e-999 > 0 AS b, " + "9".repeat(1000) + " > 1e999 AS c FROM t WHERE id = 1");
        assertEquals(List.of("true true true"), rows(c));
        for (String number :
                List.of("1e131072", "1.5e-16383", "1" + "0".repeat(131072), "0." + "0".repeat(16383) + "1")) {
            assertRejected(
                    TestCircuits.circuit(TABLE).executeSql("CREATE VIEW w AS SELECT " + number + " AS v FROM t"),
                    RejectionKind.UNSUPPORTED,
                    "value overflows numeric format");
        }
        for (String number : List.of("1e1000", "1e-1001", "1.25e-999", "1" + "0".repeat(1000))) {
            assertRejected(
                    TestCircuits.circuit(TABLE).executeSql("CREATE VIEW w AS SELECT " + number + " AS v FROM t"),
                    RejectionKind.UNSUPPORTED,
                    "unsupported SQL construct: a number of more than 1000 digits");
        }
    }

    private static void assertRejected(DdlResult result, RejectionKind kind, String message) {
        DdlResult.Rejected rejected = assertInstanceOf(DdlResult.Rejected.class, result);
        assertEquals(kind, rejected.kind());
        assertEquals(message, rejected.message());
    }
}
