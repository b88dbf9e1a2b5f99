package io.shardview.circuit.rewrite;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardview.circuit.catalog.Column;
import io.shardview.circuit.pg.ColumnType;
import io.shardview.circuit.sql.SqlPlanner;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * WHERE x NOT IN (subquery) plans as a NotInJoin, not as Calcite's cross join with the subquery's counts;
 * IN and EXISTS plan as semi-joins, and a written join never does.
 */
class InSubQueriesTest {
    private static final Map<String, List<Column>> CATALOG = Map.of(
            "t",
                    List.of(
                            new Column("k", ColumnType.INT, true),
                            new Column("v", ColumnType.VARCHAR, true),
                            new Column("c", ColumnType.CHAR, true, 3)),
            "u",
                    List.of(
                            new Column("x", ColumnType.BIGINT, true),
                            new Column("y", ColumnType.INT, true),
                            new Column("w", ColumnType.VARCHAR, true)));

    private static String plan(String sql) throws SqlPlanner.PlanningException {
        return SqlPlanner.explain(SqlPlanner.plan(sql, CATALOG));
    }

    @Test
    void aNotInConjunctBecomesANullAwareAntiJoinWithoutACountAggregate() throws Exception {
        String plan = plan("SELECT k, v FROM t WHERE v <> 'x' AND k NOT IN (SELECT x FROM u WHERE y > 1)");
        assertTrue(plan.contains("NotInJoin"), plan);
        assertFalse(plan.contains("LogicalAggregate"), plan);
        assertFalse(plan.contains("joinType"), plan);
        assertTrue(plan.contains("<>($1, 'x')"), "the other conjunct stays a filter: " + plan);
    }

    @Test
    void aValueBeforeInThatMayFailIsComputedByTheInAfterTheRowsOwnConditionsAndOneThatCannotByAProjection()
            throws Exception {
        String semi = plan("SELECT v FROM t WHERE k > 2 AND 12 / k IN (SELECT y FROM u)");
        // The division is the semi-join's key, computed on the rows its left input passes: below it, the filter.
        int join = semi.indexOf("LogicalJoin(condition=[=(/(PG_NUMERIC_LITERAL(12), $0), $2)], joinType=[semi])");
        assertTrue(join >= 0 && semi.indexOf("LogicalFilter(condition=[>($0, 2)])") > join, semi);
        String notIn = plan("SELECT v FROM t WHERE 12 / k NOT IN (SELECT y FROM u)");
        assertTrue(notIn.contains("NotInJoin(key=[/(PG_NUMERIC_LITERAL(12), $0)])"), notIn);
        String or = plan("SELECT v FROM t WHERE 12 / k IN (SELECT y FROM u) OR k > 2");
        assertTrue(
                or.contains("InMarkJoin(key=[[/(PG_NUMERIC_LITERAL(12), $0)]], groups=[[]], nullRowsIgnored=[true])"),
                or);
        String correlated = plan("SELECT v FROM t WHERE 12 / k IN (SELECT y FROM u WHERE u.x = t.k)");
        assertTrue(correlated.contains("InMarkJoin(key=[[/(PG_NUMERIC_LITERAL(12), $0)]], groups=[[3]])"), correlated);
        // k / 2 cannot fail: computed below the semi-join, as before.
        String total = plan("SELECT v FROM t WHERE k > 2 AND k / 2 IN (SELECT y FROM u)");
        assertTrue(total.contains("$f3=[/($0, PG_NUMERIC_LITERAL(2))]"), total);
    }

    @Test
    void aNotInBesideACorrelatedExistsStillPlans() throws Exception {
        String plan = plan(
                "SELECT k FROM t a WHERE k + 1 NOT IN (SELECT x FROM u) AND EXISTS (SELECT 1 FROM u b WHERE b.y = a.k)");
        assertTrue(plan.contains("NotInJoin"), plan);
    }

    @Test
    void otherInFormsBecomeMarksWithoutADistinctOrCountAggregate() throws Exception {
        for (String sql : List.of(
                "SELECT k NOT IN (SELECT x FROM u) AS flag FROM t",
                "SELECT k FROM t WHERE c IN (SELECT w FROM u) OR k > 3",
                "SELECT k FROM t WHERE NOT (c IN (SELECT w FROM u) AND k > 3)",
                "SELECT t.k FROM t LEFT JOIN u ON t.k = u.y AND t.c IN (SELECT w FROM u)",
                "SELECT t.k FROM t LEFT JOIN u ON t.k = u.y AND u.w IN (SELECT v FROM t)",
                "SELECT k, (SELECT COUNT(*) FROM u WHERE u.w IN (SELECT v FROM t) OR u.y > 1) AS n FROM t")) {
            String plan = plan(sql);
            assertTrue(plan.contains("InMarkJoin"), plan);
            assertFalse(plan.contains("LogicalAggregate(group=[{0}]"), plan);
            assertFalse(plan.contains("COUNT($0)"), plan);
        }
    }

