package io.shardview.circuit.rewrite;

import java.util.List;
import java.util.Set;
import org.apache.calcite.plan.RelOptPredicateList;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelShuttleImpl;
import org.apache.calcite.rel.core.Correlate;
import org.apache.calcite.rel.logical.LogicalCorrelate;
import org.apache.calcite.rel.logical.LogicalFilter;
import org.apache.calcite.rel.logical.LogicalJoin;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexSimplify;
import org.apache.calcite.rex.RexUtil;
import org.apache.calcite.util.Litmus;

/**
 * A correlated subquery whose own WHERE never holds ({@code b.t <> b.t} over a NOT NULL column, {@code b.x IS NULL
 * AND b.x = a.k}) is planned as an uncorrelated one over a filter FALSE. Calcite's decorrelator would simplify that
 * Filter into an empty Values, which loses the correlation (a Correlate it no longer knows how to decorrelate, so
 * it left the whole plan correlated beside another correlated subquery) and the typmods of the columns (CHAR(3),
 * NUMERIC(10,2)) that the view's type is described with.
 */
public final class FalseCorrelatedFilters {
    private FalseCorrelatedFilters() {}

    /** The plan with each never-true correlated Filter made FALSE, and each Correlate left uncorrelated a join. */
    public static RelNode uncorrelate(RelNode root) {
        return root.accept(new RelShuttleImpl() {
            @Override
            public RelNode visit(LogicalFilter filter) {
                RelNode visited = super.visit(filter);
                if (!(visited instanceof LogicalFilter f) || !RexUtil.containsCorrelation(f.getCondition()))
                    return visited;
                RexBuilder rex = f.getCluster().getRexBuilder();
                RexSimplify simplify = new RexSimplify(rex, RelOptPredicateList.EMPTY, RexUtil.EXECUTOR);
                if (!simplify.simplifyUnknownAsFalse(f.getCondition()).isAlwaysFalse()) return visited;
                return LogicalFilter.create(f.getInput(), rex.makeLiteral(false));
            }

            @Override
            public RelNode visit(LogicalCorrelate correlate) {
                RelNode visited = super.visit(correlate);
                if (!(visited instanceof Correlate c)
                        || !RelOptUtil.notContainsCorrelation(c.getRight(), c.getCorrelationId(), Litmus.IGNORE)) {
                    return visited;
                }
                return LogicalJoin.create(
                        c.getLeft(),
                        c.getRight(),
                        List.of(),
                        c.getCluster().getRexBuilder().makeLiteral(true),
                        Set.of(),
                        c.getJoinType());
            }
        });
    }
}
