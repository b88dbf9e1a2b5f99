package io.shardview.circuit.pg;

import static io.shardview.circuit.TestCircuits.bracketed;
import static io.shardview.circuit.TestCircuits.deleteKey;
import static io.shardview.circuit.TestCircuits.row;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardview.circuit.Circuit;
import io.shardview.circuit.TestCircuits;
import io.shardview.circuit.batch.BatchOutcome;
import io.shardview.circuit.batch.Op;
import io.shardview.circuit.data.Row;
import io.shardview.circuit.data.ZSet;
import io.shardview.circuit.data.ZSetImage;
import io.shardview.circuit.snapshot.CircuitImage;
import io.shardview.circuit.snapshot.CircuitSnapshot;
import io.shardview.circuit.snapshot.SnapshotTest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * One unconstrained NUMERIC column holding the same value with different scales (2.0, 2.00 and 2), as
 * PostgreSQL 15 shows it (checked there): every row keeps its own scale in projections, joins, UNION ALL,
 * ORDER BY ... LIMIT and arithmetic, while =, joins and grouping compare by value. Where PostgreSQL keeps
 * one of several equal values (GROUP BY, DISTINCT, UNION, MIN/MAX) it is the one with the smallest scale
 * among the rows present, so it never depends on the order rows came in.
 */
class NumericScaleTest {
    private static final String TABLE = "CREATE TABLE t (id INT PRIMARY KEY, n NUMERIC);";

    /** Rows 1 (2.0), 2 (2.00) and 3 (2), then the views. */
    private static Circuit circuit(String views) {
        Circuit c = TestCircuits.circuit(TABLE + views);
        assertInstanceOf(
                BatchOutcome.Accepted.class,
                c.applyBatch(List.of(
                        Op.insert("t", row("id", 1, "n", new BigDecimal("2.0"))),
                        Op.insert("t", row("id", 2, "n", new BigDecimal("2.00"))),
                        Op.insert("t", row("id", 3, "n", new BigDecimal("2"))))));
        return c;
    }

    @Test
    void aProjectionShowsEachRowsOwnScale() {
        Circuit c = circuit("CREATE VIEW w AS SELECT n FROM t");
        assertEquals("[2] [2.0] [2.00]", bracketed(c, "w"));
        deleteKey(c, "t", "id", 1);
        assertEquals("[2] [2.00]", bracketed(c, "w"));
        deleteKey(c, "t", "id", 3);
        assertEquals("[2.00]", bracketed(c, "w"));
    }

    @Test
    void anUpdateOrUpsertThatOnlyChangesTheScaleIsStored() {
        Circuit c = circuit("CREATE VIEW w AS SELECT n FROM t WHERE id = 2;"
                + "CREATE VIEW j AS SELECT a.n AS an, b.n AS bn FROM t a JOIN t b ON a.id = b.id AND a.id = 2");
        assertInstanceOf(
                BatchOutcome.Accepted.class,
                c.applyBatch(List.of(Op.update("t", row("id", 2, "n", new BigDecimal("2"))))));
        assertEquals("[2]", bracketed(c, "w"));
        assertEquals("[2][2]", bracketed(c, "j"));
        assertInstanceOf(
                BatchOutcome.Accepted.class,
                c.applyBatch(List.of(Op.upsert("t", row("id", 2, "n", new BigDecimal("2.0"))))));
        assertEquals("[2.0]", bracketed(c, "w"));
    }

    @Test
    void theViewHashTellsScalesApart() {
        Circuit one = TestCircuits.circuit(TABLE + "CREATE VIEW w AS SELECT n FROM t");
        one.applyBatch(List.of(Op.insert("t", row("id", 1, "n", new BigDecimal("2.0")))));
        Circuit two = TestCircuits.circuit(TABLE + "CREATE VIEW w AS SELECT n FROM t");
        two.applyBatch(List.of(Op.insert("t", row("id", 1, "n", new BigDecimal("2.00")))));
        assertNotEquals(
                one.read("w", 10, null).orElseThrow().hash(),
                two.read("w", 10, null).orElseThrow().hash());
    }

