package io.shardview.metrics.promql.evaluation;

import io.shardview.metrics.index.Labels;
import io.shardview.metrics.promql.evaluation.Steps.Scalars;
import io.shardview.metrics.promql.evaluation.Steps.Vectors;
import io.shardview.metrics.promql.parser.Expr;
import io.shardview.metrics.promql.parser.Expr.Cardinality;
import io.shardview.metrics.promql.parser.Expr.VectorMatching;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * PromQL's binary operators at each evaluation time: between scalars; between a vector and a scalar (each element);
 * and between vectors, whose elements pair up by their labels ({@code on}/{@code ignoring}, one-to-one unless
 * {@code group_left}/{@code group_right}), or for {@code and}, {@code or}, {@code unless} select each other. Arithmetic
 * drops the metric name; a comparison filters, or with {@code bool} answers 0 or 1 (and drops the name).
 */
final class BinaryOperation {
    private BinaryOperation() {}

    static Steps apply(Expr.Binary b, Steps lhs, Steps rhs) {
        if (lhs instanceof Scalars l && rhs instanceof Scalars r) {
            double[] out = new double[l.values().length];
            for (int i = 0; i < out.length; i++) out[i] = scalars(b.op(), l.values()[i], r.values()[i]);
            return new Scalars(out);
        }
        List<List<Sample>> steps = new ArrayList<>();
        if (lhs instanceof Vectors l && rhs instanceof Vectors r) {
            for (int i = 0; i < l.steps().size(); i++) {
                steps.add(Evaluator.requireUniqueLabels(
                        vectors(b, l.steps().get(i), r.steps().get(i))));
            }
        } else {
            boolean scalarFirst = lhs instanceof Scalars;
            Vectors vectors = (Vectors) (scalarFirst ? rhs : lhs);
            Scalars scalars = (Scalars) (scalarFirst ? lhs : rhs);
            Map<Labels, Labels> unnamed = new java.util.IdentityHashMap<>(); // a series' labels: one object a step
            for (int i = 0; i < vectors.steps().size(); i++) {
                steps.add(Evaluator.requireUniqueLabels(
                        withScalar(b, vectors.steps().get(i), scalars.values()[i], scalarFirst, unnamed)));
            }
        }
        return new Vectors(steps);
    }

    private static double scalars(String op, double l, double r) {
        if (isComparison(op)) return compare(op, l, r) ? 1 : 0; // the parser asked for bool
        return arithmetic(op, l, r);
    }

    private static List<Sample> withScalar(
            Expr.Binary b, List<Sample> vector, double scalar, boolean scalarFirst, Map<Labels, Labels> unnamed) {
        List<Sample> out = new ArrayList<>(vector.size());
        String op = b.op();
        boolean dropName = dropsName(op) || b.returnBool();
        for (Sample s : vector) {
            double l = scalarFirst ? scalar : s.value();
            double r = scalarFirst ? s.value() : scalar;
            double value;
            if (isComparison(op)) {
                boolean holds = compare(op, l, r);
                if (b.returnBool()) value = holds ? 1 : 0;
                else if (holds) value = s.value(); // the vector's own value, on whichever side it stood
                else continue;
            } else {
                value = arithmetic(op, l, r);
            }
            out.add(new Sample(
                    dropName ? unnamed.computeIfAbsent(s.labels(), Labels::withoutName) : s.labels(), value));
        }
        return out;
    }

    private static List<Sample> vectors(Expr.Binary b, List<Sample> lhs, List<Sample> rhs) {
        VectorMatching m = b.matching();
        switch (b.op()) {
            case "and":
                return and(lhs, rhs, m, true);
            case "unless":
                return and(lhs, rhs, m, false);
            case "or":
                return or(lhs, rhs, m);
            default:
                break;
        }
        if (lhs.isEmpty() || rhs.isEmpty()) return List.of();
        boolean swapped = m.cardinality() == Cardinality.ONE_TO_MANY;
        List<Sample> many = swapped ? rhs : lhs;
        Map<Labels, Sample> one = new HashMap<>();
        for (Sample s : swapped ? lhs : rhs) {
            Sample duplicate = one.put(signature(s.labels(), m), s);
            if (duplicate != null) {
                throw new QueryException("found duplicate series for the match group "
                        + signature(s.labels(), m) + " on the " + (swapped ? "left" : "right")
                        + " hand-side of the operation: [" + s.labels() + ", " + duplicate.labels()
                        + "];many-to-many matching not allowed: matching labels must be unique on one side");
            }
        }
        Map<Labels, Set<Labels>> matched = new HashMap<>();
        List<Sample> out = new ArrayList<>();
        for (Sample s : many) {
            Labels sig = signature(s.labels(), m);
            Sample other = one.get(sig);
            if (other == null) continue;
            double l = swapped ? other.value() : s.value();
            double r = swapped ? s.value() : other.value();
            double value;
            if (isComparison(b.op())) {
                boolean holds = compare(b.op(), l, r);
                if (b.returnBool()) value = holds ? 1 : 0;
                else if (holds) value = l;
                else continue;
            } else {
                value = arithmetic(b.op(), l, r);
            }
            Labels labels = resultLabels(s.labels(), other.labels(), b);
            Set<Labels> seen = matched.get(sig);
            if (m.cardinality() == Cardinality.ONE_TO_ONE) {
                if (seen != null) {
                    throw new QueryException("multiple matches for labels: many-to-one matching must be explicit "
                            + "(group_left/group_right)");
                }
                matched.put(sig, Set.of());
            } else {
                if (seen == null) matched.put(sig, seen = new HashSet<>());
                if (!seen.add(labels)) {
                    throw new QueryException("multiple matches for labels: grouping labels must ensure unique matches");
                }
            }
            out.add(new Sample(labels, value));
        }
        return out;
    }

