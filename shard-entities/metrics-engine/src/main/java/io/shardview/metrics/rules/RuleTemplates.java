package io.shardview.metrics.rules;

import io.shardview.metrics.index.Labels;
import io.shardview.metrics.promql.evaluation.Sample;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * An alerting rule's label and annotation templates, parsed once, and the alert one series of its expression makes:
 * the series' labels without the metric name, the rule's labels expanded over them (an empty result removes the
 * label), {@code alertname}, and the annotations expanded (rules/alerting.go). A template that fails to parse or run
 * expands to Prometheus's {@code <error expanding template: ...>}.
 */
final class RuleTemplates {
    private final Rule.Alerting rule;
    private final Map<String, Expansion> labels = new TreeMap<>();
    private final Map<String, Expansion> annotations = new TreeMap<>();

    RuleTemplates(Rule.Alerting rule) {
        this.rule = rule;
        rule.labels().forEach((name, text) -> labels.put(name, parse(rule.name(), text)));
        rule.annotations().forEach((name, text) -> annotations.put(name, parse(rule.name(), text)));
    }

    /** The pending alert {@code sample} makes at {@code time}. */
    Alert alert(Sample sample, long time, String externalURL) {
        Map<String, String> data = sample.labels().toMap();
        Map<String, String> out = sample.labels().toMap();
        out.remove(Labels.METRIC_NAME);
        labels.forEach(
                (name, template) -> GroupState.put(out, name, template.expand(data, sample.value(), externalURL)));
        out.put("alertname", rule.name());
        SortedMap<String, String> expanded = new TreeMap<>();
        annotations.forEach((name, template) -> expanded.put(name, template.expand(data, sample.value(), externalURL)));
        return Alert.pending(new TreeMap<>(out), expanded, sample.value(), time);
    }

    private static Expansion parse(String alert, String text) {
        try {
            AlertTemplate template = AlertTemplate.parse("__alert_" + alert, text);
            if (template.constant()) return (labels, value, url) -> text;
            return (labels, value, url) -> template.expand(labels, value, Map.of(), url);
        } catch (TemplateException e) {
            String failed = "<error expanding template: " + e.getMessage() + ">";
            return (labels, value, url) -> failed;
        }
    }

    /** One template, ready to expand. */
    @FunctionalInterface
    private interface Expansion {
        String expand(Map<String, String> labels, double value, String externalURL);
    }
}
