package io.shardview.metrics.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.shardview.metrics.index.Labels;
import io.shardview.metrics.promql.evaluation.Evaluator;
import io.shardview.metrics.promql.evaluation.FloatFormat;
import io.shardview.metrics.promql.evaluation.QueryResult;
import io.shardview.metrics.promql.evaluation.Sample;
import io.shardview.metrics.promql.evaluation.StorageSource;
import io.shardview.metrics.promql.parser.PromqlParser;
import io.shardview.metrics.storage.PointBatch;
import io.shardview.metrics.storage.ShardStorage;
import io.shardview.metrics.storage.StorageConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rule groups evaluated by {@link GroupState} over the node's own storage and PromQL evaluator give what Prometheus
 * 2.42 gives for the same rules and series: random series and rules (recording rules, alerting rules with {@code for},
 * {@code keep_firing_for}, label and annotation templates, an alert on a series a rule before it recorded) are
 * evaluated every minute for 30 minutes; at every minute the firing alerts (labels and annotations) and the values of
 * every recorded series, {@code ALERTS} and {@code ALERTS_FOR_STATE} are written as the expectations of a {@code
 * promtool test rules} file, which a real promtool then checks by evaluating the same rules over the same series.
 */
class GroupStatePromtoolTest {
    private static final Path PROMTOOL = Path.of("/usr/bin/promtool");
    private static final long MINUTE = 60_000;
    private static final int MINUTES = 30;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void randomGroupsEvaluateAsPrometheusEvaluatesThem() throws Exception {
        assumeTrue(Files.isExecutable(PROMTOOL), "promtool (Debian's prometheus package) is not installed");
        ObjectNode file = JSON.createObjectNode();
        file.putArray("rule_files").add("rules.json");
        file.put("evaluation_interval", "1m");
        ArrayNode tests = file.putArray("tests");
        ObjectNode rules = JSON.createObjectNode();
        ArrayNode groups = rules.putArray("groups");
        for (int seed = 1; seed <= 12; seed++) {
            Case c = new Case(new Random(seed), seed);
            groups.add(c.ruleGroup());
            tests.add(c.expectations());
        }
        // The cases are not vacuous: alerts fire, wait pending, and keep firing after their series went away.
        assertTrue(Case.seen.get(Alert.State.FIRING) > 100, () -> "firing alerts seen: " + Case.seen);
        assertTrue(Case.seen.get(Alert.State.PENDING) > 10, () -> "pending alerts seen: " + Case.seen);
        assertTrue(Case.keptFiring > 0, "no alert kept firing without its series");
        Files.writeString(dir.resolve("rules.json"), rules.toPrettyString());
        Files.writeString(dir.resolve("tests.json"), file.toPrettyString());
        Process p = new ProcessBuilder(PROMTOOL.toString(), "test", "rules", "tests.json")
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assumeTrue(p.waitFor(120, TimeUnit.SECONDS), "promtool timed out");
        assertEquals(
                0, p.exitValue(), () -> "promtool disagrees:\n" + out.substring(0, Math.min(out.length(), 20_000)));
    }

    /**
     * One test group of the file: its own series and its own rule group, whose metric names carry the case's number so
     * that the cases, evaluated together by promtool, do not read each other's series.
     */
    private static final class Case {
        final Random random;
        final String n;
        final Map<Labels, double[]> input = new LinkedHashMap<>();
        final RuleGroup group;
        static final Map<Alert.State, Integer> seen = new java.util.EnumMap<>(Alert.State.class);
        static int keptFiring;

