package io.shardview.metrics.promql.evaluation;

import io.shardview.metrics.index.Labels;
import io.shardview.metrics.promql.evaluation.Steps.Scalars;
import io.shardview.metrics.promql.evaluation.Steps.Text;
import io.shardview.metrics.promql.evaluation.Steps.Vectors;
import io.shardview.metrics.promql.parser.Expr;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * PromQL's aggregation operators, at each evaluation time over the groups that {@code by} or {@code without} make:
 * a group's labels are the {@code by} labels, or all but the {@code without} labels and the metric name; topk and
 * bottomk keep their samples' own labels; groups come out in the order their first sample came in.
 */
final class Aggregation {
    private Aggregation() {}

    /** The labels {@code by} keeps, or {@code without} drops (with the metric name). */
    static Set<String> grouping(Expr.Aggregate a) {
        Set<String> grouping = new HashSet<>(a.grouping());
        if (a.without()) grouping.add(Labels.METRIC_NAME);
        return grouping;
    }

    static Vectors aggregate(Expr.Aggregate a, Steps input, Steps param) {
        List<List<Sample>> in = ((Vectors) input).steps();
        List<List<Sample>> out = new ArrayList<>(in.size());
        Set<String> grouping = grouping(a);
        // A series' labels are one object at every step: its group's labels are made once and looked up by identity.
        Map<Labels, Labels> keys = new java.util.IdentityHashMap<>();
        for (int i = 0; i < in.size(); i++) {
            out.add(step(a, in.get(i), grouping, param, i, keys));
        }
        return new Vectors(out);
    }

    private static List<Sample> step(
            Expr.Aggregate a, List<Sample> vector, Set<String> grouping, Steps param, int i, Map<Labels, Labels> keys) {
        String op = a.op();
        if (op.equals("topk") || op.equals("bottomk")) {
            return ranked(vector, a, grouping, k(((Scalars) param).values()[i]), op.equals("topk"));
        }
        String valueLabel = op.equals("count_values") ? ((Text) param).value() : null;
        if (valueLabel != null && !validLabelName(valueLabel)) {
            throw new QueryException("invalid label name \"" + valueLabel + "\"");
        }
        Map<Labels, Group> groups = new LinkedHashMap<>();
        for (Sample s : vector) {
            Labels key;
            if (valueLabel == null) {
                key = keys.computeIfAbsent(s.labels(), l -> groupKey(l, a, grouping, null));
            } else {
                Labels labels = s.labels().with(valueLabel, FloatFormat.format(s.value()));
                key = groupKey(labels, a, grouping, valueLabel);
            }
            groups.computeIfAbsent(key, k -> new Group()).add(op, s.value());
        }
        double q = op.equals("quantile") ? ((Scalars) param).values()[i] : 0;
        List<Sample> out = new ArrayList<>(groups.size());
        groups.forEach((labels, group) -> out.add(new Sample(labels, group.result(op, q))));
        return out;
    }

    static Labels groupKey(Labels labels, Expr.Aggregate a, Set<String> grouping, String valueLabel) {
        if (a.without()) return labels.without(grouping);
        if (valueLabel == null) return labels.keep(grouping);
        Set<String> by = new HashSet<>(grouping);
        by.add(valueLabel);
        return labels.keep(by);
    }

    /**
     * topk and bottomk: the k largest (smallest) of each group, largest (smallest) first, NaN last. Which of equal
     * values are kept follows Prometheus: a binary heap of the k kept so far, its least wanted at the root, popped
     * for a strictly better value.
     */
    private static List<Sample> ranked(
            List<Sample> vector, Expr.Aggregate a, Set<String> grouping, long k, boolean top) {
        if (k < 1) return List.of();
        Map<Labels, KeptHeap> groups = new LinkedHashMap<>();
        for (Sample s : vector) {
            groups.computeIfAbsent(groupKey(s.labels(), a, grouping, null), x -> new KeptHeap(top))
                    .offer(s, k);
        }
        Comparator<Sample> order = (x, y) -> {
            boolean xNan = Double.isNaN(x.value());
            boolean yNan = Double.isNaN(y.value());
            if (xNan || yNan) return Boolean.compare(xNan, yNan);
            return top ? Double.compare(y.value(), x.value()) : Double.compare(x.value(), y.value());
        };
        List<Sample> out = new ArrayList<>();
        for (KeptHeap heap : groups.values()) {
            List<Sample> kept = new ArrayList<>(heap.items);
            kept.sort(order);
            out.addAll(kept);
        }
        return out;
    }

    /** The binary heap topk (bottomk) keeps per group: the smallest (largest) at the root, NaN below every number. */
    private static final class KeptHeap {
        private final boolean top;
        private final List<Sample> items = new ArrayList<>();

        KeptHeap(boolean top) {
            this.top = top;
        }

