package io.shardview.circuit.rewrite;

import com.google.common.collect.ImmutableSet;
import io.shardview.circuit.plan.NotInJoin;
import io.shardview.circuit.plan.TotalExpressions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelShuttleImpl;
import org.apache.calcite.rel.core.CorrelationId;
import org.apache.calcite.rel.core.JoinRelType;
import org.apache.calcite.rel.core.RelFactories;
import org.apache.calcite.rel.logical.LogicalFilter;
import org.apache.calcite.rel.logical.LogicalJoin;
import org.apache.calcite.rel.logical.LogicalProject;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexShuttle;
import org.apache.calcite.rex.RexSubQuery;
import org.apache.calcite.rex.RexUtil;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.tools.RelBuilder;
import org.apache.calcite.util.ImmutableBitSet;

/**
 * Rewrites IN subqueries before Calcite removes the remaining subqueries, in subqueries too. As a WHERE
 * conjunct, {@code x NOT IN (SELECT y ...)} over an uncorrelated one-column subquery becomes a
 * {@link NotInJoin}; {@code (x, ...) IN (SELECT y, ...)} becomes a semi-join when uncorrelated, and when
 * correlated an EXISTS with the equalities added, whose decorrelated form {@link DistinctSidePullUp} makes
 * a semi-join. An inner join's ON conjuncts with an IN become such a WHERE above it. An IN of one to four
 * columns elsewhere (under OR or NOT, a correlated or several-column NOT IN, in a LEFT JOIN's ON over one
 * side, in a select list) becomes a mark, its three-valued value beside each row ({@link InMarks}). Semi-joins and marks keep each
 * outer row once however many values it matches (a CHAR(n) is equal to both VARCHARs 'a' and 'a ');
 * Calcite's rewrite, a join with the subquery's distinct values, keeps it once per value. Other forms
 * (more than four columns under OR, a subquery correlated otherwise than by '=') keep Calcite's rewrite.
 */
public final class InSubQueries extends RelShuttleImpl {
    private InSubQueries() {}

    public static RelNode rewrite(RelNode root) {
        return root.accept(new InSubQueries());
    }

