package io.shardview.circuit.sql;

import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.rel.AbstractRelNode;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelShuttleImpl;
import org.apache.calcite.rel.RelWriter;
import org.apache.calcite.rel.core.Aggregate;
import org.apache.calcite.rel.core.Correlate;
import org.apache.calcite.rel.core.Filter;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rex.RexCorrelVariable;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexShuttle;

/**
 * Keeps Calcite's decorrelator away from the parts of a plan that need no decorrelation. Given a plan
 * with correlation, it rewrites every Aggregate it meets, and an uncorrelated one that groups by a
 * constant, {@code SELECT DISTINCT TRUE FROM u} as an uncorrelated EXISTS plans it, comes out as a
 * constant one-row relation: the EXISTS is then TRUE even when u is empty (also in
 * {@code FROM (SELECT 2 AS k FROM u GROUP BY 1)} beside a correlated EXISTS). It also simplifies every
 * Filter it meets, and one it can prove false ({@code WHERE t.n <> t.n}) becomes an empty Values, which
 * has lost the typmods (CHAR(3), NUMERIC(10,2)) of the columns it stands for. So before decorrelating,
 * each largest subtree that uses no correlation and holds an Aggregate or a Filter is hidden in a leaf,
 * and put back afterwards.
 */
final class DecorrelationShield {
    private DecorrelationShield() {
    }

    /** The plan with each uncorrelated subtree holding an Aggregate replaced by a {@link Shielded} leaf. */
    static RelNode hide(RelNode root) {
        if (!holdsCorrelation(root)) return root;
        return root.accept(new RelShuttleImpl() {
            @Override
            protected RelNode visitChild(RelNode parent, int i, RelNode child) {
                if (!holdsCorrelation(child) && holdsAggregateOrFilter(child)) {
                    List<RelNode> inputs = new ArrayList<>(parent.getInputs());
                    inputs.set(i, new Shielded(child));
                    return parent.copy(parent.getTraitSet(), inputs);
                }
                return super.visitChild(parent, i, child);
            }
        });
    }

    /** The plan with every {@link Shielded} leaf replaced by the subtree it hides. */
    static RelNode restore(RelNode root) {
        return root.accept(new RelShuttleImpl() {
            @Override
            public RelNode visit(RelNode other) {
                return other instanceof Shielded s ? s.hidden : super.visit(other);
            }
        });
    }

    private static boolean holdsCorrelation(RelNode rel) {
        if (rel instanceof Correlate) return true;
        boolean[] found = {false};
        rel.accept(new RexShuttle() {
            @Override
            public RexNode visitCorrelVariable(RexCorrelVariable variable) {
                found[0] = true;
                return variable;
            }
        });
        if (found[0] || !RelOptUtil.getVariablesUsed(rel).isEmpty()) return true;
        for (RelNode input : rel.getInputs()) {
            if (holdsCorrelation(input)) return true;
        }
        return false;
    }

    private static boolean holdsAggregateOrFilter(RelNode rel) {
        if (rel instanceof Aggregate || rel instanceof Filter) return true;
        for (RelNode input : rel.getInputs()) {
            if (holdsAggregateOrFilter(input)) return true;
        }
        return false;
    }

    /** A leaf standing for an uncorrelated subtree while the decorrelator runs. */
    private static final class Shielded extends AbstractRelNode {
        final RelNode hidden;

        Shielded(RelNode hidden) {
            super(hidden.getCluster(), hidden.getTraitSet());
            this.hidden = hidden;
        }

        @Override
        protected RelDataType deriveRowType() {
            return hidden.getRowType();
        }

        @Override
        public RelNode copy(RelTraitSet traitSet, List<RelNode> inputs) {
            return this;
        }

        @Override
        public RelWriter explainTerms(RelWriter pw) {
            // Unique per hidden subtree, so a planner never takes two different ones for the same.
            return super.explainTerms(pw).item("hides", hidden.getId());
        }
    }
}
