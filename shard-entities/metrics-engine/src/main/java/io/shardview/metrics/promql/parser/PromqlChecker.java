package io.shardview.metrics.promql.parser;

import io.shardview.metrics.index.Matcher;
import io.shardview.metrics.promql.parser.Expr.Aggregate;
import io.shardview.metrics.promql.parser.Expr.Binary;
import io.shardview.metrics.promql.parser.Expr.Call;
import io.shardview.metrics.promql.parser.Expr.Cardinality;
import io.shardview.metrics.promql.parser.Expr.MatrixSelector;
import io.shardview.metrics.promql.parser.Expr.Paren;
import io.shardview.metrics.promql.parser.Expr.Subquery;
import io.shardview.metrics.promql.parser.Expr.Unary;
import io.shardview.metrics.promql.parser.Expr.ValueType;
import io.shardview.metrics.promql.parser.Expr.VectorMatching;
import io.shardview.metrics.promql.parser.Expr.VectorSelector;
import java.util.List;
import java.util.Map;

/**
 * Prometheus's {@code checkAST} over a parsed tree: argument and operand types, the rules of {@code bool}, set
 * operators and vector matching, and selectors that would select everything. Children are checked before their
 * parent, so the first error is the one Prometheus reports first.
 */
final class PromqlChecker {
    /** What the parser read for a binary operation: where its operator is, and its matching clause as written. */
    record Written(int operatorPos, VectorMatching matching) {}

    private final String text;
    private final Map<Expr, Integer> starts;
    private final Map<Binary, Written> written;

    PromqlChecker(String text, Map<Expr, Integer> starts, Map<Binary, Written> written) {
        this.text = text;
        this.starts = starts;
        this.written = written;
    }

    /** Checks {@code expr} and all below it; returns its type. */
    ValueType check(Expr expr) {
        if (expr instanceof Aggregate a) {
            checkAggregate(a);
        } else if (expr instanceof Binary b) {
            checkBinary(b);
        } else if (expr instanceof Call c) {
            checkCall(c);
        } else if (expr instanceof Paren p) {
            check(p.expr());
        } else if (expr instanceof Unary u) {
            ValueType t = check(u.expr());
            if (t != ValueType.SCALAR && t != ValueType.INSTANT_VECTOR) {
                throw error(
                        expr,
                        "unary expression only allowed on expressions of type scalar or instant vector, got "
                                + GoText.quote(t.words()));
            }
        } else if (expr instanceof Subquery s) {
            ValueType t = check(s.expr());
            if (t != ValueType.INSTANT_VECTOR) {
                throw error(expr, "subquery is only allowed on instant vector, got " + goName(t) + " instead");
            }
        } else if (expr instanceof MatrixSelector m) {
            check(m.selector());
        } else if (expr instanceof VectorSelector v) {
            checkSelector(v);
        }
        return expr.type();
    }

    private void checkAggregate(Aggregate a) {
        expectType(a.expr(), ValueType.INSTANT_VECTOR, "aggregation expression");
        switch (a.op()) {
            case "topk", "bottomk", "quantile" -> expectType(a.param(), ValueType.SCALAR, "aggregation parameter");
            case "count_values" -> expectType(a.param(), ValueType.STRING, "aggregation parameter");
            default -> {}
        }
    }

    private void checkCall(Call c) {
        Functions.Signature f = Functions.lookup(c.function()).orElseThrow();
        int n = c.args().size();
        if (f.variadic() == 0 && n != f.argTypes().size()) {
            throw error(c, "expected " + f.argTypes().size() + " argument(s) in call to " + quoted(c) + ", got " + n);
        }
        if (f.variadic() != 0 && n < f.minArgs()) {
            throw error(c, "expected at least " + f.minArgs() + " argument(s) in call to " + quoted(c) + ", got " + n);
        }
        if (f.maxArgs() >= 0 && n > f.maxArgs()) {
            throw error(c, "expected at most " + f.maxArgs() + " argument(s) in call to " + quoted(c) + ", got " + n);
        }
        for (int i = 0; i < n; i++) {
            expectType(c.args().get(i), f.argType(i), "call to function " + quoted(c));
        }
    }

