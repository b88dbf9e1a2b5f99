package io.shardview.circuit.sql;

import java.util.List;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelShuttleImpl;
import org.apache.calcite.rel.core.JoinRelType;
import org.apache.calcite.rel.core.RelFactories;
import org.apache.calcite.rel.logical.LogicalAggregate;
import org.apache.calcite.rel.logical.LogicalJoin;
import org.apache.calcite.rel.logical.LogicalProject;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexShuttle;
import org.apache.calcite.tools.RelBuilder;

/**
 * Decorrelating EXISTS leaves Project(inner join(outer, Project(keys, TRUE) over a grouping Aggregate)).
 * This folds the inner Project (of fields and the flag only, so nothing is evaluated on other rows)
 * into the outer one, so that Calcite's semi-join rule recognises the join as the semi-join it is; as
 * one it keeps each outer row once even when the join compares more loosely than the Aggregate grouped
 * (a CHAR(n) against VARCHAR values 'a' and 'a ' matches both).
 */
final class DistinctSidePullUp extends RelShuttleImpl {
    private DistinctSidePullUp() {
    }

    static RelNode apply(RelNode root) {
        return root.accept(new DistinctSidePullUp());
    }

    @Override
    public RelNode visit(LogicalProject project) {
        RelNode visited = super.visit(project);
        if (!(visited instanceof LogicalProject top) || !(top.getInput() instanceof LogicalJoin j)
                || j.getJoinType() != JoinRelType.INNER || !(j.getRight() instanceof LogicalProject p)
                || !(p.getInput() instanceof LogicalAggregate a) || !a.getAggCallList().isEmpty()
                || !isKeysAndTrueFlag(p.getProjects())) {
            return visited;
        }
        int leftWidth = j.getLeft().getRowType().getFieldCount();
        RexShuttle overAggregate = new RexShuttle() {
            @Override
            public RexNode visitInputRef(RexInputRef ref) {
                if (ref.getIndex() < leftWidth) return ref;
                RexNode e = p.getProjects().get(ref.getIndex() - leftWidth);
                return e instanceof RexInputRef r ? new RexInputRef(leftWidth + r.getIndex(), r.getType()) : e;
            }
        };
        RelBuilder b = RelFactories.LOGICAL_BUILDER.create(j.getCluster(), null);
        b.push(j.getLeft()).push(a).join(JoinRelType.INNER, j.getCondition().accept(overAggregate));
        List<RexNode> out = top.getProjects().stream().map(e -> e.accept(overAggregate)).toList();
        return b.project(out, top.getRowType().getFieldNames(), true).build();
    }

    /**
     * Whether a Project is the decorrelator's: fields, then a TRUE flag. A join written with a DISTINCT
     * subquery has no flag and stays a join (PostgreSQL joins each row with every matching value).
     */
    private static boolean isKeysAndTrueFlag(List<RexNode> projects) {
        int last = projects.size() - 1;
        if (last < 1 || !(projects.get(last) instanceof RexLiteral flag) || !Boolean.TRUE.equals(flag.getValueAs(Boolean.class))) {
            return false;
        }
        return projects.subList(0, last).stream().allMatch(e -> e instanceof RexInputRef);
    }
}
