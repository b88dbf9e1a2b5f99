package io.shardview.metrics.promql.parser;

import io.shardview.metrics.index.Matcher;
import io.shardview.metrics.promql.parser.Expr.Aggregate;
import io.shardview.metrics.promql.parser.Expr.At;
import io.shardview.metrics.promql.parser.Expr.Binary;
import io.shardview.metrics.promql.parser.Expr.Call;
import io.shardview.metrics.promql.parser.Expr.Cardinality;
import io.shardview.metrics.promql.parser.Expr.MatrixSelector;
import io.shardview.metrics.promql.parser.Expr.NumberLiteral;
import io.shardview.metrics.promql.parser.Expr.Paren;
import io.shardview.metrics.promql.parser.Expr.StringLiteral;
import io.shardview.metrics.promql.parser.Expr.Subquery;
import io.shardview.metrics.promql.parser.Expr.Unary;
import io.shardview.metrics.promql.parser.Expr.VectorMatching;
import io.shardview.metrics.promql.parser.Expr.VectorSelector;
import java.util.List;

/**
 * Writes a parsed expression back as PromQL text that {@link PromqlParser} reads as the same tree: what a serving node
 * sends a shard to evaluate its part of a query. Parentheses are nodes of the tree, so printing each node in place
 * keeps every precedence; numbers are written with every digit they need, durations in exact units, label values as
 * raw strings where they can be.
 */
public final class PromqlPrinter {
    private final StringBuilder out = new StringBuilder();

    private PromqlPrinter() {}

    /** {@code expr} as PromQL text. */
    public static String print(Expr expr) {
        PromqlPrinter printer = new PromqlPrinter();
        printer.expr(expr);
        return printer.out.toString();
    }

    private void expr(Expr expr) {
        if (expr instanceof NumberLiteral n) out.append(number(n.value()));
        else if (expr instanceof StringLiteral s) string(s.value());
        else if (expr instanceof VectorSelector v) selector(v);
        else if (expr instanceof MatrixSelector m) matrix(m);
        else if (expr instanceof Subquery s) subquery(s);
        else if (expr instanceof Paren p) paren(p);
        else if (expr instanceof Unary u) unary(u);
        else if (expr instanceof Call c) call(c);
        else if (expr instanceof Aggregate a) aggregate(a);
        else if (expr instanceof Binary b) binary(b);
        else throw new IllegalArgumentException("cannot print " + expr);
    }

    /** The parser adds the name written before the braces as the last matcher; it is written as a name again. */
    private void selector(VectorSelector v) {
        selectorWithoutModifiers(v);
        modifiers(v.offsetMillis(), v.at());
    }

    private void selectorWithoutModifiers(VectorSelector v) {
        List<Matcher> matchers = v.matchers();
        if (v.name() != null) {
            out.append(v.name());
            matchers = matchers.subList(0, matchers.size() - 1);
            if (matchers.isEmpty()) return;
        }
        out.append('{');
        for (int i = 0; i < matchers.size(); i++) {
            if (i > 0) out.append(", ");
            Matcher m = matchers.get(i);
            out.append(m.name()).append(m.type().symbol());
            string(m.value());
        }
        out.append('}');
    }

    private void matrix(MatrixSelector m) {
        selectorWithoutModifiers(m.selector());
        out.append('[').append(duration(m.rangeMillis())).append(']');
        modifiers(m.selector().offsetMillis(), m.selector().at());
    }

    private void subquery(Subquery s) {
        expr(s.expr());
        out.append('[').append(duration(s.rangeMillis())).append(':');
        if (s.stepMillis() != 0) out.append(duration(s.stepMillis()));
        out.append(']');
        modifiers(s.offsetMillis(), s.at());
    }