    @Test
    void aValueWrittenWithAnExponentIsStoredWithScaleZeroAsInPostgresql() {
        Circuit exponent = TestCircuits.circuit(TABLE + "CREATE VIEW w AS SELECT n FROM t");
        exponent.applyBatch(List.of(
                Op.insert("t", row("id", 1, "n", new BigDecimal("1E+2"))), Op.insert("t", row("id", 2, "n", "1.5e1"))));
        Circuit plain = TestCircuits.circuit(TABLE + "CREATE VIEW w AS SELECT n FROM t");
        plain.applyBatch(List.of(
                Op.insert("t", row("id", 1, "n", new BigDecimal("100"))),
                Op.insert("t", row("id", 2, "n", new BigDecimal("15")))));
        assertEquals("[15] [100]", bracketed(exponent, "w"));
        assertEquals(plain.content("w"), exponent.content("w"));
        assertEquals(
                plain.read("w", 10, null).orElseThrow().hash(),
                exponent.read("w", 10, null).orElseThrow().hash());
    }

    @Test
    void moreDigitsBeforeThePointThanPostgresqlKeepsAreRefusedAndFewerKept() {
        Circuit c = TestCircuits.circuit(TABLE + "CREATE VIEW w AS SELECT n FROM t");
        BatchOutcome.Rejected r = assertInstanceOf(
                BatchOutcome.Rejected.class, c.applyBatch(List.of(Op.insert("t", row("id", 1, "n", "1e1000000000")))));
        assertTrue(r.toString().contains("value overflows numeric format"), r.toString());
        assertInstanceOf(
                BatchOutcome.Accepted.class, c.applyBatch(List.of(Op.insert("t", row("id", 1, "n", "1e400")))));
        assertEquals("[1" + "0".repeat(400) + "]", bracketed(c, "w"));
    }

    @Test
    void aDeleteFromAKeylessTableRemovesARowOfTheSameScale() {
        Circuit c = TestCircuits.circuit("CREATE TABLE m (n NUMERIC); CREATE VIEW w AS SELECT n FROM m");
        c.applyBatch(List.of(
                Op.insert("m", row("n", new BigDecimal("2.0"))), Op.insert("m", row("n", new BigDecimal("2.00")))));
        assertInstanceOf(
                BatchOutcome.Accepted.class,
                c.applyBatch(List.of(Op.deleteRow("m", row("n", new BigDecimal("2.00"))))));
        assertEquals("[2.0]", bracketed(c, "w"));
        assertInstanceOf(
                BatchOutcome.Rejected.class,
                c.applyBatch(List.of(Op.deleteRow("m", row("n", new BigDecimal("2"))))),
                "no row 2 is left, only 2.0");
    }

    @Test
    void arithmeticKeepsTheScalesPostgresqlGives() {
        Circuit c = circuit("CREATE VIEW a AS SELECT n * 1 AS m, n + 1 AS p, n * 1.5 AS q FROM t");
        assertEquals("[2][3][3.0] [2.0][3.0][3.00] [2.00][3.00][3.000]", bracketed(c, "a"));
    }

    @Test
    void joinsMatchByValueAndKeepBothSidesScales() {
        Circuit c =
                circuit("CREATE VIEW j AS SELECT a.n AS l, b.n AS r FROM t a JOIN t b ON a.n = b.n WHERE a.id < b.id");
        assertEquals("[2.0][2] [2.0][2.00] [2.00][2]", bracketed(c, "j"));
    }

    @Test
    void unionAllAndTopKKeepEveryScale() {
        Circuit c = circuit("CREATE VIEW u AS SELECT n FROM t WHERE id = 1 UNION ALL SELECT n FROM t;"
                + "CREATE VIEW k AS SELECT n FROM t ORDER BY n LIMIT 2");
        assertEquals("[2] [2.0] [2.0] [2.00]", bracketed(c, "u"));
        assertEquals("[2] [2.0]", bracketed(c, "k"));
        deleteKey(c, "t", "id", 3);
        assertEquals("[2.0] [2.00]", bracketed(c, "k"));
    }

