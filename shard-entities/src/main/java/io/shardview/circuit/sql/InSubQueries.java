package io.shardview.circuit.sql;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelShuttleImpl;
import org.apache.calcite.rel.core.CorrelationId;
import org.apache.calcite.rel.core.RelFactories;
import org.apache.calcite.rel.logical.LogicalFilter;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexShuttle;
import org.apache.calcite.rex.RexSubQuery;
import org.apache.calcite.rex.RexUtil;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.tools.RelBuilder;

/**
 * Rewrites WHERE conjuncts over IN subqueries before Calcite removes the remaining subqueries.
 * {@code x NOT IN (SELECT y ...)} over an uncorrelated one-column subquery becomes a {@link NotInJoin};
 * {@code (x, ...) IN (SELECT y, ...)} becomes a semi-join when uncorrelated, and when correlated an
 * EXISTS with the equalities added, whose decorrelated form {@link DistinctSidePullUp} makes a semi-join.
 * A semi-join keeps each outer row once however many values it matches (a CHAR(n) is equal to both
 * VARCHARs 'a' and 'a '); Calcite's rewrite, an inner join with the subquery's distinct values, keeps
 * it once per value. Other forms (in a select list, under OR) keep Calcite's rewrite.
 */
final class InSubQueries extends RelShuttleImpl {
    private InSubQueries() {
    }

    static RelNode rewrite(RelNode root) {
        return root.accept(new InSubQueries());
    }

    @Override
    public RelNode visit(LogicalFilter filter) {
        LogicalFilter visited = (LogicalFilter) super.visit(filter);
        RelNode input = visited.getInput();
        boolean changed = false;
        List<RexNode> rest = new ArrayList<>();
        for (RexNode conjunct : RelOptUtil.conjunctions(visited.getCondition())) {
            RexSubQuery notIn = conjunct.getKind() == SqlKind.NOT ? in(((RexCall) conjunct).getOperands().get(0)) : null;
            RexSubQuery in = in(conjunct);
            if (notIn != null && notIn.getOperands().size() == 1 && uncorrelated(notIn)) {
                input = notIn(input, notIn.getOperands().get(0), rewrite(notIn.rel));
            } else if (in != null && uncorrelated(in)) {
                input = semiJoin(input, in.getOperands(), rewrite(in.rel));
            } else if (in != null && correlatedWith(visited.getVariablesSet(), in)) {
                rest.add(asExists(visited, in));
                changed = true;
            } else {
                rest.add(conjunct);
            }
        }
        if (input == visited.getInput() && !changed) return visited;
        // The joins keep the input's columns, so the other conjuncts' references stay valid.
        RexNode condition = RexUtil.composeConjunction(visited.getCluster().getRexBuilder(), rest);
        return condition.isAlwaysTrue() ? input : visited.copy(visited.getTraitSet(), input, condition);
    }

    /** The IN subquery a conjunct is, when the values it looks up use neither correlation nor subqueries. */
    private static RexSubQuery in(RexNode conjunct) {
        if (!(conjunct instanceof RexSubQuery in) || in.getKind() != SqlKind.IN) return null;
        for (RexNode x : in.getOperands()) {
            if (RexUtil.containsCorrelation(x) || RexUtil.SubQueryFinder.find(x) != null) return null;
        }
        return in;
    }

    private static boolean uncorrelated(RexSubQuery in) {
        return RelOptUtil.getVariablesUsed(in.rel).isEmpty();
    }

    /** Whether the subquery uses only the correlation the filter sets (its own row). */
    private static boolean correlatedWith(Set<CorrelationId> filterSets, RexSubQuery in) {
        return filterSets.size() == 1 && filterSets.containsAll(RelOptUtil.getVariablesUsed(in.rel));
    }

    /** input's rows for which x NOT IN (subquery) is TRUE, with input's columns. */
    private static RelNode notIn(RelNode input, RexNode x, RelNode subquery) {
        if (x instanceof RexInputRef ref) {
            return new NotInJoin(input.getCluster(), input.getTraitSet(), input, subquery, ref.getIndex());
        }
        RelBuilder b = RelFactories.LOGICAL_BUILDER.create(input.getCluster(), null);
        int width = input.getRowType().getFieldCount();
        b.push(input);
        List<RexNode> withKey = new ArrayList<>(b.fields());
        withKey.add(x);
        RelNode keyed = b.project(withKey).build();
        RelNode join = new NotInJoin(input.getCluster(), keyed.getTraitSet(), keyed, subquery, width);
        return b.push(join).project(b.fields().subList(0, width)).build();
    }

    /**
     * input's rows for which (x, ...) IN (subquery) is TRUE, with input's columns: those with a subquery
     * row equal in every column (a NULL on either side is equal to nothing, so it cannot make the IN TRUE).
     */
    private static RelNode semiJoin(RelNode input, List<RexNode> xs, RelNode subquery) {
        RelBuilder b = RelFactories.LOGICAL_BUILDER.create(input.getCluster(), null);
        int width = input.getRowType().getFieldCount();
        b.push(input);
        List<RexNode> columns = new ArrayList<>(b.fields());
        int[] keys = new int[xs.size()];
        for (int i = 0; i < keys.length; i++) {
            RexNode x = xs.get(i);
            if (x instanceof RexInputRef ref) {
                keys[i] = ref.getIndex();
            } else {
                keys[i] = columns.size();
                columns.add(x);
            }
        }
        boolean keyed = columns.size() > width;
        if (keyed) b.project(columns);
        b.push(subquery);
        List<RexNode> equalities = new ArrayList<>();
        for (int i = 0; i < keys.length; i++) {
            equalities.add(b.equals(b.field(2, 0, keys[i]), b.field(2, 1, i)));
        }
        b.semiJoin(equalities);
        if (keyed) b.project(b.fields().subList(0, width));
        return b.build();
    }

    /** EXISTS (SELECT * FROM (subquery) WHERE y = x AND ...), x read from the filter's row. */
    private static RexNode asExists(LogicalFilter filter, RexSubQuery in) {
        RexBuilder rex = filter.getCluster().getRexBuilder();
        RexNode row = rex.makeCorrel(filter.getInput().getRowType(), filter.getVariablesSet().iterator().next());
        RexShuttle fromRow = new RexShuttle() {
            @Override
            public RexNode visitInputRef(RexInputRef ref) {
                return rex.makeFieldAccess(row, ref.getIndex());
            }
        };
        RelNode subquery = rewrite(in.rel);
        List<RexNode> equalities = new ArrayList<>();
        for (int i = 0; i < in.getOperands().size(); i++) {
            equalities.add(rex.makeCall(SqlStdOperatorTable.EQUALS,
                    rex.makeInputRef(subquery, i), in.getOperands().get(i).accept(fromRow)));
        }
        return RexSubQuery.exists(LogicalFilter.create(subquery, RexUtil.composeConjunction(rex, equalities)));
    }
}
