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
import io.shardview.circuit.catalog.Column;
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
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * REAL (float4) columns as PostgreSQL 15 has them (every expected value checked there): a value is stored
 * rounded to float4, real with real computes in float4, real with any other number in float8, SUM(real) is
 * a real and AVG(real) a double precision, and the text and NUMERIC of a real keep its own few digits.
 */
class RealTypeTest {
    private static final String TABLE = "CREATE TABLE t (id INT PRIMARY KEY, r REAL, d DOUBLE PRECISION, i INT);";

    /** Rows 1 (1.23456789, 3), 2 (0.1, -2), 3 (123456789, 16777217) and 4 (NULLs), then the views. */
    private static Circuit circuit(String views) {
        Circuit c = TestCircuits.circuit(TABLE + views);
        TestCircuits.applyAndCheck(
                c,
                List.of(),
                Op.insert(
                        "t",
                        row("id", 1, "r", new BigDecimal("1.23456789"), "d", new BigDecimal("1.23456789"), "i", 3L)),
                Op.insert("t", row("id", 2, "r", new BigDecimal("0.1"), "d", new BigDecimal("0.1"), "i", -2L)),
                Op.insert("t", row("id", 3, "r", 123456789L, "d", new BigDecimal("1e10"), "i", 16777217L)),
                Op.insert("t", row("id", 4, "r", null, "d", null, "i", null)));
        return c;
    }

    /** The rows of a view in read order, each value as Java shows it, checked against a from-scratch evaluation. */
    private static List<String> show(Circuit c, String view) {
        assertEquals(c.recompute(view), c.content(view), view + ": incremental vs from scratch");
        List<String> out = new ArrayList<>();
        for (Row r : TestCircuits.rows(c, view)) {
            StringBuilder sb = new StringBuilder();
            for (Object v : r.toArray())
                sb.append(sb.length() == 0 ? "" : "|").append(v instanceof BigDecimal d ? d.toPlainString() : v);
            out.add(sb.toString());
        }
        return out;
    }

    private static String type(Circuit c, String relation, int column) {
        return c.columns(relation).orElseThrow().get(column).sqlTypeName();
    }

    @Test
    void valuesAreStoredAsFloat4() {
        Circuit c = circuit("CREATE VIEW w AS SELECT id, r, CAST(r AS VARCHAR) AS txt, CAST(r AS NUMERIC) AS n,"
                + " CAST(r AS DOUBLE PRECISION) AS wide FROM t WHERE id < 4");
        assertEquals("real", type(c, "t", 1));
        assertEquals(
                List.of(
                        "1|1.2345679|1.2345679|1.23457|1.2345678806304932",
                        "2|0.1|0.1|0.1|0.10000000149011612",
                        "3|1.23456792E8|1.2345679e+08|123457000|1.23456792E8"),
                show(c, "w"));
        assertInstanceOf(Float.class, TestCircuits.rows(c, "t").get(0).get(1));
    }

    @Test
    void realWithRealIsFloat4AndWithAnyOtherNumberFloat8() {
        Circuit c = circuit("CREATE VIEW w AS SELECT r + r AS rr, r + 1 AS ri, r * i AS rmul, r + d AS rd, -r AS neg,"
                + " CAST(r + r AS VARCHAR) AS rrtxt FROM t WHERE id = 1");
        List<String> types = new ArrayList<>();
        for (Column col : c.columns("w").orElseThrow().subList(0, 5)) types.add(col.sqlTypeName());
        assertEquals(List.of("real", "double precision", "double precision", "double precision", "real"), types);
        assertEquals(
                List.of("2.4691358|2.234567880630493|3.7037036418914795|2.4691357706304933|-1.2345679|2.4691358"),
                show(c, "w"));
    }

    @Test
    void sumIsRealAvgIsDoubleAndMinMaxKeepTheType() {
        Circuit c = circuit("CREATE VIEW a AS SELECT SUM(r) AS s, AVG(r) AS av, MIN(r) AS lo, MAX(r) AS hi FROM t");
        List<String> types = new ArrayList<>();
        for (Column col : c.columns("a").orElseThrow()) types.add(col.sqlTypeName());
        assertEquals(List.of("real", "double precision", "real", "real"), types);
        assertEquals(List.of("1.23456792E8|4.115226444485596E7|0.1|1.23456792E8"), show(c, "a"));
        TestCircuits.applyAndCheck(c, List.of("a"), Op.deleteKey("t", row("id", 3)));
        assertEquals(List.of("1.3345679|0.6672839410603046|0.1|1.2345679"), show(c, "a"));
    }