    private void modifiers(long offsetMillis, At at) {
        if (offsetMillis != 0) {
            out.append(" offset ");
            if (offsetMillis < 0) out.append('-');
            out.append(duration(Math.abs(offsetMillis)));
        }
        if (at instanceof At.Time t) out.append(" @ ").append(seconds(t.millis()));
        else if (at instanceof At.Start) out.append(" @ start()");
        else if (at instanceof At.End) out.append(" @ end()");
    }

    private void paren(Paren p) {
        out.append('(');
        expr(p.expr());
        out.append(')');
    }

    private void unary(Unary u) {
        out.append(u.negate() ? '-' : '+');
        expr(u.expr());
    }

    private void call(Call c) {
        out.append(c.function());
        arguments(c.args());
    }

    private void aggregate(Aggregate a) {
        out.append(a.op());
        if (a.without() || !a.grouping().isEmpty()) {
            out.append(a.without() ? " without " : " by ");
            labels(a.grouping());
        }
        out.append(' ');
        arguments(a.param() == null ? List.of(a.expr()) : List.of(a.param(), a.expr()));
    }

    private void binary(Binary b) {
        expr(b.lhs());
        out.append(' ').append(b.op()).append(' ');
        if (b.returnBool()) out.append("bool ");
        VectorMatching matching = b.matching();
        if (matching != null && (matching.on() || !matching.labels().isEmpty())) {
            out.append(matching.on() ? "on" : "ignoring");
            labels(matching.labels());
            out.append(' ');
        }
        if (matching != null
                && (matching.cardinality() == Cardinality.MANY_TO_ONE
                        || matching.cardinality() == Cardinality.ONE_TO_MANY)) {
            out.append(matching.cardinality() == Cardinality.MANY_TO_ONE ? "group_left" : "group_right");
            labels(matching.include());
            out.append(' ');
        }
        expr(b.rhs());
    }

    private void arguments(List<Expr> args) {
        out.append('(');
        for (int i = 0; i < args.size(); i++) {
            if (i > 0) out.append(", ");
            expr(args.get(i));
        }
        out.append(')');
    }

    private void labels(List<String> labels) {
        out.append('(').append(String.join(", ", labels)).append(')');
    }

    /** A raw string where the text has no backtick (nothing in it is an escape), else a quoted one. */
    private void string(String text) {
        if (text.indexOf('`') < 0) {
            out.append('`').append(text).append('`');
            return;
        }
        out.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '"' -> out.append("\\\"");
                case '\n' -> out.append("\\n");
                default -> out.append(c);
            }
        }
        out.append('"');
    }

    /** Every digit the value needs to read back as itself; {@code Inf}, {@code -Inf} and {@code NaN} as words. */
    static String number(double value) {
        if (Double.isNaN(value)) return "NaN";
        if (Double.isInfinite(value)) return value > 0 ? "Inf" : "-Inf";
        if (value == Math.rint(value) && Math.abs(value) < 1e15 && !isNegativeZero(value)) {
            return Long.toString((long) value);
        }
        return Double.toString(value).replace('E', 'e');
    }

    private static boolean isNegativeZero(double value) {
        return Double.doubleToRawLongBits(value) == Double.doubleToRawLongBits(-0.0);
    }

    /** Milliseconds in the largest unit that divides them exactly: {@code 5m}, {@code 90s}, {@code 1500ms}. */
    static String duration(long millis) {
        long[] sizes = {86_400_000L, 3_600_000L, 60_000L, 1_000L};
        String[] units = {"d", "h", "m", "s"};
        for (int i = 0; i < sizes.length; i++) {
            if (millis % sizes[i] == 0) return millis / sizes[i] + units[i];
        }
        return millis + "ms";
    }

    /** An {@code @} time: seconds with the milliseconds as a fraction. */
    private static String seconds(long millis) {
        String sign = millis < 0 ? "-" : "";
        long abs = Math.abs(millis);
        return sign + abs / 1000 + "." + String.format(java.util.Locale.ROOT, "%03d", abs % 1000);
    }
}
