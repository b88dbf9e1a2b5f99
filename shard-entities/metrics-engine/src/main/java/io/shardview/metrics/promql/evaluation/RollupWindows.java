package io.shardview.metrics.promql.evaluation;

import io.shardview.metrics.index.Labels;
import io.shardview.metrics.promql.parser.Expr;
import io.shardview.metrics.storage.Resolution;
import io.shardview.metrics.storage.RollupBucket;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Functions over a range computed from rollup buckets instead of raw points, where that gives Prometheus's answer.
 *
 * <p>A window of Prometheus 2 is closed, [end - range, end]; a bucket is half-open, [b, b + width). When the range is
 * a whole number of buckets and the window's end falls on a bucket edge, the window is exactly the range / width
 * buckets before its end plus the point at its end, which is the first point of the bucket starting there when that
 * point lies on the edge (a bucket keeps its first and last points: {@link RollupBucket}). So a call reads buckets
 * when its function needs only what buckets keep (rate, increase, delta, count_over_time, sum_over_time,
 * min_over_time, max_over_time, last_over_time, present_over_time), its argument is a selector with such a range,
 * and every evaluation time less the offset (or its {@code @} time less the offset) is a multiple of the width: the
 * case of dashboards at a coarse step aligned to it, as Grafana aligns them. The widest width that fits is read (1 h,
 * then 5 min). Everything else, and sources without rollups, read raw points.
 *
 * <p>What differs from raw points is only the order of some additions: a window of several buckets adds their sums,
 * and a window holding several counter resets their corrections, bucket by bucket rather than point by point, which
 * can change the last bits of sum_over_time and of rate where counters are not integers.
 */
public final class RollupWindows {
    /** The bucket widths sources keep ({@link Resolution}), widest first. */
    private static final long[] WIDTHS = Arrays.stream(Resolution.values())
            .mapToLong(Resolution::millis)
            .map(w -> -w)
            .sorted()
            .map(w -> -w)
            .toArray();

    private static final Set<String> FUNCTIONS = Set.of(
            "rate",
            "increase",
            "delta",
            "count_over_time",
            "sum_over_time",
            "min_over_time",
            "max_over_time",
            "last_over_time",
            "present_over_time");

    private final Evaluator evaluator;

    RollupWindows(Evaluator evaluator) {
        this.evaluator = evaluator;
    }

    /** What a call reads from buckets: its selector's buckets {@code width} wide that start in [min, max]. */
    public record BucketRead(Expr.VectorSelector selector, long width, long min, long max) {}

    /**
     * What {@code c} evaluated over {@code grid} reads from buckets, or null where buckets cannot give its answer (see
     * the class comment); {@code atMillis} is its selector's {@code @} time, null without one.
     */
    public static BucketRead read(Expr.Call c, Grid grid, Long atMillis) {
        if (!FUNCTIONS.contains(c.function()) || !(Expr.unwrap(c.args().get(0)) instanceof Expr.MatrixSelector m)) {
            return null;
        }
        Expr.VectorSelector v = m.selector();
        long range = m.rangeMillis();
        long firstEnd = (atMillis != null ? atMillis : grid.start()) - v.offsetMillis();
        long lastEnd = (atMillis != null ? atMillis : grid.end()) - v.offsetMillis();
        for (long width : WIDTHS) {
            boolean everyEndOnAnEdge =
                    Math.floorMod(firstEnd, width) == 0 && (firstEnd == lastEnd || grid.interval() % width == 0);
            if (range % width == 0 && everyEndOnAnEdge) return new BucketRead(v, width, firstEnd - range, lastEnd);
        }
        return null;
    }

