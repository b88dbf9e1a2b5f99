package io.shardview.circuit.pg;

import static io.shardview.circuit.TestCircuits.row;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardview.circuit.Circuit;
import io.shardview.circuit.DdlResult;
import io.shardview.circuit.TestCircuits;
import io.shardview.circuit.batch.BatchOutcome;
import io.shardview.circuit.batch.Op;
import io.shardview.circuit.data.Row;
import io.shardview.circuit.snapshot.CircuitImage;
import io.shardview.circuit.snapshot.CircuitSnapshot;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The scale of NUMERIC results of view expressions, as PostgreSQL 15 gives it (checked there): a value keeps
 * its own scale through COALESCE, a product's scale is the sum of its factors' scales, CAST to NUMERIC(p,s)
 * rounds and pads to s, and a float8 turned into numeric has the digits of its 15-significant-digit text.
 */
class NumericExpressionScaleTest {
    private static final String TABLE =
            "CREATE TABLE t (id INT PRIMARY KEY, n NUMERIC, m NUMERIC(5,2), d DOUBLE PRECISION);";

    /** The view's single column over the given rows (id, n, m, d), as plain strings ordered by id. */
    private static List<String> column(String select, Object[]... rows) {
        Circuit c = TestCircuits.circuit(TABLE + "CREATE VIEW w AS SELECT id, " + select + " AS v FROM t");
        List<Op> ops = new ArrayList<>();
        for (Object[] r : rows) ops.add(Op.insert("t", row("id", r[0], "n", r[1], "m", r[2], "d", r[3])));
        assertInstanceOf(BatchOutcome.Accepted.class, c.applyBatch(ops));
        assertEquals(c.recompute("w"), c.content("w"), "incremental vs from scratch");
        return TestCircuits.rows(c, "w").stream()
                .sorted((a, b) -> Long.compare(((Number) a.get(0)).longValue(), ((Number) b.get(0)).longValue()))
                .map(r -> r.get(1) instanceof BigDecimal v ? v.toPlainString() : String.valueOf(r.get(1)))
                .toList();
    }

    /** A view's rows (any SELECT over t) over the given rows, each as its values' plain strings, sorted. */
    private static List<String> view(String select, Object[]... rows) {
        Circuit c = TestCircuits.circuit(TABLE + "CREATE VIEW w AS " + select);
        List<Op> ops = new ArrayList<>();
        for (Object[] r : rows) ops.add(Op.insert("t", row("id", r[0], "n", r[1], "m", r[2], "d", r[3])));
        assertInstanceOf(BatchOutcome.Accepted.class, c.applyBatch(ops));
        assertEquals(c.recompute("w"), c.content("w"), "incremental vs from scratch");
        return TestCircuits.rows(c, "w").stream()
                .map(r -> Arrays.stream(r.toArray())
                        .map(v -> v instanceof BigDecimal d ? d.toPlainString() : String.valueOf(v))
                        .collect(Collectors.joining(" ")))
                .sorted()
                .toList();
    }

    private static Object[] r(int id, String n, String m, Double d) {
        return new Object[] {id, n == null ? null : new BigDecimal(n), m == null ? null : new BigDecimal(m), d};
    }

    @Test
    void coalesceWithAnIntegerLiteralGivesTheLiteralWithScaleZero() {
        assertEquals(List.of("0", "2.5"), column("COALESCE(n, 0)", r(1, null, null, null), r(2, "2.5", null, null)));
        assertEquals(List.of("0", "2.50"), column("COALESCE(m, 0)", r(1, null, null, null), r(2, null, "2.5", null)));
        assertEquals(List.of("-2"), column("COALESCE(n, -2)", r(1, null, null, null)));
    }

    @Test
    void coalesceWithADecimalLiteralKeepsTheLiteralsScale() {
        assertEquals(
                List.of("1.50", "2.5"), column("COALESCE(n, 1.50)", r(1, null, null, null), r(2, "2.5", null, null)));
    }

    @Test
    void aCaseValueLiteralKeepsItsOwnScaleBesideANumeric() {
        Object[] nullRow = r(1, null, null, null);
        Object[] row = r(2, "2.5", "2.5", null);
        assertEquals(List.of("0", "2.5"), column("CASE WHEN n IS NULL THEN 0 ELSE n END", nullRow, row));
        assertEquals(List.of("1.50", "2.5"), column("CASE WHEN n IS NULL THEN 1.50 ELSE n END", nullRow, row));
        assertEquals(List.of("7", "7"), column("CASE WHEN id > 5 THEN n ELSE 7 END", nullRow, row));
        assertEquals(List.of("7", "7"), column("CASE WHEN id > 5 THEN m ELSE 7 END", nullRow, row));
        assertEquals(List.of("-1.50", "2.5"), column("CASE WHEN id = 1 THEN -1.50 ELSE n END", nullRow, row));
        assertEquals(List.of("1", "2.5"), column("CASE WHEN id = 1 THEN 0 + 1 ELSE n END", nullRow, row));
        assertEquals(List.of("0", "2.5"), column("CASE id WHEN 1 THEN 0 ELSE n END", nullRow, row));
        assertEquals(List.of("1.0", "2"), column("CASE WHEN id = 1 THEN 1.0 ELSE 2 END", nullRow, row));
        assertEquals(
                List.of("0", "2.50"),
                column("CASE WHEN id = 1 THEN CASE WHEN m IS NULL THEN 0 ELSE m END ELSE m END", nullRow, row));
    }

