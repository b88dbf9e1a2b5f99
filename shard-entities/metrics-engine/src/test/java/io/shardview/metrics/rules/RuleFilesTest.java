package io.shardview.metrics.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardview.metrics.promql.parser.PromqlParser;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class RuleFilesTest {
    private static final String EVERY_FIELD =
            """
            groups:
              - name: node
                interval: 1m30s
                limit: 100
                rules:
                  - record: job:up:sum
                    expr: sum by (job) (up)
                    labels: {zone: b, app: a}
                  - alert: NodeDown
                    expr: |
                      up
                        == 0
                    for: 5m
                    keep_firing_for: 1h
                    labels:
                      severity: page
                      ratio: 1.50
                      flag: yes
                    annotations:
                      summary: "{{ $labels.instance }} is down"
              - name: other
                rules: []
            """;

    @Test
    void readsTheGroupsTheirIntervalsLimitsAndRules() {
        List<RuleGroup> groups = RuleFiles.parse(EVERY_FIELD);
        assertEquals(2, groups.size());
        RuleGroup node = groups.get(0);
        assertEquals("node", node.name());
        assertEquals(90_000, node.intervalMillis());
        assertEquals(100, node.limit());
        assertEquals(new RuleGroup("other", 0, 0, List.of()), groups.get(1));

        Rule.Recording recording =
                assertInstanceOf(Rule.Recording.class, node.rules().get(0));
        assertEquals("job:up:sum", recording.name());
        assertEquals("sum by (job) (up)", recording.exprText());
        assertEquals(PromqlParser.parse("sum by (job) (up)"), recording.expr());
        assertEquals(List.of("app", "zone"), List.copyOf(recording.labels().keySet()));

        Rule.Alerting alerting =
                assertInstanceOf(Rule.Alerting.class, node.rules().get(1));
        assertEquals("NodeDown", alerting.name());
        assertEquals("up\n  == 0\n", alerting.exprText()); // as written, block and all
        assertEquals(300_000, alerting.forMillis());
        assertEquals(3_600_000, alerting.keepFiringForMillis());
        // Numbers and booleans as label values keep their text, as Prometheus reads them into strings.
        assertEquals(Map.of("severity", "page", "ratio", "1.50", "flag", "yes"), alerting.labels());
        assertEquals(
                List.of("flag", "ratio", "severity"),
                List.copyOf(alerting.labels().keySet()));
        assertEquals(Map.of("summary", "{{ $labels.instance }} is down"), alerting.annotations());
    }

    @Test
    void anEmptyFileOrOneWithoutGroupsHasNoGroups() {
        assertEquals(List.of(), RuleFiles.parse(""));
        assertEquals(List.of(), RuleFiles.parse("# only a comment\n"));
        assertEquals(List.of(), RuleFiles.parse("groups:\n"));
        assertEquals(List.of(), RuleFiles.parse("groups: []\n"));
    }

    @ParameterizedTest
    @CsvSource({
        "0x10, 16",
        "1.9, 1",
        "1e3, 1000",
        "1_000, 1000",
        "0o17, 15",
        "'~', 0",
        "-3, 0",
        "9000000000, 2147483647"
    })
    void readsALimitAsGoReadsAnIntAndKeepsWhatItMeans(String written, int limit) {
        assertEquals(
                limit,
                RuleFiles.parse("groups: [{name: g, limit: " + written + "}]")
                        .get(0)
                        .limit());
    }

    static Stream<Arguments> errors() {
        return Stream.of(
                error("groups: []\nextra: 1", "line 2: field extra not found in type rulefmt.RuleGroups"),
                error(
                        "groups: [{name: g, evaluation_interval: 1m}]",
                        "line 1: field evaluation_interval not found in type rulefmt.RuleGroup"),
                error(
                        "groups: [{name: g, rules: [{record: r, expr: up, help: x}]}]",
                        "line 1: field help not found in type rulefmt.RuleNode"),
                error("groups: [{name: g, limit: '5'}]", "line 1: cannot unmarshal !!str `5` into int"),
                error("groups: [{name: g, interval: 1.5m}]", "line 1: not a valid duration string: \"1.5m\""),
                error("groups: [{name: g, interval: -1m}]", "line 1: not a valid duration string: \"-1m\""),
                error("groups: [{name: g, interval: 300y}]", "line 1: duration out of range"),
                error("groups: {name: g}", "line 1: cannot unmarshal !!map into []rulefmt.RuleGroup"),
                error("groups: [{name: g, name: h}]", "line 1: mapping key \"name\" already defined at line 1"),
                error("groups: [{name: ''}]", "1:10: Groupname must not be empty"),
                error("groups: [{name: g}, {name: g}]", "1:21: groupname: \"g\" is repeated in the same file"),
                error(
                        "groups: [{name: g, rules: [{record: r, alert: A, expr: up}]}]",
                        "1:37: 1:47: group \"g\", rule 1, \"A\": only one of 'record' and 'alert' must be set"),
                error(
                        "groups: [{name: g, rules: [{expr: up}]}]",
                        "group \"g\", rule 1, \"\": one of 'record' or 'alert' must be set"),
                error(
                        "groups: [{name: g, rules: [{alert: A}]}]",
                        "group \"g\", rule 1, \"A\": field 'expr' must be set in rule"),
                error(
                        "groups: [{name: g, rules: [{alert: A, expr: 'up +'}]}]",
                        "1:45: group \"g\", rule 1, \"A\": could not parse expression: 1:5: parse error: unexpected end"
                                + " of input"),
                error(
                        "groups: [{name: g, rules: [{record: a-b, expr: up}]}]",
                        "1:37: group \"g\", rule 1, \"a-b\": invalid recording rule name: a-b"),
                error(
                        "groups: [{name: g, rules: [{record: r, expr: up, for: 1m}]}]",
                        "1:37: group \"g\", rule 1, \"r\": invalid field 'for' in recording rule"),
                error(
                        "groups: [{name: g, rules: [{alert: A, expr: up, labels: {__name__: x}}]}]",
                        "group \"g\", rule 1, \"A\": invalid label name: __name__"),
                error(
                        "groups: [{name: g, rules: [{alert: A, expr: up, annotations: {a-b: x}}]}]",
                        "group \"g\", rule 1, \"A\": invalid annotation name: a-b"),
                error("groups: [", "yaml: line 1: expected the node content, but found '<stream end>'"),
                error("%YAML 1.2\n---\ngroups: []", "yaml: found incompatible YAML document"));
    }

    private static Arguments error(String yaml, String message) {
        return Arguments.of(yaml, message);
    }

    @ParameterizedTest
    @MethodSource("errors")
    void reportsErrorsInPrometheusWords(String yaml, String error) {
        RuleFileException e = assertThrows(RuleFileException.class, () -> RuleFiles.parse(yaml));
        assertEquals(List.of(error), e.errors());
        assertEquals(error, e.getMessage());
    }

    @Test
    void reportsEveryErrorOfTheFile() {
        RuleFileException e = assertThrows(
                RuleFileException.class,
                () -> RuleFiles.parse(
                        "groups: [{name: g, rules: [{record: a-b, expr: up, annotations: {x: y}}]}, {name: g}]"));
        assertEquals(3, e.errors().size(), e.getMessage());
        assertEquals(String.join("; ", e.errors()), e.getMessage());
        assertTrue(e.errors().get(2).endsWith("groupname: \"g\" is repeated in the same file"), e.getMessage());
    }

    @Test
    void refusesFilesBeyondItsLimits() {
        String big = "# " + "x".repeat(RuleFiles.MAX_BYTES) + "\n";
        assertMessage(big, "a rule file may have at most 1048576 bytes (1 MiB); this one has 1048579");

        StringBuilder groups = new StringBuilder("groups:\n");
        for (int i = 0; i <= 1_000; i++) {
            groups.append("- name: g").append(i).append('\n');
        }
        assertMessage(groups.toString(), "a rule file may have at most 1000 groups");

        StringBuilder rules = new StringBuilder("groups:\n- name: g\n  rules:\n");
        rules.append("  - {record: r, expr: up}\n".repeat(10_001));
        assertMessage(rules.toString(), "a rule file may have at most 10000 rules");

        // A small file that names one big map in many rules.
        StringBuilder bomb = new StringBuilder("groups:\n- name: g\n  rules:\n  - {alert: A, expr: up, labels: &l {");
        for (int i = 0; i < 1_000; i++) {
            bomb.append("k").append(i).append(": v, ");
        }
        bomb.append("}}\n").append("  - {alert: A, expr: up, labels: *l}\n".repeat(1_000));
        assertMessage(bomb.toString(), "a rule file may have at most 1000000 values once its aliases are expanded");
    }

    @Test
    void stopsAfterAHundredErrors() {
        String yaml = "groups:\n- name: g\n  rules:\n  - &r {alert: A, expr: up, labels: {a: 1, a: 2}}\n"
                + "  - *r\n".repeat(200);
        RuleFileException e = assertThrows(RuleFileException.class, () -> RuleFiles.parse(yaml));
        assertEquals(101, e.errors().size());
        assertEquals(
                "line 4: mapping key \"a\" already defined at line 4",
                e.errors().get(0));
        assertEquals("too many errors; the rest are not reported", e.errors().get(100));
    }

    @Test
    void writesFilesThatReadBackAsTheSameGroups() {
        List<RuleGroup> groups = RuleFiles.parse(EVERY_FIELD);
        assertEquals(groups, RuleFiles.parse(RuleFiles.write(groups)));
        assertEquals(List.of(), RuleFiles.parse(RuleFiles.write(List.of())));
    }

    @Test
    void writesAnyTextSoThatItReadsBackTheSame() {
        TreeMap<String, String> tricky = new TreeMap<>();
        String[] values = {
            "",
            "~",
            "null",
            "Null",
            "yes",
            "no",
            "on",
            "true",
            "1.50",
            "0x1F",
            "1e3",
            "a: b",
            "#x",
            "- x",
            " lead",
            "trail ",
            "two\nlines",
            "trailing newline\n",
            "  indented\nblock",
            "{{ $labels.x }}",
            "'quoted'",
            "\"double\"",
            "tab\there",
            "é 🚀",
            "<<",
            "*alias",
            "&anchor",
            "!tag",
            "%directive",
            "@at",
            "`back`",
            "line\n\n\nbreaks\n\n"
        };
        for (int i = 0; i < values.length; i++) {
            tricky.put("v" + i, values[i]);
        }
        Rule alert = new Rule.Alerting(
                "Alert: \"x\" #1",
                "up\n  == 0\n",
                PromqlParser.parse("up\n  == 0\n"),
                90_000,
                14 * 86_400_000L,
                tricky,
                tricky);
        Rule record = new Rule.Recording("a:b", "sum(up)", PromqlParser.parse("sum(up)"), tricky);
        List<RuleGroup> groups = List.of(new RuleGroup("~", 3_723_004, 7, List.of(alert, record)));
        String written = RuleFiles.write(groups);
        assertEquals(groups, RuleFiles.parse(written), written);
    }

    @ParameterizedTest
    @CsvSource({
        "0, 0s",
        "1, 1ms",
        "90000, 1m30s",
        "3723004, 1h2m3s4ms",
        "1209600000, 2w",
        "7776000000, 90d",
        "31536000000, 1y",
        "31622400000, 366d"
    })
    void writesDurationsAsPrometheusDoes(long millis, String text) {
        assertEquals(text, RuleFiles.formatDuration(millis));
        assertEquals(millis, RuleFileReader.prometheusDuration(text));
    }

    private static void assertMessage(String yaml, String error) {
        RuleFileException e = assertThrows(RuleFileException.class, () -> RuleFiles.parse(yaml));
        assertEquals(List.of(error), e.errors());
    }
}
