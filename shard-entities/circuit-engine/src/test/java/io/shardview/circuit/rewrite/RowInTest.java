package io.shardview.circuit.rewrite;

import static io.shardview.circuit.TestCircuits.row;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardview.circuit.Circuit;
import io.shardview.circuit.DdlResult;
import io.shardview.circuit.TestCircuits;
import io.shardview.circuit.batch.Op;
import io.shardview.circuit.catalog.Column;
import io.shardview.circuit.data.Row;
import io.shardview.circuit.error.RejectionKind;
import io.shardview.circuit.sql.SqlPlanner;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * A several-column [NOT] IN in a select list, as a NOT IN conjunct, under OR, correlated and in a LEFT JOIN's
 * ON, with PostgreSQL's row comparison: (1, NULL) IN ((1, 2)) is NULL, (1, 'a') IN ((NULL, 'b')) FALSE, an
 * empty subquery FALSE even for (NULL, NULL); columns compare as '=' does (a CHAR(3) with a VARCHAR as bpchar,
 * NUMERIC 2.0 = 2.00, INT with BIGINT). Every expected value is PostgreSQL 15's for the same steps.
 */
class RowInTest {
    private static final String SCHEMA = "CREATE TABLE t (id INT PRIMARY KEY, a INT, b VARCHAR, c CHAR(3), n NUMERIC);"
            + "CREATE TABLE u (id INT PRIMARY KEY, x BIGINT, y VARCHAR, n NUMERIC(6,2), g INT);"
            + "CREATE VIEW isin AS SELECT id, (a, b) IN (SELECT x, y FROM u) AS f FROM t;"
            + "CREATE VIEW notin AS SELECT id FROM t WHERE (a, b) NOT IN (SELECT x, y FROM u);"
            + "CREATE VIEW ored AS SELECT id FROM t WHERE (a, c) IN (SELECT x, y FROM u) OR id > 3;"
            + "CREATE VIEW corr AS SELECT id, (a, n) NOT IN (SELECT x, n FROM u WHERE u.g = t.id) AS f FROM t;"
            + "CREATE VIEW lj AS SELECT t.id, w.id AS j FROM t LEFT JOIN u w ON w.g = t.id AND (t.a, t.b) IN (SELECT v.x, v.y FROM u v)";
    private static final List<String> VIEWS = List.of("isin", "notin", "ored", "corr", "lj");

    private static void apply(Circuit c, Op... ops) {
        TestCircuits.applyAndCheck(c, VIEWS, ops);
    }

    /** The views' rows as PostgreSQL's string_agg of them by id shows them. */
    private static void expect(Circuit c, String... views) {
        for (int i = 0; i < views.length; i++) {
            String shown = TestCircuits.rows(c, VIEWS.get(i)).stream()
                    .map(Row::toString)
                    .sorted()
                    .map(r -> r.contains(",") ? r : r.substring(1, r.length() - 1))
                    .collect(Collectors.joining(", "));
            assertEquals(views[i], shown, VIEWS.get(i));
        }
    }

    private static Map<String, Object> t(int id, Integer a, String b, String c, String n) {
        return row("id", id, "a", a, "b", b, "c", c, "n", n == null ? null : new BigDecimal(n));
    }

    private static Map<String, Object> u(int id, Long x, String y, String n, Integer g) {
        return row("id", id, "x", x, "y", y, "n", n == null ? null : new BigDecimal(n), "g", g);
    }

