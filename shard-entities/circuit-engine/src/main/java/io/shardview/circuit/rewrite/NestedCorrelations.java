package io.shardview.circuit.rewrite;

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
import org.apache.calcite.rel.core.RelFactories;
import org.apache.calcite.rel.logical.LogicalFilter;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexCorrelVariable;
import org.apache.calcite.rex.RexFieldAccess;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexShuttle;
import org.apache.calcite.rex.RexUtil;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql2rel.CorrelateProjectExtractor;

/**
 * Plan shapes Calcite's decorrelator gets wrong: a level of subquery between an outer row and a subquery correlated to
 * it that reads fields of that row the inner subquery reads too, beside others. The decorrelator joins such a level's
 * input with the outer rows' distinct values of every field it reads and takes them all from there, the ones the
 * inner subquery was decorrelated with included, without relating the two, so rows come out that PostgreSQL does not
 * give ({@code a.k IN (SELECT ia.k ... WHERE CAST(ia.id AS NUMERIC) = a.c2 - 1 AND ia.id IN (SELECT na.k FROM t2 na
 * WHERE na.k = a.k))}; DifferentialTest seed 7318855281965: {@code ia.id = a.id AND ia.k IN (SELECT na.k FROM t1 na
 * WHERE na.id = a.id)}). {@link #split} mends a filter whose conditions each read one kind or the other (SQL revision
 * 7); {@link #misread} finds what stays, which is refused: a condition reading fields of both kinds, and (DifferentialTest
 * seed 4274658721855) a field read below equated at the level with a computed value of its input ({@code a.k IN
 * (SELECT ia.id FROM t0 ia WHERE COALESCE(ia.k, 0) = a.id AND ia.id IN (SELECT na.k FROM t0 na WHERE na.k =
 * a.id))}).
 */
public final class NestedCorrelations {
    private NestedCorrelations() {}

    /**
     * The plan (with its Correlates, before decorrelation) with each filter that reads fields of an outer row, some
     * of which a subquery below it reads too, split in two: below, the conjuncts reading none of those, above, the
     * rest. Calcite's decorrelator (1.42) makes the fields a filter reads from a subquery's values where that
     * subquery gives them all, else from the filter's own equalities ({@code ia.k = a.k}) where they give all it
     * lacks, and else from a fresh join with the outer rows' distinct values for every field the filter reads,
     * which replaces the ones the subquery gave without relating the two: {@code a.k IN (SELECT ia.k FROM t0 ia
     * WHERE ia.id = a.id AND ia.k IN (SELECT na.k FROM t1 na WHERE na.id = a.id))} came out with the innermost
     * {@code na.id = a.id} lost (DifferentialTest seed 7318855281965). Split, the lower filter takes what its
     * equalities give beside the subquery's fields, and the upper one finds all it reads below. A filter where a
     * conjunct reads fields of both kinds that no lower conjunct gives stays as it is ({@link #misread} refuses it).
     */
    public static RelNode split(RelNode root) {
        return root.accept(new RelShuttleImpl() {
            @Override
            public RelNode visit(LogicalFilter filter) {
                LogicalFilter visited = (LogicalFilter) super.visit(filter);
                Map<CorrelationId, Set<Integer>> below = fieldsRead(visited.getInput(), new boolean[1]);
                List<RexNode> lower = new ArrayList<>();
                List<RexNode> upper = new ArrayList<>();
                for (RexNode conjunct : RelOptUtil.conjunctions(visited.getCondition())) {
                    boolean readBelow = ownFields(conjunct).entrySet().stream().anyMatch(e -> e.getValue().stream()
                            .anyMatch(below.getOrDefault(e.getKey(), Set.of())::contains));
                    (readBelow ? upper : lower).add(conjunct);
                }
                if (lower.isEmpty() || upper.isEmpty()) return visited;
                RexBuilder rex = visited.getCluster().getRexBuilder();
                RexNode lowerCondition = RexUtil.composeConjunction(rex, lower);
                RexNode upperCondition = RexUtil.composeConjunction(rex, upper);
                Map<CorrelationId, Set<Integer>> lowerFields = ownFields(lowerCondition);
                if (lowerFields.isEmpty()) return visited; // the lower conditions read no outer row: nothing to mend
                Map<CorrelationId, Set<Integer>> given = new HashMap<>(below);
                lowerFields.forEach((id, f) ->
                        given.computeIfAbsent(id, k -> new HashSet<>()).addAll(f));
                boolean upperGiven = ownFields(upperCondition).entrySet().stream()
                        .allMatch(e -> given.getOrDefault(e.getKey(), Set.of()).containsAll(e.getValue()));
                if (!upperGiven) return visited;
                var variables = com.google.common.collect.ImmutableSet.copyOf(visited.getVariablesSet());
                return LogicalFilter.create(
                        LogicalFilter.create(visited.getInput(), lowerCondition, variables), upperCondition, variables);
            }
        });
    }

    /**
     * The plan (with its Correlates, before decorrelation) with each computation over an outer row's fields alone that
     * a subquery reads ({@code CAST(a.c0 AS NUMERIC)}) computed beside the outer rows instead, and read as a field of
     * theirs, as Calcite's decorrelator does first (its {@link CorrelateProjectExtractor}). Done here, {@link #split}
     * and {@link #misread} see the fields the decorrelator will: a level comparing {@code ia.c0 <= CAST(a.c0 AS
     * NUMERIC) + 1} beside an inner subquery correlated by {@code na.k = a.c0} reads a computed field the inner one
     * does not give, which the decorrelator took, with a.c0, from a fresh join with the outer rows, losing the inner
     * level's link (DifferentialTest seed 8210326603187 gave rows PostgreSQL does not). The decorrelator's own pass
     * then finds nothing left to extract.
     */
    public static RelNode extractComputations(RelNode root) {
        return root.accept(new CorrelateProjectExtractor(RelFactories.LOGICAL_BUILDER));
    }

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
                // A field read below too, equated here with a computed value of the input (not one of its columns):
                // misread the same way (COALESCE(ia.k, 0) = a.id AND ia.id IN (SELECT ... WHERE na.k = a.id)).
                Set<Integer> computed = equatedWithComputedValues(filter.getCondition(), id);
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
        rel.accept(fieldCollector(read));
        return read;
    }

    /** The fields of each correlation variable e reads. */
    private static Map<CorrelationId, Set<Integer>> ownFields(RexNode e) {
        Map<CorrelationId, Set<Integer>> read = new HashMap<>();
        e.accept(fieldCollector(read));
        return read;
    }

    private static RexShuttle fieldCollector(Map<CorrelationId, Set<Integer>> read) {
        return new RexShuttle() {
            @Override
            public RexNode visitFieldAccess(RexFieldAccess access) {
                if (access.getReferenceExpr() instanceof RexCorrelVariable v) {
                    read.computeIfAbsent(v.id, k -> new HashSet<>())
                            .add(access.getField().getIndex());
                }
                return super.visitFieldAccess(access);
            }
        };
    }

    /** The fields of the variable a conjunct of the condition equates with a computed value of the input alone. */
    private static Set<Integer> equatedWithComputedValues(RexNode condition, CorrelationId id) {
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
                        && !(other instanceof org.apache.calcite.rex.RexInputRef)) {
                    out.add(field.getField().getIndex());
                }
            }
        }
        return out;
    }
}
