package io.shardview.circuit.compiler;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.shardview.circuit.catalog.Column;
import io.shardview.circuit.pg.ColumnType;
import io.shardview.circuit.sql.SqlPlanner;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Which join operator an inner join becomes: an equi-join on columns an {@code InnerJoin}, on values computed from
 * each side a {@code ComputedJoin} (Calcite's rewrite of a subquery correlated through such an '=' included),
 * on a comparison of two orderable values (numbers, strings, CHAR(n) ones too, dates, timestamps) a {@code RangeJoin};
 * otherwise the pairs are all tested.
 */
class JoinChoiceTest {
    private static final Map<String, List<Column>> TABLES = Map.of(
            "t",
                    List.of(
                            new Column("id", ColumnType.INT, false),
                            new Column("n", ColumnType.INT, true),
                            new Column("c", ColumnType.VARCHAR, true),
                            new Column("b", ColumnType.BIGINT, true),
                            new Column("d", ColumnType.DOUBLE, true),
                            new Column("m", ColumnType.DECIMAL, true),
                            new Column("ch", ColumnType.CHAR, true, 3),
                            new Column("x", ColumnType.TEXT, true),
                            new Column("dt", ColumnType.DATE, true),
                            new Column("ts", ColumnType.TIMESTAMP, true)),
            "u",
                    List.of(
                            new Column("id", ColumnType.INT, false),
                            new Column("y", ColumnType.INT, true),
                            new Column("w", ColumnType.VARCHAR, true),
                            new Column("k", ColumnType.CHAR, true, 2),
                            new Column("dt", ColumnType.DATE, true),
                            new Column("ts", ColumnType.TIMESTAMP, true)));

    /** The operators of the compiled view whose names match, in order. */
    private static String operators(String select, String names) throws SqlPlanner.PlanningException {
        String nodes = PlanCompiler.compile(SqlPlanner.plan(select, TABLES)).toString();
        return String.join(
                " ",
                java.util.Arrays.stream(nodes.split(", "))
                        .filter(n -> n.matches(names + "\\(.*"))
                        .map(n -> n.substring(0, n.indexOf('(')))
                        .toList());
    }

    /** The inner joins of the compiled view, in order. */
    private static String joins(String select) throws SqlPlanner.PlanningException {
        return operators(select, "(Inner|Computed|Range)Join");
    }

    private static String semiJoins(String select) throws SqlPlanner.PlanningException {
        return operators(select, "(Range)?SemiJoin");
    }

    @Test
    void aSubqueryCorrelatedThroughEqualsOfAValueThatMayFailJoinsOnTheComputedValues() throws Exception {
        assertEquals("ComputedJoin", joins("SELECT id, (SELECT COUNT(*) FROM u WHERE u.y = t.n + 1) AS c FROM t"));
        assertEquals(
                "ComputedJoin", joins("SELECT id FROM t WHERE EXISTS (SELECT 1 FROM u WHERE u.y = t.n + 1) OR id > 3"));
        // NOT IN: Calcite joins the subquery with the distinct correlation values three times (counts, values).
        assertEquals(
                "ComputedJoin ComputedJoin ComputedJoin",
                joins("SELECT id FROM t WHERE n NOT IN (SELECT u.id FROM u WHERE u.y = 10 / t.n)"));
    }

    @Test
    void aSubqueryCorrelatedByAComparisonOfComputedValuesOrStringsJoinsThroughTheOrderedIndex() throws Exception {
        assertEquals(
                "RangeJoin RangeJoin RangeJoin",
                joins("SELECT id, n NOT IN (SELECT u.id FROM u WHERE u.y < t.n + 1) AS f FROM t"));
        assertEquals("RangeJoin", joins("SELECT id, (SELECT COUNT(*) FROM u WHERE u.w >= t.c) AS c FROM t"));
        assertEquals(
                "RangeJoin", joins("SELECT id, (SELECT COUNT(*) FROM u WHERE UPPER(u.w) < t.c || 'x') AS c FROM t"));
        // Numbers of different types compare by value.
        for (String outer : new String[] {"t.b", "t.d", "t.m", "t.m * 2"}) {
            assertEquals(
                    "RangeJoin",
                    joins("SELECT id, (SELECT COUNT(*) FROM u WHERE u.y <= " + outer + ") AS c FROM t"),
                    outer);
        }
    }

    @Test
    void aSubqueryCorrelatedByAComparisonOfCharValuesOrOfADateWithATimestampJoinsThroughTheOrderedIndex()
            throws Exception {
        // CHAR(n) with CHAR(n), with VARCHAR (compared as bpchar) and with TEXT (as text), either side outer; a date
        // with a timestamp (Calcite casts the date to a timestamp, at midnight, as PostgreSQL compares them).
        for (String correlation : new String[] {
            "u.k < t.ch", "u.k >= t.c", "u.w <= t.ch", "u.k > t.x", "LOWER(u.w) > t.ch", "u.dt < t.ts", "u.ts >= t.dt"
        }) {
            assertEquals(
                    "RangeJoin",
                    joins("SELECT id, (SELECT COUNT(*) FROM u WHERE " + correlation + ") AS c FROM t"),
                    correlation);
        }
        assertEquals("RangeJoin", joins("SELECT id FROM t WHERE EXISTS (SELECT 1 FROM u WHERE u.k < t.c)"));
        assertEquals(
                "RangeJoin RangeJoin RangeJoin",
                joins("SELECT id, ch NOT IN (SELECT u.k FROM u WHERE u.w < t.ch) AS f FROM t"));
    }

    @Test
    void aComparisonOfACharValueOrOfADateWithATimestampAndAScalarSubqueryIsARangeSemiJoin() throws Exception {
        assertEquals("RangeSemiJoin", semiJoins("SELECT id FROM t WHERE ch > (SELECT MAX(k) FROM u)"));
        assertEquals(
                "RangeSemiJoin", semiJoins("SELECT id FROM t WHERE c > (SELECT MAX(k) FROM u)"), "varchar with bpchar");
        assertEquals(
                "RangeSemiJoin",
                semiJoins("SELECT id FROM t WHERE ch <= (SELECT MIN(w) FROM u)"),
                "bpchar with text (min(varchar))");
        assertEquals(
                "RangeSemiJoin", semiJoins("SELECT id FROM t WHERE ch < (SELECT MAX(k) FROM u WHERE u.id = t.id)"));
        assertEquals("RangeSemiJoin", semiJoins("SELECT id FROM t WHERE ts > (SELECT MAX(dt) FROM u)"));
    }

    @Test
    void aComparisonWithAnUncorrelatedScalarSubqueryIsARangeSemiJoin() throws Exception {
        assertEquals("RangeSemiJoin", semiJoins("SELECT id FROM t WHERE n > (SELECT AVG(y) FROM u)"));
        assertEquals(
                "RangeSemiJoin",
                semiJoins("SELECT id, c FROM t WHERE c <= (SELECT MAX(w) FROM u WHERE u.y > 2) AND id < 5"));
        assertEquals("RangeSemiJoin", semiJoins("SELECT id FROM t WHERE n > (SELECT AVG(y) FROM u WHERE u.id = t.id)"));
        assertEquals(
                "RangeSemiJoin",
                semiJoins(
                        "SELECT t.id FROM t JOIN (SELECT id, MAX(y) AS m FROM u GROUP BY id) g ON g.id = t.n WHERE t.n < g.m"));
        // Grouped by a string, a CHAR(n) could equal two groups ('a' and 'a '): the join stays.
        assertEquals("", semiJoins("SELECT id FROM t WHERE n > (SELECT AVG(y) FROM u WHERE u.w = t.c)"));
        // MAX(y) + 1 may overflow: PostgreSQL computes it only for the rows it compares, so the pairs are tested.
        assertEquals("SemiJoin", semiJoins("SELECT id FROM t WHERE n > (SELECT MAX(y) FROM u) + 1"));
        assertEquals(
                "",
                semiJoins("SELECT id, n - (SELECT MAX(y) FROM u) AS gap FROM t"),
                "in a select list, every row changes");
    }

    @Test
    void writtenJoinsKeepTheirOperators() throws Exception {
        assertEquals("InnerJoin", joins("SELECT t.id FROM t JOIN u ON u.y = t.n"));
        assertEquals("RangeJoin", joins("SELECT t.id FROM t JOIN u ON u.y < t.n"));
        assertEquals("InnerJoin", joins("SELECT t.id FROM t JOIN u ON u.y < t.n OR u.id = 1"));
    }
}
