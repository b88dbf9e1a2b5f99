package io.shardview.circuit.sql;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Aggregate;
import org.apache.calcite.rel.core.AggregateCall;
import org.apache.calcite.rel.core.Window;
import org.apache.calcite.rel.externalize.RelJsonWriter;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexShuttle;
import org.apache.calcite.sql.SqlExplainLevel;
import org.apache.calcite.sql.SqlOperator;

/**
 * A view's plan as text (Calcite's RelJson), kept in snapshots so a restore compiles the view from it instead of
 * planning its SELECT again (parsing, validation and rewriting cost milliseconds a view; a tenant of thousands of views,
 * more than the plan cache holds, paid them all at every recovery). Only a plan that reads back as the very same plan
 * is kept: {@link #of} reads its text back at once and compares the two node by node (classes, row types, every
 * expression with its operator and type, aggregate and window calls); a plan with a part RelJson cannot write or
 * read (the engine's own join nodes, an operator two functions share a name with) gets no text, and is planned again
 * at restore as before.
 */
public final class PlanJson {
    private PlanJson() {}

    /**
     * Reads plans as text over one tenant's relations, many plans with one catalog per SQL revision: a restore (or a
     * snapshot finding its views' texts) reads thousands. Closed once done, it lets go of the relations.
     */
    public static final class Reader implements AutoCloseable {
        private final Relations relations;
        private final Map<Integer, SqlPlanner.JsonReading> byRevision = new HashMap<>();

        public Reader(Relations relations) {
            this.relations = relations;
        }

        /** The plan a text of {@link #of} holds, made under {@code revision}, or null when it cannot be read. */
        public RelNode read(String json, int revision) {
            try {
                return byRevision
                        .computeIfAbsent(revision, r -> new SqlPlanner.JsonReading(relations, r))
                        .read(json);
            } catch (Exception | AssertionError cannotRead) {
                return null;
            }
        }

        @Override
        public void close() {
            byRevision.values().forEach(SqlPlanner.JsonReading::detach);
        }
    }

    /** The plan as text, or null when it does not read back as the same plan with {@code reader}. */
    public static String of(RelNode plan, Reader reader, int revision) {
        String json;
        try {
            RelJsonWriter writer = new RelJsonWriter();
            plan.explain(writer);
            json = writer.asString();
        } catch (RuntimeException | AssertionError cannotWrite) {
            return null;
        }
        RelNode back = reader.read(json, revision);
        try {
            return back != null && same(plan, back) ? json : null;
        } catch (RuntimeException | AssertionError cannotCompare) {
            // Rendering a plan asks Calcite's metadata, whose cache is not for two threads at once: a plan the plan
            // cache shares between tenants can meet another snapshot's here (CyclicMetadataException). No text then:
            // the view is planned at its restore.
            return null;
        }
    }

    /** Whether two plans are the same, node by node. */
    static boolean same(RelNode a, RelNode b) {
        if (a.getClass() != b.getClass()) return false;
        if (!a.getRowType().getFullTypeString().equals(b.getRowType().getFullTypeString())) return false;
        if (!RelOptUtil.toString(a, SqlExplainLevel.EXPPLAN_ATTRIBUTES)
                .equals(RelOptUtil.toString(b, SqlExplainLevel.EXPPLAN_ATTRIBUTES))) return false;
        if (!sameExpressions(expressions(a), expressions(b))) return false;
        if (a instanceof Aggregate x && !sameAggregateCalls(x.getAggCallList(), ((Aggregate) b).getAggCallList()))
            return false;
        if (a instanceof Window x && !sameWindows(x, (Window) b)) return false;
        List<RelNode> inputs = a.getInputs();
        if (inputs.size() != b.getInputs().size()) return false;
        for (int i = 0; i < inputs.size(); i++) {
            if (!same(inputs.get(i), b.getInputs().get(i))) return false;
        }
        return true;
    }

    /** Every expression of one node (not its inputs'), each call before its operands. */
    private static List<RexNode> expressions(RelNode rel) {
        Collector all = new Collector();
        rel.accept(all);
        return all.found;
    }

