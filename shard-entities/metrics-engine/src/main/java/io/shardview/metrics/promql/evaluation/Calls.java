package io.shardview.metrics.promql.evaluation;

import io.shardview.metrics.index.Labels;
import io.shardview.metrics.index.Matcher;
import io.shardview.metrics.promql.evaluation.Steps.Scalars;
import io.shardview.metrics.promql.evaluation.Steps.Text;
import io.shardview.metrics.promql.evaluation.Steps.Vectors;
import io.shardview.metrics.promql.parser.Expr;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.DoubleUnaryOperator;

/**
 * Function calls: those over ranges run {@link RangeFunctions} on each series' window; the rest work on the instant
 * vector (or scalars) of each evaluation time. Functions that compute a new value drop the metric name; those that
 * only relabel or reorder keep it.
 */
final class Calls {
    private final Evaluator evaluator;

    Calls(Evaluator evaluator) {
        this.evaluator = evaluator;
    }

    Steps call(Expr.Call c, Grid grid) {
        List<Expr> args = c.args();
        String name = c.function();
        RangeFunctions.Function overRange = RangeFunctions.named(name);
        if (overRange != null) return bySeries(overRange(c, overRange, grid));
        DoubleUnaryOperator math = InstantFunctions.math(name);
        if (math != null) return map(vector(args.get(0), grid), math, true);
        return switch (name) {
            case "time" -> times(grid);
            case "pi" -> Evaluator.constant(Math.PI, grid);
            case "vector" -> vectorOf(scalars(args.get(0), grid));
            case "scalar" -> scalarOf(vector(args.get(0), grid));
            case "timestamp" -> timestamp(args.get(0), grid);
            case "absent" -> absent(vector(args.get(0), grid), args.get(0));
            case "absent_over_time" -> absentOverTime(args.get(0), grid);
            case "sort", "sort_desc" -> sort(vector(args.get(0), grid), name.equals("sort_desc"));
            case "round", "clamp", "clamp_min", "clamp_max" -> withScalars(name, args, grid);
            case "label_replace" -> labelReplace(args, grid);
            case "label_join" -> labelJoin(args, grid);
            case "histogram_quantile" -> HistogramQuantile.apply(
                    scalars(args.get(0), grid).values(), vector(args.get(1), grid));
            default -> {
                DateFunction date = DateFunction.named(name);
                if (date == null) throw new QueryException("function \"" + name + "\" is not supported");
                Vectors input = args.isEmpty() ? vectorOf(times(grid)) : vector(args.get(0), grid);
                yield map(input, date::of, true);
            }
        };
    }

    /**
     * A function over a range computed series by series: series k has output labels {@code labels[k]} and, where
     * {@code present[k][i]} (null: at no time), the value {@code values[k][i]} at time i. Folded into an aggregation
     * or turned into a range query's series as it is, it never becomes a vector per time.
     */
    record Columns(Labels[] labels, double[][] values, boolean[][] present, int steps) {
        /** Whether no two series have the same labels (then no two at any one time either). */
        boolean distinct() {
            return new HashSet<>(List.of(labels)).size() == labels.length;
        }

        /** How many values there are, at every time together. */
        long count() {
            long n = 0;
            for (boolean[] p : present) {
                if (p == null) continue;
                for (boolean b : p) if (b) n++;
            }
            return n;
        }
    }

    /** {@code c} series by series where it is a function over a range, else null. */
    Columns overRange(Expr.Call c, Grid grid) {
        RangeFunctions.Function function = RangeFunctions.named(c.function());
        return function == null ? null : overRange(c, function, grid);
    }

