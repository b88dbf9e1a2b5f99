package io.shardview.circuit.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardview.circuit.Circuit;
import io.shardview.circuit.DdlResult;
import io.shardview.circuit.PreparedSql;
import io.shardview.circuit.QueryResult;
import io.shardview.circuit.batch.BatchOutcome;
import io.shardview.circuit.batch.Op;
import io.shardview.circuit.error.RejectionKind;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

/**
 * Statements that would recurse too deeply, or are too large, are refused naming the limit, before the planner
 * recurses through them; the same shapes within the limit are planned and maintained. No statement can overflow
 * the stack of the thread that plans it.
 */
class SqlLimitsTest {
    private static final Map<String, IntFunction<String>> DEEP_SHAPES = Map.of(
            "union", n -> "SELECT id FROM t0" + " UNION ALL SELECT id FROM t0".repeat(n - 1),
            "plus", n -> "SELECT id" + " + id".repeat(n - 1) + " AS s FROM t0",
            "or", n -> "SELECT id FROM t0 WHERE id = 0" + " OR id = 1".repeat(n - 1),
            "parentheses", n -> "SELECT " + "(".repeat(n) + "id" + ")".repeat(n) + " AS s FROM t0",
            "nested case",
                    n -> "SELECT " + "CASE WHEN id = 1 THEN 1 ELSE ".repeat(n) + "0" + " END".repeat(n)
                            + " AS s FROM t0",
            "subqueries", n -> "SELECT id FROM (".repeat(n) + "SELECT id FROM t0" + ") x".repeat(n));

    private static Circuit circuit() {
        Circuit c = new Circuit();
        assertInstanceOf(DdlResult.Applied.class, c.executeSql("CREATE TABLE t0 (id INT NOT NULL, PRIMARY KEY (id))"));
        return c;
    }

    @Test
    void eachDeepShapeIsRefusedNamingTheLimitAndChangesNothing() {
        DEEP_SHAPES.forEach((shape, sql) -> {
            Circuit c = circuit();
            DdlResult r = c.executeSql("CREATE VIEW u AS " + sql.apply(1_000));
            DdlResult.Rejected rejected = assertInstanceOf(DdlResult.Rejected.class, r, shape);
            assertEquals(RejectionKind.LIMIT_EXCEEDED, rejected.kind(), shape + ": " + rejected);
            assertEquals(
                    Map.of("limit", "max-sql-depth", "max", Circuit.DEFAULT_MAX_SQL_DEPTH), rejected.details(), shape);
            assertTrue(c.describe().views().isEmpty(), shape);
            assertEquals(1, c.version(), shape);
        });
    }

    @Test
    void theSameShapesWithinTheLimitArePlannedAndMaintained() {
        DEEP_SHAPES.forEach((shape, sql) -> {
            Circuit c = circuit();
            // Chains count one level per link, plus a few for the SELECT around them.
            DdlResult r = c.executeSql("CREATE VIEW u AS " + sql.apply(shape.equals("subqueries") ? 50 : 150));
            assertInstanceOf(DdlResult.Applied.class, r, shape + ": " + r);
            BatchOutcome batch = c.applyBatch(List.of(Op.insert("t0", Map.of("id", 1L))));
            assertInstanceOf(BatchOutcome.Accepted.class, batch, shape);
            assertTrue(c.describe().views().get(0).rows() > 0, shape);
        });
    }

    @Test
    void aHundredThousandParenthesesOrCaseArmsAreRefusedBeforeParsing() {
        Circuit c = circuit();
        for (String sql : List.of(
                "SELECT " + "(".repeat(100_000) + "1" + ")".repeat(100_000) + " FROM t0",
                "SELECT " + "(".repeat(100_000) + " FROM t0",
                "SELECT " + "CASE WHEN id = 1 THEN 1 ELSE ".repeat(100_000) + "0 FROM t0")) {
            DdlResult.Rejected r = assertInstanceOf(DdlResult.Rejected.class, c.executeSql("CREATE VIEW u AS " + sql));
            assertEquals(RejectionKind.LIMIT_EXCEEDED, r.kind(), r.toString());
        }
        QueryResult.Rejected query = assertInstanceOf(
                QueryResult.Rejected.class,
                c.query("SELECT id FROM t0" + " UNION ALL SELECT id FROM t0".repeat(5_000)));
        assertEquals(RejectionKind.LIMIT_EXCEEDED, query.kind());
    }