        /**
         * Keeps {@code s} while fewer than k are kept, or when it is better than the root or the root is NaN: the root
         * is popped (the last item moved up and sifted down) and {@code s} pushed, as Prometheus 2 does.
         */
        void offer(Sample s, long k) {
            if (items.size() >= k) {
                double root = items.get(0).value();
                boolean better = top ? root < s.value() : root > s.value();
                if (!better && !Double.isNaN(root)) return;
                if (k == 1) {
                    items.set(0, s);
                    return;
                }
                int last = items.size() - 1;
                java.util.Collections.swap(items, 0, last);
                down(0, last);
                items.remove(last);
            }
            items.add(s);
            up(items.size() - 1);
        }

        /** Whether item i belongs nearer the root than item j. */
        private boolean less(int i, int j) {
            double a = items.get(i).value();
            if (Double.isNaN(a)) return true;
            double b = items.get(j).value();
            return top ? a < b : a > b;
        }

        private void up(int j) {
            while (j > 0) {
                int parent = (j - 1) / 2;
                if (!less(j, parent)) break;
                java.util.Collections.swap(items, parent, j);
                j = parent;
            }
        }

        private void down(int start, int n) {
            int i = start;
            while (true) {
                int child = 2 * i + 1;
                if (child >= n) break;
                if (child + 1 < n && less(child + 1, child)) child++;
                if (!less(child, i)) break;
                java.util.Collections.swap(items, i, child);
                i = child;
            }
        }
    }

    private static long k(double value) {
        if (Double.isNaN(value) || value >= 0x1p63 || value < -0x1p63) {
            throw new QueryException("Scalar value " + FloatFormat.format(value) + " overflows int64");
        }
        return (long) value;
    }

    /**
     * The φ-quantile of {@code values} (0 ≤ φ ≤ 1; -Inf below, +Inf above), interpolating between the two closest
     * ranks; NaN for no values.
     */
    static double quantile(double q, double[] values) {
        if (values.length == 0) return Double.NaN;
        if (q < 0) return Double.NEGATIVE_INFINITY;
        if (q > 1) return Double.POSITIVE_INFINITY;
        double[] sorted = values.clone();
        sortNanFirst(sorted);
        double n = sorted.length;
        double rank = q * (n - 1);
        double lower = Math.max(0, Math.floor(rank));
        double upper = Math.min(n - 1, lower + 1);
        double weight = rank - Math.floor(rank);
        return sorted[(int) lower] * (1 - weight) + sorted[(int) upper] * weight;
    }

    /** Ascending, NaN before every number (as Prometheus orders values for quantiles). */
    private static void sortNanFirst(double[] values) {
        Arrays.sort(values); // NaN last
        int nans = 0;
        for (int i = values.length - 1; i >= 0 && Double.isNaN(values[i]); i--) nans++;
        if (nans == 0) return;
        System.arraycopy(values, 0, values, nans, values.length - nans);
        Arrays.fill(values, 0, nans, Double.NaN);
    }

    static boolean validLabelName(String name) {
        if (name.isEmpty()) return false;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
            if (!letter && !(i > 0 && c >= '0' && c <= '9')) return false;
        }
        return true;
    }

    /** One group's running state. */
    private static final class Group {
        private double value;
        private double mean;
        private double count;
        private final List<Double> all = new ArrayList<>();

        void add(String op, double v) {
            count++;
            switch (op) {
                case "sum" -> value = count == 1 ? v : value + v;
                case "avg" -> {
                    if (Double.isInfinite(mean)) {
                        if (Double.isInfinite(v) && (mean > 0) == (v > 0)) return;
                        if (!Double.isInfinite(v) && !Double.isNaN(v)) return;
                    }
                    mean += v / count - mean / count;
                }
                case "max" -> value = count == 1 || v > value || Double.isNaN(value) ? v : value;
                case "min" -> value = count == 1 || v < value || Double.isNaN(value) ? v : value;
                case "stddev", "stdvar" -> {
                    if (count == 1) { // a first infinity gives 0, not NaN, as in Prometheus
                        mean = v;
                        return;
                    }
                    double delta = v - mean;
                    mean += delta / count;
                    value += delta * (v - mean);
                }
                case "quantile" -> all.add(v);
                default -> {} // count, group, count_values: the count is enough
            }
        }

        double result(String op, double q) {
            return switch (op) {
                case "sum", "min", "max" -> value;
                case "avg" -> mean;
                case "count", "count_values" -> count;
                case "group" -> 1;
                case "stdvar" -> value / count;
                case "stddev" -> Math.sqrt(value / count);
                case "quantile" -> quantile(
                        q, all.stream().mapToDouble(Double::doubleValue).toArray());
                default -> throw new IllegalArgumentException("unknown aggregation " + op);
            };
        }
    }
}