    private Columns overRange(Expr.Call c, RangeFunctions.Function function, Grid grid) {
        boolean paramFirst = c.function().equals("quantile_over_time");
        Expr rangeArg = c.args().get(paramFirst ? 1 : 0);
        Expr paramArg = c.args().size() > 1 ? c.args().get(paramFirst ? 0 : 1) : null;
        double[] params = paramArg == null
                ? new double[grid.size()]
                : scalars(paramArg, grid).values();
        boolean keepName = c.function().equals("last_over_time");
        Columns fromRollups = new RollupWindows(evaluator).evaluate(c, grid, keepName);
        if (fromRollups != null) return fromRollups;
        RangeVector range = evaluator.rangeVector(rangeArg, grid);
        int steps = grid.size();
        long[] starts = new long[steps];
        long[] ends = new long[steps];
        for (int i = 0; i < steps; i++) {
            starts[i] = range.windowStart(grid.time(i));
            ends[i] = range.windowEnd(grid.time(i));
        }
        boolean counter = RangeFunctions.readsResets(c.function());
        // rate, increase and delta, the most asked, computed without a window or a boxed value a step
        boolean extrapolating = counter || c.function().equals("delta");
        boolean perSecond = c.function().equals("rate");
        double rangeSeconds = RangeFunctions.seconds(range.rangeMillis());
        // Series by series, each one's points read once in order (its windows only move forward), then the steps put
        // together: step by step over every series would touch every series' arrays at each step. The source reads a
        // series only when the loop reaches it, into the arrays of the one before.
        List<Labels> labels = new ArrayList<>(); // each series' output labels, made once, shared by every step
        List<double[]> valuesOf = new ArrayList<>();
        List<boolean[]> presentOf = new ArrayList<>();
        SeriesCursor s = range.series();
        while (s.next()) {
            labels.add(keepName ? s.labels() : s.labels().withoutName());
            long[] ts = s.times();
            int size = s.size();
            double[] points = s.values();
            int[] resets = counter ? RangeFunctions.resets(points, size) : null;
            double[] values = null;
            boolean[] present = null;
            int lo = 0;
            int hi = 0;
            for (int i = 0; i < steps; i++) {
                while (lo < size && ts[lo] < starts[i]) lo++;
                if (hi < lo) hi = lo;
                while (hi < size && ts[hi] <= ends[i]) hi++;
                if (hi <= lo) continue;
                if (extrapolating) {
                    if (hi - lo < 2) continue;
                    if (values == null) {
                        values = new double[steps];
                        present = new boolean[steps];
                    }
                    values[i] = RangeFunctions.extrapolated(
                            ts, points, lo, hi, starts[i], ends[i], rangeSeconds, counter, perSecond, resets);
                    present[i] = true;
                    continue;
                }
                Double value = function.apply(
                        new RangeFunctions.Window(
                                ts, points, lo, hi, starts[i], ends[i], range.rangeMillis(), grid.time(i), resets),
                        params[i]);
                if (value == null) continue;
                if (values == null) {
                    values = new double[steps];
                    present = new boolean[steps];
                }
                values[i] = value;
                present[i] = true;
            }
            valuesOf.add(values);
            presentOf.add(present);
            evaluator.checkDeadline();
        }
        return new Columns(
                labels.toArray(Labels[]::new),
                valuesOf.toArray(double[][]::new),
                presentOf.toArray(boolean[][]::new),
                steps);
    }

    /** The vectors, one per time, of a function computed series by series. */
    Vectors bySeries(Columns columns) {
        Labels[] labels = columns.labels();
        boolean[][] present = columns.present();
        int steps = columns.steps();
        // Labels distinct across the series are distinct within every step: checked once, not at each step.
        boolean distinct = columns.distinct();
        List<List<Sample>> out = new ArrayList<>(steps);
        for (int i = 0; i < steps; i++) {
            List<Sample> step = new ArrayList<>();
            for (int k = 0; k < labels.length; k++) {
                if (present[k] != null && present[k][i]) step.add(new Sample(labels[k], columns.values()[k][i]));
            }
            out.add(distinct ? step : Evaluator.requireUniqueLabels(step));
            evaluator.count(step.size());
        }
        return new Vectors(out);
    }

    private Vectors vector(Expr e, Grid grid) {
        return (Vectors) evaluator.eval(e, grid);
    }

    private Scalars scalars(Expr e, Grid grid) {
        return (Scalars) evaluator.eval(e, grid);
    }

    private String text(Expr e) {
        return ((Text) evaluator.eval(e, Grid.at(0))).value();
    }

