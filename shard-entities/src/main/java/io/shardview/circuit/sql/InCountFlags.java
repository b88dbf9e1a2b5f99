package io.shardview.circuit.sql;

import java.math.BigDecimal;
import java.util.List;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelShuttleImpl;
import org.apache.calcite.rel.core.JoinRelType;
import org.apache.calcite.rel.logical.LogicalAggregate;
import org.apache.calcite.rel.logical.LogicalJoin;
import org.apache.calcite.rel.logical.LogicalProject;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexShuttle;
import org.apache.calcite.rex.RexSubQuery;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * Calcite answers an IN that is not a plain WHERE conjunct (in a select list, under OR) with
 * {@code (outer CROSS JOIN (SELECT COUNT(*) c, COUNT(y) ck FROM s)) LEFT JOIN (SELECT DISTINCT y, TRUE FROM s)},
 * and reads c and ck only as c = 0 and ck < c (is s empty, does it hold a NULL). Maintained as written,
 * every change to s changes the one count row, and the cross join emits every outer row again. Here the
 * counts become the two facts read from them, as counts of 0 or 1 that compare as the originals do: the
 * row then changes only when s becomes empty or not, or gains or loses its last NULL, which is when the
 * outer rows' answers can change.
 */
final class InCountFlags extends RelShuttleImpl {
    private InCountFlags() {
    }

    /**
     * planned with the counts as flags; written is the query as planned before its subqueries were removed.
     * Calcite's counts are recognised by their names, c and ck, beside a LITERAL_AGG: so that a relation the
     * query itself names so cannot be taken for them, nothing changes when the written query has one.
     */
    static RelNode apply(RelNode planned, RelNode written) {
        return namesCounts(written) ? planned : planned.accept(new InCountFlags());
    }

    private static boolean namesCounts(RelNode rel) {
        if (isCounts(rel)) return true;
        boolean[] found = {false};
        rel.accept(new RexShuttle() {
            @Override
            public RexNode visitSubQuery(RexSubQuery subQuery) {
                if (namesCounts(subQuery.rel)) found[0] = true;
                return super.visitSubQuery(subQuery);
            }
        });
        if (found[0]) return true;
        for (RelNode input : rel.getInputs()) {
            if (namesCounts(input)) return true;
        }
        return false;
    }

    @Override
    public RelNode visit(LogicalJoin join) {
        RelNode visited = super.visit(join);
        if (!(visited instanceof LogicalJoin lookup) || lookup.getJoinType() != JoinRelType.LEFT
                || !isDistinctValuesWithTrue(lookup.getRight())) {
            return visited;
        }
        if (!(lookup.getLeft() instanceof LogicalJoin cross) || cross.getJoinType() != JoinRelType.INNER
                || !cross.getCondition().isAlwaysTrue() || !isCounts(cross.getRight())) {
            return visited;
        }
        RelNode crossFlags = cross.copy(cross.getTraitSet(), List.of(cross.getLeft(), flags(cross.getRight())));
        return lookup.copy(lookup.getTraitSet(), List.of(crossFlags, lookup.getRight()));
    }

    /** Calcite's side of distinct subquery values: an Aggregate with a LITERAL_AGG(TRUE), which SQL cannot write. */
    private static boolean isDistinctValuesWithTrue(RelNode rel) {
        return rel instanceof LogicalAggregate values
                && values.getAggCallList().stream().anyMatch(call -> call.getAggregation().getKind() == SqlKind.LITERAL_AGG);
    }

    /**
     * The counts beside it: (c, ck), COUNT(*) and COUNT(keys) of the subquery, or c twice when its keys
     * cannot be NULL (a Project over the one COUNT(*)).
     */
    private static boolean isCounts(RelNode rel) {
        return rel.getRowType().getFieldNames().equals(List.of("c", "ck"))
                && rel.getRowType().getFieldList().stream().allMatch(f -> f.getType().getSqlTypeName() == SqlTypeName.BIGINT);
    }

    /** c' = 1 if c > 0 else 0; ck' = 1 if ck = c else 0: c' = 0 exactly when c = 0, ck' < c' exactly when ck < c. */
    private static RelNode flags(RelNode counts) {
        RexBuilder rex = counts.getCluster().getRexBuilder();
        RelDataType c = counts.getRowType().getFieldList().get(0).getType();
        RelDataType ck = counts.getRowType().getFieldList().get(1).getType();
        RexNode all = rex.makeInputRef(counts, 0);
        RexNode keys = rex.makeInputRef(counts, 1);
        RexNode nonEmpty = rex.makeCall(SqlStdOperatorTable.CASE,
                rex.makeCall(SqlStdOperatorTable.GREATER_THAN, all, rex.makeExactLiteral(BigDecimal.ZERO, c)),
                rex.makeExactLiteral(BigDecimal.ONE, c), rex.makeExactLiteral(BigDecimal.ZERO, c));
        RexNode noNull = rex.makeCall(SqlStdOperatorTable.CASE,
                rex.makeCall(SqlStdOperatorTable.EQUALS, keys, all),
                rex.makeExactLiteral(BigDecimal.ONE, ck), rex.makeExactLiteral(BigDecimal.ZERO, ck));
        return LogicalProject.create(counts, List.of(), List.of(nonEmpty, noNull), counts.getRowType());
    }
}
