package io.shardview.circuit.rewrite;

import io.shardview.circuit.error.UnsupportedSqlException;
import io.shardview.circuit.plan.InMarkJoin;
import io.shardview.circuit.plan.TotalExpressions;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.CorrelationId;
import org.apache.calcite.rel.core.RelFactories;
import org.apache.calcite.rel.logical.LogicalFilter;
import org.apache.calcite.rel.logical.LogicalProject;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexCorrelVariable;
import org.apache.calcite.rex.RexFieldAccess;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexShuttle;
import org.apache.calcite.rex.RexSubQuery;
import org.apache.calcite.rex.RexUtil;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.tools.RelBuilder;

/**
 * Replaces IN subqueries (of one to four columns) in expressions over a relation by {@link InMarkJoin} columns appended
 * to it, so each row meets the subquery once (Calcite's rewrite joins it with the subquery's DISTINCT
 * values, and a CHAR(n) 'a' equals both VARCHARs 'a' and 'a ', NUMERIC 2 both 2.0 and 2.00 when the
 * values are kept apart). The subquery may be uncorrelated, or correlated with the relation's own row
 * (correlation variable row) only through conjuncts {@code inner = outer} of its WHERE, outer reading only
 * the row and inner only the subquery's, each a column or an expression that cannot fail
 * ({@link TotalExpressions}); those become the mark's groups, computed as further columns on either side.
 * A compared value that may fail ({@code 1 / c}) stays an expression of the mark, which computes it only for rows
 * whose subquery has rows, as PostgreSQL does; one that cannot is a further column of the relation. The relation
 * keeps its columns in front, so expressions over it stay valid.
 */
final class InMarks {
    /**
     * The most columns a row IN is marked for: its mark keeps 2^k counts per subquery row and up to 2^k index
     * entries per row (one per NULL pattern it can meet); wider ones keep Calcite's rewrite.
     */
    private static final int MAX_COLUMNS = 4;

    private final CorrelationId row;
    private RelNode rel;

    /** Marks over rel; row is the correlation variable of rel's rows (null if none). */
    InMarks(RelNode rel, CorrelationId row) {
        this.rel = rel;
        this.row = row;
    }

    /** The relation with the marks added so far. */
    RelNode rel() {
        return rel;
    }

    /**
     * Whether every IN subquery in e can be marked and no other subquery in e uses the row's correlation. An IN
     * of several columns that cannot is refused here: Calcite's rewrite of it counts with FILTER aggregates.
     */
    boolean canMark(RexNode e) {
        boolean[] ok = {true};
        e.accept(new RexShuttle() {
            @Override
            public RexNode visitSubQuery(RexSubQuery subQuery) {
                if (subQuery.getKind() == SqlKind.IN) {
                    boolean markable = markable(subQuery) != null;
                    if (!markable && subQuery.getOperands().size() > 1) {
                        throw new UnsupportedSqlException(
                                "IN of more than " + MAX_COLUMNS + " columns, or of several columns"
                                        + " correlated otherwise than by '=', under OR or NOT, in a select list or as NOT IN");
                    }
                    ok[0] &= markable;
                } else {
                    ok[0] &= row == null
                            || !RelOptUtil.getVariablesUsed(subQuery.rel).contains(row);
                }
                return subQuery;
            }
        });
        return ok[0] && RexUtil.SubQueryFinder.find(e) != null;
    }

    /** Whether an IN subquery can be marked (no refusal: one that cannot keeps Calcite's rewrite). */
    boolean canMarkIn(RexSubQuery in) {
        return markable(in) != null;
    }

    /** e with its IN subqueries replaced by references to mark columns (canMark(e) must hold). */
    RexNode mark(RexNode e) {
        return mark(e, false);
    }

    /**
     * A WHERE condition with its IN subqueries replaced by references to mark columns (canMark(condition) must hold).
     * PostgreSQL's subplan of an uncorrelated IN that only AND and OR lead to is hashed without the subquery's
     * rows with a NULL (NULL and FALSE are alike there), so it compares a value only when the subquery has rows
     * without one.
     */
    RexNode markCondition(RexNode condition) {
        return mark(condition, true);
    }

    /** e marked; top: whether e is a WHERE condition or reached from one through AND and OR only. */
    private RexNode mark(RexNode e, boolean top) {
        if (top && (e.getKind() == SqlKind.AND || e.getKind() == SqlKind.OR)) {
            RexCall call = (RexCall) e;
            List<RexNode> operands =
                    call.getOperands().stream().map(o -> mark(o, true)).toList();
            return operands.equals(call.getOperands()) ? e : call.clone(call.getType(), operands);
        }
        boolean hashed = top && e instanceof RexSubQuery;
        return e.accept(new RexShuttle() {
            @Override
            public RexNode visitSubQuery(RexSubQuery subQuery) {
                if (subQuery.getKind() != SqlKind.IN) return subQuery.clone(InSubQueries.rewrite(subQuery.rel));
                Decorrelated values = markable(subQuery);
                return add(
                        subQuery.getOperands(),
                        values,
                        hashed && values.groups().isEmpty());
            }
        });
    }

    /** The subquery as input of a mark (its values, then its correlation values), with the row values they meet; null if not markable. */
    private Decorrelated markable(RexSubQuery in) {
        if (in.getOperands().size() > MAX_COLUMNS) return null;
        for (RexNode x : in.getOperands()) {
            if (RexUtil.containsCorrelation(x) || RexUtil.SubQueryFinder.find(x) != null) return null;
        }
        RelNode subquery = InSubQueries.rewrite(in.rel);
        if (RelOptUtil.getVariablesUsed(subquery).isEmpty()) return new Decorrelated(subquery, List.of());
        return row == null ? null : decorrelate(subquery, in.getOperands().size());
    }

