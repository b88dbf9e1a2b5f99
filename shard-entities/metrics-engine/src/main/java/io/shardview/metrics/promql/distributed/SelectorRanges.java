package io.shardview.metrics.promql.distributed;

import io.shardview.metrics.promql.evaluation.Evaluator;
import io.shardview.metrics.promql.evaluation.Grid;
import io.shardview.metrics.promql.evaluation.RollupWindows;
import io.shardview.metrics.promql.parser.Expr;
import io.shardview.metrics.promql.parser.Expr.At;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * The time range each selector of a query reads, so that a caller can fetch every selector's series before the
 * evaluator runs: an instant selector reads back by the lookback, a range selector by its range, and a subquery
 * moves what it contains by its own range, offset and {@code @}.
 */
public final class SelectorRanges {
    /** [min, max] in milliseconds, both inclusive. */
    public record Range(long min, long max) {
        Range union(Range other) {
            return new Range(Math.min(min, other.min), Math.max(max, other.max));
        }
    }

    private final long queryStart;
    private final long queryEnd;
    private final Evaluator.Settings settings;
    private final Map<Expr.VectorSelector, Range> ranges = new IdentityHashMap<>();

    private SelectorRanges(long queryStart, long queryEnd, Evaluator.Settings settings) {
        this.queryStart = queryStart;
        this.queryEnd = queryEnd;
        this.settings = settings;
    }

    /** Each selector of {@code expr} (by identity) with the range it reads for a query from start to end. */
    public static Map<Expr.VectorSelector, Range> of(Expr expr, long start, long end, Evaluator.Settings settings) {
        return of(expr, start, end, settings, java.util.Set.of());
    }

    /** As {@link #of(Expr, long, long, Evaluator.Settings)}, leaving out the selectors inside {@code skipped}. */
    public static Map<Expr.VectorSelector, Range> of(
            Expr expr,
            long start,
            long end,
            Evaluator.Settings settings,
            java.util.Collection<? extends Expr> skipped) {
        SelectorRanges walk = new SelectorRanges(start, end, settings);
        walk.skipped = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        walk.skipped.addAll(skipped);
        walk.visit(expr, start, end);
        return walk.ranges;
    }

    private java.util.Set<Expr> skipped;

    private void visit(Expr expr, long start, long end) {
        if (skipped.contains(expr)) return;
        if (expr instanceof Expr.VectorSelector v) {
            add(
                    v,
                    time(v.at(), start) - v.offsetMillis() - settings.lookbackMillis(),
                    time(v.at(), end) - v.offsetMillis());
        } else if (expr instanceof Expr.MatrixSelector m) {
            Expr.VectorSelector v = m.selector();
            add(v, time(v.at(), start) - v.offsetMillis() - m.rangeMillis(), time(v.at(), end) - v.offsetMillis());
        } else if (expr instanceof Expr.Subquery q) {
            visit(
                    q.expr(),
                    time(q.at(), start) - q.offsetMillis() - q.rangeMillis(),
                    time(q.at(), end) - q.offsetMillis());
        } else if (expr instanceof Expr.Paren p) {
            visit(p.expr(), start, end);
        } else if (expr instanceof Expr.Unary u) {
            visit(u.expr(), start, end);
        } else if (expr instanceof Expr.Call c) {
            for (Expr arg : c.args()) visit(arg, start, end);
        } else if (expr instanceof Expr.Aggregate a) {
            visit(a.expr(), start, end);
            if (a.param() != null) visit(a.param(), start, end);
        } else if (expr instanceof Expr.Binary b) {
            visit(b.lhs(), start, end);
            visit(b.rhs(), start, end);
        }
    }

    /**
     * The selectors of {@code expr} that a query from start to end by {@code step} (0: an instant query at start)
     * reads as rollup buckets ({@link RollupWindows}), each with what it reads, leaving out those inside
     * {@code skipped} and inside subqueries (evaluated on their own grid). A caller fetches their buckets instead of
     * their points, and their points if the source has no such buckets.
     */
    public static Map<Expr.VectorSelector, RollupWindows.BucketRead> bucketReads(
            Expr expr, long start, long end, long step, java.util.Collection<? extends Expr> skipped) {
        SelectorRanges walk = new SelectorRanges(start, end, Evaluator.Settings.defaults());
        walk.skipped = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        walk.skipped.addAll(skipped);
        Map<Expr.VectorSelector, RollupWindows.BucketRead> reads = new IdentityHashMap<>();
        walk.visitBucketReads(expr, step == 0 ? Grid.at(start) : new Grid(start, end, step), reads);
        return reads;
    }

    private void visitBucketReads(Expr expr, Grid grid, Map<Expr.VectorSelector, RollupWindows.BucketRead> reads) {
        if (skipped.contains(expr)) return;
        if (expr instanceof Expr.Call c) {
            Expr arg = c.args().isEmpty() ? null : Expr.unwrap(c.args().get(0));
            if (arg instanceof Expr.MatrixSelector m) {
                RollupWindows.BucketRead read =
                        RollupWindows.read(c, grid, at(m.selector().at()));
                if (read != null) reads.put(m.selector(), read);
            }
            for (Expr a : c.args()) visitBucketReads(a, grid, reads);
        } else if (expr instanceof Expr.Paren p) {
            visitBucketReads(p.expr(), grid, reads);
        } else if (expr instanceof Expr.Unary u) {
            visitBucketReads(u.expr(), grid, reads);
        } else if (expr instanceof Expr.Aggregate a) {
            visitBucketReads(a.expr(), grid, reads);
            if (a.param() != null) visitBucketReads(a.param(), grid, reads);
        } else if (expr instanceof Expr.Binary b) {
            visitBucketReads(b.lhs(), grid, reads);
            visitBucketReads(b.rhs(), grid, reads);
        } // a subquery's calls run on its own grid; selectors alone read points
    }

    /** The {@code @} time in milliseconds, or null without one. */
    private Long at(At at) {
        return at == null ? null : time(at, 0);
    }

    private void add(Expr.VectorSelector v, long min, long max) {
        ranges.merge(v, new Range(min, max), Range::union);
    }

    private long time(At at, long time) {
        if (at == null) return time;
        if (at instanceof At.Time t) return t.millis();
        return at instanceof At.Start ? queryStart : queryEnd;
    }
}