    /**
     * {@code c} at every time of {@code grid} from buckets, or null where buckets cannot give the answer (see the
     * class comment) or the source has none.
     */
    Calls.Columns evaluate(Expr.Call c, Grid grid, boolean keepName) {
        String function = c.function();
        Expr arg = c.args().isEmpty() ? null : Expr.unwrap(c.args().get(0));
        if (!(arg instanceof Expr.MatrixSelector m)) return null;
        Expr.VectorSelector v = m.selector();
        BucketRead read = read(c, grid, evaluator.atMillis(v.at()));
        if (read == null) return null;
        List<BucketSeries> series =
                evaluator.source().selectBuckets(v.matchers(), read.width(), read.min(), read.max());
        if (series == null) return null;
        long range = m.rangeMillis();
        int steps = grid.size();
        Labels[] labels = new Labels[series.size()];
        double[][] values = new double[series.size()][];
        boolean[][] present = new boolean[series.size()][];
        Window window = new Window();
        for (int k = 0; k < labels.length; k++) {
            BucketSeries s = series.get(k);
            List<RollupBucket> buckets = s.buckets();
            evaluator.count(buckets.size());
            evaluator.loaded(buckets.size());
            labels[k] = keepName ? s.labels() : s.labels().withoutName();
            int lo = 0;
            for (int i = 0; i < steps; i++) {
                long end = evaluator.readTime(v.at(), v.offsetMillis(), grid.time(i));
                long start = end - range;
                while (lo < buckets.size() && buckets.get(lo).startMs() < start) lo++;
                window.clear();
                int b = lo;
                for (; b < buckets.size() && buckets.get(b).startMs() < end; b++) window.add(buckets.get(b));
                if (b < buckets.size()
                        && buckets.get(b).startMs() == end
                        && buckets.get(b).firstMs() == end) {
                    window.addPoint(end, buckets.get(b).first());
                }
                Double value = window.apply(function, start, end, range);
                if (value == null) continue;
                if (values[k] == null) {
                    values[k] = new double[steps];
                    present[k] = new boolean[steps];
                }
                values[k][i] = value;
                present[k][i] = true;
            }
            evaluator.checkDeadline();
        }
        return new Calls.Columns(labels, values, present, steps);
    }

    /** One series' window folded from its buckets and the point at its end, in time order. */
    private static final class Window {
        long count;
        double sum;
        double min;
        double max;
        long firstMs;
        double first;
        long lastMs;
        double last;
        /** The counter-reset corrections: the value before each drop. */
        double resets;

        void clear() {
            count = 0;
        }

        void add(RollupBucket b) {
            fold(b.count(), b.sum(), b.min(), b.max(), b.firstMs(), b.first(), b.lastMs(), b.last(), b.resets());
        }

        void addPoint(long t, double v) {
            fold(1, v, v, v, t, v, t, v, 0);
        }

        private void fold(
                long n,
                double s,
                double lo,
                double hi,
                long tFirst,
                double vFirst,
                long tLast,
                double vLast,
                double r) {
            if (count == 0) {
                sum = 0 + s; // as a sum that starts at 0: -0 alone sums to 0
                min = lo;
                max = hi;
                firstMs = tFirst;
                first = vFirst;
                resets = r;
            } else {
                sum += s;
                if (lo < min || Double.isNaN(min)) min = lo; // a NaN gives way to any number, as in one pass
                if (hi > max || Double.isNaN(max)) max = hi;
                if (vFirst < last) resets += last;
                resets += r;
            }
            count += n;
            lastMs = tLast;
            last = vLast;
        }

        /** The function's value over the window, or null where Prometheus gives none. */
        Double apply(String function, long start, long end, long range) {
            if (count == 0) return null;
            return switch (function) {
                case "rate", "increase", "delta" -> {
                    if (count < 2) yield null;
                    boolean counter = !function.equals("delta");
                    double change = last - first + (counter ? resets : 0);
                    yield RangeFunctions.extrapolate(
                            change,
                            first,
                            firstMs,
                            lastMs,
                            count,
                            start,
                            end,
                            RangeFunctions.seconds(range),
                            counter,
                            function.equals("rate"));
                }
                case "count_over_time" -> (double) count;
                case "sum_over_time" -> sum;
                case "min_over_time" -> min;
                case "max_over_time" -> max;
                case "last_over_time" -> last;
                case "present_over_time" -> 1.0;
                default -> throw new IllegalArgumentException("not computed from buckets: " + function);
            };
        }
    }
}