    @Test
    void aUnionsLiteralItemKeepsItsOwnScaleBesideANumeric() {
        Object[] nullRow = r(1, null, null, null);
        Object[] row = r(2, "2.5", "2.5", null);
        assertEquals(
                List.of("0", "0", "2.5", "null"), view("SELECT 0 AS x FROM t UNION ALL SELECT n FROM t", nullRow, row));
        assertEquals(List.of("1.50", "2.5", "null"), view("SELECT n FROM t UNION SELECT 1.50 FROM t", nullRow, row));
        assertEquals(List.of("-1", "2.50", "null"), view("SELECT m FROM t UNION SELECT -1 FROM t", nullRow, row));
        assertEquals(
                List.of("1 0", "2 0", "2 2.5"),
                view("SELECT id, 0 AS v FROM t UNION ALL SELECT id, n FROM t WHERE n IS NOT NULL", nullRow, row));
        assertEquals(List.of("0", "1", "2.50"), view("SELECT 0 AS x UNION ALL SELECT 1 UNION ALL SELECT 2.50"));
    }

    @Test
    void aValuesLiteralKeepsItsOwnScale() {
        assertEquals(
                List.of("1.0 a", "2.00 bb", "3 c"),
                view("SELECT x, y FROM (VALUES (1.0, 'a'), (2.00, 'bb'), (3, 'c')) AS v(x, y)"));
        assertEquals(
                List.of("0", "1.50", "2.5"),
                view("SELECT n FROM t UNION ALL VALUES (0), (1.50)", r(1, "2.5", null, null)));
    }

    @Test
    void aProductsScaleIsTheSumOfItsFactorsScales() {
        assertEquals(List.of("2.50", "2.500"), column("n * 1.0", r(1, "2.5", null, null), r(2, "2.50", null, null)));
        assertEquals(List.of("2.5"), column("n * 1", r(1, "2.5", null, null)));
        assertEquals(List.of("2.500"), column("m * 1.0", r(1, null, "2.5", null)));
        assertEquals(List.of("3.0"), column("3 * 1.0 + n", r(1, "0", null, null)));
    }

    @Test
    void aNumberWithAnExponentIsNumericWithTheScalePostgresqlReads() {
        // PostgreSQL 15: 1.50e0 is 1.50, 1e2 is numeric 100 (1e2 / 3 is 33.33..., not 33), 1e-1 + 0.2 is exactly 0.3.
        assertEquals(List.of("1.50"), column("1.50e0", r(1, null, null, null)));
        assertEquals(List.of("33.3333333333333333"), column("1e2 / 3", r(1, null, null, null)));
        assertEquals(List.of("0.3"), column("1e-1 + 0.2", r(1, null, null, null)));
        assertEquals(
                List.of("0.0015", "25.0"),
                column("COALESCE(n * 1e1, 1.5e-3)", r(1, null, null, null), r(2, "2.5", null, null)));
        assertEquals(List.of("-10"), column("-1e1", r(1, null, null, null)));
        assertEquals(List.of("1.5"), column("d + 1e0", r(1, null, null, 0.5)));
        // Of any length (LongNumericLiteralTest): exact, where a DOUBLE would lose the 1; cast to a float type, the
        // double.
        assertEquals(List.of("100000000000000000001"), column("1e20 + 1", r(1, null, null, null)));
        assertEquals(List.of("1.0E308"), column("CAST(1.0E308 AS DOUBLE PRECISION)", r(1, null, null, null)));
    }

    @Test
    void aQuotientByADecimalLiteralIsComputedNotFolded() {
        assertEquals(List.of("2.5000000000000000"), column("n / 1.0", r(1, "2.5", null, null)));
    }

