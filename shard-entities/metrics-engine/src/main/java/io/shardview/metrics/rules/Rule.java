package io.shardview.metrics.rules;

import io.shardview.metrics.promql.parser.Expr;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/** One rule of a {@link RuleGroup}: a recording rule or an alerting rule. */
public sealed interface Rule {
    /** The recorded metric's name, or the alert's name. */
    String name();

    /** The PromQL expression as written in the file. */
    String exprText();

    /** The parsed expression. */
    Expr expr();

    /** Labels added to (or, with an empty value, removed from) every result; an alert's values are templates. */
    SortedMap<String, String> labels();

    /** {@code record: name}: the expression's value at each evaluation stored as series named {@code name}. */
    record Recording(String name, String exprText, Expr expr, SortedMap<String, String> labels) implements Rule {
        public Recording {
            labels = new TreeMap<>(labels);
        }
    }

    /**
     * {@code alert: name}: every series of the expression's value is an alert, pending until it has been for {@code
     * forMillis}, then firing; once gone it keeps firing for {@code keepFiringForMillis}.
     */
    record Alerting(
            String name,
            String exprText,
            Expr expr,
            long forMillis,
            long keepFiringForMillis,
            SortedMap<String, String> labels,
            SortedMap<String, String> annotations)
            implements Rule {
        public Alerting {
            labels = new TreeMap<>(labels);
            annotations = new TreeMap<>(annotations);
        }
    }

    /** Copies a map of labels or annotations as the rule keeps them. */
    static SortedMap<String, String> sorted(Map<String, String> map) {
        return map == null ? new TreeMap<>() : new TreeMap<>(map);
    }
}
