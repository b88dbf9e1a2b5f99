package io.shardview.metrics.promql.evaluation;

import java.util.Arrays;

/**
 * The functions over a range vector, each computing one series' value from its points in one window, as Prometheus 2
 * computes them: rate and friends extrapolate to the window's edges, irate and idelta read the last two points, the
 * {@code *_over_time} family aggregates the window. A function answers null where Prometheus gives no sample (too
 * few points).
 */
final class RangeFunctions {
    private RangeFunctions() {}

    /**
     * One series' points in one window: indexes [lo, hi) of its arrays, within [start, end]; {@code resets} (or null)
     * the series' {@link #resets}, for the functions that {@link #readsResets}.
     */
    record Window(
            long[] times,
            double[] values,
            int lo,
            int hi,
            long start,
            long end,
            long range,
            long evalTime,
            int[] resets) {
        int count() {
            return hi - lo;
        }
    }

    /** Whether {@code name} adds back counter resets, and so reads a series' {@link #resets} when it is given. */
    static boolean readsResets(String name) {
        return name.equals("rate") || name.equals("increase");
    }

    /**
     * Where a series' value falls, in ascending order: every index i > 0 with {@code values[i] < values[i - 1]}. A
     * window at a step finds its few resets here instead of comparing every point it holds.
     */
    static int[] resets(double[] values) {
        return resets(values, values.length);
    }

    /** {@link #resets(double[])} of the {@code size} first values. */
    static int[] resets(double[] values, int size) {
        int n = 0;
        for (int i = 1; i < size; i++) if (values[i] < values[i - 1]) n++;
        int[] at = new int[n];
        for (int i = 1, j = 0; j < n; i++) if (values[i] < values[i - 1]) at[j++] = i;
        return at;
    }

    /** A function of a window and, for quantile_over_time and predict_linear, a scalar parameter. */
    @FunctionalInterface
    interface Function {
        Double apply(Window w, double param);
    }

    /** The function named {@code name}, or null if it is not a function over ranges. */
    static Function named(String name) {
        return switch (name) {
            case "rate" -> (w, p) -> extrapolated(w, true, true);
            case "increase" -> (w, p) -> extrapolated(w, true, false);
            case "delta" -> (w, p) -> extrapolated(w, false, false);
            case "irate" -> (w, p) -> lastTwo(w, true);
            case "idelta" -> (w, p) -> lastTwo(w, false);
            case "deriv" -> (w, p) -> w.count() < 2 ? null : regression(w, w.times()[w.lo()])[0];
            case "predict_linear" -> RangeFunctions::predictLinear;
            case "changes" -> (w, p) -> changes(w);
            case "resets" -> (w, p) -> resets(w);
            case "avg_over_time" -> (w, p) -> average(w);
            case "sum_over_time" -> (w, p) -> sum(w);
            case "count_over_time" -> (w, p) -> (double) w.count();
            case "min_over_time" -> (w, p) -> extreme(w, false);
            case "max_over_time" -> (w, p) -> extreme(w, true);
            case "last_over_time" -> (w, p) -> w.values()[w.hi() - 1];
            case "present_over_time" -> (w, p) -> 1.0;
            case "quantile_over_time" -> (w, p) ->
                    Aggregation.quantile(p, Arrays.copyOfRange(w.values(), w.lo(), w.hi()));
            case "stddev_over_time" -> (w, p) -> Math.sqrt(variance(w));
            case "stdvar_over_time" -> (w, p) -> variance(w);
            default -> null;
        };
    }

    /**
     * rate, increase and delta: the change over the window (counter resets added back for counters), extrapolated to
     * the window's edges unless the first or last point is further from its edge than 1.1 average intervals (then
     * half an interval), and for counters never to before the value would have been zero.
     */
    private static Double extrapolated(Window w, boolean counter, boolean perSecond) {
        if (w.count() < 2) return null;
        return extrapolated(
                w.times(),
                w.values(),
                w.lo(),
                w.hi(),
                w.start(),
                w.end(),
                seconds(w.range()),
                counter,
                perSecond,
                w.resets());
    }

    /**
     * rate ({@code counter} and {@code perSecond}), increase ({@code counter}) or delta of the points [lo, hi) of a
     * series, at least two, in the window [start, end] of {@link #seconds} {@code rangeSeconds}; {@code resets} (or
     * null) the series' {@link #resets}. Called as it is where a call's function is known to be one of them: no window
     * made, no value boxed, a step, the range's seconds computed once for every window.
     */
    static double extrapolated(
            long[] t,
            double[] v,
            int lo,
            int hi,
            long start,
            long end,
            double rangeSeconds,
            boolean counter,
            boolean perSecond,
            int[] resets) {
        double first = v[lo];
        double result = v[hi - 1] - first;
        if (counter && resets != null) {
            // The loop below, with its comparisons read from the series' resets: the same additions in the same order.
            if (v[lo] < 0) result += 0.0; // its first comparison is with 0 (and turns a -0.0 into 0.0)
            int r = Arrays.binarySearch(resets, lo + 1);
            for (r = r < 0 ? -r - 1 : r; r < resets.length && resets[r] < hi; r++) result += v[resets[r] - 1];
        } else if (counter) {
            double previous = 0;
            for (int i = lo; i < hi; i++) {
                if (v[i] < previous) result += previous;
                previous = v[i];
            }
        }
        return extrapolate(result, first, t[lo], t[hi - 1], hi - lo, start, end, rangeSeconds, counter, perSecond);
    }