    @Test
    void rowsFollowTheSubqueryThroughPartialNullsAndBackToEmpty() {
        Circuit c = TestCircuits.circuit(SCHEMA);
        apply(
                c,
                Op.insert("t", t(1, 1, "a", "a", "2.0")),
                Op.insert("t", t(2, 1, null, "b", null)),
                Op.insert("t", t(3, null, null, null, "2")),
                Op.insert("t", t(4, 2, "b", "b", "3")));
        expect(
                c,
                "[1, false], [2, false], [3, false], [4, false]",
                "1, 2, 3, 4",
                "4",
                "[1, true], [2, true], [3, true], [4, true]",
                "[1, null], [2, null], [3, null], [4, null]");

        // (1, 'a ') equals t's (1, 'a') only where 'a' is a CHAR(3); 2.00 = 2.0.
        apply(c, Op.insert("u", u(10, 1L, "a ", "2.00", 1)));
        expect(
                c,
                "[1, false], [2, null], [3, null], [4, false]",
                "1, 4",
                "1, 4",
                "[1, false], [2, true], [3, true], [4, true]",
                "[1, null], [2, null], [3, null], [4, null]");

        apply(c, Op.insert("u", u(11, null, "b", null, 3)));
        expect(
                c,
                "[1, false], [2, null], [3, null], [4, null]",
                "1",
                "1, 4",
                "[1, false], [2, true], [3, null], [4, true]",
                "[1, null], [2, null], [3, null], [4, null]");

        apply(c, Op.insert("u", u(12, 1L, null, "5", 2)));
        expect(
                c,
                "[1, null], [2, null], [3, null], [4, null]",
                "",
                "1, 4",
                "[1, false], [2, null], [3, null], [4, true]",
                "[1, null], [2, null], [3, null], [4, null]");

        apply(c, Op.update("t", t(3, 1, "a ", null, "2")));
        expect(
                c,
                "[1, null], [2, null], [3, true], [4, null]",
                "",
                "1, 4",
                "[1, false], [2, null], [3, null], [4, true]",
                "[1, null], [2, null], [3, 11], [4, null]");

        apply(c, Op.deleteKey("u", Map.of("id", 10)));
        expect(
                c,
                "[1, null], [2, null], [3, null], [4, null]",
                "",
                "4",
                "[1, true], [2, null], [3, null], [4, true]",
                "[1, null], [2, null], [3, null], [4, null]");

        apply(c, Op.deleteKey("u", Map.of("id", 11)), Op.deleteKey("u", Map.of("id", 12)));
        expect(
                c,
                "[1, false], [2, false], [3, false], [4, false]",
                "1, 2, 3, 4",
                "4",
                "[1, true], [2, true], [3, true], [4, true]",
                "[1, null], [2, null], [3, null], [4, null]");
    }

    @Test
    void everyPositionIsAMarkWithoutCalcitesCounts() throws Exception {
        Circuit c = TestCircuits.circuit(SCHEMA);
        Map<String, List<Column>> catalog = Map.of(
                "t",
                c.describe().tables().get(0).columns(),
                "u",
                c.describe().tables().get(1).columns());
        for (String sql : List.of(
                "SELECT id, (a, b) IN (SELECT x, y FROM u) AS f FROM t",
                "SELECT id FROM t WHERE (a, b) NOT IN (SELECT x, y FROM u)",
                "SELECT id FROM t WHERE NOT ((a, c) IN (SELECT x, y FROM u) AND id > 2)",
                "SELECT id, (a, n) NOT IN (SELECT x, n FROM u WHERE u.g = t.id) AS f FROM t",
                "SELECT t.id, w.id AS j FROM t LEFT JOIN u w ON w.g = t.id AND (t.a, t.b) IN (SELECT v.x, v.y FROM u v)")) {
            String plan = SqlPlanner.explain(SqlPlanner.plan(sql, catalog));
            assertTrue(plan.contains("InMarkJoin(key=[["), plan);
            assertFalse(plan.contains("COUNT("), plan);
        }
    }

    @Test
    void aRowInCorrelatedByAComparisonOrOfFiveColumnsIsRefusedNamingIt() {
        for (String sql : List.of(
                "SELECT id FROM t WHERE (a, b) NOT IN (SELECT x, y FROM u WHERE u.g < t.id)",
                "SELECT id, (a, b, c, n, id) IN (SELECT x, y, y, n, g FROM u) AS f FROM t")) {
            DdlResult r = TestCircuits.circuit(SCHEMA).executeSql("CREATE VIEW w AS " + sql);
            DdlResult.Rejected rejected = assertInstanceOf(DdlResult.Rejected.class, r, sql);
            assertEquals(RejectionKind.UNSUPPORTED, rejected.kind(), sql);
            assertTrue(
                    rejected.message()
                            .contains(
                                    "IN of more than 4 columns, or of several columns correlated otherwise than by '='"),
                    sql);
        }
    }
}