        Case(Random random, int seed) {
            this.random = random;
            this.n = "c" + seed;
            for (String job : List.of("api", "web")) {
                for (int instance = 0; instance < 1 + random.nextInt(2); instance++) {
                    input.put(
                            Labels.of("__name__", n + "_requests_total", "job", job, "instance", "i" + instance),
                            counter());
                }
            }
            for (String room : List.of("kitchen", "hall", "attic")) {
                input.put(Labels.of("__name__", n + "_temperature", "room", room), gauge(room.equals("kitchen")));
            }
            double threshold = 18 + random.nextInt(6);
            long forMillis = MINUTE * random.nextInt(4);
            long keepFiring = random.nextBoolean() ? 0 : MINUTE * (1 + random.nextInt(3));
            String rate = n + "_job:requests:rate2m";
            List<Rule> list = new ArrayList<>();
            list.add(recording(rate, "sum by (job) (rate(" + n + "_requests_total[2m]))", Map.of()));
            list.add(recording(
                    n + "_hot_rooms",
                    "count(" + n + "_temperature > " + threshold + ")",
                    Map.of("team", "facilities")));
            list.add(recording(n + "_total_temperature", "scalar(sum(" + n + "_temperature))", Map.of()));
            list.add(alerting(
                    n + "_TooHot",
                    n + "_temperature > " + threshold,
                    forMillis,
                    keepFiring,
                    Map.of("severity", "page", "where", "{{ $labels.room }}"),
                    Map.of(
                            "summary", "{{ $labels.room }} is at {{ $value }}",
                            "rounded", "{{ $value | humanize }} ({{ printf \"%.1f\" $value }})",
                            "how",
                                    "{{ if gt $value 24.0 }}very hot{{ else }}hot{{ end }} in {{ .Labels.room | title }}",
                            "runbook", "see the wiki")));
            list.add(alerting(
                    n + "_Busy",
                    rate + " > " + (0.2 + random.nextInt(5) / 10.0),
                    MINUTE * random.nextInt(3),
                    0,
                    Map.of(),
                    Map.of("value", "{{ $value }}")));
            this.group = new RuleGroup(n, 0, 0, list);
        }

        double[] counter() {
            double[] v = new double[MINUTES + 1];
            double value = random.nextInt(100);
            for (int i = 0; i <= MINUTES; i++) {
                if (random.nextInt(25) == 0) value = 0; // a reset
                value += random.nextInt(60);
                v[i] = random.nextInt(12) == 0 ? Double.NaN : value; // NaN: no point that minute
            }
            return v;
        }

        double[] gauge(boolean goesAway) {
            double[] v = new double[MINUTES + 1];
            double value = 15 + random.nextInt(10);
            for (int i = 0; i <= MINUTES; i++) {
                value += (random.nextInt(7) - 3) / 2.0;
                v[i] = random.nextInt(8) == 0 ? Double.NaN : value;
            }
            // A room that stops reporting for over 5 minutes: its alert goes away and its series go stale.
            if (goesAway && random.nextBoolean()) for (int i = 12; i < 20; i++) v[i] = Double.NaN;
            return v;
        }

        ObjectNode ruleGroup() {
            ObjectNode g = JSON.createObjectNode();
            g.put("name", group.name());
            ArrayNode rs = g.putArray("rules");
            for (Rule rule : group.rules()) {
                ObjectNode r = rs.addObject();
                if (rule instanceof Rule.Alerting a) {
                    r.put("alert", a.name());
                    r.put("expr", a.exprText());
                    r.put("for", a.forMillis() / 1000 + "s");
                    if (a.keepFiringForMillis() > 0) r.put("keep_firing_for", a.keepFiringForMillis() / 1000 + "s");
                    a.annotations().forEach(r.putObject("annotations")::put);
                } else {
                    r.put("record", rule.name());
                    r.put("expr", rule.exprText());
                }
                if (!rule.labels().isEmpty()) rule.labels().forEach(r.putObject("labels")::put);
            }
            return g;
        }

