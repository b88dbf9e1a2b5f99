package io.shardview.circuit.rewrite;

import static io.shardview.circuit.TestCircuits.row;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.shardview.circuit.Circuit;
import io.shardview.circuit.DdlResult;
import io.shardview.circuit.TestCircuits;
import io.shardview.circuit.batch.Op;
import io.shardview.circuit.catalog.Column;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * IN subqueries outside WHERE's plain conjuncts keep each outer row once, with PostgreSQL's three-valued
 * logic, as their values change. The data: a CHAR(3) 'zz' equals both VARCHARs 'zz' and 'zz ', a NUMERIC 2
 * both 2.0 and 2.00, which DISTINCT keeps apart; every expected result was read from PostgreSQL 15 on the
 * same data and changes.
 */
class InSubQueryShapesTest {
    private static final String TABLES = "CREATE TABLE t (id INT PRIMARY KEY, c CHAR(3), n INT, d NUMERIC);"
            + "CREATE TABLE s (id INT PRIMARY KEY, v VARCHAR, m NUMERIC, g INT);"
            + "CREATE TABLE u (id INT PRIMARY KEY, k INT, w VARCHAR);";

    /** The tables with their rows, and the view. */
    private static Circuit circuit(String view) {
        Circuit c = TestCircuits.circuit(TABLES);
        c.applyBatch(List.of(
                Op.insert("t", row("id", 1, "c", "zz", "n", 1, "d", new BigDecimal("2"))),
                Op.insert("t", row("id", 2, "n", 2)),
                Op.insert("t", row("id", 3, "c", "q", "n", 3, "d", new BigDecimal("5"))),
                Op.insert("s", row("id", 1, "v", "zz", "m", new BigDecimal("2.0"), "g", 1)),
                Op.insert("s", row("id", 2, "v", "zz ", "m", new BigDecimal("2.00"), "g", 1)),
                Op.insert("s", row("id", 3, "g", 2)),
                Op.insert("s", row("id", 4, "v", "q", "m", new BigDecimal("7"), "g", 3)),
                Op.insert("u", row("id", 1, "k", 1, "w", "zz")),
                Op.insert("u", row("id", 2, "k", 2, "w", "x")),
                Op.insert("u", row("id", 3, "k", 3, "w", "q"))));
        assertInstanceOf(DdlResult.Applied.class, c.executeSql("CREATE VIEW w AS " + view));
        return c;
    }

    /** The view's rows in order, each its values joined by ':', NULL as '-'. */
    private static String rows(Circuit c) {
        assertEquals(c.recompute("w"), c.content("w"), "incremental vs from scratch");
        return TestCircuits.rows(c, "w").stream()
                .map(r -> Arrays.stream(r.toArray())
                        .map(v -> v == null ? "-" : v.toString())
                        .collect(Collectors.joining(":")))
                .collect(Collectors.joining(" "));
    }

    @Test
    void anInInAnInnerJoinsOnConditionKeepsEachJoinedRowOnce() {
        Circuit c = circuit("SELECT t.id, u.id AS uid FROM t JOIN u ON t.n = u.k AND t.c IN (SELECT v FROM s)");
        assertEquals("1:1 3:3", rows(c));
        c.applyBatch(List.of(Op.insert("t", row("id", 4, "c", "zz", "n", 2)), Op.deleteKey("s", row("id", 1))));
        assertEquals("1:1 3:3 4:2", rows(c), "'zz ' still matches");
        c.applyBatch(List.of(Op.deleteKey("s", row("id", 2))));
        assertEquals("3:3", rows(c));
    }

    @Test
    void anInInAnInnerJoinsOnConditionCorrelatedWithTheJoinedRowKeepsEachJoinedRowOnce() {
        Circuit c = circuit(
                "SELECT t.id, u.id AS uid FROM t JOIN u ON t.n = u.k AND t.c IN (SELECT v FROM s WHERE s.g = u.k)");
        assertEquals("1:1 3:3", rows(c));
        c.applyBatch(List.of(Op.deleteKey("s", row("id", 1))));
        assertEquals("1:1 3:3", rows(c));
        c.applyBatch(List.of(Op.deleteKey("s", row("id", 2))));
        assertEquals("3:3", rows(c));
    }

    @Test
    void anInInALeftJoinsOnConditionDecidesTheMatchAndKeepsEveryLeftRow() {
        Circuit c = circuit("SELECT t.id, u.id AS uid FROM t LEFT JOIN u ON t.n = u.k AND t.c IN (SELECT v FROM s)");
        assertEquals("1:1 2:- 3:3", rows(c));
        c.applyBatch(List.of(Op.deleteKey("s", row("id", 1)), Op.deleteKey("s", row("id", 2))));
        assertEquals("1:- 2:- 3:3", rows(c));
    }

    @Test
    void anInOverTheRightSideOfALeftJoinFiltersTheRowsItMeets() {
        // PostgreSQL: u's rows with w IN s are 'zz' (twice equal) and 'q'; t 2 meets none.
        Circuit c = circuit("SELECT t.id, u.id AS uid FROM t LEFT JOIN u ON t.n = u.k AND u.w IN (SELECT v FROM s)");
        assertEquals("1:1 2:- 3:3", rows(c));
        c.applyBatch(List.of(Op.update("u", row("id", 2, "k", 2, "w", "q"))));
        assertEquals("1:1 2:2 3:3", rows(c));
    }