    @Test
    void aCorrelatedNotInBecomesAMarkGroupedByTheCorrelationColumns() throws Exception {
        String plan = plan("SELECT k FROM t a WHERE k NOT IN (SELECT x FROM u b WHERE b.y = a.k AND b.w <> 'q')");
        // k is cast to BIGINT to meet x (column 3, its mark column 4); the rows meet u's rows of y = k.
        assertTrue(plan.contains("InMarkJoin(key=[3], groups=[[0]])"), plan);
        assertTrue(plan.contains("NOT($4)"), plan);
        assertFalse(plan.contains("LogicalAggregate"), plan);
        assertFalse(plan.contains("joinType"), plan);
    }

    @Test
    void aCorrelationThroughACastIsAGroupColumnOfTheCastValue() throws Exception {
        String plan = plan("SELECT k FROM t a WHERE k NOT IN (SELECT x FROM u b WHERE b.x = a.k)");
        assertTrue(plan.contains("InMarkJoin(key=[3], groups=[[4]])"), plan);
        assertFalse(plan.contains("LogicalAggregate"), plan);
        // An expression that may fail is not taken apart: it goes through Calcite's rewrite.
        assertFalse(plan("SELECT k FROM t a WHERE k NOT IN (SELECT x FROM u b WHERE b.x = a.k + 1)")
                .contains("InMarkJoin"));
    }

    @Test
    void anInInAnInnerJoinsOnConditionBecomesASemiJoinAboveTheJoin() throws Exception {
        String plan = plan("SELECT t.k FROM t JOIN u ON t.k = u.y AND t.c IN (SELECT w FROM u)");
        assertTrue(plan.contains("joinType=[semi]"), plan);
        assertFalse(plan.contains("LogicalAggregate"), plan);
    }

    @Test
    void inConjunctsBecomeSemiJoinsWithoutADistinctAggregate() throws Exception {
        for (String sql : List.of(
                "SELECT k FROM t WHERE c IN (SELECT w FROM u)",
                "SELECT k FROM t WHERE k + 1 IN (SELECT x FROM u WHERE y > 2) AND k > 3",
                "SELECT k FROM t WHERE (c, k) IN (SELECT w, y FROM u)",
                "SELECT k FROM t WHERE c IN (SELECT w FROM u WHERE w IN (SELECT v FROM t))")) {
            String plan = plan(sql);
            assertTrue(plan.contains("joinType=[semi]"), plan);
            assertFalse(plan.contains("joinType=[inner]"), plan);
            assertFalse(plan.contains("LogicalAggregate"), plan);
        }
    }

    @Test
    void correlatedInAndExistsBecomeSemiJoins() throws Exception {
        for (String sql : List.of(
                "SELECT k FROM t WHERE c IN (SELECT w FROM u WHERE u.y = t.k)",
                "SELECT k FROM t WHERE EXISTS (SELECT 1 FROM u WHERE u.w = t.c)")) {
            String plan = plan(sql);
            assertTrue(plan.startsWith("LogicalProject(k=[$0])\n  LogicalJoin(condition="), plan);
            assertTrue(plan.contains("joinType=[semi]"), plan);
            assertFalse(plan.contains("LogicalAggregate"), plan);
        }
    }

    @Test
    void aWrittenJoinWithADistinctSubqueryStaysAJoin() throws Exception {
        for (String sql : List.of(
                "SELECT t.k FROM t JOIN (SELECT DISTINCT w FROM u) d ON t.c = d.w",
                "SELECT t.k FROM t JOIN (SELECT w, y FROM u GROUP BY w, y) d ON t.c = d.w AND t.k = d.y",
                // Shaped like a decorrelated EXISTS (grouped keys and a TRUE flag), but written.
                "SELECT t.k FROM t JOIN (SELECT w, TRUE AS f FROM u GROUP BY w) d ON t.c = d.w",
                "SELECT t.k FROM t JOIN (SELECT w, TRUE FROM u GROUP BY w) d ON t.c = d.w")) {
            String plan = plan(sql);
            assertFalse(plan.contains("joinType=[semi]"), plan);
            assertTrue(plan.contains("joinType=[inner]"), plan);
            assertTrue(plan.contains("LogicalAggregate"), plan);
        }
    }
}
