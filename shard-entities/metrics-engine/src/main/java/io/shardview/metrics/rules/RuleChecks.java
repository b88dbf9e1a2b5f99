package io.shardview.metrics.rules;

import io.shardview.metrics.promql.parser.Expr;
import io.shardview.metrics.promql.parser.PromqlParser;
import io.shardview.metrics.promql.parser.UnsupportedFunctionException;
import io.shardview.metrics.rules.RuleFileReader.Field;
import io.shardview.metrics.rules.RuleFileReader.RawGroup;
import io.shardview.metrics.rules.RuleFileReader.RawRule;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The checks of Prometheus 2.42's rulefmt ({@code RuleGroups.Validate}, {@code RuleNode.Validate}) on decoded groups,
 * with its messages, and the groups they give, alerts' label and annotation templates parsed ({@link AlertTemplate}).
 */
final class RuleChecks {
    private RuleChecks() {}

    /** The checked groups, or every error of every group and rule. */
    static List<RuleGroup> checked(List<RawGroup> raw) {
        List<String> errors = new ArrayList<>();
        Set<String> names = new HashSet<>();
        List<RuleGroup> groups = new ArrayList<>();
        for (RawGroup group : raw) {
            if (group.name().isEmpty()) {
                errors.add(group.at() + ": Groupname must not be empty");
            }
            if (!names.add(group.name())) {
                errors.add(group.at() + ": groupname: \"" + group.name() + "\" is repeated in the same file");
            }
            List<Rule> rules = new ArrayList<>();
            for (int i = 0; i < group.rules().size(); i++) {
                Rule rule = checked(group.name(), i, group.rules().get(i), errors);
                if (rule != null) {
                    rules.add(rule);
                }
            }
            groups.add(new RuleGroup(group.name(), group.intervalMillis(), intLimit(group.limit()), rules));
        }
        if (!errors.isEmpty()) {
            throw new RuleFileException(errors);
        }
        return groups;
    }

    /**
     * Prometheus applies a limit only when it is above 0, and no group yields 2^31 series: a negative limit is no limit
     * (0) and a bigger one is {@code Integer.MAX_VALUE}, which mean the same.
     */
    private static int intLimit(long limit) {
        return (int) Math.max(0, Math.min(Integer.MAX_VALUE, limit));
    }

    /** The rule, or null after adding its errors. */
    private static Rule checked(String group, int index, RawRule raw, List<String> errors) {
        Field record = raw.record();
        Field alert = raw.alert();
        String name = alert.value().isEmpty() ? record.value() : alert.value();
        String prefix = "group " + quote(group) + ", rule " + (index + 1) + ", " + quote(name) + ": ";
        int before = errors.size();
        boolean recording = !record.value().isEmpty();
        if (recording && !alert.value().isEmpty()) {
            errors.add(at(record) + at(alert) + prefix + "only one of 'record' and 'alert' must be set");
        }
        if (!recording && alert.value().isEmpty()) {
            errors.add(at(record) + prefix + "one of 'record' or 'alert' must be set");
        }
        Expr expr = expression(raw.expr(), prefix, errors);
        if (recording) {
            if (!raw.annotations().isEmpty()) {
                errors.add(at(record) + prefix + "invalid field 'annotations' in recording rule");
            }
            if (raw.forMillis() != 0) {
                errors.add(at(record) + prefix + "invalid field 'for' in recording rule");
            }
            if (raw.keepFiringForMillis() != 0) {
                errors.add(at(record) + prefix + "invalid field 'keep_firing_for' in recording rule");
            }
            if (!isMetricName(record.value())) {
                errors.add(at(record) + prefix + "invalid recording rule name: " + record.value());
            }
        }
        // Label values need only be valid UTF-8, which every Java string read from YAML is.
        for (String label : raw.labels().keySet()) {
            if (!isLabelName(label) || label.equals("__name__")) {
                errors.add(prefix + "invalid label name: " + label);
            }
        }
        for (String annotation : raw.annotations().keySet()) {
            if (!isLabelName(annotation)) {
                errors.add(prefix + "invalid annotation name: " + annotation);
            }
        }
        if (!recording && !alert.value().isEmpty()) {
            raw.labels()
                    .forEach((label, text) -> template(alert.value(), "label " + quote(label), text, prefix, errors));
            raw.annotations()
                    .forEach((annotation, text) ->
                            template(alert.value(), "annotation " + quote(annotation), text, prefix, errors));
        }
        if (errors.size() > before) {
            return null;
        }
        String exprText = raw.expr().value();
        return recording
                ? new Rule.Recording(record.value(), exprText, expr, Rule.sorted(raw.labels()))
                : new Rule.Alerting(
                        alert.value(),
                        exprText,
                        expr,
                        raw.forMillis(),
                        raw.keepFiringForMillis(),
                        Rule.sorted(raw.labels()),
                        Rule.sorted(raw.annotations()));
    }

    /**
     * An alert's label or annotation template must parse, as Prometheus's testTemplateParsing asks; here also without
     * the functions that query the database, which this node's rules cannot run.
     */
    private static void template(String alert, String what, String text, String prefix, List<String> errors) {
        try {
            AlertTemplate.parse("__alert_" + alert, text);
        } catch (TemplateException e) {
            errors.add(prefix + what + ": " + e.getMessage());
        }
    }

    private static Expr expression(Field expr, String prefix, List<String> errors) {
        if (expr.value().isEmpty()) {
            errors.add(at(expr) + prefix + "field 'expr' must be set in rule");
            return null;
        }
        try {
            return PromqlParser.parse(expr.value());
        } catch (IllegalArgumentException e) {
            errors.add(at(expr) + prefix + "could not parse expression: " + e.getMessage());
        } catch (UnsupportedFunctionException e) {
            // Valid PromQL for Prometheus, but a rule this server cannot evaluate is refused when it is written.
            errors.add(at(expr) + prefix + "could not parse expression: " + e.getMessage());
        }
        return null;
    }

    /** model.IsValidMetricName: [a-zA-Z_:][a-zA-Z0-9_:]*. */
    static boolean isMetricName(String name) {
        if (name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean valid = c >= 'a' && c <= 'z'
                    || c >= 'A' && c <= 'Z'
                    || c == '_'
                    || c == ':'
                    || c >= '0' && c <= '9' && i > 0;
            if (!valid) {
                return false;
            }
        }
        return true;
    }

    /** model.LabelName.IsValid: [a-zA-Z_][a-zA-Z0-9_]*. */
    static boolean isLabelName(String name) {
        return !name.contains(":") && isMetricName(name);
    }

    /** Where a field was, as "line:column: ", or nothing for an absent field. */
    private static String at(Field field) {
        return field.at() == null ? "" : field.at() + ": ";
    }

    /** Go's %q for the texts of these messages: quoted, with backslashes, quotes and control characters escaped. */
    static String quote(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                case '\r' -> out.append("\\r");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        out.append(String.format("\\x%02x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
