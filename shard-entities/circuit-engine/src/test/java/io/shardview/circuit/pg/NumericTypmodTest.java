package io.shardview.circuit.pg;

import static io.shardview.circuit.TestCircuits.row;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.shardview.circuit.Circuit;
import io.shardview.circuit.DdlResult;
import io.shardview.circuit.TestCircuits;
import io.shardview.circuit.batch.BatchOutcome;
import io.shardview.circuit.batch.Op;
import io.shardview.circuit.catalog.Column;
import io.shardview.circuit.data.Row;
import io.shardview.circuit.error.RejectionKind;
import io.shardview.circuit.snapshot.SnapshotTest;
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
 * Table columns declared NUMERIC(p,s) / DECIMAL(p,s) / NUMERIC(p), as PostgreSQL 15 stores them (each
 * case checked there): an input rounded half away from zero to s decimals and padded to s, and one
 * with more than p - s digits before the point, once rounded, refused ("numeric field overflow").
 */
class NumericTypmodTest {
    private static final String TABLE = "CREATE TABLE t (id INT PRIMARY KEY, a NUMERIC(5,2), b DECIMAL(3));"
            + "CREATE VIEW w AS SELECT id, a, b FROM t";

    /** Each row of w as [id][a][b] (BigDecimal.toPlainString), by id. */
    private static String show(Circuit c) {
        StringBuilder out = new StringBuilder();
        TestCircuits.rows(c, "w").stream()
                .sorted((x, y) -> Long.compare((Long) x.toArray()[0], (Long) y.toArray()[0]))
                .forEach(r -> {
                    for (Object v : r.toArray())
                        out.append('[')
                                .append(v instanceof BigDecimal d ? d.toPlainString() : v)
                                .append(']');
                    out.append(' ');
                });
        return out.toString().trim();
    }

    private static void accept(Circuit c, Op... ops) {
        BatchOutcome o = c.applyBatch(List.of(ops));
        assertInstanceOf(BatchOutcome.Accepted.class, o, o.toString());
    }

    @Test
    void valuesAreRoundedHalfAwayFromZeroAndPaddedToTheScale() {
        Circuit c = TestCircuits.circuit(TABLE);
        accept(
                c,
                Op.insert("t", row("id", 1, "a", new BigDecimal("2.005"), "b", new BigDecimal("1.5"))),
                Op.insert("t", row("id", 2, "a", new BigDecimal("-2.005"), "b", new BigDecimal("-1.5"))),
                Op.insert("t", row("id", 3, "a", 0, "b", 0)),
                Op.insert("t", row("id", 4, "a", new BigDecimal("1.5E+2"), "b", 2.5)),
                Op.insert("t", row("id", 5, "a", new BigDecimal("2.0"), "b", new BigDecimal("999.4"))),
                Op.insert("t", row("id", 6, "a", "1.2345E1", "b", new BigDecimal("-0.5"))),
                Op.insert("t", row("id", 7, "a", new BigDecimal("999.994"), "b", new BigDecimal("0.4"))),
                Op.insert("t", row("id", 8, "a", new BigDecimal("-0.004"), "b", null)));
        assertEquals(
                "[1][2.01][2] [2][-2.01][-2] [3][0.00][0] [4][150.00][3] [5][2.00][999] [6][12.35][-1]"
                        + " [7][999.99][0] [8][0.00][null]",
                show(c));
    }

    @Test
    void aValueTooLargeForThePrecisionRejectsTheWholeBatchNamingTheOp() {
        Circuit c = TestCircuits.circuit(TABLE);
        accept(c, Op.insert("t", row("id", 1, "a", 1, "b", 1)));
        for (Object[] bad : new Object[][] {
            {"a", new BigDecimal("999.995"), "precision 5, scale 2", "10^3"},
            {"a", new BigDecimal("-999.995"), "precision 5, scale 2", "10^3"},
            {"a", new BigDecimal("1E+3"), "precision 5, scale 2", "10^3"},
            {"b", new BigDecimal("999.5"), "precision 3, scale 0", "10^3"}
        }) {
            BatchOutcome o = c.applyBatch(List.of(
                    Op.update("t", row("id", 1, "a", 7, "b", 7)), Op.insert("t", row("id", 2, bad[0], bad[1]))));
            assertEquals(
                    new BatchOutcome.Rejected(
                            1,
                            RejectionKind.INVALID,
                            "op 1: column '" + bad[0]
                                    + "': numeric field overflow (a field with " + bad[2]
                                    + " must round to an absolute value less than "
                                    + bad[3] + ")"),
                    o);
        }
        assertEquals("[1][1.00][1]", show(c));
    }