    @Test
    void viewsOfASnapshotFromBeforeSvc8AreEvaluatedAfresh() throws IOException {
        // An SVC7 snapshot whose view CAST(n AS NUMERIC(9,3)) holds 2.5, as that engine computed it: the saved
        // content and state are those of SELECT n (a projection too), under the CAST's definition.
        Circuit old = TestCircuits.circuit(TABLE + "CREATE VIEW w AS SELECT n FROM t");
        old.applyBatch(List.of(Op.insert("t", row("id", 1, "n", new BigDecimal("2.5")))));
        CircuitImage now = old.image();
        CircuitImage.ViewImage w = now.views.get(0);
        CircuitImage image = new CircuitImage(
                now.version,
                now.tables,
                List.of(new CircuitImage.ViewImage(
                        w.name(),
                        "SELECT CAST(n AS NUMERIC(9,3)) FROM t",
                        w.revision(),
                        w.content(),
                        w.operatorState())));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CircuitSnapshot.write(new DataOutputStream(bytes), image, 0x53564337);
        byte[] svc7 = bytes.toByteArray();
        Circuit restored = Circuit.readSnapshot(new DataInputStream(new ByteArrayInputStream(svc7)));
        List<Row> rows = TestCircuits.rows(restored, "w");
        assertEquals(1, rows.size());
        assertEquals("2.500", ((BigDecimal) rows.get(0).get(0)).toPlainString());
        assertInstanceOf(BatchOutcome.Accepted.class, restored.applyBatch(List.of(Op.deleteKey("t", row("id", 1)))));
        assertEquals(List.of(), TestCircuits.rows(restored, "w"));
    }

    @Test
    void viewsOfAnSvc8SnapshotAreEvaluatedAfresh() throws IOException {
        // An SVC8 snapshot whose view CASE ... THEN 0 holds 0.000000, as that engine computed it: the saved
        // content and state are those of SELECT CAST(0.000000 ...), under the CASE's definition.
        Circuit old = TestCircuits.circuit(
                TABLE + "CREATE VIEW w AS SELECT CASE WHEN n IS NULL THEN 0.000000 ELSE n END AS v FROM t");
        old.applyBatch(List.of(Op.insert("t", row("id", 1))));
        assertEquals(
                "0.000000", ((BigDecimal) TestCircuits.rows(old, "w").get(0).get(0)).toPlainString());
        CircuitImage now = old.image();
        CircuitImage.ViewImage w = now.views.get(0);
        CircuitImage image = new CircuitImage(
                now.version,
                now.tables,
                List.of(new CircuitImage.ViewImage(
                        w.name(),
                        "SELECT CASE WHEN n IS NULL THEN 0 ELSE n END AS v FROM t",
                        w.revision(),
                        w.content(),
                        w.operatorState())));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CircuitSnapshot.write(new DataOutputStream(bytes), image, 0x53564338);
        byte[] svc8 = bytes.toByteArray();
        Circuit restored = Circuit.readSnapshot(new DataInputStream(new ByteArrayInputStream(svc8)));
        List<Row> rows = TestCircuits.rows(restored, "w");
        assertEquals(1, rows.size());
        assertEquals("0", ((BigDecimal) rows.get(0).get(0)).toPlainString());
        assertInstanceOf(BatchOutcome.Accepted.class, restored.applyBatch(List.of(Op.deleteKey("t", row("id", 1)))));
        assertEquals(List.of(), TestCircuits.rows(restored, "w"));
    }

    @Test
    void castToAnUnconstrainedNumericKeepsTheValuesScale() {
        assertEquals(
                List.of("1.5 2.25 -1.50 1.5 2.5 2"),
                view(
                        "SELECT CAST(1.5 AS NUMERIC) AS a, CAST(2.25 AS DECIMAL) AS b,"
                                + " CAST(-1.50 AS NUMERIC) AS c, CAST(1.5e0 AS NUMERIC) AS d, CAST(n AS NUMERIC) AS e, CAST(id AS NUMERIC) AS f FROM t",
                        r(2, "2.5", null, null)));
    }

    @Test
    void arithmeticWithAnIntegerLiteralIsComputed() {
        assertEquals(
                List.of("2.50 2.50 2.50 2.5000000000000000"),
                view("SELECT m + 0 AS a, m * 1 AS b, m - 0 AS c, n / 1 AS d FROM t", r(1, "2.5", "2.5", null)));
    }

    @Test
    void castToNumericWithATypmodRoundsHalfAwayFromZeroAndPads() {
        assertEquals(
                List.of("2.500", "-1.235", "3.000"),
                column(
                        "CAST(n AS DECIMAL(10,3))",
                        r(1, "2.5", null, null),
                        r(2, "-1.2345", null, null),
                        r(3, "3", null, null)));
        assertEquals(
                List.of("3", "-3"),
                column("CAST(n AS NUMERIC(10,0))", r(1, "2.5", null, null), r(2, "-2.5", null, null)));
        // More digits than Calcite's DECIMAL holds (19): the written precision counts.
        assertEquals(
                List.of("123456789012345678.13"),
                column("CAST(n AS NUMERIC(30,2))", r(1, "123456789012345678.125", null, null)));
        assertEquals(List.of("3"), column("CAST(n AS NUMERIC(4))", r(1, "2.5", null, null)));
    }

