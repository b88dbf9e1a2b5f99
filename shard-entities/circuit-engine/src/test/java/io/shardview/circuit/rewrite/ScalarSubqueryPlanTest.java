package io.shardview.circuit.rewrite;

import static io.shardview.circuit.TestCircuits.row;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.shardview.circuit.Circuit;
import io.shardview.circuit.DdlResult;
import io.shardview.circuit.TestCircuits;
import io.shardview.circuit.batch.Op;
import io.shardview.circuit.catalog.Column;
import io.shardview.circuit.error.RejectionKind;
import java.math.BigDecimal;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Scalar subqueries as the decorrelator leaves them: a view keeps its column names where the rewrite dropped the
 * Project that named them, an outer WHERE that never holds keeps its columns' typmods, and a correlated subquery
 * whose own WHERE never holds is an empty one beside other correlated subqueries. A scalar subquery that may
 * return several rows (PostgreSQL then fails, for the outer rows that meet several) is refused. Every expected
 * result and type was read from PostgreSQL 15 on the same data and changes.
 */
class ScalarSubqueryPlanTest {
    private static final String TABLES =
            "CREATE TABLE t (id INT PRIMARY KEY, k INT, c CHAR(3), s VARCHAR, d DECIMAL(10,2), ts TIMESTAMP NOT NULL);"
                    + "CREATE TABLE u (id INT PRIMARY KEY, k INT, c CHAR(3), d DECIMAL(10,2), ts TIMESTAMP NOT NULL, v VARCHAR);";

    private static final Map<String, String> VIEWS = Map.of(
            "v0", "SELECT id FROM t",
            "v1", "SELECT v0.id, (SELECT MIN(u.d) FROM u) AS m FROM v0",
            "v2", "SELECT id, m + 1 AS m1 FROM v1",
            "v3",
                    "SELECT t.c, t.d, (SELECT MAX(u.c) FROM u WHERE u.k = t.k) AS m, NOT EXISTS (SELECT 1 FROM u WHERE u.k = t.k) AS e"
                            + " FROM t WHERE t.ts <> t.ts",
            "v4",
                    "SELECT t.id, (SELECT COUNT(*) FROM u WHERE u.k = t.k) AS n, (SELECT COUNT(*) FROM u WHERE u.ts <> u.ts AND u.c = t.s) AS f,"
                            + " (SELECT MAX(u.c) FROM u WHERE u.c IS NULL AND u.c = t.c) AS m FROM t",
            "v5",
                    "SELECT t.id, (SELECT u.d FROM u WHERE u.k = t.k ORDER BY u.d LIMIT 1) AS d,"
                            + " (SELECT u.v FROM u WHERE u.k >= t.k ORDER BY u.v LIMIT 1) AS v, (SELECT u.c FROM u WHERE u.k = t.k ORDER BY u.c LIMIT 1) AS c FROM t",
            "v6", "SELECT t.id FROM t WHERE t.c = (SELECT u.v FROM u WHERE u.k = t.k ORDER BY u.v LIMIT 1)",
            "v7",
                    "SELECT a.d, b.c FROM t a JOIN u b ON a.id = b.id AND b.k IN (SELECT w.k FROM u w WHERE w.id = b.k) WHERE a.k > a.k");

    /** The tables with the given views, filled. */
    private static Circuit circuit(String... views) {
        StringBuilder ddl = new StringBuilder(TABLES);
        for (String name : views)
            ddl.append("CREATE VIEW ")
                    .append(name)
                    .append(" AS ")
                    .append(VIEWS.get(name))
                    .append(';');
        Circuit c = TestCircuits.circuit(ddl.toString());
        apply(
                c,
                Op.insert("t", row("id", 1, "k", 1, "c", "a", "s", "a", "d", new BigDecimal("1.50"), "ts", day(1))),
                Op.insert("t", row("id", 2, "k", 2, "c", "b", "s", "b ", "d", new BigDecimal("2.00"), "ts", day(2))),
                Op.insert("t", row("id", 3, "ts", day(3))),
                Op.insert("u", row("id", 1, "k", 1, "c", "a", "d", new BigDecimal("0.25"), "ts", day(1), "v", "a ")),
                Op.insert("u", row("id", 2, "k", 1, "c", "b", "d", new BigDecimal("2.75"), "ts", day(1), "v", "b")),
                Op.insert("u", row("id", 3, "k", 2, "c", "b", "ts", day(2))));
        return c;
    }

    private static LocalDateTime day(int d) {
        return LocalDateTime.of(2024, 1, d, 0, 0);
    }