        /** The test group: the series, and what this node's evaluation found at every minute. */
        ObjectNode expectations() {
            ShardStorage storage = new ShardStorage(StorageConfig.defaults());
            PointBatch.Builder batch = PointBatch.builder();
            input.forEach((labels, values) -> {
                for (int i = 0; i <= MINUTES; i++) {
                    if (!Double.isNaN(values[i])) batch.add(labels, i * MINUTE, values[i]);
                }
            });
            storage.backfill(batch.build());
            ObjectNode test = JSON.createObjectNode();
            test.put("interval", "1m");
            ArrayNode series = test.putArray("input_series");
            input.forEach((labels, values) -> {
                StringBuilder text = new StringBuilder();
                for (double v : values)
                    text.append(Double.isNaN(v) ? "_" : FloatFormat.format(v)).append(' ');
                series.addObject()
                        .put("series", notation(labels))
                        .put("values", text.toString().trim());
            });
            ArrayNode alertTests = test.putArray("alert_rule_test");
            ArrayNode exprTests = test.putArray("promql_expr_test");
            GroupState state = new GroupState(group, "");
            for (int minute = 0; minute <= MINUTES; minute++) {
                long t = minute * MINUTE;
                for (int i = 0; i < group.rules().size(); i++) {
                    QueryResult result = new Evaluator(new StorageSource(storage), Evaluator.Settings.defaults())
                            .instant(group.rules().get(i).expr(), t);
                    RuleResult out = state.apply(i, t, result, 0);
                    assertEquals(null, out.error(), () -> group.name() + " at " + t);
                    PointBatch.Builder stored = PointBatch.builder();
                    for (Sample s : out.samples()) stored.add(s.labels(), t, s.value());
                    storage.backfill(stored.build());
                    state.stored(i, out);
                }
                for (int i = 0; i < group.rules().size(); i++) {
                    for (Alert alert : state.alerts(i)) {
                        seen.merge(alert.state(), 1, Integer::sum);
                        if (alert.keepFiringSince() != 0 && alert.state() == Alert.State.FIRING) keptFiring++;
                    }
                    if (group.rules().get(i) instanceof Rule.Alerting a) {
                        alertTests.add(firing(a, state.alerts(i), minute));
                    }
                }
            }
            List<String> asked = new ArrayList<>();
            for (Rule rule : group.rules()) {
                if (rule instanceof Rule.Recording) asked.add(rule.name());
            }
            asked.add("ALERTS{alertname=~\"" + n + "_.*\"}");
            asked.add("ALERTS_FOR_STATE{alertname=~\"" + n + "_.*\"}");
            for (int minute = 0; minute <= MINUTES; minute++) {
                for (String expr : asked) {
                    QueryResult result = new Evaluator(new StorageSource(storage), Evaluator.Settings.defaults())
                            .instant(PromqlParser.parse(expr), minute * MINUTE);
                    ObjectNode e = exprTests.addObject().put("expr", expr).put("eval_time", minute + "m");
                    ArrayNode samples = e.putArray("exp_samples");
                    for (Sample s : ((QueryResult.Vector) result).samples()) {
                        samples.addObject().put("labels", notation(s.labels())).put("value", s.value());
                    }
                }
            }
            return test;
        }

        private static ObjectNode firing(Rule.Alerting rule, List<Alert> alerts, int minute) {
            ObjectNode test =
                    JSON.createObjectNode().put("eval_time", minute + "m").put("alertname", rule.name());
            ArrayNode expected = test.putArray("exp_alerts");
            for (Alert alert : alerts) {
                if (alert.state() != Alert.State.FIRING) continue;
                ObjectNode a = expected.addObject();
                ObjectNode labels = a.putObject("exp_labels");
                alert.labels().forEach(labels::put);
                ObjectNode annotations = a.putObject("exp_annotations");
                alert.annotations().forEach(annotations::put);
            }
            return test;
        }
    }

    private static Rule.Recording recording(String name, String expr, Map<String, String> labels) {
        return new Rule.Recording(name, expr, PromqlParser.parse(expr), new TreeMap<>(labels));
    }

    private static Rule.Alerting alerting(
            String name,
            String expr,
            long forMillis,
            long keepFiringFor,
            Map<String, String> labels,
            Map<String, String> annotations) {
        return new Rule.Alerting(
                name,
                expr,
                PromqlParser.parse(expr),
                forMillis,
                keepFiringFor,
                new TreeMap<>(labels),
                new TreeMap<>(annotations));
    }

    /** A series in promtool's notation: {@code {__name__="x", a="b"}}. */
    private static String notation(Labels labels) {
        StringBuilder out = new StringBuilder("{");
        for (int i = 0; i < labels.size(); i++) {
            if (i > 0) out.append(", ");
            out.append(labels.name(i)).append("=\"");
            String v = labels.value(i);
            out.append(v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n"))
                    .append('"');
        }
        return out.append('}').toString();
    }
}