    /** Expressions and every expression inside them, each call before its operands. */
    private static List<RexNode> flattened(List<RexNode> expressions) {
        Collector all = new Collector();
        expressions.forEach(e -> e.accept(all));
        return all.found;
    }

    /** Collects the expressions it visits, in order. */
    private static final class Collector extends RexShuttle {
        final List<RexNode> found = new ArrayList<>();

        @Override
        public RexNode visitCall(RexCall call) {
            found.add(call);
            return super.visitCall(call);
        }

        @Override
        public RexNode visitOver(org.apache.calcite.rex.RexOver over) {
            found.add(over);
            return super.visitOver(over);
        }

        @Override
        public RexNode visitInputRef(org.apache.calcite.rex.RexInputRef ref) {
            found.add(ref);
            return ref;
        }

        @Override
        public RexNode visitLocalRef(org.apache.calcite.rex.RexLocalRef ref) {
            found.add(ref);
            return ref;
        }

        @Override
        public RexNode visitLiteral(org.apache.calcite.rex.RexLiteral literal) {
            found.add(literal);
            return literal;
        }

        @Override
        public RexNode visitFieldAccess(org.apache.calcite.rex.RexFieldAccess access) {
            found.add(access);
            return super.visitFieldAccess(access);
        }

        @Override
        public RexNode visitCorrelVariable(org.apache.calcite.rex.RexCorrelVariable variable) {
            found.add(variable);
            return variable;
        }

        @Override
        public RexNode visitDynamicParam(org.apache.calcite.rex.RexDynamicParam param) {
            found.add(param);
            return param;
        }

        @Override
        public RexNode visitSubQuery(org.apache.calcite.rex.RexSubQuery subQuery) {
            found.add(subQuery);
            return super.visitSubQuery(subQuery);
        }
    }

    private static boolean sameExpressions(List<RexNode> a, List<RexNode> b) {
        if (a.size() != b.size()) return false;
        for (int i = 0; i < a.size(); i++) {
            RexNode x = a.get(i);
            RexNode y = b.get(i);
            if (x.getClass() != y.getClass()) return false;
            if (!x.toString().equals(y.toString())) return false;
            if (!x.getType().getFullTypeString().equals(y.getType().getFullTypeString())) return false;
            if (x instanceof RexCall call && !sameOperator(call.getOperator(), ((RexCall) y).getOperator()))
                return false;
        }
        return true;
    }

    /** The same operator: the one instance, as the compiler tells markers apart by instance. */
    private static boolean sameOperator(SqlOperator a, SqlOperator b) {
        return a == b;
    }

    private static boolean sameAggregateCalls(List<AggregateCall> a, List<AggregateCall> b) {
        if (a.size() != b.size()) return false;
        for (int i = 0; i < a.size(); i++) {
            AggregateCall x = a.get(i);
            AggregateCall y = b.get(i);
            if (!sameOperator(x.getAggregation(), y.getAggregation())) return false;
            if (!x.toString().equals(y.toString())) return false;
            if (!x.getType().getFullTypeString().equals(y.getType().getFullTypeString())) return false;
        }
        return true;
    }

    private static boolean sameWindows(Window a, Window b) {
        if (a.groups.size() != b.groups.size() || a.constants.size() != b.constants.size()) return false;
        for (int g = 0; g < a.groups.size(); g++) {
            Window.Group x = a.groups.get(g);
            Window.Group y = b.groups.get(g);
            if (!x.toString().equals(y.toString()) || x.aggCalls.size() != y.aggCalls.size()) return false;
            for (int c = 0; c < x.aggCalls.size(); c++) {
                Window.RexWinAggCall p = x.aggCalls.get(c);
                Window.RexWinAggCall q = y.aggCalls.get(c);
                if (!sameOperator(p.getOperator(), q.getOperator())) return false;
                if (!p.getType().getFullTypeString().equals(q.getType().getFullTypeString())) return false;
                if (!sameExpressions(flattened(p.getOperands()), flattened(q.getOperands()))) return false;
            }
        }
        return sameExpressions(flattened(new ArrayList<>(a.constants)), flattened(new ArrayList<>(b.constants)));
    }
}
