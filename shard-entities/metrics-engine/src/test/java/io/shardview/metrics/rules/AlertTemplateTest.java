package io.shardview.metrics.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class AlertTemplateTest {
    private static String expand(String template, double value) {
        return AlertTemplate.parse("__alert_T", template)
                .expand(Map.of("instance", "a:9090", "job", "api"), value, Map.of("region", "eu"), "http://prom/x");
    }

    private static String parseError(String name, String template) {
        return assertThrows(TemplateException.class, () -> AlertTemplate.parse(name, template))
                .getMessage();
    }

    @Test
    void syntaxErrorsReadAsPromtoolCheckRulesReportsThem() {
        assertEquals("template: __alert_X:1: unexpected \"}\" in operand", parseError("__alert_X", "{{ $labels.x }"));
        assertEquals("template: __alert_Y:2: unclosed action", parseError("__alert_Y", "line\n{{ humanize $value"));
        assertEquals("template: __alert_Z:1: unexpected EOF", parseError("__alert_Z", "{{ if $value }}x"));
        assertEquals("template: __alert_W:1: undefined variable \"$nope\"", parseError("__alert_W", "{{ $nope }}"));
    }

    @Test
    void unknownFunctionIsAParseError() {
        assertEquals("template: __alert_T:1: function \"nope\" not defined", parseError("__alert_T", "{{ nope 1 }}"));
    }

    @Test
    void queryFunctionsAreRefusedAtParse() {
        for (String f : new String[] {"query", "first", "label", "value", "sortByLabel", "strvalue"}) {
            String message = parseError("__alert_T", "{{ " + f + " \"up\" }}");
            assertTrue(message.contains("\"" + f + "\" is not supported in this node's rules"), message);
        }
    }

    @Test
    void templateDefinitionsAreRefusedAsNotSupported() {
        assertTrue(parseError("__alert_T", "{{ define \"x\" }}y{{ end }}").contains("not supported"));
        assertTrue(parseError("__alert_T", "{{ template \"x\" }}").contains("not supported"));
    }

    @Test
    void textWithoutActionsIsConstant() {
        AlertTemplate t = AlertTemplate.parse("__alert_T", "disk full } {");
        assertTrue(t.constant());
        assertEquals("disk full } {", t.expand(Map.of(), 1, Map.of(), ""));
        assertFalse(AlertTemplate.parse("__alert_T", "{{ $value }}").constant());
    }

    @Test
    void labelsValueAndExternalDataExpand() {
        assertEquals(
                "a:9090 api 1.5 eu http://prom/x",
                expand(
                        "{{ $labels.instance }} {{ .Labels.job }} {{ $value }} {{ $externalLabels.region }} {{ $externalURL }}",
                        1.5));
    }

    @Test
    void externalUrlFunctionGivesTheUrlAndPathPrefixIsEmpty() {
        assertEquals("http://prom/x|", expand("{{ externalURL }}|{{ pathPrefix }}", 0));
    }

    @Test
    void missingLabelIsTheEmptyString() {
        assertEquals("[]", expand("[{{ $labels.nope }}]", 0));
    }

    @Test
    void executionErrorGivesPrometheusErrorString() {
        assertEquals(
                "<error expanding template: error executing template __alert_T: template: __alert_T:1:115: "
                        + "executing \"__alert_T\" at <eq $value 1>: error calling eq: incompatible types for comparison>",
                expand("{{ eq $value 1 }}", 1));
    }

    @Test
    void humanizeUsesFourSignificantDigitsAndSiPrefixes() {
        assertEquals(
                "1.234k 1.234m 0 NaN",
                expand(
                        "{{ humanize 1234 }} {{ humanize 0.001234 }} {{ humanize 0 }} {{ humanize $value }}",
                        Double.NaN));
    }

    @Test
    void printfFollowsGoFmt() {
        assertEquals(
                "1234.50|%!d(float64=1234.5)|1.23e+03|1e+06",
                expand("{{ printf \"%.2f|%d|%.3g\" $value $value $value }}|{{ printf \"%v\" 1e6 }}", 1234.5));
    }
}