    @Override
    public RelNode visit(LogicalFilter filter) {
        LogicalFilter visited = (LogicalFilter) super.visit(filter);
        RelNode input = visited.getInput();
        List<RexNode> conjuncts = RelOptUtil.conjunctions(visited.getCondition());
        if (conjuncts.stream().anyMatch(InSubQueries::comparesValueThatMayFail)) {
            // PostgreSQL judges the row's own conditions before it compares a value with the subquery's (a hash
            // semi-join's
            // outer scan filters, a subplan is the costliest condition): the rows they exclude compute no value. Only
            // conditions that cannot fail move below the IN, so no view fails where it did not (replay stays valid).
            List<RexNode> first =
                    conjuncts.stream().filter(InSubQueries::rowOnlyAndTotal).toList();
            if (!first.isEmpty()) {
                input = LogicalFilter.create(
                        input, RexUtil.composeConjunction(visited.getCluster().getRexBuilder(), first));
                conjuncts = conjuncts.stream().filter(c -> !first.contains(c)).toList();
            }
        }
        CorrelationId row = visited.getVariablesSet().size() == 1
                ? visited.getVariablesSet().iterator().next()
                : null;
        InMarks marks = new InMarks(input, row);
        // The variable an IN turned EXISTS reads the row by: the filter's own, or a new one.
        CorrelationId existsRow =
                visited.getVariablesSet().isEmpty() ? visited.getCluster().createCorrel() : row;
        boolean newVariable = false;
        boolean changed = false;
        List<RexNode> rest = new ArrayList<>();
        List<RexNode> marked = new ArrayList<>();
        for (RexNode conjunct : conjuncts) {
            RexSubQuery notIn = conjunct.getKind() == SqlKind.NOT
                    ? in(((RexCall) conjunct).getOperands().get(0))
                    : null;
            RexSubQuery in = in(conjunct);
            if (notIn != null && notIn.getOperands().size() == 1 && uncorrelated(notIn)) {
                input = notIn(input, notIn.getOperands().get(0), rewrite(notIn.rel));
            } else if (in != null && uncorrelated(in)) {
                input = semiJoin(input, in.getOperands(), rewrite(in.rel));
            } else if (in != null
                    && correlatedWith(visited.getVariablesSet(), in)
                    && !(conjuncts.size() == 1
                            && in.getOperands().size() == 1
                            && comparesValueThatMayFail(conjunct)
                            && marks.canMarkIn(in))) {
                rest.add(asExists(input.getRowType(), row, in));
                changed = true;
            } else if (marks.canMark(conjunct)) {
                // Under OR or NOT, a correlated NOT IN, or a correlated one-column IN whose value may fail that is all
                // the WHERE leaves: Calcite's rewrite would compute that value for the subquery's rows, putting their
                // columns for the row's in it, where PostgreSQL computes it only for rows whose subquery has rows. (It
                // stays beside other conditions that may fail, which that rewrite judges after it, and for several
                // columns, which PostgreSQL compares one by one, skipping the rest after one that is FALSE.)
                marked.add(conjunct);
            } else if (existsRow != null
                    && existsWherePositive(conjunct, true, input.getRowType(), existsRow) != conjunct) {
                rest.add(existsWherePositive(conjunct, true, input.getRowType(), existsRow));
                newVariable |= existsRow != row;
                changed = true;
            } else {
                RexNode nested = rewriteNested(conjunct);
                changed |= nested != conjunct;
                rest.add(nested);
            }
        }
        if (input == visited.getInput() && !changed && marked.isEmpty()) return visited;
        // The joins keep the input's columns, so the other conjuncts' references stay valid.
        RexBuilder rex = visited.getCluster().getRexBuilder();
        RexNode condition = RexUtil.composeConjunction(rex, rest);
        RelNode out = condition.isAlwaysTrue()
                ? input
                : newVariable
                        ? LogicalFilter.create(input, condition, ImmutableSet.of(existsRow))
                        : visited.copy(visited.getTraitSet(), input, condition);
        if (marked.isEmpty()) return out;
        // The marks go over the filtered rows, whose columns the correlation variable describes.
        int width = out.getRowType().getFieldCount();
        marks = new InMarks(out, row);
        RexNode markedCondition = marks.markCondition(RexUtil.composeConjunction(rex, marked));
        return InMarks.dropMarks(LogicalFilter.create(marks.rel(), markedCondition), width);
    }

    /** A select list's IN subqueries as marks; other subqueries in it with their own IN rewritten. */
    @Override
    public RelNode visit(LogicalProject project) {
        LogicalProject visited = (LogicalProject) super.visit(project);
        CorrelationId row = visited.getVariablesSet().size() == 1
                ? visited.getVariablesSet().iterator().next()
                : null;
        InMarks marks = new InMarks(visited.getInput(), row);
        boolean changed = false;
        List<RexNode> projects = new ArrayList<>();
        RexBuilder rex = visited.getCluster().getRexBuilder();
        for (RexNode e : visited.getProjects()) {
            RexNode out = marks.canMark(e) ? marks.mark(e) : rewriteNested(e);
            // A mark is a nullable BOOLEAN; the column keeps the type it had (so the plan above stays valid).
            if (!out.getType().equals(e.getType())) out = rex.makeAbstractCast(e.getType(), out);
            changed |= out != e;
            projects.add(out);
        }
        if (!changed) return visited;
        boolean stillCorrelated = projects.stream().anyMatch(RexUtil::containsCorrelation)
                || projects.stream().anyMatch(e -> RexUtil.SubQueryFinder.find(e) != null);
        return LogicalProject.create(
                marks.rel(),
                visited.getHints(),
                projects,
                visited.getRowType(),
                stillCorrelated ? visited.getVariablesSet() : Set.of());
    }

