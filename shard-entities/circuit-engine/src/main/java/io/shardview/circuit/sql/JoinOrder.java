package io.shardview.circuit.sql;

import org.apache.calcite.plan.RelOptRule;
import org.apache.calcite.plan.hep.HepMatchOrder;
import org.apache.calcite.plan.hep.HepPlanner;
import org.apache.calcite.plan.hep.HepProgram;
import org.apache.calcite.plan.hep.HepProgramBuilder;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Join;
import org.apache.calcite.rel.core.JoinRelType;
import org.apache.calcite.rel.logical.LogicalJoin;
import org.apache.calcite.rel.rules.CoreRules;
import org.apache.calcite.rel.rules.JoinToMultiJoinRule;

/**
 * Inner joins planned so that their state does not grow as a product: a comma join's WHERE becomes the joins' own
 * conditions (single-table predicates filter before any join, equalities become join keys), and a chain of inner
 * joins is ordered by the join graph, so that no intermediate is a cross product where the graph is connected. The
 * SQL's FROM order would otherwise decide the plan: {@code FROM a, b, c WHERE a.x = c.x AND b.y = c.y} joined a and b
 * first, every row of a with every row of b, and kept that product as the join's state.
 *
 * <p>Calcite's rules do the work: FILTER_INTO_JOIN and JOIN_CONDITION_PUSH move conditions into and below joins,
 * JOIN_TO_MULTI_JOIN gathers a tree of inner joins, and MULTI_JOIN_OPTIMIZE (LoptOptimizeJoinRule) orders it,
 * preferring joins that have a condition over cross products, then the smaller estimated result. Outer, semi and
 * anti joins keep their place. The result's columns are the same, in the same order, with the same types.
 */
final class JoinOrder {
    private JoinOrder() {}

    /**
     * Calcite's JOIN_TO_MULTI_JOIN for inner joins only: an outer join is not reordered with the joins around it
     * (which its NULL padding would often forbid); it stays a leaf, and so in its place.
     */
    private static final RelOptRule INNER_TO_MULTI_JOIN = JoinToMultiJoinRule.Config.DEFAULT
            .withOperandSupplier(b -> b.operand(LogicalJoin.class)
                    .predicate(j -> j.getJoinType() == JoinRelType.INNER)
                    .inputs(left -> left.operand(RelNode.class).anyInputs(), right -> right.operand(RelNode.class)
                            .anyInputs()))
            .as(JoinToMultiJoinRule.Config.class)
            .toRule();

    /** The plan with its inner joins' conditions pushed down and the joins ordered; the plan itself without any. */
    static RelNode optimize(RelNode rel) {
        if (!containsInnerJoin(rel)) return rel;
        HepProgram pushDown = new HepProgramBuilder()
                .addMatchOrder(HepMatchOrder.TOP_DOWN)
                .addRuleInstance(CoreRules.FILTER_INTO_JOIN)
                .addRuleInstance(CoreRules.JOIN_CONDITION_PUSH)
                .build();
        RelNode pushed = run(pushDown, rel);
        if (innerJoins(pushed) < 2) return pushed;
        HepProgram order = new HepProgramBuilder()
                .addMatchOrder(HepMatchOrder.BOTTOM_UP)
                .addRuleInstance(INNER_TO_MULTI_JOIN)
                .addRuleInstance(CoreRules.MULTI_JOIN_OPTIMIZE)
                .build();
        RelNode ordered = run(order, pushed);
        // Ordering makes the joins' conditions again (from the MultiJoin's): push what it left above them.
        return run(pushDown, ordered);
    }

    private static RelNode run(HepProgram program, RelNode rel) {
        HepPlanner planner = new HepPlanner(program);
        planner.setRoot(rel);
        return planner.findBestExp();
    }

    private static boolean containsInnerJoin(RelNode rel) {
        return innerJoins(rel) > 0;
    }

    private static int innerJoins(RelNode rel) {
        int n = rel instanceof Join j && j.getJoinType() == JoinRelType.INNER ? 1 : 0;
        for (RelNode input : rel.getInputs()) n += innerJoins(input);
        return n;
    }
}