    /** Each sample's value through {@code f}, the name dropped when {@code dropName}. */
    private static Vectors map(Vectors in, DoubleUnaryOperator f, boolean dropName) {
        List<List<Sample>> steps = new ArrayList<>(in.steps().size());
        for (List<Sample> step : in.steps()) {
            List<Sample> out = new ArrayList<>(step.size());
            for (Sample s : step) {
                out.add(new Sample(dropName ? s.labels().withoutName() : s.labels(), f.applyAsDouble(s.value())));
            }
            steps.add(Evaluator.requireUniqueLabels(out));
        }
        return new Vectors(steps);
    }

    private static Scalars times(Grid grid) {
        double[] values = new double[grid.size()];
        for (int i = 0; i < values.length; i++) values[i] = grid.time(i) / 1000.0;
        return new Scalars(values);
    }

    private static Vectors vectorOf(Scalars s) {
        List<List<Sample>> steps = new ArrayList<>(s.values().length);
        for (double v : s.values()) steps.add(List.of(new Sample(Labels.of(), v)));
        return new Vectors(steps);
    }

    private static Scalars scalarOf(Vectors v) {
        double[] values = new double[v.steps().size()];
        for (int i = 0; i < values.length; i++) {
            List<Sample> step = v.steps().get(i);
            values[i] = step.size() == 1 ? step.get(0).value() : Double.NaN;
        }
        return new Scalars(values);
    }

    /** The time of each sample: of the point a selector found, else the evaluation time. */
    private Vectors timestamp(Expr arg, Grid grid) {
        Expr inner = Expr.unwrap(arg);
        if (inner instanceof Expr.VectorSelector v) {
            return map(evaluator.select(v, grid, true), x -> x, true);
        }
        Vectors in = vector(arg, grid);
        List<List<Sample>> steps = new ArrayList<>();
        for (int i = 0; i < in.steps().size(); i++) {
            List<Sample> out = new ArrayList<>();
            for (Sample s : in.steps().get(i)) out.add(new Sample(s.labels().withoutName(), grid.time(i) / 1000.0));
            steps.add(Evaluator.requireUniqueLabels(out));
        }
        return new Vectors(steps);
    }

    /** 1 where the vector is empty, labelled with the selector's equality matchers. */
    private static Vectors absent(Vectors in, Expr arg) {
        Labels labels = absentLabels(arg);
        List<List<Sample>> steps = new ArrayList<>();
        for (List<Sample> step : in.steps()) {
            steps.add(step.isEmpty() ? List.of(new Sample(labels, 1)) : List.of());
        }
        return new Vectors(steps);
    }

    private Vectors absentOverTime(Expr arg, Grid grid) {
        RangeVector range = evaluator.rangeVector(arg, grid);
        Labels labels = absentLabels(arg);
        boolean[] any = new boolean[grid.size()]; // whether some series has a point in the window at step i
        int uncovered = any.length;
        SeriesCursor s = range.series();
        while (s.next()) { // every series is read (and counted against the limit), each looked into until all have one
            for (int i = 0; i < any.length && uncovered > 0; i++) {
                if (!any[i]
                        && RangeVector.afterLastAtOrBefore(s.times(), s.size(), range.windowEnd(grid.time(i)))
                                > RangeVector.firstAtOrAfter(s.times(), s.size(), range.windowStart(grid.time(i)))) {
                    any[i] = true;
                    uncovered--;
                }
            }
        }
        List<List<Sample>> steps = new ArrayList<>(any.length);
        for (boolean some : any) steps.add(some ? List.of() : List.of(new Sample(labels, 1)));
        return new Vectors(steps);
    }

    /**
     * The labels absent() answers with: each label a selector matches with {@code =} once; a label matched by
     * another matcher too, or twice, is left out (Prometheus's historic behaviour).
     */
    private static Labels absentLabels(Expr arg) {
        List<Matcher> matchers;
        if (arg instanceof Expr.VectorSelector v) matchers = v.matchers();
        else if (arg instanceof Expr.MatrixSelector m) matchers = m.selector().matchers();
        else return Labels.of();
        java.util.Map<String, String> labels = new java.util.TreeMap<>();
        Set<String> seen = new HashSet<>();
        for (Matcher m : matchers) {
            if (m.name().equals(Labels.METRIC_NAME)) continue;
            if (m.type() == Matcher.Type.EQ && seen.add(m.name())) labels.put(m.name(), m.value());
            else labels.remove(m.name());
        }
        return Labels.of(labels);
    }