    /**
     * IN subqueries in a join's ON condition. In an inner join ON and WHERE filter alike, so its conjuncts
     * with an IN become a filter above it; in an outer join (LEFT, RIGHT, FULL) the ON condition only decides
     * which rows meet (a preserved side's row stays, matched or not), so an IN over one side's columns becomes
     * that side's mark.
     */
    @Override
    public RelNode visit(LogicalJoin join) {
        LogicalJoin visited = (LogicalJoin) super.visit(join);
        if (RexUtil.SubQueryFinder.find(visited.getCondition()) == null) return visited;
        RexBuilder rex = visited.getCluster().getRexBuilder();
        if (visited.getJoinType() == JoinRelType.INNER) {
            List<RexNode> on = new ArrayList<>();
            List<RexNode> where = new ArrayList<>();
            for (RexNode c : RelOptUtil.conjunctions(visited.getCondition())) {
                (RexUtil.SubQueryFinder.find(c) == null ? on : where).add(c);
            }
            // A correlated subquery of the ON reads the joined row ($cor over left and right), as the filter's would.
            RelNode joined = LogicalJoin.create(
                    visited.getLeft(),
                    visited.getRight(),
                    visited.getHints(),
                    RexUtil.composeConjunction(rex, on),
                    Set.of(),
                    visited.getJoinType());
            return visit(LogicalFilter.create(
                    joined, RexUtil.composeConjunction(rex, where), ImmutableSet.copyOf(visited.getVariablesSet())));
        }
        boolean outer = visited.getJoinType() == JoinRelType.LEFT
                || visited.getJoinType() == JoinRelType.RIGHT
                || visited.getJoinType() == JoinRelType.FULL;
        if (!outer || !visited.getVariablesSet().isEmpty()) return visited;
        return outerJoinMarks(visited);
    }

    private static RelNode outerJoinMarks(LogicalJoin join) {
        int leftWidth = join.getLeft().getRowType().getFieldCount();
        int rightWidth = join.getRight().getRowType().getFieldCount();
        InMarks left = new InMarks(join.getLeft(), null);
        InMarks right = new InMarks(join.getRight(), null);
        RexBuilder rex = join.getCluster().getRexBuilder();
        // Marks of the left side come before the right's columns, which therefore move.
        RexShuttle toRightSide = new RexShuttle() {
            @Override
            public RexNode visitInputRef(RexInputRef ref) {
                return new RexInputRef(ref.getIndex() - leftWidth, ref.getType());
            }
        };
        List<RexNode> conjuncts = new ArrayList<>();
        List<Integer> sides = new ArrayList<>();
        for (RexNode c : RelOptUtil.conjunctions(join.getCondition())) {
            ImmutableBitSet used = RelOptUtil.InputFinder.bits(c);
            boolean leftOnly = used.length() <= leftWidth;
            boolean rightOnly = !used.isEmpty() && used.nextSetBit(0) >= leftWidth;
            if (RexUtil.SubQueryFinder.find(c) == null) {
                conjuncts.add(c);
                sides.add(0);
            } else if (leftOnly && left.canMark(c)) {
                conjuncts.add(left.mark(c));
                sides.add(1);
            } else if (rightOnly && right.canMark(c.accept(toRightSide))) {
                conjuncts.add(right.mark(c.accept(toRightSide)));
                sides.add(2);
            } else {
                return join; // an IN over both sides: Calcite's rewrite
            }
        }
        int leftMarks = left.rel().getRowType().getFieldCount() - leftWidth;
        RelNode l = left.rel();
        RelNode r = right.rel();
        List<RexNode> condition = new ArrayList<>();
        for (int i = 0; i < conjuncts.size(); i++) {
            int side = sides.get(i);
            int shift = side == 1 ? 0 : side == 2 ? leftWidth + leftMarks : leftMarks;
            int from = side == 0 ? leftWidth : 0;
            condition.add(conjuncts.get(i).accept(new RexShuttle() {
                @Override
                public RexNode visitInputRef(RexInputRef ref) {
                    if (side == 1 || ref.getIndex() < from) return new RexInputRef(ref.getIndex(), ref.getType());
                    return new RexInputRef(ref.getIndex() + shift, ref.getType());
                }
            }));
        }
        RelBuilder b = RelFactories.LOGICAL_BUILDER.create(join.getCluster(), null);
        b.push(l).push(r).join(join.getJoinType(), RexUtil.composeConjunction(rex, condition));
        List<RexNode> fields = new ArrayList<>(b.fields().subList(0, leftWidth));
        fields.addAll(b.fields().subList(leftWidth + leftMarks, leftWidth + leftMarks + rightWidth));
        return b.project(fields, join.getRowType().getFieldNames(), true).build();
    }

