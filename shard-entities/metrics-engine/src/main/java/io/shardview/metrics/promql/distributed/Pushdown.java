package io.shardview.metrics.promql.distributed;

import io.shardview.metrics.index.Labels;
import io.shardview.metrics.index.Matcher;
import io.shardview.metrics.promql.evaluation.Evaluator;
import io.shardview.metrics.promql.parser.Expr;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Which aggregations of a query the shards can compute in part, each over its own series, so that only one partial
 * result per group and evaluation time travels to the serving node instead of every raw point: {@code sum},
 * {@code count}, {@code min}, {@code max}, {@code group} and {@code avg} (by or without any labels) of an expression whose value
 * for a series depends on that series alone: one selector naming a single metric, through functions of one series
 * (rate and the other range functions, math, date functions) and arithmetic or comparisons with a number.
 *
 * <p>The single metric name keeps the answer exact: two series can only collide once a function drops their names if
 * they differ by name alone, which Prometheus answers with an error ("vector cannot contain metrics with the same
 * labelset") that shards each seeing one of them could not detect. Aggregations inside a subquery are evaluated on
 * the subquery's own grid and are not pushed down; nor are topk, quantile and the others.
 */
public final class Pushdown {
    private static final Set<String> OPS = Set.of("sum", "count", "min", "max", "group", "avg");

    private Pushdown() {}

    /** The aggregations of {@code expr}, outside subqueries, that shards can compute in part. */
    public static List<Expr.Aggregate> candidates(Expr expr) {
        List<Expr.Aggregate> out = new ArrayList<>();
        collect(expr, out);
        return out;
    }

    private static void collect(Expr expr, List<Expr.Aggregate> out) {
        if (expr instanceof Expr.Aggregate a) {
            if (pushable(a)) {
                out.add(a);
                return;
            }
            collect(a.expr(), out);
            if (a.param() != null) collect(a.param(), out);
        } else if (expr instanceof Expr.Paren p) {
            collect(p.expr(), out);
        } else if (expr instanceof Expr.Unary u) {
            collect(u.expr(), out);
        } else if (expr instanceof Expr.Call c) {
            for (Expr arg : c.args()) collect(arg, out);
        } else if (expr instanceof Expr.Binary b) {
            collect(b.lhs(), out);
            collect(b.rhs(), out);
        } // selectors have no aggregations; a subquery's run on its own grid
    }

    /** Whether the shards can compute {@code a} in part. */
    static boolean pushable(Expr.Aggregate a) {
        return OPS.contains(a.op()) && a.param() == null && perSeries(a.expr());
    }

    private static boolean perSeries(Expr e) {
        if (e instanceof Expr.VectorSelector v) return namesOneMetric(v);
        if (e instanceof Expr.Paren p) return perSeries(p.expr());
        if (e instanceof Expr.Unary u) return perSeries(u.expr());
        if (e instanceof Expr.Call c) {
            if (!Evaluator.perSeries(c.function())) return false;
            int series = 0;
            for (Expr arg : c.args()) {
                if (isNumber(arg)) continue;
                Expr inner = Expr.unwrap(arg);
                boolean ok = inner instanceof Expr.MatrixSelector m
                        ? namesOneMetric(m.selector())
                        : arg.type() == Expr.ValueType.INSTANT_VECTOR && perSeries(arg);
                if (!ok) return false;
                series++;
            }
            return series == 1;
        }
        if (e instanceof Expr.Binary b) {
            if (b.matching() != null) return false; // between two vectors: across series
            return isNumber(b.lhs()) ? perSeries(b.rhs()) : isNumber(b.rhs()) && perSeries(b.lhs());
        }
        return false;
    }

    /**
     * The matchers of the one selector a pushable aggregation reads (a shard holding no series they select has no
     * part of it); none, which select everything, if the expression is not of that shape.
     */
    public static List<Matcher> selector(Expr.Aggregate pushed) {
        Expr e = pushed.expr();
        while (true) {
            if (e instanceof Expr.VectorSelector v) return v.matchers();
            if (e instanceof Expr.MatrixSelector m) return m.selector().matchers();
            if (e instanceof Expr.Paren p) e = p.expr();
            else if (e instanceof Expr.Unary u) e = u.expr();
            else if (e instanceof Expr.Binary b) e = isNumber(b.lhs()) ? b.rhs() : b.lhs();
            else if (e instanceof Expr.Call c)
                e = c.args().stream().filter(a -> !isNumber(a)).findFirst().orElse(null);
            else return List.of();
        }
    }

    private static boolean namesOneMetric(Expr.VectorSelector v) {
        for (Matcher m : v.matchers()) {
            if (m.name().equals(Labels.METRIC_NAME) && m.type() == Matcher.Type.EQ) return true;
        }
        return false;
    }

    private static boolean isNumber(Expr e) {
        e = Expr.unwrap(e);
        if (e instanceof Expr.Unary u) return isNumber(u.expr());
        return e instanceof Expr.NumberLiteral;
    }
}