    @Test
    void float4OverflowsFailAsInPostgres() {
        Circuit c = TestCircuits.circuit(TABLE + "CREATE VIEW s AS SELECT SUM(r) AS s FROM t");
        BatchOutcome twoHuge = c.applyBatch(List.of(
                Op.insert("t", row("id", 1, "r", new BigDecimal("2e38"))),
                Op.insert("t", row("id", 2, "r", new BigDecimal("2e38")))));
        assertInstanceOf(BatchOutcome.Failed.class, twoHuge, twoHuge.toString());
        assertTrue(twoHuge.toString().contains("value out of range: overflow"), twoHuge.toString());
        BatchOutcome tooLarge = c.applyBatch(List.of(Op.insert("t", row("id", 1, "r", new BigDecimal("1e39")))));
        assertInstanceOf(BatchOutcome.Rejected.class, tooLarge, tooLarge.toString());
        assertTrue(tooLarge.toString().contains("out of range for type real"), tooLarge.toString());
        assertEquals(0, TestCircuits.rows(c, "t").size());
        // In float8, as real * integer and AVG(real) are computed, neither overflows (PostgreSQL's values).
        c = TestCircuits.circuit(TABLE + "CREATE VIEW wide AS SELECT id, r * 2 AS r2 FROM t;"
                + "CREATE VIEW av AS SELECT AVG(r) AS av FROM t");
        TestCircuits.applyAndCheck(
                c,
                List.of("wide", "av"),
                Op.insert("t", row("id", 1, "r", new BigDecimal("2e38"))),
                Op.insert("t", row("id", 2, "r", new BigDecimal("3e38"))));
        assertEquals(2.499999970777447e+38, TestCircuits.rows(c, "av").get(0).get(0));
        assertEquals(3.999999872114277e+38, TestCircuits.rows(c, "wide").get(0).get(1));
        assertEquals(6.0000000109955115e+38, TestCircuits.rows(c, "wide").get(1).get(1));
    }

    @Test
    void castsToRealRoundAndRefuseWhatFloat4CannotHold() {
        Circuit c = circuit(
                "CREATE VIEW w AS SELECT CAST(d AS REAL) AS fd, CAST(i AS REAL) AS fi,"
                        + " CAST('1.23456789' AS REAL) AS ft, CAST(CAST(1.23456789 AS REAL) AS DOUBLE PRECISION) AS back FROM t WHERE id = 3");
        assertEquals(List.of("1.0E10|1.6777216E7|1.2345679|1.2345678806304932"), show(c, "w"));
        DdlResult overflow =
                c.executeSql("CREATE VIEW o AS SELECT CAST(d * CAST(1e30 AS DOUBLE PRECISION) AS REAL) AS x FROM t");
        assertInstanceOf(DdlResult.Rejected.class, overflow, overflow.toString());
        assertTrue(overflow.toString().contains("value out of range: overflow"), overflow.toString());
    }

    @Test
    void minusZeroEqualsZeroAndIsShownAsWritten() {
        Circuit c = circuit(
                "CREATE VIEW z AS SELECT id, -(r * 0) AS z FROM t WHERE id < 4;"
                        + "CREATE VIEW zt AS SELECT CAST(z AS VARCHAR) AS txt FROM z;"
                        + "CREATE VIEW eq AS SELECT COUNT(*) AS n FROM z WHERE z = 0;"
                        + "CREATE VIEW g AS SELECT z, COUNT(*) AS n FROM (SELECT z FROM z UNION ALL SELECT r * 0 FROM t WHERE id = 1) u GROUP BY z");
        assertEquals(List.of("-0", "-0", "-0"), show(c, "zt"));
        assertEquals(List.of("3"), show(c, "eq"));
        assertEquals(1, show(c, "g").size());
        assertTrue(show(c, "g").get(0).endsWith("|4"), show(c, "g").toString());
    }

    @Test
    void floatPrecisionAndSpellingsChooseRealOrDouble() {
        Circuit c = TestCircuits.circuit("CREATE TABLE s (a FLOAT4, b FLOAT(24), c FLOAT(25), e FLOAT, f FLOAT8)");
        List<String> types = new ArrayList<>();
        for (Column col : c.columns("s").orElseThrow()) types.add(col.sqlTypeName());
        assertEquals(List.of("real", "real", "double precision", "double precision", "double precision"), types);
        assertInstanceOf(DdlResult.Rejected.class, c.executeSql("CREATE TABLE u (a FLOAT(54))"));
        // PostgreSQL's short names in a view's CAST.
        assertInstanceOf(
                DdlResult.Applied.class,
                c.executeSql(
                        "CREATE VIEW w AS SELECT CAST(c AS float4) AS a,"
                                + " CAST(a AS float8) AS b, CAST(c AS int2) AS i2, CAST(c AS int4) AS i4, CAST(c AS int8) AS i8, CAST(1 AS bool) AS t FROM s"));
        types.clear();
        for (Column col : c.columns("w").orElseThrow()) types.add(col.sqlTypeName());
        assertEquals(List.of("real", "double precision", "smallint", "integer", "bigint", "boolean"), types);
    }

