package io.shardview.circuit.rewrite;

import io.shardview.circuit.plan.SourceMarkers;
import io.shardview.circuit.plan.StringTyping;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelShuttleImpl;
import org.apache.calcite.rel.core.CorrelationId;
import org.apache.calcite.rel.logical.LogicalCorrelate;
import org.apache.calcite.rel.logical.LogicalFilter;
import org.apache.calcite.rel.logical.LogicalJoin;
import org.apache.calcite.rel.logical.LogicalProject;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexCorrelVariable;
import org.apache.calcite.rex.RexFieldAccess;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexShuttle;
import org.apache.calcite.rex.RexSubQuery;
import org.apache.calcite.rex.RexUtil;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.type.SqlTypeUtil;

/**
 * A correlated subquery's {@code inner = outer.c} where c is a CHAR(n) and inner a varchar compares as
 * bpchar in PostgreSQL: the VARCHARs 'a' and 'a ' both equal the outer 'a  '. Decorrelating groups the
 * subquery by inner, where 'a' and 'a ' are two groups, and joins them with the outer row, which then came
 * out once per group (an EXISTS in a select list twice, a COUNT(*) split in two). Before decorrelation each
 * such inner side is marked {@link SourceMarkers#BPCHAR}, which groups as bpchar (one group, the two rows).
 */
public final class BpcharCorrelations {
    private BpcharCorrelations() {}

    /**
     * The plan (with its Correlates, before decorrelation) with such inner sides marked, and the equalities
     * {@link #separated} finds. {@code lone}: an equality between an outer string and an inner one of the other typing
     * is marked also when it is the outer string's only one (SQL revision 9 and later).
     */
    public static RelNode mark(RelNode root, boolean lone) {
        StringTyping typing = new StringTyping();
        Map<CorrelationId, StringTyping.Type[]> outerTypes = new HashMap<>();
        root.accept(new RelShuttleImpl() {
            @Override
            public RelNode visit(LogicalCorrelate correlate) {
                outerTypes.put(correlate.getCorrelationId(), typing.fields(correlate.getLeft()));
                return super.visit(correlate);
            }
        });
        if (outerTypes.isEmpty()) return root;
        RexBuilder rex = root.getCluster().getRexBuilder();
        return root.accept(new RelShuttleImpl() {
            @Override
            public RelNode visit(LogicalFilter filter) {
                LogicalFilter visited = (LogicalFilter) super.visit(filter);
                StringTyping.Type[] input = typing.fields(visited.getInput());
                RexNode condition = visited.getCondition().accept(new RexShuttle() {
                    @Override
                    public RexNode visitCall(RexCall call) {
                        if (call.getKind() != SqlKind.EQUALS) return super.visitCall(call);
                        RexNode a = call.getOperands().get(0);
                        RexNode b = call.getOperands().get(1);
                        if (innerVarcharAgainstOuterBpchar(a, b, input, outerTypes)) {
                            return rex.makeCall(SqlStdOperatorTable.EQUALS, rex.makeCall(SourceMarkers.BPCHAR, a), b);
                        }
                        if (innerVarcharAgainstOuterBpchar(b, a, input, outerTypes)) {
                            return rex.makeCall(SqlStdOperatorTable.EQUALS, a, rex.makeCall(SourceMarkers.BPCHAR, b));
                        }
                        return call;
                    }
                });
                condition = separated(condition, input, outerTypes, rex, lone);
                return condition == visited.getCondition()
                        ? visited
                        : visited.copy(visited.getTraitSet(), visited.getInput(), condition);
            }
        });
    }

    /**
     * The plan (before its subqueries are removed) with each IN subquery that Calcite will rewrite, whose
     * VARCHAR column is compared as bpchar with a CHAR(n) of the outer row, reading that column as a bpchar:
     * Calcite's rewrite joins the outer row with the subquery's distinct values, where 'a' and 'a ' were two
     * values, both equal to the outer 'a  '. Same answers otherwise (the comparison was bpchar already).
     */
    public static RelNode markInSubqueries(RelNode root) {
        StringTyping typing = new StringTyping();
        RexBuilder rex = root.getCluster().getRexBuilder();
        return root.accept(new RelShuttleImpl() {
            @Override
            public RelNode visit(LogicalFilter filter) {
                RelNode visited = super.visit(filter);
                return withMarkedIns(visited, typing.fields(visited.getInput(0)), typing, rex);
            }

            @Override
            public RelNode visit(LogicalProject project) {
                RelNode visited = super.visit(project);
                return withMarkedIns(visited, typing.fields(visited.getInput(0)), typing, rex);
            }

            @Override
            public RelNode visit(LogicalJoin join) {
                RelNode visited = super.visit(join);
                return withMarkedIns(visited, typing.joinInput(visited.getInput(0), visited.getInput(1)), typing, rex);
            }
        });
    }

