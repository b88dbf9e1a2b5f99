package io.shardview.circuit.plan;

import java.util.Arrays;
import java.util.List;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.rel.BiRel;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelWriter;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * The left rows, each with one more (nullable BOOLEAN) column: {@code (keys[0], ...) IN (SELECT y1, ...)}, the y's
 * being the right's first columns (one per key), the right's further columns the values a correlated subquery
 * compares with '=' to the left's group columns (in order). PostgreSQL's three-valued IN, kept per outer row however
 * many values match, for an IN the planner cannot make a semi-join (under OR or NOT, in a LEFT JOIN's ON, in a
 * select list, a correlated NOT IN). A key is a left column, or an expression over the left row that may fail,
 * which the mark computes itself, only for rows whose subquery has rows to compare it with (see {@link
 * #nullRowsIgnored}). Compiled to the incremental {@code InMark} operator.
 */
public final class InMarkJoin extends BiRel {
    private final List<RexNode> keys;
    private final int[] groupColumns;
    private final boolean nullRowsIgnored;

    public InMarkJoin(
            RelOptCluster cluster,
            RelTraitSet traits,
            RelNode left,
            RelNode right,
            List<RexNode> keys,
            int[] groupColumns,
            boolean nullRowsIgnored) {
        super(cluster, traits, left, right);
        this.keys = List.copyOf(keys);
        this.groupColumns = groupColumns.clone();
        this.nullRowsIgnored = nullRowsIgnored;
    }

    /** The left values compared with the subquery's (the right's columns 0, 1, ...): column references or expressions that may fail. */
    public List<RexNode> keys() {
        return keys;
    }

    /** The left columns the correlated subquery compares with the right's columns after the values. */
    public int[] groupColumns() {
        return groupColumns.clone();
    }

    /**
     * Whether a key that fails is compared only with subquery rows without a NULL: PostgreSQL's hashed subplan of an
     * uncorrelated IN under AND and OR of a WHERE, where NULL and FALSE are alike, leaves the others out.
     */
    public boolean nullRowsIgnored() {
        return nullRowsIgnored;
    }

    @Override
    protected RelDataType deriveRowType() {
        RelDataTypeFactory f = getCluster().getTypeFactory();
        return f.builder()
                .addAll(left.getRowType().getFieldList())
                .add("$in", f.createTypeWithNullability(f.createSqlType(SqlTypeName.BOOLEAN), true))
                .uniquify()
                .build();
    }

    @Override
    public RelNode copy(RelTraitSet traitSet, List<RelNode> inputs) {
        return new InMarkJoin(
                getCluster(), traitSet, inputs.get(0), inputs.get(1), keys, groupColumns, nullRowsIgnored);
    }

    @Override
    public RelWriter explainTerms(RelWriter pw) {
        String key = keys.size() == 1 && keys.get(0) instanceof RexInputRef ref
                ? Integer.toString(ref.getIndex())
                : keys.stream()
                        .map(k -> k instanceof RexInputRef ref ? Integer.toString(ref.getIndex()) : k.toString())
                        .toList()
                        .toString();
        return super.explainTerms(pw)
                .item("key", key)
                .item("groups", Arrays.toString(groupColumns))
                .itemIf("nullRowsIgnored", true, nullRowsIgnored);
    }
}