    private static void apply(Circuit c, Op... ops) {
        TestCircuits.applyAndCheck(
                c, VIEWS.keySet().stream().filter(v -> c.columns(v).isPresent()).toList(), ops);
    }

    /** A view's rows in order, values joined by ':', NULL as '-'. */
    private static String rows(Circuit c, String view) {
        return TestCircuits.rows(c, view).stream()
                .map(r -> Arrays.stream(r.toArray())
                        .map(v -> v == null ? "-" : v.toString())
                        .collect(Collectors.joining(":")))
                .sorted()
                .collect(Collectors.joining(" "));
    }

    private static List<String> described(Circuit c, String view) {
        List<String> out = new ArrayList<>();
        for (Column column : c.columns(view).orElseThrow()) out.add(column.name() + " " + column.sqlTypeName());
        return out;
    }

    /** The join of v0 with the subquery's one row has v0's column and the MIN: the Project naming them went. */
    @Test
    void aViewOverAnUncorrelatedScalarSubqueryReadsItsColumnByName() {
        Circuit c = circuit("v0", "v1", "v2");
        assertEquals(List.of("id integer", "m numeric"), described(c, "v1"));
        assertEquals("1:1.25 2:1.25 3:1.25", rows(c, "v2"));
        apply(
                c,
                Op.insert("u", row("id", 4, "d", new BigDecimal("-1.50"), "ts", day(3))),
                Op.deleteKey("u", row("id", 1)));
        assertEquals("1:-0.50 2:-0.50 3:-0.50", rows(c, "v2"));
    }

    @Test
    void anOuterWhereThatNeverHoldsKeepsTheTypmodsBesideCorrelatedSubqueries() {
        Circuit c = circuit("v3", "v7");
        assertEquals(List.of("c character(3)", "d numeric(10,2)", "m bpchar", "e boolean"), described(c, "v3"));
        assertEquals("", rows(c, "v3"));
        assertEquals(List.of("d numeric(10,2)", "c character(3)"), described(c, "v7"));
        assertEquals("", rows(c, "v7"));
    }

    @Test
    void aCorrelatedSubqueryWhoseWhereNeverHoldsIsEmptyBesideAnother() {
        Circuit c = circuit("v4");
        assertEquals(List.of("id integer", "n bigint", "f bigint", "m bpchar"), described(c, "v4"));
        assertEquals("1:2:0:- 2:1:0:- 3:0:0:-", rows(c, "v4"));
        apply(
                c,
                Op.insert("u", row("id", 4, "d", new BigDecimal("-1.50"), "ts", day(3))),
                Op.update("t", row("id", 3, "k", 1, "ts", day(3))),
                Op.deleteKey("u", row("id", 1)));
        assertEquals("1:1:0:- 2:1:0:- 3:1:0:-", rows(c, "v4"));
    }

    /**
     * A correlated ORDER BY x LIMIT 1 over x is the least x, planned as a MIN, yet has x's type: a varchar, which
     * compares with a CHAR(3) as bpchar ('a' = 'a '), where MIN(x) is text; a NUMERIC(10,2) or CHAR(3) keeps its typmod.
     */
    @Test
    void theFirstValueInOrderOfACorrelatedSubqueryHasTheColumnsType() {
        Circuit c = circuit("v5", "v6");
        assertEquals(List.of("id integer", "d numeric(10,2)", "v varchar", "c character(3)"), described(c, "v5"));
        assertEquals("1:0.25:a :a   2:-:-:b   3:-:-:-", rows(c, "v5"));
        assertEquals("1", rows(c, "v6"));
        apply(
                c,
                Op.insert("u", row("id", 4, "k", 2, "d", new BigDecimal("-1.50"), "ts", day(3), "v", "b  ")),
                Op.update("t", row("id", 3, "k", 1, "ts", day(3))),
                Op.deleteKey("u", row("id", 1)));
        assertEquals("1:2.75:b:b   2:-1.50:b  :b   3:2.75:b:b  ", rows(c, "v5"));
        assertEquals("2", rows(c, "v6"));
    }