    @Test
    void snapshotsKeepFloat4Values() throws IOException {
        Circuit c =
                circuit("CREATE VIEW a AS SELECT SUM(r) AS s, MAX(r) AS hi FROM t; CREATE VIEW w AS SELECT r FROM t");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        c.writeSnapshot(new DataOutputStream(bytes));
        Circuit restored = Circuit.readSnapshot(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
        assertEquals(c.content("w"), restored.content("w"));
        assertInstanceOf(Float.class, TestCircuits.rows(restored, "w").get(0).get(0));
        TestCircuits.applyAndCheck(restored, List.of("a", "w"), Op.deleteKey("t", row("id", 3)));
        assertEquals(List.of("1.3345679|1.2345679"), show(restored, "a"));
    }

    @Test
    void viewsOfAnSvc9SnapshotAreEvaluatedAfresh() throws IOException {
        // An SVC9 snapshot whose view CAST(d AS REAL) holds the double 0.1, as that engine computed it: the saved
        // content and state are those of SELECT d, under the CAST's definition.
        Circuit old = circuit("CREATE VIEW w AS SELECT id, d AS x FROM t WHERE id = 2");
        CircuitImage now = old.image();
        CircuitImage.ViewImage w = now.views.get(0);
        CircuitImage image = new CircuitImage(
                now.version,
                now.tables,
                List.of(new CircuitImage.ViewImage(
                        w.name(),
                        "SELECT id, CAST(d AS REAL) AS x FROM t WHERE id = 2",
                        w.revision(),
                        w.content(),
                        w.operatorState())));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CircuitSnapshot.write(new DataOutputStream(bytes), image, 0x53564339);
        byte[] svc9 = bytes.toByteArray();
        Circuit restored = Circuit.readSnapshot(new DataInputStream(new ByteArrayInputStream(svc9)));
        assertEquals(List.of("2|0.1"), show(restored, "w"));
        assertInstanceOf(Float.class, TestCircuits.rows(restored, "w").get(0).get(1));
        TestCircuits.applyAndCheck(restored, List.of("w"), Op.deleteKey("t", row("id", 2)));
        assertEquals(List.of(), show(restored, "w"));
    }

    @Test
    void statementsJournaledUnderRevisionZeroKeepRealAsDoublePrecision() {
        String ddl = "CREATE TABLE s (a REAL, b FLOAT4, c FLOAT(10), d DOUBLE PRECISION)";
        for (int revision = 0; revision <= Circuit.SQL_REVISION; revision++) {
            Circuit c = new Circuit();
            assertInstanceOf(DdlResult.Applied.class, c.replaySql(ddl, revision));
            List<String> types = new ArrayList<>();
            for (Column col : c.columns("s").orElseThrow()) types.add(col.sqlTypeName());
            String real = revision == 0 ? "double precision" : "real";
            assertEquals(List.of(real, real, real, "double precision"), types, "revision " + revision);
        }
    }

    @Test
    void comparisonsWithOtherNumbersAreInFloat8AndAnInListOfSeveralInReal() {
        // Row 2 holds the real 0.1 (0.10000000149011612 as float8), row 3 the real 123456792 (from 123456789).
        Circuit c = circuit("CREATE VIEW eq AS SELECT id FROM t WHERE r = 0.1;"
                + "CREATE VIEW gt AS SELECT id FROM t WHERE r > 0.1;"
                + "CREATE VIEW big AS SELECT id FROM t WHERE r = 123456789;"
                + "CREATE VIEW one AS SELECT id FROM t WHERE r IN (0.1);"
                + "CREATE VIEW list AS SELECT id FROM t WHERE r IN (0.1, 123456789);"
                + "CREATE VIEW wide AS SELECT id FROM t WHERE r IN (d, 123456789);"
                + "CREATE VIEW same AS SELECT id FROM t WHERE r = CAST(0.1 AS REAL)");
        assertEquals(List.of(), show(c, "eq"));
        assertEquals(List.of("1", "2", "3"), show(c, "gt"));
        assertEquals(List.of(), show(c, "big"));
        assertEquals(List.of(), show(c, "one"));
        assertEquals(List.of("2", "3"), show(c, "list"));
        assertEquals(List.of(), show(c, "wide"));
        assertEquals(List.of("2"), show(c, "same"));
    }

    @Test
    void caseCoalesceAndUnionOfARealWithExactNumbersAreReal() {
        Circuit c = circuit(
                "CREATE VIEW w AS SELECT id, COALESCE(r, 1.23456789) AS a, CASE WHEN id > 1 THEN r ELSE 2.5 END AS b,"
                        + " COALESCE(r, 1) AS c, COALESCE(r, d) AS e FROM t;"
                        + "CREATE VIEW u AS SELECT r FROM t UNION ALL SELECT 1.23456789 FROM t WHERE id = 1");
        List<String> types = new ArrayList<>();
        for (Column col : c.columns("w").orElseThrow()) types.add(col.sqlTypeName());
        assertEquals(List.of("integer", "real", "real", "real", "double precision"), types);
        assertEquals(
                List.of(
                        "1|1.2345679|2.5|1.2345679|1.2345678806304932",
                        "2|0.1|0.1|0.1|0.10000000149011612",
                        "3|1.23456792E8|1.23456792E8|1.23456792E8|1.23456792E8",
                        "4|1.2345679|null|1.0|null"),
                show(c, "w"));
        assertEquals("real", type(c, "u", 0));
        assertEquals(List.of("0.1", "1.2345679", "1.2345679", "1.23456792E8", "null"), show(c, "u"));
    }
}