    @Test
    void updatesAndUpsertsAreCoercedToo() {
        Circuit c = TestCircuits.circuit(TABLE);
        accept(c, Op.insert("t", row("id", 1, "a", 1, "b", 1)));
        accept(c, Op.update("t", row("id", 1, "a", new BigDecimal("1.115"), "b", new BigDecimal("2.5"))));
        assertEquals("[1][1.12][3]", show(c));
        accept(
                c,
                Op.upsert("t", row("id", 1, "a", new BigDecimal("3.335"))),
                Op.upsert("t", row("id", 2, "a", 4L, "b", new BigDecimal("-7.5"))));
        assertEquals("[1][3.34][null] [2][4.00][-8]", show(c));
        BatchOutcome o =
                c.applyBatch(List.of(Op.upsert("t", row("id", 3, "a", 5)), Op.upsert("t", row("id", 1, "b", 1000))));
        assertEquals(1, assertInstanceOf(BatchOutcome.Rejected.class, o).index());
        assertEquals("[1][3.34][null] [2][4.00][-8]", show(c));
    }

    @Test
    void aDeleteByRowFindsTheRowByItsRoundedValue() {
        Circuit c = TestCircuits.circuit("CREATE TABLE k (a NUMERIC(4,1)); CREATE VIEW v AS SELECT a FROM k");
        accept(c, Op.insert("k", row("a", new BigDecimal("1.25"))));
        accept(c, Op.deleteRow("k", row("a", new BigDecimal("1.3"))));
        assertEquals(List.of(), TestCircuits.rows(c, "v"));
    }

    @Test
    void theCatalogShowsTheDeclaredPrecisionAndScale() {
        Circuit c = TestCircuits.circuit(TABLE);
        List<String> types = new ArrayList<>();
        for (Column col : c.describe().tables().get(0).columns()) types.add(col.sqlTypeName());
        assertEquals(List.of("integer", "numeric(5,2)", "numeric(3,0)"), types);
    }

    @Test
    void aPrecisionOutsideOneToAThousandOrAScaleOutsideItsRangeIsRefused() {
        for (String type :
                new String[] {"NUMERIC(0,0)", "NUMERIC(1001)", "NUMERIC(5,1001)", "NUMERIC(5,-1001)", "NUMERIC(x)"}) {
            DdlResult r = new Circuit().executeSql("CREATE TABLE t (a " + type + ")");
            assertInstanceOf(DdlResult.Rejected.class, r, type);
        }
    }

    @Test
    void replayingAStatementAnOlderEngineAcceptedReadsAnOutOfBoundsModifierAsUnconstrained() {
        // Engines before NUMERIC(p,s) was kept accepted any modifier and stored the values as given; a
        // tenant's journal may hold such a CREATE TABLE, and its recovery must not fail on it.
        Circuit c = new Circuit();
        DdlResult r = c.replaySql(
                "CREATE TABLE t (id INT PRIMARY KEY, a NUMERIC(0), b DECIMAL(1001, 2), d NUMERIC(x), e NUMERIC(4,1));"
                        + "CREATE VIEW w AS SELECT a, b, d, e FROM t",
                0);
        assertInstanceOf(DdlResult.Applied.class, r, r.toString());
        List<String> types = new ArrayList<>();
        for (Column col : c.describe().tables().get(0).columns()) types.add(col.sqlTypeName());
        assertEquals(List.of("integer", "numeric", "numeric", "numeric", "numeric(4,1)"), types);
        accept(
                c,
                Op.insert(
                        "t",
                        row(
                                "id",
                                1,
                                "a",
                                new BigDecimal("12.345"),
                                "b",
                                new BigDecimal("1.5"),
                                "d",
                                7,
                                "e",
                                new BigDecimal("1.25"))));
        assertEquals(
                List.of(Row.of(
                        new BigDecimal("12.345"), new BigDecimal("1.5"), BigDecimal.valueOf(7), new BigDecimal("1.3"))),
                TestCircuits.rows(c, "w"));
        assertInstanceOf(
                DdlResult.Rejected.class,
                c.replaySql("CREATE TABLE u (a NUMERIC(1,2,3", 0),
                "other syntax errors still fail");
    }

