package io.shardview.circuit.sql;

import io.shardview.circuit.plan.SourceMarkers;
import org.apache.calcite.plan.Contexts;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelOptRule;
import org.apache.calcite.plan.hep.HepPlanner;
import org.apache.calcite.plan.hep.HepProgram;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelShuttleImpl;
import org.apache.calcite.rel.core.TableScan;
import org.apache.calcite.rel.logical.LogicalFilter;
import org.apache.calcite.rel.logical.LogicalProject;
import org.apache.calcite.rel.rules.CoreRules;
import org.apache.calcite.rel.rules.FilterProjectTransposeRule;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.sql.validate.SqlValidator;
import org.apache.calcite.sql2rel.RelFieldTrimmer;
import org.apache.calcite.tools.RelBuilder;
import org.apache.calcite.tools.RelBuilderFactory;

/**
 * Each operator's input cut to the columns the operators above it read, as early as the plan allows: a join over two
 * wide tables indexes the join keys and the columns the view shows or tests, not whole rows, so its state (the rows
 * each join input keeps, hashed by key) shrinks with the columns left out. Calcite's RelFieldTrimmer does the work,
 * putting a projection over each table scan and narrowing the joins, filters and aggregates above it; the projections
 * it leaves one over another are merged, and those that keep every column in order removed. The view's own columns
 * are the same, in the same order, with the same types.
 */
final class ColumnPruning {
    private ColumnPruning() {}

    /**
     * A filter over a projection the trimmer put on a table scan goes below it, so the projection meets the one
     * above the filter and merges with it: a filtered select list stays one filter and one projection, not a
     * projection more per row (stateless operators gain nothing from narrower rows).
     */
    private static final RelOptRule FILTER_BELOW_SCAN_PROJECTION = FilterProjectTransposeRule.Config.DEFAULT
            .withOperandFor(
                    LogicalFilter.class,
                    f -> true,
                    LogicalProject.class,
                    p -> p.getInput().stripped() instanceof TableScan
                            && p.getProjects().stream().allMatch(e -> e instanceof RexInputRef))
            .toRule();

    private static final HepProgram MERGE_PROJECTS = HepProgram.builder()
            .addRuleInstance(FILTER_BELOW_SCAN_PROJECTION)
            .addRuleInstance(CoreRules.PROJECT_MERGE)
            .addRuleInstance(CoreRules.PROJECT_REMOVE)
            .build();

    /**
     * Each filter whose condition is FALSE with the condition marked {@link SourceMarkers#NEVER_TRUE}, which the
     * trimmer's builder does not read as FALSE: it would replace the filter and its input by an empty VALUES.
     */
    private static RelNode keepFalseFilters(RelNode rel) {
        return rel.accept(new RelShuttleImpl() {
            @Override
            public RelNode visit(LogicalFilter filter) {
                RelNode visited = super.visit(filter);
                if (!(visited instanceof LogicalFilter f) || !f.getCondition().isAlwaysFalse()) return visited;
                RexNode marked = f.getCluster().getRexBuilder().makeCall(SourceMarkers.NEVER_TRUE, f.getCondition());
                return f.copy(f.getTraitSet(), f.getInput(), marked);
            }
        });
    }

    /**
     * Builds without simplifying: a filter that never holds would become an empty VALUES, whose string columns
     * no longer say their type (see SourceMarkers.NEVER_TRUE).
     */
    private static final RelBuilderFactory BUILDER =
            RelBuilder.proto(Contexts.of(RelBuilder.Config.DEFAULT.withSimplify(false)));

    static RelNode prune(RelNode rel, SqlValidator validator, RelOptCluster cluster) {
        RelNode trimmed = new RelFieldTrimmer(validator, BUILDER.create(cluster, null)).trim(keepFalseFilters(rel));
        HepPlanner planner = new HepPlanner(MERGE_PROJECTS);
        planner.setRoot(trimmed);
        return planner.findBestExp();
    }
}
