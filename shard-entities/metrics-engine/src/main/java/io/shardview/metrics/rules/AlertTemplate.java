package io.shardview.metrics.rules;

import io.shardview.metrics.rules.TemplateValues.AlertData;
import io.shardview.metrics.rules.TemplateValues.GoMap;
import java.util.List;
import java.util.Map;

/**
 * A parsed alert label or annotation template: the subset of Go's text/template that Prometheus alert templates use,
 * with Prometheus's functions and data (template/template.go and rules/alerting.go of v2.42). The text is parsed after
 * Prometheus's variable definitions, as Prometheus parses it, so error positions count those definitions too.
 */
public final class AlertTemplate {
    /** What Prometheus prepends to every alert template, so $labels, $value, ... exist. */
    private static final String DEFINITIONS = "{{$labels := .Labels}}{{$externalLabels := .ExternalLabels}}"
            + "{{$externalURL := .ExternalURL}}{{$value := .Value}}";

    private final String name;
    private final String text;
    private final String fullText;
    private final List<TemplateNode> root;

    private AlertTemplate(String name, String text, String fullText, List<TemplateNode> root) {
        this.name = name;
        this.text = text;
        this.fullText = fullText;
        this.root = root;
    }

    /**
     * Parses text; throws TemplateException (worded as Go's / promtool check rules', e.g. "template: __alert_X:1:
     * unexpected \"}\" in operand") for a syntax error, an unknown function, or a construct not supported here. name is
     * the template's name in messages (Prometheus uses "__alert_" + alertName).
     */
    public static AlertTemplate parse(String name, String text) {
        String full = DEFINITIONS + text;
        return new AlertTemplate(name, text, full, TemplateParser.parse(name, full));
    }

    /** True when text holds no action ("{{"), so expanding it gives text unchanged (a fast path). */
    public boolean constant() {
        return !text.contains("{{");
    }

    /**
     * Expands with Prometheus's data: $labels / .Labels (the alert's labels, without __name__), $value / .Value,
     * $externalLabels / .ExternalLabels, $externalURL / .ExternalURL. An execution error gives Prometheus's result,
     * the string "&lt;error expanding template: ...&gt;" (rules/alerting.go).
     */
    public String expand(
            Map<String, String> labels, double value, Map<String, String> externalLabels, String externalURL) {
        if (constant()) return text;
        String url = externalURL == null ? "" : externalURL;
        AlertData data = new AlertData(GoMap.ofStrings(labels), GoMap.ofStrings(externalLabels), url, value);
        StringBuilder out = new StringBuilder();
        try {
            new TemplateExecutor(name, fullText, data, url).run(root, data, out);
            return out.toString();
        } catch (TemplateExecutor.ExecError e) {
            return "<error expanding template: error executing template " + name + ": " + e.getMessage() + ">";
        }
    }
}
