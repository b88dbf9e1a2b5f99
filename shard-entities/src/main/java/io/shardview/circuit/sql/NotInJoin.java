package io.shardview.circuit.sql;

import java.util.List;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.rel.BiRel;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelWriter;
import org.apache.calcite.rel.type.RelDataType;

/**
 * The left rows for which {@code left[keyColumn] NOT IN (right)} is TRUE, right being an uncorrelated
 * one-column subquery, with PostgreSQL's NULL semantics. Calcite has no null-aware anti-join, and its
 * own rewrite of NOT IN (a cross join with the subquery's row counts) is not incremental, so the
 * planner puts this node in its place.
 */
public final class NotInJoin extends BiRel {
    private final int keyColumn;

    NotInJoin(RelOptCluster cluster, RelTraitSet traits, RelNode left, RelNode right, int keyColumn) {
        super(cluster, traits, left, right);
        this.keyColumn = keyColumn;
    }

    /** The left column compared with the subquery's values. */
    public int keyColumn() {
        return keyColumn;
    }

    @Override
    protected RelDataType deriveRowType() {
        return left.getRowType();
    }

    @Override
    public RelNode copy(RelTraitSet traitSet, List<RelNode> inputs) {
        return new NotInJoin(getCluster(), traitSet, inputs.get(0), inputs.get(1), keyColumn);
    }

    @Override
    public RelWriter explainTerms(RelWriter pw) {
        return super.explainTerms(pw).item("key", keyColumn);
    }
}
