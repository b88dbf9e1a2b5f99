package io.shardview.metrics.rules;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A table of alert templates with the sample each expands for, shared by the tests that check them. */
final class AlertTemplateCases {
    private AlertTemplateCases() {}

    /** One template expanded for one sample: its labels (as the alert's series has them) and its value. */
    record Case(String template, Map<String, String> labels, double value) {}

    /** External labels and URL of the rule group, as promtool's test group sets them. */
    static final Map<String, String> EXTERNAL_LABELS = Map.of("region", "eu");

    static final String EXTERNAL_URL = "http://prom.example.com/prom";

    static final Map<String, String> LABELS =
            Map.of("instance", "node-1.example.com:9100", "job", "node", "severity", "page");

    static List<Case> all() {
        List<Case> c = new ArrayList<>();
        for (double v :
                new double[] {0, 1, 1234, 0.001234, 1e-9, 1e30, Double.NaN, Double.POSITIVE_INFINITY, -1234567}) {
            c.add(new Case("{{ humanize $value }}", LABELS, v));
            c.add(new Case(
                    "{{ $value }} {{ .Value }} {{ printf \"%v|%g|%.3g|%e|%.2f\" $value $value $value $value $value }}",
                    LABELS, v));
        }
        for (double v : new double[] {0, 1, 1023, 1024, 1536000, -5e9})
            c.add(new Case("{{ humanize1024 $value }}", LABELS, v));
        for (double v : new double[] {0.5, 90, 3700, 90000, 1e-4, 0, -90, 59.999})
            c.add(new Case("{{ humanizeDuration $value }}", LABELS, v));
        for (double v : new double[] {0.5, 0.123456, 1, 0})
            c.add(new Case("{{ humanizePercentage $value }}", LABELS, v));
        for (double v : new double[] {0, 1234.5678, 1700000000.123, Double.NaN})
            c.add(new Case("{{ humanizeTimestamp $value }}", LABELS, v));
        String[] templates = {
            "{{ printf \"%.2f\" $value }}",
            "{{ printf \"%d\" $value }}",
            "{{ printf \"%s\" $value }}",
            "{{ printf \"%s is down (%v)\" $labels.instance $value }}",
            "{{ printf \"%5.1f|%-8s|%+d|%05d|%x|%q|%%|%X\" $value $labels.job 42 7 255 $labels.job \"ab\" }}",
            "{{ printf \"%d %d\" 1 }}",
            "{{ printf \"%d\" 1 2 }}",
            "{{ title \"hello wORLD foo_bar baz-qux\" }} {{ toUpper $labels.job }} {{ toLower \"MiXeD\" }}",
            "{{ reReplaceAll \"(.*):(\\\\d+)\" \"$1 port $2\" $labels.instance }}",
            "{{ reReplaceAll \"o\" \"0\" \"foo boo\" }}|{{ reReplaceAll \"x*\" \"-\" \"abc\" }}|{{ reReplaceAll \"(?P<h>[a-z]+)\" \"${h}!$1x\" \"ab cd\" }}",
            "{{ if match \"^node-[0-9]+\" $labels.instance }}matched{{ else }}no{{ end }}",
            "{{ if gt $value 100.0 }}high {{ humanize $value }}{{ else if gt $value 10.0 }}medium{{ else }}low{{ end }}",
            "{{ if gt $value 100 }}x{{ end }}",
            "{{ range $k, $v := $labels }}{{ $k }}={{ $v }};{{ end }}",
            "{{ range $labels }}[{{ . }}]{{ end }}",
            "{{ range $k, $v := .ExternalLabels }}{{ $k }}{{ else }}none{{ end }}",
            "{{ index $labels \"job\" }}|{{ index $labels \"missing\" }}|{{ index .Labels \"instance\" }}",
            "[{{ $labels.missing }}][{{ .Labels.nothere }}]",
            "{{ with $labels.severity }}sev={{ . }}{{ end }}{{ with $labels.missing }}x{{ else }}none{{ end }}",
            "{{- /* a comment */ -}}   {{ $labels.job -}}   !   {{- \"x\" }}",
            "{{ $x := 1 }}{{ $x = 2 }}{{ $x }} {{ $y := \"s\" }}{{ $y }}",
            "{{ len $labels }} {{ len \"héllo\" }} {{ len $labels.job }}",
            "{{ print 1 2 \"a\" \"b\" 3.5 true nil }}|{{ println 1 \"x\" }}|",
            "{{ and 1 0 }} {{ and 1 2 }} {{ or 0 \"\" }} {{ or 0 \"x\" }} {{ not 0 }} {{ not $labels }}",
            "{{ eq 1 1 }} {{ eq \"a\" \"b\" \"a\" }} {{ ne 1 2 }} {{ lt 1 2 }} {{ le 2.5 2.5 }} {{ ge \"b\" \"a\" }}",
            "{{ eq $value 1 }}",
            "{{ lt true false }}",
            "{{ html \"<a href='x'>&\\\"</a>\" }}|{{ js \"it's <b> \\\"q\\\" \\\\ =&\" }}|{{ urlquery \"a b&c=d/é\" }}",
            "{{ graphLink \"rate(x[5m]) > 1\" }} {{ tableLink \"up == 0\" }}",
            "{{ stripPort $labels.instance }} {{ stripPort \"[::1]:80\" }} {{ stripPort \"host\" }}",
            "{{ stripDomain $labels.instance }} {{ stripDomain \"10.0.0.1:80\" }} {{ stripDomain \"a.b.c\" }}",
            "{{ safeHtml \"<b>x</b>\" }} {{ args 1 \"two\" 3.5 }} {{ (args 1 2).arg1 }}",
            "{{ $externalURL }}|{{ .ExternalURL }}|{{ $externalLabels }}",
            "{{ 1e6 }} {{ 1.5e-5 }} {{ 123456789.0 }} {{ 100000 }} {{ 0x1F }} {{ -3 }} {{ 1.0 }} {{ 'a' }}",
            "{{ printf \"%v %v %v %v\" 1e21 1e20 0.0001 0.00001 }}",
            "{{ printf \"%g %g %.3g %.10g %e %.0f %.1f\" 100000.0 1000000.0 1234.5 0.1 0.000123 2.5 0.25 }}",
            "{{ humanize \"1234.5\" }} {{ humanize 2048 }} {{ humanizeDuration \"3600\" }}",
            "{{ humanize \"abc\" }}",
            "{{ humanize $labels }}",
            "{{ toUpper $value }}",
            "{{ toUpper 5 }}",
            "{{ .Labels.job.x }}",
            "{{ $value.x }}",
            "{{ nil }}",
            "{{ index $labels 1 }}",
            "{{ humanizeTimestamp 1e300 }}",
            "{{ toTime 1700000000 }}",
            "{{ parseDuration \"1h30m\" }} {{ parseDuration \"1d\" }} {{ parseDuration \"250ms\" }}",
            "{{ $labels.job | printf \"%s!\" }} {{ $value | humanize | printf \"[%s]\" }} {{ \"x\" | eq \"x\" }}",
            "{{ (printf \"%s-%s\" $labels.job \"a\") | toUpper }}",
            "line one\n{{ $labels.job }}\nline {{ humanize $value }} three",
            "multi\nline {{ printf \"%d\" }}\n {{ humanize \"bad\" }}",
            "{{ `raw \\n string` }} {{ \"tab\\tquote\\\"\" }}",
            "{{ printf \"%s\" $labels }} {{ $labels }}",
            "{{ match \"(\" \"x\" }}",
            "{{ reReplaceAll \"(\" \"\" \"x\" }}",
        };
        for (String t : templates) c.add(new Case(t, LABELS, 1234.5));
        return c;
    }
}
