package io.shardview.circuit.sql;

import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelShuttleImpl;
import org.apache.calcite.rel.core.JoinRelType;
import org.apache.calcite.rel.core.RelFactories;
import org.apache.calcite.rel.logical.LogicalAggregate;
import org.apache.calcite.rel.logical.LogicalFilter;
import org.apache.calcite.rel.logical.LogicalJoin;
import org.apache.calcite.rel.logical.LogicalProject;
import org.apache.calcite.tools.RelBuilder;

/**
 * A scalar subquery compared in WHERE ({@code price > (SELECT AVG(price) FROM p)}) is planned by Calcite as
 * Project(Filter(rows joined with the one row of an aggregate without GROUP BY)), the Project reading only the
 * rows' columns. As the joined relation has exactly one row, this is the semi-join of the rows with it on the
 * Filter's condition: each row once, when the condition holds. As a semi-join on a comparison it becomes a
 * {@code RangeSemiJoin}, so a change of the aggregate re-judges only the rows between its old and new value
 * instead of joining every row with the new value.
 */
final class OneRowSemiJoins extends RelShuttleImpl {
    private OneRowSemiJoins() {
    }

    static RelNode apply(RelNode root) {
        return root.accept(new OneRowSemiJoins());
    }

    @Override
    public RelNode visit(LogicalProject project) {
        RelNode visited = super.visit(project);
        if (!(visited instanceof LogicalProject top) || !(top.getInput() instanceof LogicalFilter f)
                || !(f.getInput() instanceof LogicalJoin j) || !j.getCondition().isAlwaysTrue()
                || (j.getJoinType() != JoinRelType.INNER && j.getJoinType() != JoinRelType.LEFT) || !oneRow(j.getRight())) {
            return visited;
        }
        int leftWidth = j.getLeft().getRowType().getFieldCount();
        if (!RelOptUtil.InputFinder.bits(top.getProjects(), null).asList().stream().allMatch(i -> i < leftWidth)) return visited;
        RelBuilder b = RelFactories.LOGICAL_BUILDER.create(j.getCluster(), null);
        b.push(j.getLeft()).push(j.getRight()).semiJoin(f.getCondition());
        return b.project(top.getProjects(), top.getRowType().getFieldNames(), true).build();
    }

    /** Whether rel always has exactly one row: an aggregate without GROUP BY, under projections. */
    private static boolean oneRow(RelNode rel) {
        if (rel instanceof LogicalProject p) return oneRow(p.getInput());
        return rel instanceof LogicalAggregate a && a.getGroupSet().isEmpty() && a.getGroupType() == org.apache.calcite.rel.core.Aggregate.Group.SIMPLE;
    }
}
