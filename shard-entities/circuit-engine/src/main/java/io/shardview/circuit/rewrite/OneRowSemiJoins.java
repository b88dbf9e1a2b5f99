package io.shardview.circuit.rewrite;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelShuttleImpl;
import org.apache.calcite.rel.core.JoinRelType;
import org.apache.calcite.rel.core.RelFactories;
import org.apache.calcite.rel.logical.LogicalAggregate;
import org.apache.calcite.rel.logical.LogicalFilter;
import org.apache.calcite.rel.logical.LogicalJoin;
import org.apache.calcite.rel.logical.LogicalProject;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexUtil;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.type.SqlTypeUtil;
import org.apache.calcite.tools.RelBuilder;

/**
 * A scalar subquery compared in WHERE ({@code price > (SELECT AVG(price) FROM p)}) is planned by Calcite as
 * Project(Filter(rows joined with the one row of an aggregate without GROUP BY)), the Project reading only the
 * rows' columns; a correlated one ({@code salary > (SELECT AVG(salary) FROM emp e WHERE e.dept = o.dept)}) as
 * Project(rows joined with the aggregate grouped by the correlation columns, on their equality and the
 * comparison). Each row meets at most one row of the aggregate, so this is the semi-join of the rows with it on
 * the condition: each row once, when the condition holds. As a semi-join on a comparison it becomes a
 * {@code RangeSemiJoin}, so a change of the aggregate re-judges only the rows between its old and new value
 * instead of joining every row with the new value.
 */
public final class OneRowSemiJoins extends RelShuttleImpl {
    private OneRowSemiJoins() {}

    public static RelNode apply(RelNode root) {
        return root.accept(new OneRowSemiJoins());
    }

    @Override
    public RelNode visit(LogicalProject project) {
        RelNode visited = super.visit(project);
        if (!(visited instanceof LogicalProject top)) return visited;
        RelNode input = top.getInput();
        List<RexNode> projects = top.getProjects();
        while (input instanceof LogicalProject below) { // Calcite stacks them: read through to the join
            projects = RelOptUtil.pushPastProject(projects, below);
            input = below.getInput();
        }
        RexNode filter = null;
        if (input instanceof LogicalFilter f) {
            filter = f.getCondition();
            input = f.getInput();
        }
        if (!(input instanceof LogicalJoin j)
                || (j.getJoinType() != JoinRelType.INNER
                        && !(j.getJoinType() == JoinRelType.LEFT
                                && j.getCondition().isAlwaysTrue()))) {
            return visited;
        }
        int leftWidth = j.getLeft().getRowType().getFieldCount();
        RexNode condition = filter == null
                ? j.getCondition()
                : RexUtil.composeConjunction(j.getCluster().getRexBuilder(), List.of(j.getCondition(), filter));
        if (!atMostOneMatch(j.getRight(), condition, leftWidth)
                || !RelOptUtil.InputFinder.bits(projects, null).asList().stream()
                        .allMatch(i -> i < leftWidth)) {
            return visited;
        }
        RelBuilder b = RelFactories.LOGICAL_BUILDER.create(j.getCluster(), null);
        b.push(j.getLeft()).push(j.getRight()).semiJoin(condition);
        return b.project(projects, top.getRowType().getFieldNames(), true).build();
    }

    /**
     * Whether each left row meets at most one row of right under the condition: right has exactly one row (a
     * LEFT join with it is then an inner one), or is grouped by columns each of which the condition equates with a
     * left column (not strings: a CHAR(n) equals VARCHAR groups 'a' and 'a ' both).
     */
    private static boolean atMostOneMatch(RelNode right, RexNode condition, int leftWidth) {
        if (oneRow(right)) return true;
        if (!(right instanceof LogicalAggregate a)
                || a.getGroupType() != org.apache.calcite.rel.core.Aggregate.Group.SIMPLE) return false;
        Set<Integer> equated = new HashSet<>();
        for (RexNode c : RelOptUtil.conjunctions(condition)) {
            if (c.getKind() != SqlKind.EQUALS) continue;
            List<RexNode> ops = ((RexCall) c).getOperands();
            if (!(ops.get(0) instanceof RexInputRef x) || !(ops.get(1) instanceof RexInputRef y)) continue;
            int l = Math.min(x.getIndex(), y.getIndex());
            int r = Math.max(x.getIndex(), y.getIndex()) - leftWidth;
            if (l < leftWidth
                    && r >= 0
                    && !SqlTypeUtil.inCharFamily(x.getType())
                    && !SqlTypeUtil.inCharFamily(y.getType())) equated.add(r);
        }
        for (int g = 0; g < a.getGroupCount(); g++) if (!equated.contains(g)) return false;
        return true;
    }

    /** Whether rel always has exactly one row: an aggregate without GROUP BY, under projections. */
    private static boolean oneRow(RelNode rel) {
        if (rel instanceof LogicalProject p) return oneRow(p.getInput());
        return rel instanceof LogicalAggregate a
                && a.getGroupSet().isEmpty()
                && a.getGroupType() == org.apache.calcite.rel.core.Aggregate.Group.SIMPLE;
    }
}