    /** The labels of a paired result: the "many" side's, matched labels kept or dropped, group_x labels copied. */
    private static Labels resultLabels(Labels many, Labels one, Expr.Binary b) {
        VectorMatching m = b.matching();
        Labels labels = dropsName(b.op()) ? many.withoutName() : many;
        if (m.cardinality() == Cardinality.ONE_TO_ONE) {
            labels = m.on() ? labels.keep(m.labels()) : labels.without(m.labels());
        }
        for (String name : m.include()) {
            String value = one.get(name);
            labels = labels.with(name, value == null ? "" : value);
        }
        return b.returnBool() ? labels.withoutName() : labels;
    }

    /** {@code and} (keep) or {@code unless} (not keep): the left elements whose match group the right has or lacks. */
    private static List<Sample> and(List<Sample> lhs, List<Sample> rhs, VectorMatching m, boolean keep) {
        if (keep && rhs.isEmpty()) return List.of();
        Set<Labels> right = new HashSet<>();
        for (Sample s : rhs) right.add(signature(s.labels(), m));
        List<Sample> out = new ArrayList<>();
        for (Sample s : lhs) if (right.contains(signature(s.labels(), m)) == keep) out.add(s);
        return out;
    }

    /** {@code or}: every left element, and the right elements of match groups the left lacks. */
    private static List<Sample> or(List<Sample> lhs, List<Sample> rhs, VectorMatching m) {
        Set<Labels> left = new HashSet<>();
        for (Sample s : lhs) left.add(signature(s.labels(), m));
        List<Sample> out = new ArrayList<>(lhs);
        for (Sample s : rhs) if (!left.contains(signature(s.labels(), m))) out.add(s);
        return out;
    }

    /** The labels an element is matched by: the {@code on} labels, or all but the ignored ones and the name. */
    private static Labels signature(Labels labels, VectorMatching m) {
        if (m.on()) return labels.keep(m.labels());
        Set<String> ignored = new HashSet<>(m.labels());
        ignored.add(Labels.METRIC_NAME);
        return labels.without(ignored);
    }

    static boolean isComparison(String op) {
        return switch (op) {
            case "==", "!=", ">", "<", ">=", "<=" -> true;
            default -> false;
        };
    }

    /** Arithmetic drops the metric name (a comparison and atan2 keep it, as in Prometheus 2). */
    private static boolean dropsName(String op) {
        return switch (op) {
            case "+", "-", "*", "/", "%", "^" -> true;
            default -> false;
        };
    }

    private static boolean compare(String op, double l, double r) {
        return switch (op) {
            case "==" -> l == r;
            case "!=" -> l != r;
            case ">" -> l > r;
            case "<" -> l < r;
            case ">=" -> l >= r;
            case "<=" -> l <= r;
            default -> throw new IllegalArgumentException("not a comparison: " + op);
        };
    }

    static double arithmetic(String op, double l, double r) {
        return switch (op) {
            case "+" -> l + r;
            case "-" -> l - r;
            case "*" -> l * r;
            case "/" -> l / r;
            case "%" -> l % r; // IEEE remainder with the dividend's sign, as Go's math.Mod
            case "^" -> pow(l, r);
            case "atan2" -> Math.atan2(l, r);
            default -> throw new IllegalArgumentException("not an arithmetic operator: " + op);
        };
    }

    /** Go's math.Pow, which differs from Java's where 1 is raised to NaN and -1 to an infinity: both are 1. */
    private static double pow(double x, double y) {
        if (x == 1) return 1;
        if (x == -1 && Double.isInfinite(y)) return 1;
        return Math.pow(x, y);
    }
}