    /**
     * The extrapolation of rate, increase and delta: {@code change} over the {@code count} points from
     * {@code firstMillis} (value {@code first}) to {@code lastMillis}, in the window [start, end] of {@link #seconds}
     * {@code rangeSeconds}.
     */
    static double extrapolate(
            double change,
            double first,
            long firstMillis,
            long lastMillis,
            long count,
            long start,
            long end,
            double rangeSeconds,
            boolean counter,
            boolean perSecond) {
        double result = change;
        double toStart = (firstMillis - start) / 1000.0;
        double toEnd = (end - lastMillis) / 1000.0;
        double sampled = (lastMillis - firstMillis) / 1000.0;
        double averageInterval = sampled / (count - 1);
        if (counter && result > 0 && first >= 0) {
            double toZero = sampled * (first / result);
            if (toZero < toStart) toStart = toZero;
        }
        double threshold = averageInterval * 1.1;
        double interval = sampled;
        interval += toStart < threshold ? toStart : averageInterval / 2;
        interval += toEnd < threshold ? toEnd : averageInterval / 2;
        // One factor, then one multiplication, as Prometheus rounds them (promql/functions.go, extrapolatedRate).
        double factor = interval / sampled;
        if (perSecond) factor /= rangeSeconds;
        return result * factor;
    }

    /** A range in seconds as Go's Duration.Seconds() computes it: whole seconds plus the rest's nanoseconds / 1e9. */
    static double seconds(long rangeMillis) {
        return (double) (rangeMillis / 1000) + (double) (rangeMillis % 1000 * 1_000_000) / 1e9;
    }

    /** irate and idelta: from the last two points; irate takes a drop as a counter reset. */
    private static Double lastTwo(Window w, boolean perSecond) {
        if (w.count() < 2) return null;
        int last = w.hi() - 1;
        double value = w.values()[last] - w.values()[last - 1];
        if (perSecond && w.values()[last] < w.values()[last - 1]) value = w.values()[last];
        long interval = w.times()[last] - w.times()[last - 1];
        if (interval == 0) return null;
        if (perSecond) value = value / (interval / 1000.0);
        return value;
    }

    private static Double predictLinear(Window w, double seconds) {
        if (w.count() < 2) return null;
        double[] fit = regression(w, w.evalTime());
        return fit[1] + fit[0] * seconds;
    }

    /**
     * Least-squares slope (per second) and intercept at {@code interceptTime}; a constant series has slope 0 (NaN
     * when its value is infinite).
     */
    static double[] regression(Window w, long interceptTime) {
        double n = 0;
        double sumX = 0;
        double sumY = 0;
        double sumXY = 0;
        double sumX2 = 0;
        double initial = w.values()[w.lo()];
        boolean constant = true;
        for (int i = w.lo(); i < w.hi(); i++) {
            double y = w.values()[i];
            if (constant && i > w.lo() && y != initial) constant = false;
            n += 1;
            double x = (w.times()[i] - interceptTime) / 1000.0;
            sumX += x;
            sumY += y;
            sumXY += x * y;
            sumX2 += x * x;
        }
        if (constant) {
            return Double.isInfinite(initial) ? new double[] {Double.NaN, Double.NaN} : new double[] {0, initial};
        }
        double covXY = sumXY - sumX * sumY / n;
        double varX = sumX2 - sumX * sumX / n;
        double slope = covXY / varX;
        return new double[] {slope, sumY / n - slope * sumX / n};
    }

    private static Double changes(Window w) {
        double changes = 0;
        for (int i = w.lo() + 1; i < w.hi(); i++) {
            double current = w.values()[i];
            double previous = w.values()[i - 1];
            if (current != previous && !(Double.isNaN(current) && Double.isNaN(previous))) changes++;
        }
        return changes;
    }

    private static Double resets(Window w) {
        double resets = 0;
        for (int i = w.lo() + 1; i < w.hi(); i++) {
            if (w.values()[i] < w.values()[i - 1]) resets++;
        }
        return resets;
    }

    /** The mean, kept as a running mean so that large values do not overflow; infinities stay infinite. */
    private static Double average(Window w) {
        double mean = 0;
        double count = 0;
        for (int i = w.lo(); i < w.hi(); i++) {
            double v = w.values()[i];
            count++;
            if (Double.isInfinite(mean)) {
                if (Double.isInfinite(v) && (mean > 0) == (v > 0)) continue;
                if (!Double.isInfinite(v) && !Double.isNaN(v)) continue;
            }
            mean += v / count - mean / count;
        }
        return mean;
    }

    private static Double sum(Window w) {
        double sum = 0;
        for (int i = w.lo(); i < w.hi(); i++) sum += w.values()[i];
        return sum;
    }

    /** min or max; a NaN gives way to any number. */
    private static Double extreme(Window w, boolean max) {
        double result = w.values()[w.lo()];
        for (int i = w.lo() + 1; i < w.hi(); i++) {
            double v = w.values()[i];
            if ((max ? v > result : v < result) || Double.isNaN(result)) result = v;
        }
        return result;
    }

    /** Population variance by Welford's method. */
    private static double variance(Window w) {
        double count = 0;
        double mean = 0;
        double aux = 0;
        for (int i = w.lo(); i < w.hi(); i++) {
            double v = w.values()[i];
            count++;
            double delta = v - mean;
            mean += delta / count;
            aux += delta * (v - mean);
        }
        return aux / count;
    }
}