    /** e with the IN subqueries nested in its subqueries rewritten. */
    private static RexNode rewriteNested(RexNode e) {
        if (RexUtil.SubQueryFinder.find(e) == null) return e;
        return e.accept(new RexShuttle() {
            @Override
            public RexNode visitSubQuery(RexSubQuery subQuery) {
                RelNode rel = rewrite(subQuery.rel);
                return rel == subQuery.rel ? subQuery : subQuery.clone(rel);
            }
        });
    }

    /** The IN subquery a conjunct is, when the values it looks up use neither correlation nor subqueries. */
    private static RexSubQuery in(RexNode conjunct) {
        if (!(conjunct instanceof RexSubQuery in) || in.getKind() != SqlKind.IN) return null;
        for (RexNode x : in.getOperands()) {
            if (RexUtil.containsCorrelation(x) || RexUtil.SubQueryFinder.find(x) != null) return null;
        }
        return in;
    }

    /** Whether a conjunct is an IN or NOT IN whose values before IN may fail ({@link TotalExpressions}). */
    private static boolean comparesValueThatMayFail(RexNode conjunct) {
        RexSubQuery in = in(
                conjunct.getKind() == SqlKind.NOT
                        ? ((RexCall) conjunct).getOperands().get(0)
                        : conjunct);
        return in != null && !in.getOperands().stream().allMatch(TotalExpressions::isTotal);
    }

    /** Whether a conjunct reads only the row (no subquery, no correlation) and cannot fail. */
    private static boolean rowOnlyAndTotal(RexNode conjunct) {
        return RexUtil.SubQueryFinder.find(conjunct) == null
                && !RexUtil.containsCorrelation(conjunct)
                && TotalExpressions.isTotal(conjunct);
    }

    private static boolean uncorrelated(RexSubQuery in) {
        return RelOptUtil.getVariablesUsed(in.rel).isEmpty();
    }

    /** Whether the subquery uses only the correlation the filter sets (its own row). */
    private static boolean correlatedWith(Set<CorrelationId> filterSets, RexSubQuery in) {
        return filterSets.size() == 1 && filterSets.containsAll(RelOptUtil.getVariablesUsed(in.rel));
    }

    /** input's rows for which x NOT IN (subquery) is TRUE, with input's columns; an x that may fail is computed by the NOT IN. */
    private static RelNode notIn(RelNode input, RexNode x, RelNode subquery) {
        if (x instanceof RexInputRef || !TotalExpressions.isTotal(x)) {
            return new NotInJoin(input.getCluster(), input.getTraitSet(), input, subquery, x);
        }
        RelBuilder b = RelFactories.LOGICAL_BUILDER.create(input.getCluster(), null);
        int width = input.getRowType().getFieldCount();
        b.push(input);
        List<RexNode> withKey = new ArrayList<>(b.fields());
        withKey.add(x);
        RelNode keyed = b.project(withKey).build();
        RexNode key = new RexInputRef(
                width, keyed.getRowType().getFieldList().get(width).getType());
        RelNode join = new NotInJoin(input.getCluster(), keyed.getTraitSet(), keyed, subquery, key);
        return b.push(join).project(b.fields().subList(0, width)).build();
    }

