package io.shardview.metrics.promql.evaluation;

import io.shardview.metrics.index.Labels;
import io.shardview.metrics.index.Matcher;
import io.shardview.metrics.promql.evaluation.Steps.Scalars;
import io.shardview.metrics.promql.evaluation.Steps.Text;
import io.shardview.metrics.promql.evaluation.Steps.Vectors;
import io.shardview.metrics.promql.parser.Expr;
import io.shardview.metrics.promql.parser.Expr.At;
import io.shardview.metrics.promql.parser.Expr.ValueType;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs a parsed PromQL expression over series from a {@link SeriesSource}, with Prometheus 2's semantics: every node
 * is evaluated at every time of the query's grid (one time for an instant query), an instant selector takes each
 * series' latest point within the lookback (5 minutes) unless that point is a staleness marker, a range selector the
 * points in [t - range, t], {@code offset} and {@code @} move the time a selector or subquery reads at.
 *
 * <p>One evaluator runs one query, on one thread: it counts the samples it loads against a limit and gives up with
 * {@link QueryException.Timeout} once its deadline passes.
 */
public final class Evaluator {
    /** Prometheus's staleness marker: a NaN with this exact bit pattern ends a series. */
    public static final long STALE_NAN_BITS = 0x7ff0000000000002L;

    /** The evaluator's limits: lookback, the step of a subquery without one, samples held, and the deadline. */
    public record Settings(long lookbackMillis, long subqueryStepMillis, long maxSamples, long deadlineNanos) {
        /** Prometheus's defaults (5m lookback, 1m evaluation interval, 50,000,000 samples), no deadline. */
        public static Settings defaults() {
            return new Settings(300_000, 60_000, 50_000_000, Long.MAX_VALUE);
        }

        /** The same settings with at most {@code maxSamples} samples held. */
        public Settings withMaxSamples(long maxSamples) {
            return new Settings(lookbackMillis, subqueryStepMillis, maxSamples, deadlineNanos);
        }

        /** The same settings with a deadline {@code timeoutNanos} from now. */
        public Settings withTimeout(long timeoutNanos) {
            return new Settings(lookbackMillis, subqueryStepMillis, maxSamples, System.nanoTime() + timeoutNanos);
        }
    }

    private final SeriesSource source;
    private final Settings settings;
    /** Aggregations the shards computed in part ({@link Pushdown}), by identity, with every shard's partials. */
    private final Map<Expr.Aggregate, List<List<PartialAggregation.Group>>> partials =
            new java.util.IdentityHashMap<>();

    private long queryStart;
    private long queryEnd;
    private long samples;
    /** Points (and rollup buckets) read from the source: Prometheus's totalQueryableSamples. */
    private long loaded;

    public Evaluator(SeriesSource source, Settings settings) {
        this.source = source;
        this.settings = settings;
    }

    /**
     * Takes {@code aggregation}'s value from the shards' partials instead of evaluating it; its selectors then need no
     * series from the {@link SeriesSource}.
     */
    public Evaluator withPartials(Expr.Aggregate aggregation, List<List<PartialAggregation.Group>> shards) {
        partials.put(aggregation, shards);
        return this;
    }

    /**
     * A shard's part of {@code aggregation} ({@code Pushdown}) over its own series, at the times of the query from
     * {@code start} to {@code end} by {@code step} (0 for an instant query), which also give {@code @ start()} and
     * {@code @ end()}.
     */
    public List<PartialAggregation.Group> partial(Expr.Aggregate aggregation, long start, long end, long step) {
        this.queryStart = start;
        this.queryEnd = end;
        Grid grid = step == 0 ? Grid.at(start) : new Grid(start, end, step);
        if (Expr.unwrap(aggregation.expr()) instanceof Expr.Call c) { // a function over a range: folded as computed
            Calls calls = new Calls(this);
            Calls.Columns columns = calls.overRange(c, grid);
            if (columns != null && columns.distinct()) {
                count(columns.count());
                return PartialAggregation.fold(aggregation, columns);
            }
            if (columns != null) return PartialAggregation.fold(aggregation, calls.bySeries(columns));
        }
        return PartialAggregation.fold(aggregation, (Vectors) eval(aggregation.expr(), grid));
    }

    /** An instant query at {@code time} (milliseconds). */
    public QueryResult instant(Expr expr, long time) {
        queryStart = time;
        queryEnd = time;
        Expr e = Expr.unwrap(expr);
        if (e.type() == ValueType.RANGE_VECTOR) {
            RangeVector range = rangeVector(e, Grid.at(time));
            return new QueryResult.Matrix(windows(range, time));
        }
        Steps value = eval(e, Grid.at(time));
        if (value instanceof Scalars s) return new QueryResult.Scalar(time, s.values()[0]);
        if (value instanceof Text t) return new QueryResult.Text(time, t.value());
        return new QueryResult.Vector(time, ((Vectors) value).steps().get(0));
    }

