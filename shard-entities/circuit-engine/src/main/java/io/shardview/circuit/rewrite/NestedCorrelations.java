package io.shardview.circuit.rewrite;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.CorrelationId;
import org.apache.calcite.rel.logical.LogicalFilter;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexCorrelVariable;
import org.apache.calcite.rex.RexFieldAccess;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexShuttle;
import org.apache.calcite.rex.RexUtil;
import org.apache.calcite.sql.SqlKind;

/**
 * Plan shapes Calcite's decorrelator gets wrong, found so they can be refused. First: an expression reading fields of
 * an outer row that a subquery below it reads too, and others no '=' of its own gives ({@code a.k IN (SELECT ia.k ... WHERE
 * CAST(ia.id AS NUMERIC) = a.c2 - 1 AND ia.id IN (SELECT na.k FROM t2 na WHERE na.k = a.k))}: a.k read at both levels,
 * a.c2 only above). The decorrelator joins such an expression's input with the outer rows' distinct values and takes
 * all the fields it reads from them, a.k included, without relating that a.k to the one the subquery below was
 * decorrelated with, so a row comes out that PostgreSQL does not give. Second, found by DifferentialTest (seed
 * 4274658721855): a field read below too that a condition of its own equates with a computed value of its input
 * ({@code a.k IN (SELECT ia.id FROM t0 ia WHERE COALESCE(ia.k, 0) = a.id AND ia.id IN (SELECT na.k FROM t0 na WHERE
 * na.k = a.id))}).
 */
public final class NestedCorrelations {
    private NestedCorrelations() {}

    /** Whether the plan (with its Correlates, before decorrelation) has that shape. */
    public static boolean misread(RelNode root) {
        boolean[] found = {false};
        fieldsRead(root, found);
        return found[0];
    }

    /** The fields of each correlation variable rel and its inputs read; found: set when rel has the shape. */
    private static Map<CorrelationId, Set<Integer>> fieldsRead(RelNode rel, boolean[] found) {
        Map<CorrelationId, Set<Integer>> below = new HashMap<>();
        for (RelNode input : rel.getInputs()) {
            fieldsRead(input, found).forEach((id, f) -> below.computeIfAbsent(id, k -> new HashSet<>())
                    .addAll(f));
        }
        Map<CorrelationId, Set<Integer>> own = ownFields(rel);
        own.forEach((id, fields) -> {
            Set<Integer> fromBelow = below.getOrDefault(id, Set.of());
            if (fields.stream().noneMatch(fromBelow::contains)) return;
            Set<Integer> missing = new HashSet<>(fields);
            missing.removeAll(fromBelow);
            if (rel instanceof LogicalFilter filter) {
                missing.removeAll(equated(filter.getCondition(), id, false));
                // A field read below too, equated here with a computed value of the input (not one of its columns):
                // misread the same way (COALESCE(ia.k, 0) = a.id AND ia.id IN (SELECT ... WHERE na.k = a.id)).
                Set<Integer> computed = equated(filter.getCondition(), id, true);
                computed.retainAll(fromBelow);
                found[0] |= !computed.isEmpty();
            }
            found[0] |= !missing.isEmpty();
        });
        Map<CorrelationId, Set<Integer>> all = new HashMap<>(below);
        own.forEach((id, f) -> all.computeIfAbsent(id, k -> new HashSet<>()).addAll(f));
        return all;
    }

    /** The fields of each correlation variable rel's own expressions read. */
    private static Map<CorrelationId, Set<Integer>> ownFields(RelNode rel) {
        Map<CorrelationId, Set<Integer>> read = new HashMap<>();
        rel.accept(new RexShuttle() {
            @Override
            public RexNode visitFieldAccess(RexFieldAccess access) {
                if (access.getReferenceExpr() instanceof RexCorrelVariable v) {
                    read.computeIfAbsent(v.id, k -> new HashSet<>())
                            .add(access.getField().getIndex());
                }
                return super.visitFieldAccess(access);
            }
        });
        return read;
    }

    /**
     * The fields of the variable a conjunct of the condition equates with a value of the input alone; with
     * {@code computedOnly}, only those equated with a computed value (not a plain column of the input).
     */
    private static Set<Integer> equated(RexNode condition, CorrelationId id, boolean computedOnly) {
        Set<Integer> out = new HashSet<>();
        for (RexNode conjunct : RelOptUtil.conjunctions(condition)) {
            if (conjunct.getKind() != SqlKind.EQUALS) continue;
            for (int i = 0; i < 2; i++) {
                RexFieldAccess field = UnsafeSubstitutions.outerField(
                        ((RexCall) conjunct).getOperands().get(i));
                RexNode other = ((RexCall) conjunct).getOperands().get(1 - i);
                if (field != null
                        && ((RexCorrelVariable) field.getReferenceExpr()).id.equals(id)
                        && !RexUtil.containsCorrelation(other)
                        && !(computedOnly && other instanceof org.apache.calcite.rex.RexInputRef)) {
                    out.add(field.getField().getIndex());
                }
            }
        }
        return out;
    }
}
