package io.shardview.circuit.sql;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardview.circuit.Column;
import io.shardview.circuit.ColumnType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** WHERE x NOT IN (subquery) plans as a NotInJoin, not as Calcite's cross join with the subquery's counts. */
class NotInSubQueriesTest {
    private static final Map<String, List<Column>> CATALOG = Map.of(
            "t", List.of(new Column("k", ColumnType.INT, true), new Column("v", ColumnType.VARCHAR, true)),
            "u", List.of(new Column("x", ColumnType.BIGINT, true), new Column("y", ColumnType.INT, true)));

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
    void aNotInBesideACorrelatedExistsStillPlans() throws Exception {
        String plan = plan("SELECT k FROM t a WHERE k + 1 NOT IN (SELECT x FROM u) AND EXISTS (SELECT 1 FROM u b WHERE b.y = a.k)");
        assertTrue(plan.contains("NotInJoin"), plan);
    }

    @Test
    void otherFormsKeepCalcitesRewrite() throws Exception {
        assertFalse(plan("SELECT k NOT IN (SELECT x FROM u) AS flag FROM t").contains("NotInJoin"));
        assertFalse(plan("SELECT k FROM t a WHERE k NOT IN (SELECT x FROM u b WHERE b.y = a.k)").contains("NotInJoin"));
    }
}