    @Test
    void parenthesesInQuotesAndCommentsDoNotCount() {
        Circuit c = circuit();
        String sql = "CREATE VIEW u AS SELECT id, '" + "(".repeat(1_000)
                + "' AS s, \"a(\" FROM (SELECT id, 1 AS \"a(\" FROM t0) x" + " -- " + "(".repeat(1_000) + "\n /* "
                + "(".repeat(1_000) + " */";
        assertInstanceOf(DdlResult.Applied.class, c.executeSql(sql));
    }

    @Test
    void aTableHasAtMostPostgresSixteenHundredColumns() {
        Circuit c = new Circuit();
        StringBuilder columns = new StringBuilder("c0 INT");
        for (int i = 1; i < 50_000; i++) columns.append(", c").append(i).append(" INT");
        DdlResult.Rejected wide =
                assertInstanceOf(DdlResult.Rejected.class, c.executeSql("CREATE TABLE w (" + columns + ")"));
        assertEquals(RejectionKind.LIMIT_EXCEEDED, wide.kind());
        assertEquals("tables can have at most 1600 columns", wide.message());
        assertEquals(Map.of("limit", "max-columns", "max", 1600), wide.details());
        StringBuilder most = new StringBuilder("c0 INT");
        for (int i = 1; i < 1_600; i++) most.append(", c").append(i).append(" INT");
        assertInstanceOf(DdlResult.Applied.class, c.executeSql("CREATE TABLE w (" + most + ")"));
    }

    @Test
    void aSyntaxErrorGivesLineAndColumnInTheWholeRequest() {
        Circuit c = circuit();
        String request =
                "CREATE TABLE a (x INT);\n-- a comment; with a semicolon\nCREATE VIEW v AS\n  SELECT x\n  FROM a WHERE x >";
        DdlResult.Rejected r = assertInstanceOf(DdlResult.Rejected.class, c.executeSql(request));
        assertEquals(RejectionKind.SYNTAX, r.kind());
        assertEquals(1, r.statement());
        assertEquals("syntax error at end of input (line 5, column 18)", r.message());
        assertEquals(Map.of("line", 5, "column", 18), r.details());

        DdlResult.Rejected table =
                assertInstanceOf(DdlResult.Rejected.class, c.executeSql("CREATE TABLE b (x INT,\n  y INTEGR)"));
        assertEquals(
                RejectionKind.INVALID,
                table.kind()); // an unknown type, as PostgreSQL says: type "integr" does not exist
        DdlResult.Rejected missingParen =
                assertInstanceOf(DdlResult.Rejected.class, c.executeSql("CREATE TABLE b (x INT,\n  y INT"));
        assertEquals(RejectionKind.SYNTAX, missingParen.kind());
        assertEquals(Map.of("line", 2, "column", 8), missingParen.details());
    }

    @Test
    void aStatementPostgresHasIsUnsupportedAndAnyOtherWordIsASyntaxError() {
        Circuit c = circuit();
        DdlResult.Rejected typo = assertInstanceOf(DdlResult.Rejected.class, c.executeSql("CRATE TABLE t (x INT)"));
        assertEquals(RejectionKind.SYNTAX, typo.kind());
        assertEquals("syntax error at or near \"CRATE\" (line 1, column 1)", typo.message());
        DdlResult.Rejected insert =
                assertInstanceOf(DdlResult.Rejected.class, c.executeSql("INSERT INTO t0 VALUES (1)"));
        assertEquals(RejectionKind.UNSUPPORTED, insert.kind());
        DdlResult.Rejected selectTypo =
                assertInstanceOf(DdlResult.Rejected.class, c.executeSql("CREATE VIEW v AS SELEC id FROM t0"));
        assertEquals(RejectionKind.SYNTAX, selectTypo.kind(), selectTypo.toString());
        assertEquals("syntax error at or near \"SELEC\" (line 1, column 18)", selectTypo.message());
        DdlResult.Rejected missing =
                assertInstanceOf(DdlResult.Rejected.class, c.executeSql("CREATE VIEW v AS SELECT id FROM nope"));
        assertEquals(RejectionKind.NOT_FOUND, missing.kind());
        assertEquals("relation \"nope\" does not exist", missing.message());
    }

    @Test
    void aRequestPlannedAgainstACatalogAppliesToTheDataThatArrivedMeanwhile() {
        Circuit c = circuit();
        PreparedSql prepared =
                PreparedSql.prepare("CREATE VIEW v AS SELECT id FROM t0 WHERE id > 1", c.catalog(), -1, 200);
        c.applyBatch(List.of(Op.insert("t0", Map.of("id", 1L)), Op.insert("t0", Map.of("id", 2L))));
        assertInstanceOf(DdlResult.Applied.class, c.apply(prepared));
        assertEquals(1, c.describe().views().get(0).rows());
    }
}