    @Test
    void castToNumericWithATypmodRefusesTooManyIntegerDigits() {
        Circuit c = TestCircuits.circuit(TABLE + "CREATE VIEW w AS SELECT CAST(n AS NUMERIC(5,1)) AS v FROM t");
        BatchOutcome out = c.applyBatch(List.of(Op.insert("t", row("id", 1, "n", new BigDecimal("12345.5")))));
        BatchOutcome.Failed failed = assertInstanceOf(BatchOutcome.Failed.class, out, String.valueOf(out));
        assertEquals("w", failed.view());
        assertTrue(failed.problem().startsWith("numeric field overflow"), failed.problem());
    }

    @Test
    void castToANegativeScaleRoundsToTensOrHundreds() {
        assertEquals(
                List.of("1300", "-1300", "0"),
                column(
                        "CAST(n AS NUMERIC(5,-2))",
                        r(1, "1250", null, null),
                        r(2, "-1250", null, null),
                        r(3, "49.99", null, null)));
        assertEquals(List.of("1200"), column("CAST(1234 AS NUMERIC(5,-2))", r(1, null, null, null)));
        assertEquals(List.of("1"), column("CAST(n AS NUMERIC(3,-1)) + 1", r(1, "2.5", null, null)));
        Circuit c = TestCircuits.circuit(TABLE + "CREATE VIEW w AS SELECT CAST(n AS NUMERIC(2,-1)) AS v FROM t");
        BatchOutcome out = c.applyBatch(List.of(Op.insert("t", row("id", 1, "n", new BigDecimal("995")))));
        assertTrue(assertInstanceOf(BatchOutcome.Failed.class, out, String.valueOf(out))
                .problem()
                .startsWith("numeric field overflow"));
    }

    @Test
    void castToNumericBeyondPostgresqlsBoundsIsRefusedAtCreateView() {
        for (String[] typmod : new String[][] {
            {"5,1001", "NUMERIC scale 1001 must be between -1000 and 1000"},
            {"5,-1001", "NUMERIC scale -1001 must be between -1000 and 1000"},
            {"1001,0", "NUMERIC precision 1001 must be between 1 and 1000"},
            {"0", "NUMERIC precision 0 must be between 1 and 1000"}
        }) {
            Circuit c = TestCircuits.circuit(TABLE);
            DdlResult r = c.executeSql("CREATE VIEW w AS SELECT CAST(n AS NUMERIC(" + typmod[0] + ")) AS v FROM t");
            DdlResult.Rejected rejected = assertInstanceOf(DdlResult.Rejected.class, r, typmod[0]);
            assertEquals(typmod[1], rejected.message());
            assertTrue(c.columns("w").isEmpty(), "no view w");
        }
    }

    @Test
    void aViewWithACastOlderEnginesAcceptedOutsideTheBoundsStillReplaysAndRestores() throws IOException {
        String view = "CREATE VIEW w AS SELECT CAST(n AS NUMERIC(1001,0)) AS v FROM t";
        assertInstanceOf(DdlResult.Rejected.class, TestCircuits.circuit(TABLE).executeSql(view));
        Circuit replayed = TestCircuits.circuit(TABLE);
        assertInstanceOf(DdlResult.Applied.class, replayed.replaySql(view, Circuit.SQL_REVISION));
        assertInstanceOf(
                BatchOutcome.Accepted.class,
                replayed.applyBatch(List.of(Op.insert("t", row("id", 1, "n", new BigDecimal("2.5"))))));
        assertEquals("3", ((BigDecimal) TestCircuits.rows(replayed, "w").get(0).get(0)).toPlainString());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        replayed.image().write(new DataOutputStream(bytes));
        Circuit restored = Circuit.readSnapshot(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
        assertEquals(replayed.content("w"), restored.content("w"));
    }

    @Test
    void aDoubleTurnedIntoNumericHasTheDigitsOfItsFifteenDigitText() {
        assertEquals(
                List.of(
                        "100",
                        "0.1",
                        "100000000000000000000",
                        "1.23456789012346",
                        "0.0000001",
                        "123456789012346000",
                        "2.5"),
                column(
                        "CAST(d AS NUMERIC)",
                        r(1, null, null, 100.0),
                        r(2, null, null, 0.1),
                        r(3, null, null, 1e20),
                        r(4, null, null, 1.23456789012345678),
                        r(5, null, null, 1e-7),
                        r(6, null, null, 123456789012345678.0),
                        r(7, null, null, 2.5)));
    }
}