    /** SUM of a BIGINT is a numeric: -1 <> -1.50 (the literal was cast to the sum's scale 0 when the plan was made). */
    @Test
    void aSumOfBigintsComparesWithAFractionalLiteralByValue() {
        Circuit c = TestCircuits.circuit("CREATE TABLE b (id INT PRIMARY KEY, k INT, n BIGINT);"
                + "CREATE VIEW h AS SELECT k, SUM(n) AS s FROM b GROUP BY k HAVING SUM(n) <> -1.50;"
                + "CREATE VIEW w AS SELECT x.id FROM b x WHERE -1.50 < (SELECT SUM(y.n) FROM b y WHERE y.k = x.k);"
                + "CREATE VIEW p AS SELECT x.id, (SELECT SUM(y.n) FROM b y WHERE y.k < x.k) > -1.5 AS f FROM b x");
        TestCircuits.applyAndCheck(
                c,
                List.of("h", "w", "p"),
                Op.insert("b", row("id", 1, "k", 1, "n", -1)),
                Op.insert("b", row("id", 2, "k", 2, "n", 5)),
                Op.insert("b", row("id", 3, "k", 2)),
                Op.insert("b", row("id", 4, "k", 3, "n", -2)));
        assertEquals("1:-1 2:5 3:-2", rows(c, "h"));
        assertEquals("1 2 3", rows(c, "w"));
        assertEquals("1:- 2:true 3:true 4:true", rows(c, "p"));
    }

    /**
     * u.d = COALESCE(t.d, 0) holds for a NULL t.d: its values are joined back by IS NOT DISTINCT FROM, also beside a
     * LEFT JOIN on t.d or a subquery correlated by u.d = t.d (Calcite took t.d there for NOT NULL, and joined by '=').
     */
    @Test
    void aCorrelationThatHoldsForANullOuterValueKeepsItsRowsBesideALeftJoinOnThatValue() {
        Circuit c = TestCircuits.circuit(
                "CREATE TABLE t (id INT PRIMARY KEY, d DECIMAL(10,2)); CREATE TABLE u (id INT PRIMARY KEY, k INT, d DECIMAL(10,2));"
                        + "CREATE TABLE w (id INT PRIMARY KEY, d DECIMAL(10,2));"
                        + "CREATE VIEW a AS SELECT t.id, (SELECT MAX(u.k) FROM u WHERE u.d = t.d) AS m,"
                        + " (SELECT SUM(u.d) FROM u WHERE u.d = COALESCE(t.d, 0)) AS s FROM t;"
                        + "CREATE VIEW b AS SELECT t.id, w.id AS wid, (SELECT SUM(u.d) FROM u WHERE u.d = COALESCE(t.d, 0)) AS s"
                        + " FROM t LEFT JOIN w ON t.d = w.d");
        List<String> views = List.of("a", "b");
        TestCircuits.applyAndCheck(
                c,
                views,
                Op.insert("t", row("id", 1)),
                Op.insert("t", row("id", 2, "d", new BigDecimal("0.00"))),
                Op.insert("t", row("id", 3, "d", new BigDecimal("2.50"))),
                Op.insert("u", row("id", 1, "k", 1, "d", new BigDecimal("0.00"))),
                Op.insert("u", row("id", 2, "k", 2, "d", new BigDecimal("0.00"))),
                Op.insert("u", row("id", 3, "k", 3, "d", new BigDecimal("2.50"))),
                Op.insert("w", row("id", 1, "d", new BigDecimal("2.50"))));
        assertEquals("1:-:0.00 2:2:0.00 3:3:2.50", rows(c, "a"));
        assertEquals("1:-:0.00 2:-:0.00 3:1:2.50", rows(c, "b"));
        TestCircuits.applyAndCheck(
                c, views, Op.update("t", row("id", 3)), Op.deleteKey("u", row("id", 1)), Op.insert("w", row("id", 2)));
        assertEquals("1:-:0.00 2:2:0.00 3:-:0.00", rows(c, "a"));
        assertEquals("1:-:0.00 2:-:0.00 3:-:0.00", rows(c, "b"));
    }

    @Test
    void aScalarSubqueryThatMayReturnSeveralRowsIsRefusedNamingIt() {
        for (String sql : List.of(
                "SELECT t.id, (SELECT u.c FROM u WHERE u.k = t.k) AS x FROM t",
                "SELECT t.id FROM t WHERE t.d > (SELECT u.d FROM u)",
                "SELECT t.id, (SELECT MAX(u.d) FROM u GROUP BY u.k) AS x FROM t",
                "SELECT t.id, (SELECT u.c FROM u WHERE u.id = t.k) AS x FROM t")) {
            DdlResult.Rejected rejected =
                    assertInstanceOf(DdlResult.Rejected.class, circuit().executeSql("CREATE VIEW w AS " + sql), sql);
            assertEquals(RejectionKind.UNSUPPORTED, rejected.kind(), sql);
            assertEquals(
                    "unsupported SQL construct: scalar subquery that is not one aggregate (it may return several rows)",
                    rejected.message(),
                    sql);
        }
    }
}
