package io.shardview.circuit.rewrite;

import io.shardview.circuit.plan.SourceMarkers;
import io.shardview.circuit.plan.TotalExpressions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelShuttleImpl;
import org.apache.calcite.rel.logical.LogicalFilter;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexCorrelVariable;
import org.apache.calcite.rex.RexFieldAccess;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexShuttle;
import org.apache.calcite.rex.RexUtil;
import org.apache.calcite.sql.SqlKind;

/**
 * A correlated subquery's {@code inner = outer.k} beside another condition computing with outer.k
 * ({@code ia.c2 = a.k AND ia.k = CAST(a.k AS BIGINT) + 1}): Calcite's decorrelator puts the inner value for the
 * outer one in the other condition ({@code ia.k = ia.c2 + 1}), which is then computed on every inner row, of the
 * inner value's type; where that computation may fail (ia.c2 a bigint at its largest), the engine would fail a
 * batch where PostgreSQL, computing a.k + 1 for the outer rows, does not. Such an equality is marked
 * {@link SourceMarkers#CORRELATION}, which the decorrelator does not read as one, before decorrelation; the
 * markers, these and those of {@code plan.BpcharCorrelations}, are taken off after it ({@link #unmarked}), so the
 * join it makes is still indexed by the equality. This only takes failures away from a view created before
 * (computing with an outer value fails only where it equals an inner one, whose substitute failed as well), so a
 * batch its journal holds still replays.
 */
public final class UnsafeSubstitutions {
    private UnsafeSubstitutions() {}

    /** The plan (with its Correlates, before decorrelation) with such equalities marked. */
    public static RelNode mark(RelNode root) {
        RexBuilder rex = root.getCluster().getRexBuilder();
        return root.accept(new RelShuttleImpl() {
            @Override
            public RelNode visit(LogicalFilter filter) {
                LogicalFilter visited = (LogicalFilter) super.visit(filter);
                RexNode condition = marked(visited.getCondition(), rex);
                return condition == visited.getCondition()
                        ? visited
                        : visited.copy(visited.getTraitSet(), visited.getInput(), condition);
            }
        });
    }

    private static RexNode marked(RexNode condition, RexBuilder rex) {
        List<RexNode> conjuncts = RelOptUtil.conjunctions(condition);
        Set<RexNode> unsafe = new HashSet<>();
        for (RexNode conjunct : conjuncts) {
            if (conjunct.getKind() != SqlKind.EQUALS) continue;
            List<RexNode> sides = ((RexCall) conjunct).getOperands();
            for (int i = 0; i < 2; i++) {
                RexFieldAccess outer = outerField(sides.get(i));
                RexNode inner = sides.get(1 - i);
                if (outer == null || RexUtil.containsCorrelation(inner)) continue;
                RexNode substitute =
                        inner.getType().equals(outer.getType()) ? inner : rex.makeCast(outer.getType(), inner);
                for (RexNode other : conjuncts) {
                    if (other != conjunct
                            && uses(other, outer)
                            && !TotalExpressions.isTotal(replaced(other, outer, substitute))) {
                        unsafe.add(conjunct);
                    }
                }
            }
        }
        if (unsafe.isEmpty()) return condition;
        List<RexNode> out = new ArrayList<>();
        for (RexNode conjunct : conjuncts)
            out.add(unsafe.contains(conjunct) ? rex.makeCall(SourceMarkers.CORRELATION, conjunct) : conjunct);
        return RexUtil.composeConjunction(rex, out);
    }

    /** The correlation field e reads, through casts (CAST(a.k AS BIGINT)); null if e is not one. */
    static RexFieldAccess outerField(RexNode e) {
        while (e.getKind() == SqlKind.CAST) e = ((RexCall) e).getOperands().get(0);
        return e instanceof RexFieldAccess access && access.getReferenceExpr() instanceof RexCorrelVariable
                ? access
                : null;
    }

    private static boolean uses(RexNode e, RexFieldAccess field) {
        boolean[] found = {false};
        e.accept(new RexShuttle() {
            @Override
            public RexNode visitFieldAccess(RexFieldAccess access) {
                found[0] |= access.equals(field);
                return super.visitFieldAccess(access);
            }
        });
        return found[0];
    }

    private static RexNode replaced(RexNode e, RexFieldAccess field, RexNode substitute) {
        return e.accept(new RexShuttle() {
            @Override
            public RexNode visitFieldAccess(RexFieldAccess access) {
                return access.equals(field) ? substitute : super.visitFieldAccess(access);
            }
        });
    }

    /** The plan (decorrelated) without the markers {@link #mark} put. */
    public static RelNode unmarked(RelNode root) {
        RexShuttle unwrap = new RexShuttle() {
            @Override
            public RexNode visitCall(RexCall call) {
                if (call.getOperator() == SourceMarkers.CORRELATION)
                    return call.getOperands().get(0).accept(this);
                return super.visitCall(call);
            }
        };
        return root.accept(new RelShuttleImpl() {
            @Override
            protected RelNode visitChildren(RelNode rel) {
                return super.visitChildren(rel).accept(unwrap);
            }
        });
    }
}
