package io.shardview.metrics.ingest.parse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.CodedInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * OpenTelemetry metrics over OTLP/HTTP ({@code ExportMetricsServiceRequest}, protobuf or JSON), turned into Prometheus
 * series as Prometheus's own OTLP receiver turns them (its translation with metric suffixes):
 *
 * <ul>
 *   <li>Names: the metric's name split at every character that is not a letter or digit and joined with {@code _},
 *       then its unit (mapped: {@code s} to {@code seconds}, {@code By} to {@code bytes}, {@code 1} to nothing, a
 *       {@code /s} to {@code per_second}, annotations in braces dropped) unless the name has it, {@code total} for a
 *       monotonic sum and {@code ratio} for a gauge of unit {@code 1}.
 *   <li>Labels: each data point's attributes, names with any other character than a letter, digit or {@code _}
 *       replaced by {@code _} (a leading digit gets {@code key_}); {@code job} from the resource's
 *       {@code service.namespace}/{@code service.name}, {@code instance} from {@code service.instance.id}; the other
 *       resource attributes as the labels of one {@code target_info} series (value 1) per resource.
 *   <li>Gauges and cumulative sums as one sample per point; cumulative histograms as {@code _bucket{le}} (cumulative
 *       counts, {@code +Inf} the point's count), {@code _sum} and {@code _count}; summaries as {@code {quantile}},
 *       {@code _sum} and {@code _count}. A point flagged "no recorded value" is a staleness marker.
 *   <li>Not taken, as Prometheus takes none: delta sums and histograms, and exponential histograms (Prometheus makes
 *       native histograms of them, which are not stored here). They are counted in {@link #skipped}.
 * </ul>
 *
 * The metric's description and unit become the family's HELP and UNIT, its kind the TYPE.
 */
public final class OtlpMetricsParser {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long STALE_NAN_BITS = 0x7ff0000000000002L;
    private static final int NO_RECORDED_VALUE = 1;
    private static final int CUMULATIVE = 2;

    enum Kind {
        GAUGE,
        SUM,
        HISTOGRAM,
        EXPONENTIAL_HISTOGRAM,
        SUMMARY
    }

    /** A data point of any kind; the fields a kind has not are empty. */
    record Point(
            Map<String, String> attributes,
            long timeNanos,
            double value,
            int flags,
            long count,
            Double sum,
            double[] bounds,
            long[] bucketCounts,
            double[] quantiles,
            double[] quantileValues) {}

    record Metric(
            String name,
            String description,
            String unit,
            Kind kind,
            boolean monotonic,
            int temporality,
            List<Point> points) {}

    record Resource(Map<String, String> attributes, List<Metric> metrics) {}

    private final SampleBatchBuilder out;
    private final LabelSetBuilder labels;
    private int skipped;

    private OtlpMetricsParser(SampleBatchBuilder out) {
        this.out = out;
        this.labels = new LabelSetBuilder(out.limits());
    }

    /** Parses a protobuf {@code ExportMetricsServiceRequest} into {@code out}; answers the points not taken. */
    public static int parseProtobuf(byte[] body, SampleBatchBuilder out) {
        try {
            return translate(OtlpProtobuf.request(CodedInputStream.newInstance(body)), out);
        } catch (IOException e) {
            throw IngestException.malformed(
                    "malformed ExportMetricsServiceRequest: " + RemoteWriteDecoder.malformation(e));
        } catch (IllegalArgumentException e) {
            throw IngestException.malformed(e.getMessage());
        }
    }

    /** Parses a JSON {@code ExportMetricsServiceRequest} (OTLP/JSON) into {@code out}; answers the points not taken. */
    public static int parseJson(byte[] body, SampleBatchBuilder out) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (com.fasterxml.jackson.core.exc.StreamConstraintsException e) {
            throw IngestException.malformed("the JSON is nested too deep, or holds a number too long to read");
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw IngestException.malformed("malformed OTLP/JSON: " + JsonMessages.readable(e));
        } catch (IOException e) {
            throw IngestException.malformed("malformed OTLP/JSON");
        }
        try {
            return translate(OtlpJson.request(root), out);
        } catch (NumberFormatException e) {
            throw IngestException.malformed("malformed OTLP/JSON: a number cannot be read");
        } catch (IllegalArgumentException e) {
            throw IngestException.malformed("malformed OTLP/JSON: " + e.getMessage());
        }
    }

    private static int translate(List<Resource> resources, SampleBatchBuilder out) {
        OtlpMetricsParser parser = new OtlpMetricsParser(out);
        for (Resource resource : resources) parser.resource(resource);
        return parser.skipped;
    }

    private void resource(Resource resource) {
        Map<String, String> attrs = resource.attributes();
        Map<String, String> identity = new TreeMap<>();
        String name = attrs.get("service.name");
        String namespace = attrs.get("service.namespace");
        if (name != null) identity.put("job", namespace == null || namespace.isEmpty() ? name : namespace + "/" + name);
        if (attrs.containsKey("service.instance.id")) identity.put("instance", attrs.get("service.instance.id"));
        long latest = Long.MIN_VALUE;
        for (Metric metric : resource.metrics()) {
            for (Point point : metric.points()) latest = Math.max(latest, point.timeNanos());
            metric(metric, identity);
        }
        Map<String, String> info = new TreeMap<>(identity);
        attrs.forEach((key, value) -> {
            if (!key.equals("service.name") && !key.equals("service.namespace") && !key.equals("service.instance.id"))
                info.put(labelName(key), value);
        });
        if (info.size() > identity.size() && latest != Long.MIN_VALUE) {
            sample("target_info", info, Map.of(), latest, 1.0);
            out.metadata("target_info", "gauge", "Target metadata", null);
        }
    }

    private void metric(Metric metric, Map<String, String> identity) {
        boolean cumulative = metric.temporality() == CUMULATIVE;
        switch (metric.kind()) {
            case GAUGE -> {
                String name = metricName(metric.name(), metric.unit(), Kind.GAUGE, false);
                describe(name, "gauge", metric);
                for (Point p : metric.points())
                    sample(name, identity, p.attributes(), p.timeNanos(), value(p, p.value()));
            }
            case SUM -> {
                if (!cumulative) {
                    skipped += metric.points().size();
                    return;
                }
                String name = metricName(metric.name(), metric.unit(), Kind.SUM, metric.monotonic());
                describe(name, metric.monotonic() ? "counter" : "gauge", metric);
                for (Point p : metric.points())
                    sample(name, identity, p.attributes(), p.timeNanos(), value(p, p.value()));
            }
            case HISTOGRAM -> {
                if (!cumulative) {
                    skipped += metric.points().size();
                    return;
                }
                String name = metricName(metric.name(), metric.unit(), Kind.HISTOGRAM, false);
                describe(name, "histogram", metric);
                for (Point p : metric.points()) histogram(name, identity, p);
            }
            case SUMMARY -> {
                String name = metricName(metric.name(), metric.unit(), Kind.SUMMARY, false);
                describe(name, "summary", metric);
                for (Point p : metric.points()) {
                    for (int i = 0; i < p.quantiles().length; i++) {
                        Map<String, String> with = new TreeMap<>(p.attributes());
                        with.put("quantile", number(p.quantiles()[i]));
                        sample(name, identity, with, p.timeNanos(), value(p, p.quantileValues()[i]));
                    }
                    if (p.sum() != null)
                        sample(name + "_sum", identity, p.attributes(), p.timeNanos(), value(p, p.sum()));
                    sample(name + "_count", identity, p.attributes(), p.timeNanos(), value(p, p.count()));
                }
            }
            case EXPONENTIAL_HISTOGRAM -> skipped += metric.points().size();
        }
    }

    private void histogram(String name, Map<String, String> identity, Point p) {
        long cumulative = 0;
        for (int i = 0; i < p.bounds().length; i++) {
            cumulative += i < p.bucketCounts().length ? p.bucketCounts()[i] : 0;
            Map<String, String> with = new TreeMap<>(p.attributes());
            with.put("le", number(p.bounds()[i]));
            sample(name + "_bucket", identity, with, p.timeNanos(), value(p, cumulative));
        }
        Map<String, String> inf = new TreeMap<>(p.attributes());
        inf.put("le", "+Inf");
        sample(name + "_bucket", identity, inf, p.timeNanos(), value(p, p.count()));
        if (p.sum() != null) sample(name + "_sum", identity, p.attributes(), p.timeNanos(), value(p, p.sum()));
        sample(name + "_count", identity, p.attributes(), p.timeNanos(), value(p, p.count()));
    }

    private void describe(String name, String type, Metric metric) {
        out.metadata(name, type, metric.description(), unit(metric.unit()));
    }

    /** The point's value, or a staleness marker for a point with no recorded value. */
    private static double value(Point p, double value) {
        return (p.flags() & NO_RECORDED_VALUE) != 0 ? Double.longBitsToDouble(STALE_NAN_BITS) : value;
    }

    private void sample(
            String name, Map<String, String> identity, Map<String, String> attributes, long timeNanos, double value) {
        Map<String, String> all = new TreeMap<>();
        attributes.forEach((key, v) -> all.put(labelName(key), v));
        all.putAll(identity);
        labels.reset();
        labels.add(LabelSetBuilder.METRIC_NAME, name);
        all.forEach(labels::add);
        int series = out.series(labels.build());
        out.add(series, Math.floorDiv(timeNanos, 1_000_000L), value);
    }

    // ---- names, as Prometheus's OTLP translation builds them ----------------------------------------------------

    private static final Map<String, String> UNITS = Map.ofEntries(
            Map.entry("d", "days"),
            Map.entry("h", "hours"),
            Map.entry("min", "minutes"),
            Map.entry("s", "seconds"),
            Map.entry("ms", "milliseconds"),
            Map.entry("us", "microseconds"),
            Map.entry("ns", "nanoseconds"),
            Map.entry("By", "bytes"),
            Map.entry("KiBy", "kibibytes"),
            Map.entry("MiBy", "mebibytes"),
            Map.entry("GiBy", "gibibytes"),
            Map.entry("TiBy", "tibibytes"),
            Map.entry("KBy", "kilobytes"),
            Map.entry("MBy", "megabytes"),
            Map.entry("GBy", "gigabytes"),
            Map.entry("TBy", "terabytes"),
            Map.entry("m", "meters"),
            Map.entry("V", "volts"),
            Map.entry("A", "amperes"),
            Map.entry("J", "joules"),
            Map.entry("W", "watts"),
            Map.entry("g", "grams"),
            Map.entry("Cel", "celsius"),
            Map.entry("Hz", "hertz"),
            Map.entry("1", ""),
            Map.entry("%", "percent"));

    private static final Map<String, String> PER_UNITS =
            Map.of("s", "second", "m", "minute", "h", "hour", "d", "day", "w", "week", "mo", "month", "y", "year");

    /** The Prometheus name of an OTLP metric. */
    static String metricName(String name, String unit, Kind kind, boolean monotonic) {
        List<String> tokens = new ArrayList<>(tokens(name));
        String plain = unit == null ? "" : unit.replaceAll("\\{[^}]*}", "").strip();
        if (!plain.isEmpty()) {
            String[] parts = plain.split("/", 2);
            String main = UNITS.getOrDefault(parts[0].strip(), parts[0].strip());
            for (String token : tokens(main)) if (!tokens.contains(token)) tokens.add(token);
            if (parts.length == 2 && !parts[1].isBlank()) {
                String per = PER_UNITS.getOrDefault(parts[1].strip(), parts[1].strip());
                List<String> perTokens = tokens(per);
                if (!perTokens.isEmpty() && !tokens.containsAll(perTokens)) {
                    tokens.add("per");
                    tokens.addAll(perTokens);
                }
            }
        }
        if (kind == Kind.SUM && monotonic) {
            tokens.removeIf(t -> t.equals("total"));
            tokens.add("total");
        }
        if (kind == Kind.GAUGE && "1".equals(plain) && !tokens.contains("ratio")) tokens.add("ratio");
        String joined = String.join("_", tokens);
        if (joined.isEmpty()) throw new IllegalArgumentException("a metric has no name");
        return Character.isDigit(joined.charAt(0)) ? "_" + joined : joined;
    }

    private static List<String> tokens(String text) {
        List<String> tokens = new ArrayList<>();
        for (String token : text.split("[^a-zA-Z0-9]+")) if (!token.isEmpty()) tokens.add(token);
        return tokens;
    }

    /** A unit as the metadata API shows it: the mapped main unit ("" for dimensionless). */
    private static String unit(String unit) {
        if (unit == null) return "";
        String plain = unit.replaceAll("\\{[^}]*}", "").strip();
        return UNITS.getOrDefault(plain, plain);
    }

    /** An attribute name as a label name: other characters than letters, digits and _ become _. */
    static String labelName(String key) {
        StringBuilder name = new StringBuilder(key.length());
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            name.append(
                    (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ? c : '_');
        }
        if (name.length() == 0) throw new IllegalArgumentException("an attribute has an empty key");
        if (Character.isDigit(name.charAt(0))) return "key_" + name;
        if (name.charAt(0) == '_' && !(name.length() > 1 && name.charAt(1) == '_')) return "key" + name;
        return name.toString();
    }

    /** A float as Prometheus writes {@code le} and {@code quantile} here: its shortest digits, never an exponent. */
    static String number(double v) {
        if (v == Double.POSITIVE_INFINITY) return "+Inf";
        if (v == Double.NEGATIVE_INFINITY) return "-Inf";
        if (Double.isNaN(v)) return "NaN";
        if (v == 0) return "0";
        return new java.math.BigDecimal(Double.toString(v)).stripTrailingZeros().toPlainString();
    }
}
