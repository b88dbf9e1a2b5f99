package io.shardview.metrics.ingest;

import java.util.Set;

/**
 * What a metric family is, as Prometheus keeps it per family from {@code # TYPE}, {@code # HELP} and {@code # UNIT}
 * lines and remote_write metadata: its type (counter, gauge, histogram, gaugehistogram, summary, info, stateset or
 * unknown), help text and unit ("" when not given).
 */
public record MetricMetadata(String type, String help, String unit) {
    /** The types Prometheus's metadata API answers; the text format's "untyped" is "unknown" there. */
    public static final Set<String> TYPES =
            Set.of("counter", "gauge", "histogram", "gaugehistogram", "summary", "info", "stateset", "unknown");

    private static final java.util.regex.Pattern FAMILY = java.util.regex.Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");

    /** Whether {@code name} is a metric family name (a classic Prometheus metric name). */
    public static boolean isFamilyName(String name) {
        return FAMILY.matcher(name).matches();
    }

    /** Help longer than this is cut: metadata describes, it is not a store of text. */
    public static final int MAX_HELP = 4096;

    public MetricMetadata {
        type = type == null ? "unknown" : type;
        help = help == null ? "" : help.length() > MAX_HELP ? help.substring(0, MAX_HELP) : help;
        unit = unit == null ? "" : unit;
    }

    /** A type as written in the exposition formats, in the metadata API's words; null for no known type. */
    public static String type(String written) {
        String type = written.toLowerCase(java.util.Locale.ROOT);
        if (type.equals("untyped")) return "unknown";
        return TYPES.contains(type) ? type : null;
    }
}