    /**
     * A range query: the expression at start, start + step, ... up to end; its series sorted by labels. Only scalar
     * and instant-vector expressions can be asked for over a range (the caller answers the others with bad_data).
     */
    public QueryResult range(Expr expr, long start, long end, long step) {
        if (expr.type() != ValueType.SCALAR && expr.type() != ValueType.INSTANT_VECTOR) {
            throw new IllegalArgumentException("invalid expression type \""
                    + expr.type().words() + "\" for range query, must be Scalar or instant Vector");
        }
        queryStart = start;
        queryEnd = end;
        Grid grid = new Grid(start, end, step);
        if (Expr.unwrap(expr) instanceof Expr.Call c) { // a function over a range: its series as computed
            checkDeadline();
            Calls calls = new Calls(this);
            Calls.Columns columns = calls.overRange(c, grid);
            if (columns != null && columns.distinct()) {
                count(columns.count());
                return new QueryResult.Matrix(toSeries(columns, grid));
            }
            if (columns != null)
                return new QueryResult.Matrix(toSeries(calls.bySeries(columns).steps(), grid));
        }
        Steps value = eval(expr, grid);
        if (value instanceof Scalars s) {
            return new QueryResult.Matrix(List.of(new Series(Labels.of(), times(grid), s.values())));
        }
        return new QueryResult.Matrix(toSeries(((Vectors) value).steps(), grid));
    }

    /** Evaluates {@code expr} at every time of {@code grid}. */
    Steps eval(Expr expr, Grid grid) {
        checkDeadline();
        if (expr instanceof Expr.NumberLiteral n) return constant(n.value(), grid);
        if (expr instanceof Expr.StringLiteral s) return new Text(s.value());
        if (expr instanceof Expr.Paren p) return eval(p.expr(), grid);
        if (expr instanceof Expr.Unary u) return unary(u, grid);
        if (expr instanceof Expr.VectorSelector v) return select(v, grid, false);
        if (expr instanceof Expr.Call c) return new Calls(this).call(c, grid);
        if (expr instanceof Expr.Aggregate a && partials.containsKey(a)) {
            return PartialAggregation.merge(a, partials.get(a), grid.size());
        }
        if (expr instanceof Expr.Aggregate a) return Aggregation.aggregate(a, eval(a.expr(), grid), params(a, grid));
        if (expr instanceof Expr.Binary b) return BinaryOperation.apply(b, eval(b.lhs(), grid), eval(b.rhs(), grid));
        throw new IllegalArgumentException("a " + expr.type().words() + " cannot be evaluated here: " + expr);
    }

    private Steps params(Expr.Aggregate a, Grid grid) {
        return a.param() == null ? null : eval(a.param(), grid);
    }

    private Steps unary(Expr.Unary u, Grid grid) {
        Steps inner = eval(u.expr(), grid);
        if (!u.negate()) return inner;
        if (inner instanceof Scalars s) {
            double[] out = new double[s.values().length];
            for (int i = 0; i < out.length; i++) out[i] = -s.values()[i];
            return new Scalars(out);
        }
        List<List<Sample>> steps = new ArrayList<>();
        for (List<Sample> step : ((Vectors) inner).steps()) {
            List<Sample> out = new ArrayList<>(step.size());
            for (Sample s : step) out.add(new Sample(s.labels().withoutName(), -s.value()));
            steps.add(requireUniqueLabels(out));
        }
        return new Vectors(steps);
    }

    /**
     * An instant selector: at each time, each series' latest point within the lookback before the time it reads at.
     * With {@code sampleTimes} the value is that point's time in seconds ({@code timestamp(selector)}).
     */
    Vectors select(Expr.VectorSelector v, Grid grid, boolean sampleTimes) {
        long first = readTime(v.at(), v.offsetMillis(), grid.start());
        long last = readTime(v.at(), v.offsetMillis(), grid.end());
        List<Series> series = loadAll(v.matchers(), first - settings.lookbackMillis(), last);
        List<List<Sample>> steps = new ArrayList<>(grid.size());
        int[] next = new int[series.size()]; // per series, the first point after the time read: it only moves forward
        for (int i = 0; i < grid.size(); i++) {
            long at = readTime(v.at(), v.offsetMillis(), grid.time(i));
            List<Sample> step = new ArrayList<>();
            for (int k = 0; k < next.length; k++) {
                Series s = series.get(k);
                long[] ts = s.timestamps();
                while (next[k] < ts.length && ts[next[k]] <= at) next[k]++;
                int idx = next[k] - 1;
                if (idx < 0 || ts[idx] < at - settings.lookbackMillis()) continue;
                double value = s.values()[idx];
                if (isStale(value)) continue;
                step.add(new Sample(s.labels(), sampleTimes ? s.timestamps()[idx] / 1000.0 : value));
            }
            steps.add(step);
            count(step.size());
            checkDeadline();
        }
        return new Vectors(steps);
    }

