package io.shardview.circuit.rewrite;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.rel.AbstractRelNode;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelShuttleImpl;
import org.apache.calcite.rel.RelWriter;
import org.apache.calcite.rel.core.Correlate;
import org.apache.calcite.rel.core.CorrelationId;
import org.apache.calcite.rel.logical.LogicalCorrelate;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rex.RexCorrelVariable;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexShuttle;
import org.apache.calcite.sql2rel.RelDecorrelator;
import org.apache.calcite.tools.RelBuilder;

/**
 * Decorrelates a plan with Calcite's decorrelator, keeping it away from the parts of the plan that need no
 * decorrelation. Given a plan with correlation, the decorrelator rewrites every Aggregate it meets, and an
 * uncorrelated one that groups by a constant, {@code SELECT DISTINCT TRUE FROM u} as an uncorrelated EXISTS plans
 * it, comes out as a constant one-row relation: the EXISTS is then TRUE even when u is empty (also in {@code FROM
 * (SELECT 2 AS k FROM u GROUP BY 1)} beside a correlated EXISTS). And it joins a subquery's values back to the
 * outer rows by '=' rather than IS NOT DISTINCT FROM where it takes the outer column for NOT NULL, which it does
 * for the left column of a LEFT JOIN's '=' (Calcite 1.42 reads that condition as rejecting the left row's NULL):
 * beside {@code t LEFT JOIN w ON t.d = w.d}, or beside a subquery correlated by {@code u.d = t.d}, whose rewrite
 * is such a join, {@code (SELECT SUM(u.d) FROM u WHERE u.d = COALESCE(t.d, 0))} was NULL for a NULL t.d. So the
 * outer input of a correlated subquery is decorrelated first when it holds subqueries of its own, and before
 * decorrelating, each largest subtree that uses no correlation, but a single table, is hidden in a leaf and put
 * back afterwards.
 */
public final class DecorrelationShield {
    private DecorrelationShield() {}

    /** The plan decorrelated, its uncorrelated parts as they were. */
    public static RelNode decorrelate(RelNode root, RelBuilder builder) {
        RelNode outerInputsFirst = root.accept(new RelShuttleImpl() {
            @Override
            public RelNode visit(LogicalCorrelate correlate) {
                RelNode left = correlate.getLeft();
                if (!holdsCorrelation(left) || !selfContained(left)) return correlate;
                return correlate.copy(
                        correlate.getTraitSet(), List.of(decorrelate(left, builder), correlate.getRight()));
            }
        });
        return restore(RelDecorrelator.decorrelateQuery(hide(outerInputsFirst), builder));
    }

    /** The plan with each largest uncorrelated subtree but a leaf replaced by a {@link Shielded} leaf. */
    private static RelNode hide(RelNode root) {
        if (!holdsCorrelation(root)) return root;
        return root.accept(new RelShuttleImpl() {
            @Override
            protected RelNode visitChild(RelNode parent, int i, RelNode child) {
                if (!holdsCorrelation(child) && !child.getInputs().isEmpty()) {
                    List<RelNode> inputs = new ArrayList<>(parent.getInputs());
                    inputs.set(i, new Shielded(child));
                    return parent.copy(parent.getTraitSet(), inputs);
                }
                return super.visitChild(parent, i, child);
            }
        });
    }

    /** The plan with every {@link Shielded} leaf replaced by the subtree it hides. */
    private static RelNode restore(RelNode root) {
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

    /** Whether rel reads no correlation variable but those its own Correlates define. */
    private static boolean selfContained(RelNode rel) {
        Set<CorrelationId> defined = new HashSet<>();
        Set<CorrelationId> used = new HashSet<>();
        collectVariables(rel, defined, used);
        return defined.containsAll(used);
    }

    private static void collectVariables(RelNode rel, Set<CorrelationId> defined, Set<CorrelationId> used) {
        if (rel instanceof Correlate c) defined.add(c.getCorrelationId());
        used.addAll(RelOptUtil.getVariablesUsed(rel));
        rel.accept(new RexShuttle() {
            @Override
            public RexNode visitCorrelVariable(RexCorrelVariable variable) {
                used.add(variable.id);
                return variable;
            }
        });
        for (RelNode input : rel.getInputs()) collectVariables(input, defined, used);
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
