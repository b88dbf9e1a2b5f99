package io.shardview.circuit.rewrite;

import io.shardview.circuit.plan.FirstValue;
import java.util.List;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.rel.RelFieldCollation;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelShuttleImpl;
import org.apache.calcite.rel.core.Correlate;
import org.apache.calcite.rel.core.JoinRelType;
import org.apache.calcite.rel.core.RelFactories;
import org.apache.calcite.rel.core.Sort;
import org.apache.calcite.rel.logical.LogicalCorrelate;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.tools.RelBuilder;
import org.apache.calcite.util.Litmus;

/**
 * A correlated scalar subquery selecting the first value of its one column in ascending order, {@code (SELECT u.c
 * FROM u WHERE u.k = t.k ORDER BY u.c LIMIT 1)}, is the least value (NULLs sort last), NULL where there is none:
 * a MIN. Calcite's decorrelator makes it one, typed as PostgreSQL types min() (a numeric without the column's
 * typmod, text for a varchar), where the subquery gives the column's own value and type (numeric(10,2),
 * varchar). So before decorrelating, such a subquery becomes an aggregate of {@link FirstValue#FIRST}, a MIN read as
 * keeping its argument's type.
 */
public final class OrderedFirstSubqueries {
    private OrderedFirstSubqueries() {}

    /** The plan with each such subquery an aggregate of {@link FirstValue#FIRST}. */
    public static RelNode rewrite(RelNode root) {
        return root.accept(new RelShuttleImpl() {
            @Override
            public RelNode visit(LogicalCorrelate correlate) {
                RelNode visited = super.visit(correlate);
                if (!(visited instanceof Correlate c)
                        || c.getJoinType() != JoinRelType.LEFT
                        || !(c.getRight() instanceof Sort s)
                        || !firstInOrder(s)
                        || RelOptUtil.notContainsCorrelation(s, c.getCorrelationId(), Litmus.IGNORE)) {
                    return visited;
                }
                RelBuilder b = RelFactories.LOGICAL_BUILDER.create(c.getCluster(), null);
                RelNode first = b.push(s.getInput())
                        .aggregate(b.groupKey(), b.aggregateCall(FirstValue.FIRST, b.field(0)))
                        .build();
                return c.copy(c.getTraitSet(), List.of(c.getLeft(), first));
            }
        });
    }

    /** Whether s keeps the first row of its one column in ascending order, NULLs last. */
    private static boolean firstInOrder(Sort s) {
        if (s.offset != null || !(s.fetch instanceof RexLiteral fetch) || fetch.getValueAs(Long.class) != 1)
            return false;
        List<RelFieldCollation> order = s.getCollation().getFieldCollations();
        if (s.getRowType().getFieldCount() != 1 || order.size() != 1) return false;
        RelFieldCollation by = order.get(0);
        return by.getFieldIndex() == 0
                && by.getDirection() == RelFieldCollation.Direction.ASCENDING
                && by.nullDirection != RelFieldCollation.NullDirection.FIRST;
    }
}
