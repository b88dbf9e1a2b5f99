package io.shardview.circuit.sql;

import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelShuttleImpl;
import org.apache.calcite.rel.core.RelFactories;
import org.apache.calcite.rel.logical.LogicalFilter;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexSubQuery;
import org.apache.calcite.rex.RexUtil;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.tools.RelBuilder;

/**
 * Replaces each WHERE conjunct {@code x NOT IN (SELECT y ...)} over an uncorrelated one-column
 * subquery by a {@link NotInJoin}, before Calcite removes the remaining subqueries. Other forms
 * (NOT IN in a select list, several columns, correlated) keep Calcite's rewrite.
 */
final class NotInSubQueries extends RelShuttleImpl {
    private NotInSubQueries() {
    }

    static RelNode extract(RelNode root) {
        return root.accept(new NotInSubQueries());
    }

    @Override
    public RelNode visit(LogicalFilter filter) {
        LogicalFilter visited = (LogicalFilter) super.visit(filter);
        RelNode input = visited.getInput();
        List<RexNode> rest = new ArrayList<>();
        for (RexNode conjunct : RelOptUtil.conjunctions(visited.getCondition())) {
            RexSubQuery in = uncorrelatedNotIn(conjunct);
            if (in == null) rest.add(conjunct);
            else input = notIn(input, in.getOperands().get(0), extract(in.rel));
        }
        if (input == visited.getInput()) return visited;
        // The NOT IN joins keep the input's columns, so the other conjuncts' references stay valid.
        RexNode condition = RexUtil.composeConjunction(visited.getCluster().getRexBuilder(), rest);
        return condition.isAlwaysTrue() ? input : visited.copy(visited.getTraitSet(), input, condition);
    }

    private static RexSubQuery uncorrelatedNotIn(RexNode conjunct) {
        if (conjunct.getKind() != SqlKind.NOT) return null;
        RexNode operand = ((RexCall) conjunct).getOperands().get(0);
        if (!(operand instanceof RexSubQuery in) || in.getKind() != SqlKind.IN || in.getOperands().size() != 1) return null;
        RexNode x = in.getOperands().get(0);
        if (RexUtil.containsCorrelation(x) || RexUtil.SubQueryFinder.find(x) != null) return null;
        if (!RelOptUtil.getVariablesUsed(in.rel).isEmpty()) return null;
        return in;
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
}
