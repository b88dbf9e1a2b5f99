package io.shardview.metrics.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.shardview.metrics.promql.parser.GoText;
import io.shardview.metrics.rules.AlertTemplateCases.Case;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checks AlertTemplate's expansions against Prometheus's own: every case of {@link AlertTemplateCases} becomes an
 * alerting rule whose annotation is the template, and promtool's rule unit test must find our expansion as the
 * annotation Prometheus 2.42 computes. The files are written as JSON (valid YAML) so no template needs YAML quoting.
 */
class AlertTemplatePromtoolTest {
    private static final File PROMTOOL = new File("/usr/bin/promtool");
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void expansionsEqualPrometheus(@TempDir Path dir) throws Exception {
        assumeTrue(PROMTOOL.canExecute(), "promtool (Debian package prometheus) is not installed at /usr/bin/promtool");
        List<Case> cases = AlertTemplateCases.all();
        ObjectNode rules = JSON.createObjectNode();
        ArrayNode ruleList =
                rules.putArray("groups").addObject().put("name", "templates").putArray("rules");
        ObjectNode test = JSON.createObjectNode();
        test.putArray("rule_files").add("rules.json");
        test.put("evaluation_interval", "1m");
        ObjectNode group = test.putArray("tests").addObject().put("interval", "1m");
        group.put("external_url", AlertTemplateCases.EXTERNAL_URL);
        AlertTemplateCases.EXTERNAL_LABELS.forEach(group.putObject("external_labels")::put);
        ArrayNode series = group.putArray("input_series");
        ArrayNode alertTests = group.putArray("alert_rule_test");
        for (int i = 0; i < cases.size(); i++) {
            Case c = cases.get(i);
            String alert = "T" + i;
            Map<String, String> labels = new TreeMap<>(c.labels());
            labels.put("case", Integer.toString(i));
            ObjectNode rule = ruleList.addObject().put("alert", alert).put("expr", "test_metric{case=\"" + i + "\"}");
            rule.put("for", "0m").putObject("annotations").put("a", c.template());
            series.addObject().put("series", seriesName(labels)).put("values", seriesValue(c.value()));
            Map<String, String> withName = new TreeMap<>(labels);
            withName.put("__name__", "test_metric");
            String ours = AlertTemplate.parse("__alert_" + alert, c.template())
                    .expand(withName, c.value(), AlertTemplateCases.EXTERNAL_LABELS, AlertTemplateCases.EXTERNAL_URL);
            ObjectNode expected = alertTests
                    .addObject()
                    .put("eval_time", "0m")
                    .put("alertname", alert)
                    .putArray("exp_alerts")
                    .addObject();
            labels.forEach(expected.putObject("exp_labels")::put);
            expected.putObject("exp_annotations").put("a", ours);
        }
        JSON.writerWithDefaultPrettyPrinter()
                .writeValue(dir.resolve("rules.json").toFile(), rules);
        JSON.writerWithDefaultPrettyPrinter()
                .writeValue(dir.resolve("test.json").toFile(), test);
        Process p = new ProcessBuilder(PROMTOOL.getPath(), "test", "rules", "test.json")
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "promtool did not finish in 60 s");
        assertEquals(0, p.exitValue(), cases.size() + " templates; promtool says:\n" + output);
    }

    private static String seriesName(Map<String, String> labels) {
        StringBuilder b = new StringBuilder("test_metric{");
        labels.forEach((k, v) ->
                b.append(b.length() > 12 ? "," : "").append(k).append('=').append(GoText.quote(v)));
        return b.append('}').toString();
    }

    /** promtool's series notation: a number, or NaN, Inf and -Inf. */
    private static String seriesValue(double v) {
        if (Double.isNaN(v)) return "NaN";
        if (Double.isInfinite(v)) return v > 0 ? "Inf" : "-Inf";
        return GoFloat.format(v, 'g', -1);
    }
}
