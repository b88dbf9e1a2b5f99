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
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * [NOT] IN subqueries correlated through '=' of computed values (u.y + 1 = t.b, u.d = t.m * 2, LOWER(u.w) =
 * t.c) under OR or NOT, in a select list and as a correlated NOT IN are marks: a NULL correlation value
 * makes the subquery empty, a CHAR(3) compares with text as text and with a CHAR cast as bpchar, NUMERICs
 * of any scale, INT, BIGINT, NUMERIC and DOUBLE PRECISION after PostgreSQL's implicit casts. Every
 * expected result was read from PostgreSQL 15 on the same data and changes.
 */
class InComputedCorrelationTest {
    private static final String TABLES =
            "CREATE TABLE t (id INT PRIMARY KEY, n INT, b BIGINT, c CHAR(3), s VARCHAR, m NUMERIC);"
                    + "CREATE TABLE u (id INT PRIMARY KEY, y INT, w VARCHAR, d NUMERIC, f DOUBLE PRECISION);";

    private static final Map<String, String> VIEWS = Map.of(
            "v1", "SELECT id, n IN (SELECT y FROM u WHERE CAST(u.y AS BIGINT) + 1 = t.b) AS f FROM t",
            "v2", "SELECT id FROM t WHERE n NOT IN (SELECT y FROM u WHERE u.d = t.m * 2)",
            "v3", "SELECT id FROM t WHERE s IN (SELECT LOWER(w) FROM u WHERE LOWER(u.w) = t.c) OR n > 2",
            "v4",
                    "SELECT id, 1 IN (SELECT u.id FROM u WHERE CAST(u.w AS CHAR(3)) = t.c) AS a,"
                            + " 1 IN (SELECT u.id FROM u WHERE u.w || '' = t.c) AS b FROM t",
            "v5", "SELECT id FROM t WHERE NOT (n IN (SELECT y FROM u WHERE u.f = t.m * 2) AND id > 1)",
            "v6", "SELECT id, b IN (SELECT y FROM u WHERE u.y / 2 = t.n) AS f FROM t");

    private static final List<String> NAMES = VIEWS.keySet().stream().sorted().toList();

    private static Circuit circuit() {
        StringBuilder ddl = new StringBuilder(TABLES);
        VIEWS.forEach((name, sql) -> ddl.append("CREATE VIEW ")
                .append(name)
                .append(" AS ")
                .append(sql)
                .append(';'));
        Circuit c = TestCircuits.circuit(ddl.toString());
        apply(
                c,
                Op.insert("t", row("id", 1, "n", 1, "b", 2, "c", "zz", "s", "zz", "m", new BigDecimal("1"))),
                Op.insert("t", row("id", 2, "n", 2)),
                Op.insert("t", row("id", 3, "n", 3, "b", 4, "c", "q", "s", "Q", "m", new BigDecimal("2.5"))),
                Op.insert("t", row("id", 4, "b", 6, "c", "ab", "s", "zz", "m", new BigDecimal("1.0"))),
                Op.insert("u", row("id", 1, "y", 1, "w", "zz ", "d", new BigDecimal("2.00"), "f", 5.0)),
                Op.insert("u", row("id", 2, "y", 3, "w", "AB", "d", new BigDecimal("2"), "f", 2.0)),
                Op.insert("u", row("id", 3, "w", "q", "d", new BigDecimal("5.0"))),
                Op.insert("u", row("id", 4, "y", 5, "w", "ZZ", "f", 5.0)));
        return c;
    }

    private static void apply(Circuit c, Op... ops) {
        TestCircuits.applyAndCheck(c, NAMES, ops);
    }

    private static String rows(Circuit c) {
        return TestCircuits.shown(c, NAMES);
    }

