package io.shardview.circuit.rewrite;

import static io.shardview.circuit.TestCircuits.row;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardview.circuit.Circuit;
import io.shardview.circuit.TestCircuits;
import io.shardview.circuit.batch.Op;
import io.shardview.circuit.catalog.Column;
import io.shardview.circuit.data.Row;
import io.shardview.circuit.sql.SqlPlanner;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * [NOT] IN in a select list or under OR, through empty, NULL-holding and NULL-free subqueries, with the
 * three-valued answers PostgreSQL 15 gives (checked there for each step below).
 */
class InOutsideWhereTest {
    private static final String SCHEMA =
            "CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR); CREATE TABLE u (id INT PRIMARY KEY, v VARCHAR);"
                    + "CREATE VIEW isin AS SELECT id, v IN (SELECT v FROM u) AS f FROM t;"
                    + "CREATE VIEW notin AS SELECT id, v NOT IN (SELECT v FROM u) AS f FROM t;"
                    + "CREATE VIEW ored AS SELECT id FROM t WHERE v IN (SELECT v FROM u) OR id > 2";

    private static void apply(Circuit c, Op... ops) {
        TestCircuits.applyAndCheck(c, List.of("isin", "notin", "ored"), ops);
    }

    private static String show(Circuit c, String view) {
        return TestCircuits.rows(c, view).stream()
                .map(Row::toString)
                .sorted()
                .toList()
                .toString();
    }

    private static void expect(Circuit c, String isIn, String notIn) {
        assertEquals(isIn, show(c, "isin"));
        assertEquals(notIn, show(c, "notin"));
    }

    @Test
    void answersFollowTheSubqueryThroughEmptyNullAndBack() {
        Circuit c = TestCircuits.circuit(SCHEMA);
        apply(
                c,
                Op.insert("t", row("id", 1, "v", null)),
                Op.insert("t", row("id", 2, "v", "a")),
                Op.insert("t", row("id", 3, "v", "b")));
        expect(c, "[[1, false], [2, false], [3, false]]", "[[1, true], [2, true], [3, true]]");
        assertEquals("[[3]]", show(c, "ored"));

        apply(c, Op.insert("u", row("id", 10, "v", "a")));
        expect(c, "[[1, null], [2, true], [3, false]]", "[[1, null], [2, false], [3, true]]");
        assertEquals("[[2], [3]]", show(c, "ored"));

        apply(c, Op.insert("u", row("id", 11, "v", null)));
        expect(c, "[[1, null], [2, true], [3, null]]", "[[1, null], [2, false], [3, null]]");
        assertEquals("[[2], [3]]", show(c, "ored"));

        apply(c, Op.insert("u", row("id", 12, "v", "c")));
        expect(c, "[[1, null], [2, true], [3, null]]", "[[1, null], [2, false], [3, null]]");

        apply(c, Op.deleteKey("u", Map.of("id", 11)));
        expect(c, "[[1, null], [2, true], [3, false]]", "[[1, null], [2, false], [3, true]]");

        apply(c, Op.deleteKey("u", Map.of("id", 10)), Op.deleteKey("u", Map.of("id", 12)));
        expect(c, "[[1, false], [2, false], [3, false]]", "[[1, true], [2, true], [3, true]]");
        assertEquals("[[3]]", show(c, "ored"));
    }

    @Test
    void theSubqueryIsAMarkBesideEachRowWithoutCalcitesCounts() throws Exception {
        // Counts that change with every row of u would make a cross join emit every row of t again; the mark
        // keeps u's values, NULL count and row count, and re-marks t's rows only when their answer can change.
        Circuit c = TestCircuits.circuit(SCHEMA);
        Map<String, List<Column>> catalog = Map.of(
                "t",
                c.describe().tables().get(0).columns(),
                "u",
                c.describe().tables().get(1).columns());
        for (String sql : List.of(
                "SELECT id, v IN (SELECT v FROM u) AS f FROM t",
                "SELECT id, v NOT IN (SELECT v FROM u) AS f FROM t",
                "SELECT id FROM t WHERE v IN (SELECT v FROM u) OR id > 2")) {
            String plan = SqlPlanner.explain(SqlPlanner.plan(sql, catalog));
            assertTrue(plan.contains("InMarkJoin"), plan);
            assertFalse(plan.contains("COUNT("), plan);
        }
    }
}
