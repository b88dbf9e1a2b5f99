package io.shardview.circuit.rewrite;

import java.util.List;
import java.util.regex.Pattern;
import org.apache.calcite.plan.RelOptUtil;
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
 * Decorrelating EXISTS leaves Project(inner join(outer, Project(keys, TRUE) over a grouping Aggregate)),
 * the outer Project reading only outer columns. This makes it the semi-join it is, of the outer rows
 * with the Aggregate's input: as one it keeps each outer row once even when the join compares more
 * loosely than the Aggregate grouped (a CHAR(n) against VARCHAR values 'a' and 'a ' matches both).
 * Only this shape becomes a semi-join; a written join, which PostgreSQL joins with every matching row,
 * stays a join.
 */
public final class DistinctSidePullUp extends RelShuttleImpl {
    /** How RelBuilder names a field nobody named; SQL names a select item without an alias EXPR$n. */
    private static final Pattern GENERATED_NAME = Pattern.compile("\\$f[0-9]+");

    private DistinctSidePullUp() {}

    public static RelNode apply(RelNode root) {
        return root.accept(new DistinctSidePullUp());
    }

    @Override
    public RelNode visit(LogicalProject project) {
        RelNode visited = super.visit(project);
        if (!(visited instanceof LogicalProject top)
                || !(top.getInput() instanceof LogicalJoin j)
                || j.getJoinType() != JoinRelType.INNER
                || !(j.getRight() instanceof LogicalProject p)
                || !(p.getInput() instanceof LogicalAggregate a)
                || !a.getAggCallList().isEmpty()
                || !isKeysAndTrueFlag(p)) {
            return visited;
        }
        int leftWidth = j.getLeft().getRowType().getFieldCount();
        List<Integer> groupKeys = a.getGroupSet().asList();
        // A right field is the flag (TRUE) or a grouping key: read it from the Aggregate's input, as the
        // semi-join only asks whether some input row matches.
        RexShuttle overGroupedRows = new RexShuttle() {
            @Override
            public RexNode visitInputRef(RexInputRef ref) {
                if (ref.getIndex() < leftWidth) return ref;
                RexNode e = p.getProjects().get(ref.getIndex() - leftWidth);
                if (!(e instanceof RexInputRef key)) return e;
                int field = groupKeys.get(key.getIndex());
                return new RexInputRef(
                        leftWidth + field,
                        a.getInput().getRowType().getFieldList().get(field).getType());
            }
        };
        List<RexNode> out =
                top.getProjects().stream().map(e -> e.accept(overGroupedRows)).toList();
        if (!RelOptUtil.InputFinder.bits(out, null).asList().stream().allMatch(i -> i < leftWidth)) return visited;
        RelBuilder b = RelFactories.LOGICAL_BUILDER.create(j.getCluster(), null);
        b.push(j.getLeft()).push(a.getInput()).semiJoin(j.getCondition().accept(overGroupedRows));
        return b.project(out, top.getRowType().getFieldNames(), true).build();
    }

    /**
     * Whether a Project is the decorrelator's: fields, then a TRUE flag with a generated name ($f1, ...).
     * A join written with a DISTINCT subquery has no flag, or one named as written (EXPR$1, or its alias),
     * and stays a join (PostgreSQL joins each row with every matching value).
     */
    private static boolean isKeysAndTrueFlag(LogicalProject p) {
        List<RexNode> projects = p.getProjects();
        int last = projects.size() - 1;
        if (last < 1
                || !(projects.get(last) instanceof RexLiteral flag)
                || !Boolean.TRUE.equals(flag.getValueAs(Boolean.class))
                || !GENERATED_NAME
                        .matcher(p.getRowType().getFieldNames().get(last))
                        .matches()) {
            return false;
        }
        return projects.subList(0, last).stream().allMatch(e -> e instanceof RexInputRef);
    }
}