    private static Vectors sort(Vectors in, boolean descending) {
        Comparator<Sample> order = (x, y) -> {
            boolean xNan = Double.isNaN(x.value());
            boolean yNan = Double.isNaN(y.value());
            if (xNan || yNan) return Boolean.compare(xNan, yNan);
            return descending ? Double.compare(y.value(), x.value()) : Double.compare(x.value(), y.value());
        };
        List<List<Sample>> steps = new ArrayList<>();
        for (List<Sample> step : in.steps()) {
            List<Sample> sorted = new ArrayList<>(step);
            sorted.sort(order);
            steps.add(sorted);
        }
        return new Vectors(steps);
    }

    /** round, clamp, clamp_min and clamp_max, whose extra arguments are scalars per evaluation time. */
    private Vectors withScalars(String name, List<Expr> args, Grid grid) {
        Vectors in = vector(args.get(0), grid);
        List<double[]> params = new ArrayList<>();
        for (Expr arg : args.subList(1, args.size()))
            params.add(scalars(arg, grid).values());
        List<List<Sample>> steps = new ArrayList<>();
        for (int i = 0; i < in.steps().size(); i++) {
            final int step = i;
            double[] p = params.stream().mapToDouble(values -> values[step]).toArray();
            if (name.equals("clamp") && p[1] < p[0]) {
                steps.add(List.of());
                continue;
            }
            DoubleUnaryOperator f =
                    switch (name) {
                        case "round" -> v -> InstantFunctions.round(v, p.length == 0 ? 1 : p[0]);
                        case "clamp" -> v -> InstantFunctions.goMax(p[0], InstantFunctions.goMin(p[1], v));
                        case "clamp_min" -> v -> InstantFunctions.goMax(p[0], v);
                        default -> v -> InstantFunctions.goMin(p[0], v);
                    };
            steps.add(map(new Vectors(List.of(in.steps().get(i))), f, true)
                    .steps()
                    .get(0));
        }
        return new Vectors(steps);
    }

    private Vectors labelReplace(List<Expr> args, Grid grid) {
        LabelRewrite rewrite =
                LabelRewrite.replace(text(args.get(1)), text(args.get(2)), text(args.get(3)), text(args.get(4)));
        return relabel(vector(args.get(0), grid), rewrite);
    }

    private Vectors labelJoin(List<Expr> args, Grid grid) {
        List<String> sources = new ArrayList<>();
        for (Expr arg : args.subList(3, args.size())) sources.add(text(arg));
        LabelRewrite rewrite = LabelRewrite.join(text(args.get(1)), text(args.get(2)), sources);
        return relabel(vector(args.get(0), grid), rewrite);
    }

    private static Vectors relabel(Vectors in, LabelRewrite rewrite) {
        List<List<Sample>> steps = new ArrayList<>();
        for (List<Sample> step : in.steps()) {
            List<Sample> out = new ArrayList<>(step.size());
            for (Sample s : step) out.add(new Sample(rewrite.apply(s.labels()), s.value()));
            steps.add(Evaluator.requireUniqueLabels(out));
        }
        return new Vectors(steps);
    }

    /** Whether {@code name} is one of the date functions (hour, minute, day_of_week, ...). */
    static boolean isDateFunction(String name) {
        return DateFunction.named(name) != null;
    }

    /** The date functions: a sample's value read as unix seconds, in UTC. */
    private enum DateFunction {
        DAY_OF_MONTH,
        DAY_OF_WEEK,
        DAY_OF_YEAR,
        DAYS_IN_MONTH,
        HOUR,
        MINUTE,
        MONTH,
        YEAR;

        static DateFunction named(String name) {
            for (DateFunction f : values()) if (f.name().equalsIgnoreCase(name)) return f;
            return null;
        }

        double of(double seconds) {
            GoTime t = GoTime.of(seconds);
            return switch (this) {
                case DAY_OF_MONTH -> t.dayOfMonth();
                case DAY_OF_WEEK -> t.dayOfWeek();
                case DAY_OF_YEAR -> t.dayOfYear();
                case DAYS_IN_MONTH -> t.daysInMonth();
                case HOUR -> t.hour();
                case MINUTE -> t.minute();
                case MONTH -> t.month();
                case YEAR -> t.year();
            };
        }
    }
}