    /** The range vector of a matrix selector or subquery, over the times of {@code grid}. */
    RangeVector rangeVector(Expr expr, Grid grid) {
        expr = Expr.unwrap(expr);
        if (expr instanceof Expr.MatrixSelector m) {
            Expr.VectorSelector v = m.selector();
            Long at = atMillis(v.at());
            long first = readTime(v.at(), v.offsetMillis(), grid.start()) - m.rangeMillis();
            long last = readTime(v.at(), v.offsetMillis(), grid.end());
            return new RangeVector(loadEach(v.matchers(), first, last), m.rangeMillis(), v.offsetMillis(), at);
        }
        if (expr instanceof Expr.Subquery q) return subquery(q, grid);
        throw new IllegalArgumentException("expected a range vector, got " + expr);
    }

    /**
     * A subquery's points: its expression evaluated at every multiple of its step (the default evaluation interval
     * without one) from the first at or after the outer start less offset and range, to the outer end less offset.
     */
    private RangeVector subquery(Expr.Subquery q, Grid outer) {
        long interval = q.stepMillis() > 0 ? q.stepMillis() : settings.subqueryStepMillis();
        Long at = atMillis(q.at());
        long end = (at != null ? at : outer.end()) - q.offsetMillis();
        long from = (at != null ? at : outer.start()) - q.offsetMillis() - q.rangeMillis();
        long start = Math.floorDiv(from, interval) * interval;
        if (start < from) start += interval;
        if (start > end) return new RangeVector(SeriesCursor.of(List.of()), q.rangeMillis(), q.offsetMillis(), at);
        if ((end - start) / interval
                >= settings.maxSamples()) { // one sample a step at least: refused before any allocation
            throw new QueryException.TooManySamples();
        }
        Grid inner = new Grid(start, end, interval);
        Steps value = eval(q.expr(), inner);
        List<Series> series = value instanceof Scalars s
                ? List.of(new Series(Labels.of(), times(inner), s.values()))
                : toSeries(((Vectors) value).steps(), inner);
        return new RangeVector(SeriesCursor.of(series), q.rangeMillis(), q.offsetMillis(), at);
    }

    /** What an instant query of a range vector answers: each series' points in its window at {@code time}. */
    private static List<Series> windows(RangeVector range, long time) {
        List<Series> out = new ArrayList<>();
        SeriesCursor s = range.series();
        while (s.next()) {
            int lo = RangeVector.firstAtOrAfter(s.times(), s.size(), range.windowStart(time));
            int hi = RangeVector.afterLastAtOrBefore(s.times(), s.size(), range.windowEnd(time));
            if (hi <= lo) continue;
            out.add(new Series(
                    s.labels(),
                    java.util.Arrays.copyOfRange(s.times(), lo, hi),
                    java.util.Arrays.copyOfRange(s.values(), lo, hi)));
        }
        return out;
    }

    /** Where this evaluator reads series. */
    SeriesSource source() {
        return source;
    }

    /** The series an instant selector reads, counted against the sample limit. */
    private List<Series> loadAll(List<Matcher> matchers, long min, long max) {
        List<Series> series = source.select(matchers, min, max);
        for (Series s : series) {
            count(s.size());
            loaded += s.size();
        }
        return series;
    }

    /**
     * The series a matrix selector reads, each counted against the sample limit as the cursor reaches it, its
     * staleness markers dropped (a range function never sees them).
     */
    private SeriesCursor loadEach(List<Matcher> matchers, long min, long max) {
        SeriesCursor read = source.selectEach(matchers, min, max);
        return new SeriesCursor() {
            private long[] times;
            private double[] values;
            private int size;

            @Override
            public boolean next() {
                if (!read.next()) return false;
                count(read.size());
                loaded += read.size();
                times = read.times();
                values = read.values();
                size = read.size();
                int stale = 0;
                for (int i = 0; i < size; i++) if (isStale(values[i])) stale++;
                if (stale > 0) { // into arrays of its own: the cursor's may be a source's series
                    long[] ts = new long[size - stale];
                    double[] vs = new double[ts.length];
                    for (int i = 0, j = 0; i < size; i++) {
                        if (isStale(values[i])) continue;
                        ts[j] = times[i];
                        vs[j++] = values[i];
                    }
                    times = ts;
                    values = vs;
                    size = ts.length;
                }
                return true;
            }

            @Override
            public Labels labels() {
                return read.labels();
            }

            @Override
            public long[] times() {
                return times;
            }

            @Override
            public double[] values() {
                return values;
            }

            @Override
            public int size() {
                return size;
            }
        };
    }

