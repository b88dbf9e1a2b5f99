package io.shardview.circuit.sql;

import java.util.Arrays;
import java.util.List;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.rel.BiRel;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelWriter;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * The left rows, each with one more (nullable BOOLEAN) column: {@code (left[keyColumns[0]], ...) IN (SELECT y1,
 * ...)}, the y's being the right's first columns (one per key column), the right's further columns the values a
 * correlated subquery compares with '=' to the left's group columns (in order). PostgreSQL's three-valued IN, kept per outer row however many
 * values match, for an IN the planner cannot make a semi-join (under OR or NOT, in a LEFT JOIN's ON, in a
 * select list, a correlated NOT IN). Compiled to the incremental {@code InMark} operator.
 */
public final class InMarkJoin extends BiRel {
    private final int[] keyColumns;
    private final int[] groupColumns;

    InMarkJoin(RelOptCluster cluster, RelTraitSet traits, RelNode left, RelNode right, int[] keyColumns, int[] groupColumns) {
        super(cluster, traits, left, right);
        this.keyColumns = keyColumns.clone();
        this.groupColumns = groupColumns.clone();
    }

    /** The left columns compared with the subquery's values (the right's columns 0, 1, ...). */
    public int[] keyColumns() {
        return keyColumns.clone();
    }

    /** The left columns the correlated subquery compares with the right's columns after the values. */
    public int[] groupColumns() {
        return groupColumns.clone();
    }

    @Override
    protected RelDataType deriveRowType() {
        RelDataTypeFactory f = getCluster().getTypeFactory();
        return f.builder().addAll(left.getRowType().getFieldList())
                .add("$in", f.createTypeWithNullability(f.createSqlType(SqlTypeName.BOOLEAN), true))
                .uniquify().build();
    }

    @Override
    public RelNode copy(RelTraitSet traitSet, List<RelNode> inputs) {
        return new InMarkJoin(getCluster(), traitSet, inputs.get(0), inputs.get(1), keyColumns, groupColumns);
    }

    @Override
    public RelWriter explainTerms(RelWriter pw) {
        return super.explainTerms(pw).item("key", keyColumns.length == 1 ? Integer.toString(keyColumns[0]) : Arrays.toString(keyColumns)).item("groups", Arrays.toString(groupColumns));
    }
}