    /** A subquery without correlation, and the expressions over the row its columns after the values are compared with. */
    private record Decorrelated(RelNode values, List<RexNode> groups) {}

    /**
     * Project(Filter(input, conjuncts)) where input and the projection do not use the correlation and each
     * correlated conjunct is inner = outer, outer reading only the row and inner only the subquery's row,
     * either a column or computed (u.y + 1 = t.c * 2, UPPER(u.s) = t.s): the values with the inner sides as
     * further columns, compared with the outer sides as '=' compares them (both are typed as in the '=').
     */
    private Decorrelated decorrelate(RelNode subquery, int width) {
        if (!(subquery instanceof LogicalProject p)
                || !(p.getInput() instanceof LogicalFilter f)
                || !RelOptUtil.getVariablesUsed(f.getInput()).isEmpty()
                || p.getProjects().size() != width
                || p.getProjects().stream().anyMatch(RexUtil::containsCorrelation)) {
            return null;
        }
        List<RexNode> uncorrelated = new ArrayList<>();
        List<RexNode> columns = new ArrayList<>(p.getProjects());
        List<RexNode> groups = new ArrayList<>();
        for (RexNode c : RelOptUtil.conjunctions(f.getCondition())) {
            if (!RexUtil.containsCorrelation(c)) {
                uncorrelated.add(c);
                continue;
            }
            if (c.getKind() != SqlKind.EQUALS) return null;
            List<RexNode> sides = ((RexCall) c).getOperands();
            RexNode outer = overRow(sides.get(1));
            RexNode inner = sides.get(0);
            if (outer == null) {
                outer = overRow(sides.get(0));
                inner = sides.get(1);
            }
            if (outer == null || !innerSide(inner)) return null;
            columns.add(inner);
            groups.add(outer);
        }
        RelBuilder b = RelFactories.LOGICAL_BUILDER.create(f.getCluster(), null);
        b.push(f.getInput()).filter(uncorrelated).project(columns);
        return new Decorrelated(b.build(), groups);
    }

    /**
     * Whether e can be the subquery's side of a correlation: it reads the subquery's row and no other, and
     * cannot fail (see {@link TotalExpressions}: the mark evaluates it for every row of the subquery, not
     * only for the pairs PostgreSQL compares).
     */
    private static boolean innerSide(RexNode e) {
        return !RexUtil.containsCorrelation(e)
                && !RelOptUtil.InputFinder.bits(e).isEmpty()
                && TotalExpressions.isTotal(e);
    }

    /**
     * A correlated expression reading only the row's fields ($cor.field), as an expression over the row; else
     * null. It must not fail either: the mark evaluates it for every row.
     */
    private RexNode overRow(RexNode e) {
        if (!TotalExpressions.isTotal(e)
                || !RexUtil.containsCorrelation(e)
                || !RelOptUtil.InputFinder.bits(e).isEmpty()) return null;
        boolean[] onlyRow = {true};
        RexNode out = e.accept(new RexShuttle() {
            @Override
            public RexNode visitFieldAccess(RexFieldAccess a) {
                if (a.getReferenceExpr() instanceof RexCorrelVariable v && v.id.equals(row)) {
                    return new RexInputRef(a.getField().getIndex(), a.getType());
                }
                onlyRow[0] = false;
                return a;
            }

            @Override
            public RexNode visitCorrelVariable(RexCorrelVariable v) {
                onlyRow[0] = false;
                return v;
            }
        });
        return onlyRow[0] ? out : null;
    }

    /**
     * Appends the mark of (x, ...) IN (values) to rel; returns a reference to it. Values that may fail stay
     * expressions, computed by the mark (nullRowsIgnored: see {@link InMarkJoin#nullRowsIgnored}).
     */
    private RexNode add(List<RexNode> xs, Decorrelated values, boolean nullRowsIgnored) {
        boolean computed = !xs.stream().allMatch(TotalExpressions::isTotal);
        List<RexNode> keys = computed
                ? xs
                : xs.stream().map(x -> (RexNode) rexRef(column(x))).toList();
        int[] groups = values.groups().stream().mapToInt(this::column).toArray();
        rel = new InMarkJoin(
                rel.getCluster(), rel.getTraitSet(), rel, values.values(), keys, groups, computed && nullRowsIgnored);
        int mark = rel.getRowType().getFieldCount() - 1;
        return rexRef(mark);
    }

    private RexInputRef rexRef(int column) {
        return new RexInputRef(
                column, rel.getRowType().getFieldList().get(column).getType());
    }

    /** The column of rel holding e: e's own, or one appended to rel for it. */
    private int column(RexNode e) {
        if (e instanceof RexInputRef ref) return ref.getIndex();
        RelBuilder b = RelFactories.LOGICAL_BUILDER.create(rel.getCluster(), null);
        b.push(rel);
        List<RexNode> withColumn = new ArrayList<>(b.fields());
        withColumn.add(e);
        rel = b.project(withColumn).build();
        return rel.getRowType().getFieldCount() - 1;
    }

    /** rel's first width columns: the relation without its marks. */
    static RelNode dropMarks(RelNode rel, int width) {
        RelBuilder b = RelFactories.LOGICAL_BUILDER.create(rel.getCluster(), null);
        b.push(rel);
        return b.project(b.fields().subList(0, width)).build();
    }
}
