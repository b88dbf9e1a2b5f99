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
 * The left rows, each with one more (nullable BOOLEAN) column: {@code left[keyColumn] IN (SELECT y ...)},
 * y being the right's column 0, the right's further columns the values a correlated subquery compares with
 * '=' to the left's group columns (in order). PostgreSQL's three-valued IN, kept per outer row however many
 * values match, for an IN the planner cannot make a semi-join (under OR or NOT, in a LEFT JOIN's ON, in a
 * select list, a correlated NOT IN). Compiled to the incremental {@code InMark} operator.
 */
public final class InMarkJoin extends BiRel {
    private final int keyColumn;
    private final int[] groupColumns;

    InMarkJoin(RelOptCluster cluster, RelTraitSet traits, RelNode left, RelNode right, int keyColumn, int[] groupColumns) {
        super(cluster, traits, left, right);
        this.keyColumn = keyColumn;
        this.groupColumns = groupColumns.clone();
    }

    /** The left column compared with the subquery's values. */
    public int keyColumn() {
        return keyColumn;
    }

    /** The left columns the correlated subquery compares with the right's columns 1, 2, ... */
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
        return new InMarkJoin(getCluster(), traitSet, inputs.get(0), inputs.get(1), keyColumn, groupColumns);
    }

    @Override
    public RelWriter explainTerms(RelWriter pw) {
        return super.explainTerms(pw).item("key", keyColumn).item("groups", Arrays.toString(groupColumns));
    }
}