    private static String quoted(Call c) {
        return GoText.quote(c.function());
    }

    private void checkBinary(Binary b) {
        ValueType lt = check(b.lhs());
        ValueType rt = check(b.rhs());
        Written w = written.get(b);
        VectorMatching m = w.matching();
        boolean comparison = isComparison(b.op());
        boolean setOperator = b.op().equals("and") || b.op().equals("or") || b.op().equals("unless");
        if (b.returnBool() && !comparison) {
            throw error(w.operatorPos(), "bool modifier can only be used on comparison operators");
        }
        if (comparison && !b.returnBool() && lt == ValueType.SCALAR && rt == ValueType.SCALAR) {
            throw error(w.operatorPos(), "comparisons between scalars must use BOOL modifier");
        }
        if (m.on()) {
            for (String label : m.labels()) {
                if (m.include().contains(label)) {
                    throw error(
                            w.operatorPos(),
                            "label " + GoText.quote(label) + " must not occur in ON and GROUP clause at once");
                }
            }
        }
        requireScalarOrVector(b.lhs(), lt);
        requireScalarOrVector(b.rhs(), rt);
        if (lt != ValueType.INSTANT_VECTOR || rt != ValueType.INSTANT_VECTOR) {
            if (!m.labels().isEmpty()) {
                throw error(b, "vector matching only allowed between instant vectors");
            }
        } else if (setOperator && m.cardinality() != Cardinality.ONE_TO_ONE) {
            // group_left / group_right; a set operator without them is many-to-many
            throw error(b, "no grouping allowed for " + GoText.quote(b.op()) + " operation");
        }
        if ((lt == ValueType.SCALAR || rt == ValueType.SCALAR) && setOperator) {
            throw error(b, "set operator " + GoText.quote(b.op()) + " not allowed in binary scalar expression");
        }
    }

    private void requireScalarOrVector(Expr side, ValueType type) {
        if (type != ValueType.SCALAR && type != ValueType.INSTANT_VECTOR) {
            throw error(side, "binary expression must contain only scalar and instant vector types");
        }
    }

    private static boolean isComparison(String op) {
        return List.of("==", "!=", "<=", "<", ">=", ">").contains(op);
    }

    private void checkSelector(VectorSelector v) {
        List<Matcher> matchers = v.matchers();
        if (v.name() != null) {
            // The name written before the braces is the last matcher; another __name__ matcher sets it twice. An
            // explicit name is a non-empty matcher, so the next check does not apply.
            for (Matcher m : matchers.subList(0, matchers.size() - 1)) {
                if (m.name().equals("__name__")) {
                    throw error(
                            v,
                            "metric name must not be set twice: " + GoText.quote(v.name()) + " or "
                                    + GoText.quote(m.value()));
                }
            }
            return;
        }
        if (matchers.stream().allMatch(m -> m.matches(""))) {
            throw error(v, "vector selector must contain at least one non-empty matcher");
        }
    }

    private void expectType(Expr expr, ValueType want, String context) {
        ValueType got = check(expr);
        if (got != want) {
            throw error(expr, "expected type " + want.words() + " in " + context + ", got " + got.words());
        }
    }

    /** Prometheus's own names of the types, which its subquery error uses rather than the documented ones. */
    private static String goName(ValueType type) {
        return switch (type) {
            case SCALAR -> "scalar";
            case INSTANT_VECTOR -> "vector";
            case RANGE_VECTOR -> "matrix";
            case STRING -> "string";
        };
    }

    private PromqlParseException error(Expr at, String message) {
        return error(starts.get(at), message);
    }

    private PromqlParseException error(int position, String message) {
        return new PromqlParseException(text, position, message);
    }
}
