package io.shardview.metrics.promql.evaluation;

import io.shardview.metrics.index.Labels;
import io.shardview.metrics.promql.evaluation.Steps.Vectors;
import io.shardview.metrics.promql.parser.Expr;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An aggregation computed in two steps ({@link Pushdown}): each shard folds its own series into one partial per group
 * and evaluation time, and the serving node folds the shards' partials. sum adds, min and max compare (a NaN gives way
 * to any number, as in one pass), count and group count; avg keeps Prometheus's running mean per shard (no overflow
 * where a sum would) and merges two means weighted by their counts, with Prometheus's infinities: a NaN anywhere is
 * NaN, infinities of both signs NaN, of one sign that infinity. Only the order of the additions differs from one pass
 * over all series, and with it, at most, the last bits of a sum or mean.
 */
public final class PartialAggregation {
    private PartialAggregation() {}

    /**
     * One group's partial: at each evaluation time, how many series had a value ({@code counts}, 0 where none) and
     * their sum, min or max ({@code values}; unused for count and group).
     */
    public record Group(Labels labels, double[] values, long[] counts) {}

    /** Folds the vectors of {@code a}'s expression at every time into partials per group. */
    static List<Group> fold(Expr.Aggregate a, Vectors input) {
        Set<String> grouping = Aggregation.grouping(a);
        int steps = input.steps().size();
        Map<Labels, Group> groups = new LinkedHashMap<>();
        // A series' labels are one object at every step: its group is looked up by identity after the first.
        Map<Labels, Group> bySeries = new java.util.IdentityHashMap<>();
        Op op = Op.of(a.op());
        for (int i = 0; i < steps; i++) {
            for (Sample s : input.steps().get(i)) {
                Group g = bySeries.get(s.labels());
                if (g == null) {
                    Labels key = Aggregation.groupKey(s.labels(), a, grouping, null);
                    g = groups.computeIfAbsent(key, k -> new Group(k, new double[steps], new long[steps]));
                    bySeries.put(s.labels(), g);
                }
                add(op, g, i, s.value(), 1);
            }
        }
        return new ArrayList<>(groups.values());
    }

    /**
     * Folds distinct series computed series by series into partials per group, as {@link #fold(Expr.Aggregate,
     * Vectors)} folds their vectors: groups in the order a pass time by time meets them, and at each time a group's
     * series added in the same order, so the same sums to the last bit.
     */
    static List<Group> fold(Expr.Aggregate a, Calls.Columns input) {
        Set<String> grouping = Aggregation.grouping(a);
        int steps = input.steps();
        boolean[][] present = input.present();
        int[] firstTime = new int[present.length];
        List<Integer> order = new ArrayList<>();
        for (int k = 0; k < present.length; k++) {
            if (present[k] == null) continue;
            int i = 0;
            while (!present[k][i]) i++;
            firstTime[k] = i;
            order.add(k);
        }
        order.sort(Comparator.<Integer>comparingInt(k -> firstTime[k]).thenComparingInt(k -> k));
        Map<Labels, Group> groups = new LinkedHashMap<>();
        Group[] groupOf = new Group[present.length];
        for (int k : order) {
            Labels key = Aggregation.groupKey(input.labels()[k], a, grouping, null);
            groupOf[k] = groups.computeIfAbsent(key, g -> new Group(g, new double[steps], new long[steps]));
        }
        Op op = Op.of(a.op());
        for (int k = 0; k < present.length; k++) {
            if (present[k] == null) continue;
            double[] values = input.values()[k];
            for (int i = 0; i < steps; i++) {
                if (present[k][i]) add(op, groupOf[k], i, values[i], 1);
            }
        }
        return new ArrayList<>(groups.values());
    }

    /** The aggregation's vectors from every shard's partials. */
    static Vectors merge(Expr.Aggregate a, List<List<Group>> shards, int steps) {
        Map<Labels, Group> groups = new LinkedHashMap<>();
        Op op = Op.of(a.op());
        for (List<Group> shard : shards) {
            for (Group part : shard) {
                Group g = groups.computeIfAbsent(part.labels(), k -> new Group(k, new double[steps], new long[steps]));
                for (int i = 0; i < steps; i++) {
                    if (part.counts()[i] > 0) add(op, g, i, part.values()[i], part.counts()[i]);
                }
            }
        }
        List<List<Sample>> out = new ArrayList<>(steps);
        for (int i = 0; i < steps; i++) {
            List<Sample> step = new ArrayList<>();
            for (Group g : groups.values()) {
                if (g.counts()[i] == 0) continue;
                double value =
                        switch (a.op()) {
                            case "count" -> g.counts()[i];
                            case "group" -> 1;
                            default -> g.values()[i];
                        };
                step.add(new Sample(g.labels(), value));
            }
            out.add(step);
        }
        return new Vectors(out);
    }

    /** The mean of a mean {@code a} of {@code n} values and a mean {@code b} of {@code m} more, as one pass gives it. */
    private static double mean(double a, long n, double b, long m) {
        if (Double.isNaN(a) || Double.isNaN(b)) return Double.NaN;
        if (Double.isInfinite(a) || Double.isInfinite(b)) {
            if (Double.isInfinite(a) && Double.isInfinite(b) && (a > 0) != (b > 0)) return Double.NaN;
            return Double.isInfinite(a) ? a : b;
        }
        double w = (double) m / (n + m); // at most 1: the terms below cannot overflow where the values do not
        return a + b * w - a * w;
    }

    /** What {@link #add} does with a value: an aggregation's operator, looked up once rather than at every value. */
    private enum Op {
        SUM,
        AVG,
        MIN,
        MAX,
        COUNTS;

        static Op of(String op) {
            return switch (op) {
                case "sum" -> SUM;
                case "avg" -> AVG;
                case "min" -> MIN;
                case "max" -> MAX;
                default -> COUNTS; // count, group: the counts are enough
            };
        }
    }

    /** Folds {@code count} series whose sum, min or max (or mean) is {@code v} into group g at time i. */
    private static void add(Op op, Group g, int i, double v, long count) {
        boolean first = g.counts()[i] == 0;
        long before = g.counts()[i];
        g.counts()[i] += count;
        double current = g.values()[i];
        g.values()[i] = switch (op) {
            case SUM -> first ? v : current + v;
            case AVG -> first ? v : mean(current, before, v, count);
            case MIN -> first || v < current || Double.isNaN(current) ? v : current;
            case MAX -> first || v > current || Double.isNaN(current) ? v : current;
            case COUNTS -> 0;
        };
    }
}