    /** Points and rollup buckets this evaluation read from its source ({@code stats}' totalQueryableSamples). */
    public long loadedSamples() {
        return loaded;
    }

    /** Samples counted against the limit: points read and vector elements made ({@code stats}' peakSamples, at most). */
    public long countedSamples() {
        return samples;
    }

    /** Counts {@code n} rollup buckets read from the source. */
    void loaded(long n) {
        loaded += n;
    }

    /**
     * Counts {@code n} more samples held (points loaded, vector elements made at each evaluation time) against the
     * limit: the query fails as Prometheus's does rather than take the heap.
     */
    void count(long n) {
        samples += n;
        if (samples > settings.maxSamples()) {
            throw new QueryException.TooManySamples();
        }
    }

    /** The time a selector reads at for evaluation time {@code time}: the {@code @} time or it, less the offset. */
    long readTime(At at, long offsetMillis, long time) {
        Long fixed = atMillis(at);
        return (fixed != null ? fixed : time) - offsetMillis;
    }

    /** The {@code @} time in milliseconds, or null without one; {@code start()} and {@code end()} are the query's. */
    Long atMillis(At at) {
        if (at == null) return null;
        if (at instanceof At.Time t) return t.millis();
        return at instanceof At.Start ? queryStart : queryEnd;
    }

    /** Gives up once the deadline has passed. */
    void checkDeadline() {
        if (System.nanoTime() - settings.deadlineNanos() > 0) {
            throw new QueryException.Timeout("query timed out in expression evaluation");
        }
    }

    /** Whether {@code value} is Prometheus's staleness marker. */
    static boolean isStale(double value) {
        return Double.doubleToRawLongBits(value) == STALE_NAN_BITS;
    }

    /** Throws Prometheus's error when two samples of one vector have the same labels. */
    static List<Sample> requireUniqueLabels(List<Sample> vector) {
        if (vector.size() < 2) return vector;
        Set<Labels> seen = new HashSet<>();
        for (Sample s : vector) {
            if (!seen.add(s.labels())) throw new QueryException("vector cannot contain metrics with the same labelset");
        }
        return vector;
    }

    static Scalars constant(double value, Grid grid) {
        double[] values = new double[grid.size()];
        java.util.Arrays.fill(values, value);
        return new Scalars(values);
    }

    static long[] times(Grid grid) {
        long[] times = new long[grid.size()];
        for (int i = 0; i < times.length; i++) times[i] = grid.time(i);
        return times;
    }

    /** Per-time vectors turned into series (sorted by labels), each with the times it had a value at. */
    static List<Series> toSeries(List<List<Sample>> steps, Grid grid) {
        // Grouped by hash (a series' labels are most often one object at every time), then sorted once.
        Map<Labels, PointList> byLabels = new HashMap<>();
        for (int i = 0; i < steps.size(); i++) {
            for (Sample s : steps.get(i)) {
                byLabels.computeIfAbsent(s.labels(), l -> new PointList()).add(grid.time(i), s.value());
            }
        }
        List<Series> out = new ArrayList<>(byLabels.size());
        byLabels.forEach((labels, points) -> out.add(points.toSeries(labels)));
        out.sort(Comparator.comparing(Series::labels));
        return out;
    }

    /** The series of distinct {@code columns}, sorted by labels, each with its values at the times it has them. */
    private static List<Series> toSeries(Calls.Columns columns, Grid grid) {
        List<Series> out = new ArrayList<>();
        for (int k = 0; k < columns.labels().length; k++) {
            boolean[] present = columns.present()[k];
            if (present == null) continue;
            PointList points = new PointList();
            for (int i = 0; i < present.length; i++) {
                if (present[i]) points.add(grid.time(i), columns.values()[k][i]);
            }
            out.add(points.toSeries(columns.labels()[k]));
        }
        out.sort(Comparator.comparing(Series::labels));
        return out;
    }

    /**
     * Whether a function's value for a series depends on that series alone: every function over a range (not
     * absent_over_time, which answers for the whole vector), the functions of one number, round, clamp and the date
     * functions, and timestamp; not absent, sort, label_replace, histogram_quantile and the others across series.
     */
    public static boolean perSeries(String function) {
        return RangeFunctions.named(function) != null
                || InstantFunctions.math(function) != null
                || Calls.isDateFunction(function)
                || Set.of("round", "clamp", "clamp_min", "clamp_max", "timestamp")
                        .contains(function);
    }
}
