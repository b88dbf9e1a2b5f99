package io.shardview.circuit.rewrite;

import io.shardview.circuit.plan.InMarkJoin;
import io.shardview.circuit.plan.TotalExpressions;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelShuttleImpl;
import org.apache.calcite.rel.logical.LogicalFilter;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexUtil;

/**
 * A correlated subquery's WHERE with an IN under OR ({@code EXISTS (SELECT 1 FROM b WHERE (b.ch IS NOT NULL OR b.s IN
 * ('a', ...)) AND b.id = a.k)}, an IN list of 20 values or more or an IN subquery) is planned as a mark ({@link
 * InMarkJoin}) over the rows its other conditions keep, conditions that read the outer row. Calcite's decorrelator
 * does not see through a mark, so the subquery stayed correlated and the view was refused. Where the mark's subquery
 * is uncorrelated, it has no groups and its values cannot fail, a row's mark is the same whichever rows the conditions
 * keep and computing it fails for no row: the conditions go above the mark, reading the same columns (the mark adds
 * its own after the row's), on the same rows, and the decorrelator makes them a join as for any correlated WHERE. SQL
 * revision 12.
 */
public final class CorrelatedFiltersAboveMarks {
    private CorrelatedFiltersAboveMarks() {}

    public static RelNode apply(RelNode root) {
        return root.accept(new RelShuttleImpl() {
            @Override
            public RelNode visit(RelNode other) {
                RelNode visited = super.visit(other);
                return visited instanceof InMarkJoin mark && rowAlone(mark) ? conditionsAbove(mark) : visited;
            }
        });
    }

    /** Whether a row's mark depends on the row alone: no groups, an uncorrelated subquery, values that cannot fail. */
    private static boolean rowAlone(InMarkJoin mark) {
        return mark.groupColumns().length == 0
                && RelOptUtil.getVariablesUsed(mark.getRight()).isEmpty()
                && mark.keys().stream().allMatch(TotalExpressions::isTotal);
    }

    /** The mark with the correlated filters right below it moved above it. */
    private static RelNode conditionsAbove(InMarkJoin mark) {
        List<RexNode> conditions = new ArrayList<>();
        RelNode left = mark.getLeft();
        while (left instanceof LogicalFilter f
                && f.getVariablesSet().isEmpty()
                && RexUtil.containsCorrelation(f.getCondition())) {
            conditions.add(f.getCondition());
            left = f.getInput();
        }
        if (conditions.isEmpty()) return mark;
        RelNode below = mark.copy(mark.getTraitSet(), List.of(left, mark.getRight()));
        return LogicalFilter.create(
                below, RexUtil.composeConjunction(mark.getCluster().getRexBuilder(), conditions));
    }
}
