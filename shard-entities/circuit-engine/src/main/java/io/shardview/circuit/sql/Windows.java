package io.shardview.circuit.sql;

import org.apache.calcite.plan.hep.HepPlanner;
import org.apache.calcite.plan.hep.HepProgram;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelShuttleImpl;
import org.apache.calcite.rel.logical.LogicalProject;
import org.apache.calcite.rel.rules.CoreRules;
import org.apache.calcite.rex.RexOver;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.util.SqlBasicVisitor;

/**
 * Window functions out of the projections that hold them: a SELECT's {@code f() OVER (...)} becomes a LogicalWindow
 * (its partition and order expressions computed by a projection below, the functions' columns appended to its input)
 * under a projection that reads those columns, which the plan compiler turns into its window operators. Views without
 * window functions are left as they are (their plans, and so the state their snapshots hold, do not change).
 */
final class Windows {
    private Windows() {}

    /** The window functions the window operator maintains. */
    private static final java.util.Set<SqlKind> MAINTAINED = java.util.EnumSet.of(
            SqlKind.ROW_NUMBER,
            SqlKind.RANK,
            SqlKind.DENSE_RANK,
            SqlKind.PERCENT_RANK,
            SqlKind.CUME_DIST,
            SqlKind.NTILE,
            SqlKind.LAG,
            SqlKind.LEAD,
            SqlKind.FIRST_VALUE,
            SqlKind.LAST_VALUE,
            SqlKind.NTH_VALUE,
            SqlKind.COUNT,
            SqlKind.SUM,
            SqlKind.AVG,
            SqlKind.MIN,
            SqlKind.MAX);

    /**
     * Refuses, by the name written, a window function the window operator does not maintain (Calcite rewrites
     * {@code SUM(x) OVER w} into COUNT and $SUM0 over w, which the compiler would name instead).
     */
    static void check(SqlNode validated) throws SqlPlanner.PlanningException {
        String[] refused = {null};
        validated.accept(new SqlBasicVisitor<Void>() {
            @Override
            public Void visit(SqlCall call) {
                if (call.getKind() == SqlKind.OVER && refused[0] == null) {
                    SqlKind function = call.operand(0).getKind();
                    if (!MAINTAINED.contains(function)) {
                        refused[0] = ((SqlCall) call.operand(0)).getOperator().getName();
                    }
                }
                return super.visit(call);
            }
        });
        if (refused[0] != null) {
            throw new SqlPlanner.PlanningException("unsupported SQL construct: window function " + refused[0]
                    + "() OVER " + io.shardview.circuit.operator.WindowRank.MAINTAINED);
        }
    }

    static RelNode split(RelNode rel) {
        if (!hasOver(rel)) return rel;
        HepPlanner hep = new HepPlanner(HepProgram.builder()
                .addRuleInstance(CoreRules.PROJECT_TO_LOGICAL_PROJECT_AND_WINDOW)
                .build());
        hep.setRoot(rel);
        return hep.findBestExp();
    }

    private static boolean hasOver(RelNode rel) {
        boolean[] found = {false};
        rel.accept(new RelShuttleImpl() {
            @Override
            public RelNode visit(LogicalProject project) {
                if (RexOver.containsOver(project.getProjects(), null)) found[0] = true;
                return super.visit(project);
            }
        });
        return found[0];
    }
}
