package io.shardview.circuit.rewrite;

import com.google.common.collect.ImmutableList;
import io.shardview.circuit.pg.FixedChar;
import io.shardview.circuit.plan.SqlSelects;
import io.shardview.circuit.plan.StringTyping;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelShuttleImpl;
import org.apache.calcite.rel.core.CorrelationId;
import org.apache.calcite.rel.logical.LogicalCorrelate;
import org.apache.calcite.rel.logical.LogicalFilter;
import org.apache.calcite.rel.logical.LogicalJoin;
import org.apache.calcite.rel.logical.LogicalProject;
import org.apache.calcite.rel.logical.LogicalValues;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexCorrelVariable;
import org.apache.calcite.rex.RexFieldAccess;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexShuttle;
import org.apache.calcite.rex.RexSubQuery;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.util.SqlShuttle;
import org.apache.calcite.util.NlsString;

/**
 * Each string literal compared with a bpchar (CHAR(n)) value written without its trailing blanks, which do not count
 * in that comparison ({@code ch < 'a '} is {@code ch < 'a'}). Calcite's decorrelator simplifies the conditions it
 * moves, merging comparisons of one value with literals into ranges ordered as Java orders strings, where 'a' is less
 * than 'a ': {@code ch < 'a ' OR ch <> 'a'} became {@code ch IS NOT NULL}, TRUE for the CHAR 'a', which PostgreSQL
 * finds neither less than 'a ' nor other than 'a'. Without trailing blanks, the literals order as the bpchar values
 * they stand for, so the ranges Calcite merges are PostgreSQL's (SQL revision 10 and later). Done before anything
 * simplifies: the rewrite of NOT IN into a join (InSubQueries) simplifies its subquery's condition too. The strings
 * of a long IN list compared with a bpchar are trimmed as well (see {@code inList}).
 */
public final class BpcharLiterals {
    private static final Set<SqlKind> COMPARISONS = EnumSet.of(
            SqlKind.EQUALS,
            SqlKind.NOT_EQUALS,
            SqlKind.LESS_THAN,
            SqlKind.LESS_THAN_OR_EQUAL,
            SqlKind.GREATER_THAN,
            SqlKind.GREATER_THAN_OR_EQUAL,
            SqlKind.IS_DISTINCT_FROM,
            SqlKind.IS_NOT_DISTINCT_FROM);

    private BpcharLiterals() {}

    /**
     * The query with each {@code IN (VALUES ...)} written as {@code IN (SELECT * FROM (VALUES ...))}, the same query to
     * PostgreSQL (a subquery over VALUES, whose strings are text), which Calcite plans with a Project above the VALUES,
     * so {@link #trim} tells it from an IN list (a VALUES alone below the IN).
     */
    public static SqlNode valuesSubqueries(SqlNode query) {
        return query.accept(new SqlShuttle() {
            @Override
            public SqlNode visit(SqlCall call) {
                SqlNode visited = super.visit(call);
                if (!(visited instanceof SqlCall c)
                        || (c.getKind() != SqlKind.IN && c.getKind() != SqlKind.NOT_IN)
                        || c.operandCount() != 2
                        || c.operand(1).getKind() != SqlKind.VALUES) return visited;
                SqlParserPos pos = c.operand(1).getParserPosition();
                SqlNode from =
                        SqlStdOperatorTable.AS.createCall(pos, c.operand(1), new SqlIdentifier("in_values", pos));
                SqlSelect select = SqlSelects.of(pos, SqlNodeList.of(SqlIdentifier.star(pos)), from);
                return c.getOperator()
                        .createCall(c.getFunctionQuantifier(), c.getParserPosition(), c.operand(0), select);
            }
        });
    }

    /** The plan (its subqueries not yet removed) with such literals trimmed, in its subqueries too. */
    public static RelNode trim(RelNode root) {
        return root.accept(new Trimmer(root.getCluster().getRexBuilder()));
    }

    /**
     * Trims the literals of each relational expression's conditions and values, after those of its inputs, so the
     * string types of the outer rows its subqueries are correlated to are known when its own subqueries are trimmed.
     */
    private static final class Trimmer extends RelShuttleImpl {
        private final StringTyping typing = new StringTyping();
        private final Map<CorrelationId, StringTyping.Type[]> outerTypes = new HashMap<>();
        private final RexBuilder rex;

        Trimmer(RexBuilder rex) {
            this.rex = rex;
        }

        @Override
        public RelNode visit(LogicalFilter filter) {
            LogicalFilter f = (LogicalFilter) super.visit(filter);
            RexNode c = f.getCondition().accept(rexTrimmer(typing.fields(f.getInput()), f.getVariablesSet()));
            return c == f.getCondition() ? f : f.copy(f.getTraitSet(), f.getInput(), c);
        }

        @Override
        public RelNode visit(LogicalJoin join) {
            LogicalJoin j = (LogicalJoin) super.visit(join);
            StringTyping.Type[] input = typing.joinInput(j.getLeft(), j.getRight());
            RexNode c = j.getCondition().accept(rexTrimmer(input, j.getVariablesSet()));
            return c == j.getCondition()
                    ? j
                    : j.copy(j.getTraitSet(), c, j.getLeft(), j.getRight(), j.getJoinType(), j.isSemiJoinDone());
        }