    @Test
    void aScaleLargerThanThePrecisionAllowsOnlySmallValues() {
        Circuit c = TestCircuits.circuit(
                "CREATE TABLE k (id INT PRIMARY KEY, a NUMERIC(3,4)); CREATE VIEW v AS SELECT a FROM k");
        accept(
                c,
                Op.insert("k", row("id", 1, "a", new BigDecimal("0.00012"))),
                Op.insert("k", row("id", 2, "a", new BigDecimal("0.001"))));
        assertEquals(
                List.of(Row.of(new BigDecimal("0.0001")), Row.of(new BigDecimal("0.0010"))),
                TestCircuits.rows(c, "v").stream()
                        .sorted((x, y) -> ((BigDecimal) x.toArray()[0]).compareTo((BigDecimal) y.toArray()[0]))
                        .toList());
        assertInstanceOf(
                BatchOutcome.Rejected.class,
                c.applyBatch(List.of(Op.insert("k", row("id", 3, "a", new BigDecimal("0.1"))))));
    }

    @Test
    void aNegativeScaleRoundsToTensOrHundredsStoredWithScaleZero() {
        Circuit c = TestCircuits.circuit(
                "CREATE TABLE k (id INT PRIMARY KEY, a NUMERIC(5,-2)); CREATE VIEW v AS SELECT id, a FROM k");
        accept(
                c,
                Op.insert("k", row("id", 1, "a", new BigDecimal("12349.9"))),
                Op.insert("k", row("id", 2, "a", -1250)),
                Op.insert("k", row("id", 3, "a", 1249)),
                Op.insert("k", row("id", 4, "a", new BigDecimal("9999949.9"))));
        assertEquals(
                List.of(
                        Row.of(1L, new BigDecimal("12300")),
                        Row.of(2L, new BigDecimal("-1300")),
                        Row.of(3L, new BigDecimal("1200")),
                        Row.of(4L, new BigDecimal("9999900"))),
                TestCircuits.rows(c, "v").stream()
                        .sorted((x, y) -> Long.compare((Long) x.toArray()[0], (Long) y.toArray()[0]))
                        .toList());
        BatchOutcome o = c.applyBatch(List.of(Op.insert("k", row("id", 5, "a", new BigDecimal("9999950")))));
        assertEquals(
                new BatchOutcome.Rejected(
                        0,
                        RejectionKind.INVALID,
                        "op 0: column 'a': numeric field overflow (a field with"
                                + " precision 5, scale -2 must round to an absolute value less than 10^7)"),
                o);
    }

    @Test
    void aSnapshotKeepsPrecisionAndScale() throws IOException {
        Circuit c = TestCircuits.circuit(TABLE);
        accept(c, Op.insert("t", row("id", 1, "a", new BigDecimal("2.005"), "b", 1)));
        Circuit restored = SnapshotTest.roundTrip(c);
        assertEquals(
                "numeric(5,2)",
                restored.describe().tables().get(0).columns().get(1).sqlTypeName());
        accept(restored, Op.insert("t", row("id", 2, "a", new BigDecimal("1.1"), "b", new BigDecimal("0.5"))));
        assertEquals("[1][2.01][1] [2][1.10][1]", show(restored));
        assertInstanceOf(
                BatchOutcome.Rejected.class,
                restored.applyBatch(List.of(Op.insert("t", row("id", 3, "a", new BigDecimal("1000"))))));
    }

    @Test
    void aSnapshotFromBeforeTypmodsReadsItsNumericColumnsAsUnconstrained() throws IOException {
        // An SVC6 snapshot, written as that engine did: a NUMERIC column is its type byte only.
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(0x53564336);
        out.writeLong(3);
        out.writeInt(1);
        out.writeUTF("t");
        out.writeShort(2);
        out.writeUTF("id");
        out.writeByte(ColumnType.INT.ordinal());
        out.writeBoolean(false);
        out.writeUTF("n");
        out.writeByte(ColumnType.DECIMAL.ordinal());
        out.writeBoolean(true);
        out.writeShort(1);
        out.writeShort(0);
        out.writeInt(0); // no rows
        out.writeInt(0); // no views
        out.flush();
        Circuit restored = Circuit.readSnapshot(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
        assertEquals(
                "numeric", restored.describe().tables().get(0).columns().get(1).sqlTypeName());
        assertInstanceOf(DdlResult.Applied.class, restored.executeSql("CREATE VIEW w AS SELECT n FROM t"));
        accept(restored, Op.insert("t", row("id", 1, "n", new BigDecimal("2.005"))));
        assertEquals(List.of(Row.of(new BigDecimal("2.005"))), TestCircuits.rows(restored, "w"));
    }
}
