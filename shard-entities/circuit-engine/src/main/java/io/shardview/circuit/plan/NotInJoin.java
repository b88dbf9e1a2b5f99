package io.shardview.circuit.plan;

import java.util.List;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.rel.BiRel;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelWriter;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexNode;

/**
 * The left rows for which {@code key NOT IN (right)} is TRUE, right being an uncorrelated one-column subquery, with
 * PostgreSQL's NULL semantics. Calcite has no null-aware anti-join, and its own rewrite of NOT IN (a cross join with
 * the subquery's row counts) is not incremental, so the planner puts this node in its place. The key is a left column,
 * or an expression over the left row that may fail, which the node computes itself, only while the subquery has rows.
 */
public final class NotInJoin extends BiRel {
    private final RexNode key;

    public NotInJoin(RelOptCluster cluster, RelTraitSet traits, RelNode left, RelNode right, RexNode key) {
        super(cluster, traits, left, right);
        this.key = key;
    }

    /** The left value compared with the subquery's values: a column reference, or an expression that may fail. */
    public RexNode key() {
        return key;
    }

    @Override
    protected RelDataType deriveRowType() {
        return left.getRowType();
    }

    @Override
    public RelNode copy(RelTraitSet traitSet, List<RelNode> inputs) {
        return new NotInJoin(getCluster(), traitSet, inputs.get(0), inputs.get(1), key);
    }

    @Override
    public RelWriter explainTerms(RelWriter pw) {
        return super.explainTerms(pw).item("key", key instanceof RexInputRef ref ? ref.getIndex() : key);
    }
}