    /**
     * input's rows for which (x, ...) IN (subquery) is TRUE, with input's columns: those with a subquery
     * row equal in every column (a NULL on either side is equal to nothing, so it cannot make the IN TRUE).
     * When some x may fail, the semi-join compares the x's as they are, and so computes them itself.
     */
    private static RelNode semiJoin(RelNode input, List<RexNode> xs, RelNode subquery) {
        RelBuilder b = RelFactories.LOGICAL_BUILDER.create(input.getCluster(), null);
        int width = input.getRowType().getFieldCount();
        b.push(input);
        if (!xs.stream().allMatch(TotalExpressions::isTotal)) {
            b.push(subquery);
            List<RexNode> equalities = new ArrayList<>();
            for (int i = 0; i < xs.size(); i++) equalities.add(b.equals(xs.get(i), b.field(2, 1, i)));
            return b.semiJoin(equalities).build();
        }
        List<RexNode> columns = new ArrayList<>(b.fields());
        int[] keys = new int[xs.size()];
        for (int i = 0; i < keys.length; i++) {
            RexNode x = xs.get(i);
            if (x instanceof RexInputRef ref) {
                keys[i] = ref.getIndex();
            } else {
                keys[i] = columns.size();
                columns.add(x);
            }
        }
        boolean keyed = columns.size() > width;
        if (keyed) b.project(columns);
        b.push(subquery);
        List<RexNode> equalities = new ArrayList<>();
        for (int i = 0; i < keys.length; i++) {
            equalities.add(b.equals(b.field(2, 0, keys[i]), b.field(2, 1, i)));
        }
        b.semiJoin(equalities);
        if (keyed) b.project(b.fields().subList(0, width));
        return b.build();
    }

    /**
     * e with each IN that only AND and OR lead to (no NOT) and whose subquery uses no correlation but the
     * row's turned into an EXISTS (as {@link #asExists}): there its NULL counts as FALSE, so EXISTS, TRUE
     * exactly when IN is, gives the same rows; and Calcite's EXISTS keeps each row once, which its IN (a
     * join with the distinct values) does not. For an IN that cannot be a mark, such as one correlated
     * by other than '='. positive: whether e itself is under no NOT.
     */
    private static RexNode existsWherePositive(RexNode e, boolean positive, RelDataType rowType, CorrelationId row) {
        if (e.getKind() == SqlKind.AND || e.getKind() == SqlKind.OR || e.getKind() == SqlKind.NOT) {
            RexCall call = (RexCall) e;
            boolean operandsPositive = e.getKind() == SqlKind.NOT ? !positive : positive;
            List<RexNode> operands = call.getOperands().stream()
                    .map(o -> existsWherePositive(o, operandsPositive, rowType, row))
                    .toList();
            return operands.equals(call.getOperands()) ? e : call.clone(call.getType(), operands);
        }
        RexSubQuery in = in(e);
        // Only a correlated one: Calcite decorrelates an uncorrelated one joined on equalities with its values.
        if (!positive
                || in == null
                || in.getOperands().size() != 1
                || !Set.of(row).equals(RelOptUtil.getVariablesUsed(in.rel))) return e;
        return asExists(rowType, row, in);
    }

    /** EXISTS (SELECT * FROM (subquery) WHERE y = x AND ...), x read from the row (of the given type) by the variable. */
    private static RexNode asExists(RelDataType rowType, CorrelationId variable, RexSubQuery in) {
        RexBuilder rex = in.rel.getCluster().getRexBuilder();
        RexNode row = rex.makeCorrel(rowType, variable);
        RexShuttle fromRow = new RexShuttle() {
            @Override
            public RexNode visitInputRef(RexInputRef ref) {
                return rex.makeFieldAccess(row, ref.getIndex());
            }
        };
        RelNode subquery = rewrite(in.rel);
        List<RexNode> ys = new ArrayList<>();
        List<RexNode> conditions = new ArrayList<>();
        Set<CorrelationId> variables = Set.of();
        if (subquery instanceof LogicalProject p && p.getInput() instanceof LogicalFilter f) {
            // One WHERE of the subquery's and the equalities: decorrelated, its rows meet each outer row once. The
            // WHERE
            // keeps the variable its own subqueries read its row by.
            ys.addAll(p.getProjects());
            conditions.add(f.getCondition());
            variables = f.getVariablesSet();
            subquery = f.getInput();
        } else {
            for (int i = 0; i < in.getOperands().size(); i++) ys.add(rex.makeInputRef(subquery, i));
        }
        for (int i = 0; i < in.getOperands().size(); i++) {
            conditions.add(rex.makeCall(
                    SqlStdOperatorTable.EQUALS,
                    ys.get(i),
                    in.getOperands().get(i).accept(fromRow)));
        }
        return RexSubQuery.exists(LogicalFilter.create(
                subquery, RexUtil.composeConjunction(rex, conditions), ImmutableSet.copyOf(variables)));
    }
}