        @Override
        public RelNode visit(LogicalProject project) {
            LogicalProject p = (LogicalProject) super.visit(project);
            List<RexNode> exprs =
                    rexTrimmer(typing.fields(p.getInput()), p.getVariablesSet()).apply(p.getProjects());
            return exprs.equals(p.getProjects()) ? p : p.copy(p.getTraitSet(), p.getInput(), exprs, p.getRowType());
        }

        @Override
        public RelNode visit(LogicalCorrelate correlate) {
            outerTypes.put(correlate.getCorrelationId(), typing.fields(correlate.getLeft()));
            return super.visit(correlate);
        }

        /** A shuttle over expressions reading input, whose subqueries may read it as the given variables. */
        private RexShuttle rexTrimmer(StringTyping.Type[] input, Set<CorrelationId> variables) {
            for (CorrelationId id : variables) outerTypes.put(id, input);
            RelShuttleImpl rels = this;
            return new RexShuttle() {
                @Override
                public RexNode visitSubQuery(RexSubQuery subQuery) {
                    RexSubQuery visited = (RexSubQuery) super.visitSubQuery(subQuery);
                    RelNode rel = visited.rel.accept(rels);
                    if (visited.getKind() == SqlKind.IN && rel instanceof LogicalValues list) {
                        rel = inList(list, visited.getOperands(), input, outerTypes, rex);
                    }
                    return rel == visited.rel ? visited : visited.clone(rel);
                }

                @Override
                public RexNode visitCall(RexCall call) {
                    RexCall visited = (RexCall) super.visitCall(call);
                    if (!COMPARISONS.contains(visited.getKind())) return visited;
                    RexNode a = visited.getOperands().get(0);
                    RexNode b = visited.getOperands().get(1);
                    RexNode ta = trimmed(a, b, input, outerTypes, rex);
                    RexNode tb = trimmed(b, a, input, outerTypes, rex);
                    return ta == a && tb == b ? visited : visited.clone(visited.getType(), List.of(ta, tb));
                }
            };
        }
    }

    /**
     * An IN list ({@code ch IN ('a ', 'b', ...)}, which Calcite plans as an IN over a VALUES relation from 20 values on)
     * with the strings compared with a bpchar value written without their trailing blanks: its values are text to the
     * engine, and a bpchar compared with text compares without its own blanks, so the comparison is bpchar's, as
     * PostgreSQL types each value of the list by the value before IN. (A subquery over VALUES is not one: its strings
     * are text in PostgreSQL too, and Calcite plans it with a Project above the VALUES.)
     */
    private static RelNode inList(
            LogicalValues list,
            List<RexNode> operands,
            StringTyping.Type[] input,
            Map<CorrelationId, StringTyping.Type[]> outerTypes,
            RexBuilder rex) {
        boolean[] bpchar = new boolean[list.getRowType().getFieldCount()];
        boolean any = false;
        for (int i = 0; i < bpchar.length && i < operands.size(); i++) {
            bpchar[i] = type(operands.get(i), input, outerTypes) == StringTyping.Type.BPCHAR;
            any |= bpchar[i];
        }
        if (!any) return list;
        ImmutableList.Builder<ImmutableList<RexLiteral>> tuples = ImmutableList.builder();
        for (List<RexLiteral> tuple : list.getTuples()) {
            ImmutableList.Builder<RexLiteral> values = ImmutableList.builder();
            for (int i = 0; i < tuple.size(); i++) {
                RexLiteral value = tuple.get(i);
                values.add(bpchar[i] ? withoutTrailingBlanks(value, rex) : value);
            }
            tuples.add(values.build());
        }
        return LogicalValues.create(list.getCluster(), list.getRowType(), tuples.build());
    }

    /** operand without its trailing blanks if it is a string literal compared with a bpchar value, else operand. */
    private static RexNode trimmed(
            RexNode operand,
            RexNode other,
            StringTyping.Type[] input,
            Map<CorrelationId, StringTyping.Type[]> outerTypes,
            RexBuilder rex) {
        RexNode e = BpcharCorrelations.withoutStringCast(operand);
        if (!(e instanceof RexLiteral literal)
                || !(literal.getValue() instanceof NlsString text)
                || type(other, input, outerTypes) != StringTyping.Type.BPCHAR) return operand;
        RexLiteral trimmed = withoutTrailingBlanks(literal, rex);
        return trimmed == literal ? operand : trimmed;
    }

    /** A string literal without its trailing blanks (itself if it has none, or is not a string). */
    private static RexLiteral withoutTrailingBlanks(RexLiteral literal, RexBuilder rex) {
        if (!(literal.getValue() instanceof NlsString text)) return literal;
        String stripped = FixedChar.stripTrailingBlanks(text.getValue());
        if (stripped.equals(text.getValue())) return literal;
        return rex.makeCharLiteral(new NlsString(stripped, text.getCharsetName(), text.getCollation()));
    }

    /** e's string type; an outer row's field, which StringTyping does not see, has the type it has in that row. */
    private static StringTyping.Type type(
            RexNode e, StringTyping.Type[] input, Map<CorrelationId, StringTyping.Type[]> outerTypes) {
        RexNode bare = BpcharCorrelations.withoutStringCast(e);
        if (bare instanceof RexFieldAccess access && access.getReferenceExpr() instanceof RexCorrelVariable v) {
            StringTyping.Type[] types = outerTypes.get(v.id);
            int field = access.getField().getIndex();
            return types == null || field >= types.length ? StringTyping.Type.OTHER : types[field];
        }
        return StringTyping.of(e, input);
    }
}