    @Test
    void anInUnderOrKeepsEachRowOnce() {
        Circuit c = circuit("SELECT id FROM t WHERE c IN (SELECT v FROM s) OR n > 2");
        assertEquals("1 3", rows(c));
        c.applyBatch(List.of(Op.deleteKey("s", row("id", 2))));
        assertEquals("1 3", rows(c));
        c.applyBatch(List.of(Op.deleteKey("s", row("id", 1))));
        assertEquals("3", rows(c));
    }

    @Test
    void anInUnderOrCorrelatedOtherwiseThanByEqualsKeepsEachRowOnce() {
        Circuit c = circuit("SELECT id FROM t WHERE c IN (SELECT v FROM s WHERE s.g >= t.n) OR n > 5");
        assertEquals("1 3", rows(c));
        c.applyBatch(List.of(Op.deleteKey("s", row("id", 1))));
        assertEquals("1 3", rows(c));
        c.applyBatch(List.of(Op.deleteKey("s", row("id", 2))));
        assertEquals("3", rows(c));
    }

    @Test
    void columnsBesideAMarkKeepTheirTypmods() {
        Circuit c = TestCircuits.circuit("CREATE TABLE t (id INT PRIMARY KEY, c CHAR(3), n INT, d NUMERIC(5,2));"
                + "CREATE TABLE s (id INT PRIMARY KEY, v VARCHAR);"
                + "CREATE VIEW w AS SELECT c, d FROM t WHERE c IN (SELECT v FROM s) OR n > 2");
        assertEquals(
                List.of("character(3)", "numeric(5,2)"),
                c.columns("w").orElseThrow().stream().map(Column::sqlTypeName).toList());
    }

    @Test
    void anInUnderNotIsNullForANullRowOfANonEmptySubquery() {
        // Row 2: c IN (...) is NULL, n > 1 TRUE, so NOT (NULL) drops it until s is empty (then IN is FALSE).
        Circuit c = circuit("SELECT id FROM t WHERE NOT (c IN (SELECT v FROM s) AND n > 1)");
        assertEquals("1", rows(c));
        c.applyBatch(List.of(
                Op.deleteKey("s", row("id", 1)),
                Op.deleteKey("s", row("id", 2)),
                Op.deleteKey("s", row("id", 3)),
                Op.deleteKey("s", row("id", 4))));
        assertEquals("1 2 3", rows(c));
    }

    @Test
    void anInInASelectListIsTrueOnceOrNull() {
        assertEquals("1:true 2:- 3:true", rows(circuit("SELECT id, c IN (SELECT v FROM s) AS f FROM t")));
    }

    @Test
    void aCorrelatedNotInFollowsPostgresqlsNullSemantics() {
        // t 2 meets its group's NULL: NULL. Row 4 meets the NULL and no equal value: NULL, dropped. Row 5's
        // group is empty: TRUE although its c is NULL. Once the NULL is 'x', row 4 qualifies and row 2 is NULL.
        Circuit c = circuit("SELECT id FROM t WHERE c NOT IN (SELECT v FROM s WHERE s.g = t.n)");
        assertEquals("", rows(c));
        c.applyBatch(List.of(Op.insert("t", row("id", 4, "c", "zz", "n", 2)), Op.insert("t", row("id", 5, "n", 9))));
        assertEquals("5", rows(c));
        c.applyBatch(List.of(Op.update("s", row("id", 3, "v", "x", "g", 2))));
        assertEquals("4 5", rows(c));
    }

    @Test
    void aCorrelatedNotInMeetsTheSubqueryRowsWhoseVarcharEqualsTheRowsCharAsBpchar() {
        // Row 1's CHAR 'zz' meets 'zz ' (s 2; s 1 is left out); once it is gone the subquery is empty for row 1.
        Circuit c = circuit("SELECT id FROM t WHERE n NOT IN (SELECT g FROM s WHERE s.v = t.c AND s.id <> 1)");
        assertEquals("2", rows(c));
        c.applyBatch(List.of(Op.deleteKey("s", row("id", 2))));
        assertEquals("1 2", rows(c));
    }

    @Test
    void aCorrelatedNotInComparesNumericsOfAnyScale() {
        assertEquals("3", rows(circuit("SELECT id FROM t WHERE d NOT IN (SELECT m FROM s WHERE s.g = t.n)")));
    }

    @Test
    void anInNestedInAScalarSubqueryCountsEachRowOnce() {
        assertEquals(
                "1:2 2:2 3:2",
                rows(circuit("SELECT id, (SELECT COUNT(*) FROM u WHERE u.w IN (SELECT v FROM s)) AS n FROM t")));
    }

    @Test
    void anInCorrelatedTwoLevelsOutUnderOrKeepsEachRowOnce() {
        assertEquals(
                "1 3",
                rows(circuit("SELECT id FROM t WHERE n > 2 OR EXISTS (SELECT 1 FROM u WHERE u.k = t.n"
                        + " AND u.w IN (SELECT v FROM s WHERE s.g = t.n))")));
    }
}