    @Test
    void marksFollowTheComputedCorrelationValuesAsBothSidesChange() {
        Circuit c = circuit();
        assertEquals(
                "1:true 2:false 3:true 4:- | 2 | 1 3 | 1:true:false 2:false:false 3:false:false 4:false:false | 1 2 3"
                        + " | 1:false 2:- 3:false 4:false",
                rows(c));

        apply(
                c,
                Op.insert("u", row("id", 5, "y", 2, "w", "ab", "d", new BigDecimal("2.0"), "f", 2.0)),
                Op.update("t", row("id", 4, "n", 3, "b", 6, "c", "ab", "s", "zz", "m", new BigDecimal("1.0"))));
        assertEquals(
                "1:true 2:false 3:true 4:false | 2 | 1 3 4 | 1:true:false 2:false:false 3:false:false 4:false:false | 1 2 3"
                        + " | 1:true 2:- 3:false 4:false",
                rows(c));

        apply(
                c,
                Op.deleteKey("u", row("id", 1)),
                Op.update("t", row("id", 3, "n", 3, "b", 4, "c", "zz", "s", "Q", "m", new BigDecimal("1"))));
        assertEquals(
                "1:false 2:false 3:true 4:false | 1 2 | 1 3 4 | 1:false:false 2:false:false 3:false:false 4:false:false | 1 2"
                        + " | 1:true 2:- 3:false 4:false",
                rows(c));

        apply(
                c,
                Op.update("u", row("id", 3, "y", 1, "w", "q", "d", new BigDecimal("5.0"))),
                Op.update("u", row("id", 2, "y", 3, "d", new BigDecimal("2"), "f", 2.0)));
        assertEquals(
                "1:true 2:false 3:true 4:false | 1 2 | 1 3 4 | 1:false:false 2:false:false 3:false:false 4:false:false | 1 2"
                        + " | 1:true 2:- 3:false 4:false",
                rows(c));

        apply(
                c,
                Op.deleteKey("u", row("id", 2)),
                Op.deleteKey("u", row("id", 3)),
                Op.deleteKey("u", row("id", 4)),
                Op.deleteKey("u", row("id", 5)));
        assertEquals(
                "1:false 2:false 3:false 4:false | 1 2 3 4 | 3 4 | 1:false:false 2:false:false 3:false:false 4:false:false"
                        + " | 1 2 3 4 | 1:false 2:false 3:false 4:false",
                rows(c));
    }

    @Test
    void aCharCorrelatedWithACharCastComparesAsBpcharAndWithTextAsText() {
        // u 1's 'zz ' is CHAR(3) 'zz' once cast, so it meets t 1's 'zz'; 'zz ' || '' is text, and 'zz ' <> 'zz'.
        Circuit c = circuit();
        assertEquals(
                List.of(Row.of(1L, true, false)), TestCircuits.rows(c, "v4").subList(0, 1));
    }

    @Test
    void computedCorrelationsThatCannotFailArePlannedAsMarks() throws Exception {
        Circuit c = TestCircuits.circuit(TABLES);
        Map<String, List<Column>> catalog = Map.of(
                "t",
                c.describe().tables().get(0).columns(),
                "u",
                c.describe().tables().get(1).columns());
        List<String> marked = new ArrayList<>(VIEWS.values());
        marked.add("SELECT id, n IN (SELECT y FROM u WHERE CAST(u.y AS BIGINT) * 2 - 1 = t.b) AS f FROM t");
        marked.add("SELECT id, n IN (SELECT y FROM u WHERE COALESCE(u.y, 0) = CAST(t.n AS NUMERIC) + 1) AS f FROM t");
        for (String sql : marked) {
            String plan = SqlPlanner.explain(SqlPlanner.plan(sql, catalog));
            assertTrue(plan.contains("InMarkJoin"), plan);
            assertFalse(plan.contains("LogicalAggregate"), plan);
            assertFalse(plan.contains("joinType"), plan);
        }
        // Sides that may fail (INT + 1 overflows at 2^31 - 1, a division by a column, a text read as a number, float
        // arithmetic, a NUMERIC beyond float4's range) are evaluated only where PostgreSQL's plan compares them:
        // Calcite's rewrite.
        for (String sql : List.of(
                "SELECT id, n IN (SELECT y FROM u WHERE u.y = t.n + 1) AS f FROM t",
                "SELECT id, n IN (SELECT y FROM u WHERE u.y = t.b - 1) AS f FROM t",
                "SELECT id, n IN (SELECT y FROM u WHERE u.y / -1 = t.n) AS f FROM t",
                "SELECT id, n IN (SELECT y FROM u WHERE u.y / u.id = t.n) AS f FROM t",
                "SELECT id FROM t WHERE n NOT IN (SELECT y FROM u WHERE CAST(u.w AS INT) = t.n)",
                "SELECT id FROM t WHERE n NOT IN (SELECT y FROM u WHERE u.f * 2 = t.m)",
                "SELECT id FROM t WHERE n NOT IN (SELECT y FROM u WHERE CAST(u.d AS REAL) = t.n)")) {
            assertFalse(SqlPlanner.explain(SqlPlanner.plan(sql, catalog)).contains("InMarkJoin"), sql);
        }
    }
}