    @Test
    void groupByDistinctAndUnionShowTheSmallestScalePresent() {
        Circuit c = circuit("CREATE VIEW g AS SELECT n, COUNT(*) AS c FROM t GROUP BY n;"
                + "CREATE VIEW d AS SELECT DISTINCT n FROM t;"
                + "CREATE VIEW u AS SELECT n FROM t UNION SELECT n FROM t");
        assertEquals("[2][3]", bracketed(c, "g"));
        assertEquals("[2]", bracketed(c, "d"));
        assertEquals("[2]", bracketed(c, "u"));
        deleteKey(c, "t", "id", 3);
        assertEquals("[2.0][2]", bracketed(c, "g"));
        assertEquals("[2.0]", bracketed(c, "d"));
        assertEquals("[2.0]", bracketed(c, "u"));
        deleteKey(c, "t", "id", 1);
        assertEquals("[2.00][1]", bracketed(c, "g"));
        assertEquals("[2.00]", bracketed(c, "d"));
        assertEquals("[2.00]", bracketed(c, "u"));
    }

    @Test
    void minAndMaxShowAScaleThatARowStillHas() {
        Circuit c = circuit("CREATE VIEW m AS SELECT MIN(n) AS lo, MAX(n) AS hi FROM t");
        assertEquals("[2][2]", bracketed(c, "m"));
        deleteKey(c, "t", "id", 3);
        assertEquals("[2.0][2.0]", bracketed(c, "m"));
        deleteKey(c, "t", "id", 1);
        assertEquals("[2.00][2.00]", bracketed(c, "m"));
    }

    @Test
    void sumAndAvgKeepTheLargestScale() {
        Circuit c = circuit("CREATE VIEW s AS SELECT SUM(n) AS s, AVG(n) AS a FROM t");
        assertEquals("[6.00][2.0000000000000000]", bracketed(c, "s"));
        deleteKey(c, "t", "id", 2);
        assertEquals("[4.0][2.0000000000000000]", bracketed(c, "s"));
    }

    @Test
    void viewsOfASnapshotFromBeforeScalesAreEvaluatedAfresh() throws IOException {
        Circuit c = circuit("CREATE VIEW w AS SELECT n FROM t");
        // As the engine before SVC6 kept it: the three rows merged into one scale.
        ZSet merged = new ZSet();
        merged.add(Row.of(new BigDecimal("2.0")), 3);
        CircuitImage now = c.image();
        CircuitImage.ViewImage w = now.views.get(0);
        CircuitImage old = new CircuitImage(
                now.version,
                now.tables,
                List.of(new CircuitImage.ViewImage(
                        w.name(), w.sql(), w.revision(), ZSetImage.of(merged), w.operatorState())));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CircuitSnapshot.write(new DataOutputStream(bytes), old, 0x53564335);
        byte[] svc5 = withoutTypmod(bytes.toByteArray());
        Circuit restored = Circuit.readSnapshot(new DataInputStream(new ByteArrayInputStream(svc5)));
        assertEquals("[2] [2.0] [2.00]", bracketed(restored, "w"));
        deleteKey(restored, "t", "id", 1);
        assertEquals("[2] [2.00]", bracketed(restored, "w"));
    }

    /**
     * A snapshot of t in the layout before SVC7: column n (nullable NUMERIC) without the precision and
     * scale (two shorts) that follow its type since.
     */
    static byte[] withoutTypmod(byte[] snapshot) {
        byte[] column = {0, 1, 'n', (byte) ColumnType.DECIMAL.ordinal(), 1};
        for (int at = 0; at + column.length <= snapshot.length; at++) {
            if (java.util.Arrays.equals(snapshot, at, at + column.length, column, 0, column.length)) {
                int cut = at + column.length;
                byte[] out = new byte[snapshot.length - 4];
                System.arraycopy(snapshot, 0, out, 0, cut);
                System.arraycopy(snapshot, cut + 4, out, cut, out.length - cut);
                return out;
            }
        }
        throw new AssertionError("column n not found in the snapshot");
    }

    @Test
    void scalesSurviveASnapshot() throws IOException {
        Circuit c = circuit("CREATE VIEW g AS SELECT n, COUNT(*) AS c FROM t GROUP BY n;"
                + "CREATE VIEW d AS SELECT DISTINCT n FROM t;"
                + "CREATE VIEW m AS SELECT MIN(n) AS lo FROM t;"
                + "CREATE VIEW w AS SELECT n FROM t");
        Circuit restored = SnapshotTest.roundTrip(c);
        assertEquals("[2] [2.0] [2.00]", bracketed(restored, "w"));
        deleteKey(restored, "t", "id", 3);
        assertEquals("[2.0][2]", bracketed(restored, "g"));
        assertEquals("[2.0]", bracketed(restored, "d"));
        assertEquals("[2.0]", bracketed(restored, "m"));
    }
}