    private static RelNode withMarkedIns(RelNode rel, StringTyping.Type[] input, StringTyping typing, RexBuilder rex) {
        return rel.accept(new RexShuttle() {
            @Override
            public RexNode visitSubQuery(RexSubQuery subQuery) {
                if (subQuery.getKind() != SqlKind.IN) return super.visitSubQuery(subQuery);
                StringTyping.Type[] values = typing.fields(subQuery.rel);
                List<RexNode> columns = new ArrayList<>();
                boolean marked = false;
                for (int i = 0; i < values.length; i++) {
                    RexNode column = rex.makeInputRef(subQuery.rel, i);
                    if (i < subQuery.getOperands().size()
                            && values[i] == StringTyping.Type.VARCHAR
                            && StringTyping.of(
                                            withoutStringCast(
                                                    subQuery.getOperands().get(i)),
                                            input)
                                    == StringTyping.Type.BPCHAR) {
                        column = rex.makeCall(SourceMarkers.BPCHAR, column);
                        marked = true;
                    }
                    columns.add(column);
                }
                if (!marked) return super.visitSubQuery(subQuery);
                RelNode bpchar = LogicalProject.create(
                        subQuery.rel,
                        List.of(),
                        columns,
                        subQuery.rel.getRowType().getFieldNames(),
                        Set.of());
                return subQuery.clone(bpchar);
            }
        });
    }

    private static boolean innerVarcharAgainstOuterBpchar(
            RexNode inner,
            RexNode outer,
            StringTyping.Type[] input,
            Map<CorrelationId, StringTyping.Type[]> outerTypes) {
        RexNode in = withoutStringCast(inner);
        RexNode out = withoutStringCast(outer);
        if (!(in instanceof RexInputRef ref) || input[ref.getIndex()] != StringTyping.Type.VARCHAR) return false;
        if (!(out instanceof RexFieldAccess access)
                || !(access.getReferenceExpr() instanceof RexCorrelVariable variable)) return false;
        StringTyping.Type[] types = outerTypes.get(variable.id);
        return types != null && types[access.getField().getIndex()] == StringTyping.Type.BPCHAR;
    }

    /**
     * The condition with each of its conjuncts {@code inner = outer} marked {@link SourceMarkers#CORRELATION} where the
     * same outer string is compared with several inner ones, not all of its type: Calcite's decorrelator would put
     * one inner value for the outer one in the other comparisons, which then compare otherwise (as text, not bpchar).
     * With {@code lone}, also where the outer string is compared with one inner string of the other type: a condition
     * on the outer string that Calcite pushes into the subquery ({@code WHERE (SELECT MIN(b.v) FROM b WHERE b.ch = a.v)
     * = a.v}) would read the inner value in its place, 'a' where the outer row holds 'a ', equal as bpchar only.
     */
    private static RexNode separated(
            RexNode condition,
            StringTyping.Type[] input,
            Map<CorrelationId, StringTyping.Type[]> outerTypes,
            RexBuilder rex,
            boolean lone) {
        Map<String, List<RexNode>> byOuter = new HashMap<>();
        Set<String> mixed = new HashSet<>();
        for (RexNode conjunct : RelOptUtil.conjunctions(condition)) {
            if (conjunct.getKind() != SqlKind.EQUALS) continue;
            List<RexNode> sides = ((RexCall) conjunct).getOperands();
            for (int i = 0; i < 2; i++) {
                RexNode outer = withoutStringCast(sides.get(i));
                RexNode inner = withoutStringCast(sides.get(1 - i));
                if (!(outer instanceof RexFieldAccess access)
                        || !(access.getReferenceExpr() instanceof RexCorrelVariable variable)
                        || !SqlTypeUtil.inCharFamily(outer.getType())
                        || !SqlTypeUtil.inCharFamily(inner.getType())
                        || RexUtil.containsCorrelation(inner)
                        || !outerTypes.containsKey(variable.id)) {
                    continue;
                }
                String key = variable.id + "." + access.getField().getIndex();
                byOuter.computeIfAbsent(key, k -> new ArrayList<>()).add(conjunct);
                if (StringTyping.of(inner, input)
                        != outerTypes.get(variable.id)[access.getField().getIndex()]) mixed.add(key);
            }
        }
        Set<RexNode> marked = new HashSet<>();
        for (String key : mixed) if (lone || byOuter.get(key).size() > 1) marked.addAll(byOuter.get(key));
        if (marked.isEmpty()) return condition;
        List<RexNode> conjuncts = new ArrayList<>();
        for (RexNode conjunct : RelOptUtil.conjunctions(condition)) {
            conjuncts.add(marked.contains(conjunct) ? rex.makeCall(SourceMarkers.CORRELATION, conjunct) : conjunct);
        }
        return RexUtil.composeConjunction(rex, conjuncts);
    }

    /** A cast Calcite put between string types (it widens one side of =) is no conversion in PostgreSQL. */
    static RexNode withoutStringCast(RexNode e) {
        while (e.getKind() == SqlKind.CAST
                && SqlTypeUtil.inCharFamily(((RexCall) e).getOperands().get(0).getType())) {
            e = ((RexCall) e).getOperands().get(0);
        }
        return e;
    }
}
