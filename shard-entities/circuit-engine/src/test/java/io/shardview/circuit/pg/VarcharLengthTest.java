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
import io.shardview.circuit.error.RejectionKind;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * VARCHAR(n) as PostgreSQL 15 keeps it (each expected value read there): a longer value is refused, unless what is
 * over n is blanks, which are cut; the column is described with its length, and so is a view's column that keeps
 * it (selected as is, grouped, through UNION, CASE and COALESCE of values of that one length, a written
 * CAST(x AS VARCHAR(n))), while NULLIF, MIN/MAX, || and LOWER make text.
 */
class VarcharLengthTest {
    private static final String TABLE =
            "CREATE TABLE t (id INT PRIMARY KEY, v3 VARCHAR(3), v VARCHAR, w CHARACTER VARYING(5))";

    private static List<String> types(Circuit c, String relation) {
        return c.columns(relation).orElseThrow().stream()
                .map(Column::sqlTypeName)
                .toList();
    }

    @Test
    void aLongerValueIsRefusedUnlessTheExcessIsBlanks() {
        Circuit c = TestCircuits.circuit(TABLE);
        assertEquals(List.of("integer", "varchar(3)", "varchar", "varchar(5)"), types(c, "t"));
        long before = c.version();
        assertEquals(
                new BatchOutcome.Rejected(
                        1, RejectionKind.INVALID, "op 1: column 'v3': value too long for type character varying(3)"),
                c.applyBatch(List.of(
                        Op.insert("t", row("id", 1, "v3", "abc")), Op.insert("t", row("id", 2, "v3", "abcd")))));
        assertEquals(before, c.version());
        assertInstanceOf(
                BatchOutcome.Accepted.class,
                c.applyBatch(List.of(Op.insert("t", row("id", 1, "v3", "ab    ", "w", "éèêëē")))));
        assertEquals(
                List.of(List.of("ab ", "éèêëē")),
                TestCircuits.rows(c, "t").stream()
                        .map(r -> List.of(r.get(1), r.get(3)))
                        .toList());
        assertInstanceOf(
                BatchOutcome.Rejected.class,
                c.applyBatch(List.of(Op.upsert("t", row("id", 1, "v3", "x", "w", "éèêëēe")))));
    }

    @Test
    void viewColumnsKeepTheLengthWherePostgresDoes() {
        Circuit c = TestCircuits.circuit(
                TABLE + "; CREATE VIEW q AS SELECT NULLIF(v3, NULL) a7, v3 a8, COALESCE(v3, v3) a9,"
                        + " COALESCE(v3, 'a') a10, CASE WHEN id = 1 THEN v3 ELSE v END a11, v3 || 'a' a12, CAST(v AS VARCHAR(5)) a13,"
                        + " NULLIF(v3, v3) a14, LOWER(v3) a15 FROM t;"
                        + " CREATE VIEW q2 AS SELECT v3 AS a FROM t UNION ALL SELECT v3 FROM t;"
                        + " CREATE VIEW q3 AS SELECT v3 AS a FROM t UNION ALL SELECT v FROM t;"
                        + " CREATE VIEW q4 AS SELECT v3 AS a, MIN(v3) AS mn FROM t GROUP BY v3;"
                        + " CREATE VIEW q5 AS SELECT a8 FROM q WHERE a8 > 'a'");
        assertEquals(
                List.of("text", "varchar(3)", "varchar(3)", "varchar", "varchar", "text", "varchar(5)", "text", "text"),
                types(c, "q"));
        assertEquals(List.of("varchar(3)"), types(c, "q2"));
        assertEquals(List.of("varchar"), types(c, "q3"));
        assertEquals(List.of("varchar(3)", "text"), types(c, "q4"));
        assertEquals(List.of("varchar(3)"), types(c, "q5"));
    }

    @Test
    void aSnapshotKeepsTheLength() throws IOException {
        Circuit c = TestCircuits.circuit(TABLE);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        c.writeSnapshot(new DataOutputStream(bytes));
        Circuit restored = Circuit.readSnapshot(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
        assertEquals(List.of("integer", "varchar(3)", "varchar", "varchar(5)"), types(restored, "t"));
        assertInstanceOf(
                BatchOutcome.Rejected.class, restored.applyBatch(List.of(Op.insert("t", row("id", 2, "v3", "abcd")))));
    }

    @Test
    void aTableJournaledBeforeRevisionThreeKeepsItsValuesUncut() {
        // Engines before revision 3 stored a VARCHAR(n)'s values whole: its journaled inserts must replay.
        for (int revision = 0; revision <= Circuit.SQL_REVISION; revision++) {
            Circuit c = new Circuit();
            assertInstanceOf(DdlResult.Applied.class, c.replaySql(TABLE, revision));
            String v3 = revision < 3 ? "varchar" : "varchar(3)";
            assertEquals(
                    List.of("integer", v3, "varchar", revision < 3 ? "varchar" : "varchar(5)"),
                    types(c, "t"),
                    "revision " + revision);
            BatchOutcome o = c.applyBatch(List.of(Op.insert("t", row("id", 2, "v3", "abcd"))));
            if (revision < 3) assertInstanceOf(BatchOutcome.Accepted.class, o);
            else assertInstanceOf(BatchOutcome.Rejected.class, o);
        }
    }

    @Test
    void aLengthOutsidePostgresBoundsIsRefused() {
        DdlResult r = new Circuit().executeSql("CREATE TABLE u (a VARCHAR(0))");
        assertEquals(
                "length for type character varying must be between 1 and 10485760, not \"0\"",
                assertInstanceOf(DdlResult.Rejected.class, r).message());
    }
}
