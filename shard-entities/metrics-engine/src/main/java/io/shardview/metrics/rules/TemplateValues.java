package io.shardview.metrics.rules;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The Go values a template computes with, as Java objects: {@code String} (string), {@code Double} (float64), {@code
 * Long} (int), {@code Boolean} (bool), {@code null} (no value / nil), and the records below for the rest. Go's rules
 * (comparison, truth, printing, error messages) depend on the Go type, so each value knows the name Go gives it.
 */
final class TemplateValues {
    private TemplateValues() {}

    /** A Go map with string keys: map[string]string (labels) or map[string]interface {} (what args returns). */
    record GoMap(SortedMap<String, Object> entries, boolean stringValued) {
        static GoMap ofStrings(Map<String, String> map) {
            return new GoMap(map == null ? new TreeMap<>() : new TreeMap<>(map), true);
        }
    }

    /** html/template.HTML, what safeHtml returns: a string of another Go type (not assignable to string). */
    record SafeHtml(String text) {}

    /** *time.Time, what toTime returns: Prometheus keeps milliseconds. */
    record GoTime(long millis) {
        /** Go's time.Time String() in UTC: "2006-01-02 15:04:05.999999999 +0000 UTC", fraction without trailing zeros. */
        @Override
        public String toString() {
            LocalDateTime t = LocalDateTime.ofInstant(Instant.ofEpochMilli(millis), ZoneOffset.UTC);
            StringBuilder b = new StringBuilder();
            int year = t.getYear();
            b.append(year < 0 ? "-" : "")
                    .append(pad(Math.abs(year), 4))
                    .append('-')
                    .append(pad(t.getMonthValue(), 2));
            b.append('-')
                    .append(pad(t.getDayOfMonth(), 2))
                    .append(' ')
                    .append(pad(t.getHour(), 2))
                    .append(':');
            b.append(pad(t.getMinute(), 2)).append(':').append(pad(t.getSecond(), 2));
            int ms = (int) Math.floorMod(millis, 1000L);
            if (ms != 0) {
                String frac = pad(ms, 3);
                b.append('.').append(frac.replaceAll("0+$", ""));
            }
            return b.append(" +0000 UTC").toString();
        }

        private static String pad(int n, int width) {
            String s = Integer.toString(n);
            return "0".repeat(Math.max(0, width - s.length())) + s;
        }
    }

    /** The dot of an alert template: Prometheus's AlertTemplateData struct. */
    record AlertData(GoMap labels, GoMap externalLabels, String externalURL, double value) {
        static final String TYPE = "struct { Labels map[string]string; ExternalLabels map[string]string;"
                + " ExternalURL string; Value float64 }";
    }

    /** The name Go's reflect gives the value's type, as error messages and printf's %!verb(type=value) show it. */
    static String typeName(Object v) {
        if (v == null) return "<nil>";
        if (v instanceof String) return "string";
        if (v instanceof Double) return "float64";
        if (v instanceof Long) return "int";
        if (v instanceof Boolean) return "bool";
        if (v instanceof GoMap m) return m.stringValued() ? "map[string]string" : "map[string]interface {}";
        if (v instanceof SafeHtml) return "template.HTML";
        if (v instanceof GoTime) return "*time.Time";
        if (v instanceof AlertData) return AlertData.TYPE;
        throw new IllegalStateException("not a template value: " + v.getClass());
    }

    /** Go's kind string: string and template.HTML alike. */
    static boolean isStringKind(Object v) {
        return v instanceof String || v instanceof SafeHtml;
    }

    /** The string of a string-kinded value. */
    static String stringOf(Object v) {
        return v instanceof SafeHtml h ? h.text() : (String) v;
    }

    /** Go's truth of if, with, and, or and not: the zero value of its type is false. */
    static boolean isTrue(Object v) {
        if (v == null) return false;
        if (v instanceof Boolean b) return b;
        if (v instanceof Long l) return l != 0;
        if (v instanceof Double d) return d != 0;
        if (isStringKind(v)) return !stringOf(v).isEmpty();
        if (v instanceof GoMap m) return !m.entries().isEmpty();
        return true; // a struct, or a non-nil pointer
    }
}
