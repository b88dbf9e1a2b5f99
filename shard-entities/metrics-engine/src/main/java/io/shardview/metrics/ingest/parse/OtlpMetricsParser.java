package io.shardview.metrics.ingest.parse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
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
            return translate(Protobuf.request(CodedInputStream.newInstance(body)), out);
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
            return translate(Json.request(root), out);
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

    // ---- protobuf ------------------------------------------------------------------------------------------------

    /** The wire format, read field by field with protobuf's coded stream (no generated classes). */
    private static final class Protobuf {
        static List<Resource> request(CodedInputStream in) throws IOException {
            List<Resource> resources = new ArrayList<>();
            for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
                if (field(tag) == 1 && delimited(tag)) resources.add(resourceMetrics(nested(in)));
                else in.skipField(tag);
            }
            return resources;
        }

        private static Resource resourceMetrics(CodedInputStream in) throws IOException {
            Map<String, String> attributes = new LinkedHashMap<>();
            List<Metric> metrics = new ArrayList<>();
            for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
                if (field(tag) == 1 && delimited(tag)) {
                    CodedInputStream resource = nested(in);
                    for (int t = resource.readTag(); t != 0; t = resource.readTag()) {
                        if (field(t) == 1 && delimited(t)) keyValue(nested(resource), attributes);
                        else resource.skipField(t);
                    }
                } else if (field(tag) == 2 && delimited(tag)) {
                    CodedInputStream scope = nested(in);
                    for (int t = scope.readTag(); t != 0; t = scope.readTag()) {
                        if (field(t) == 2 && delimited(t)) metrics.add(metric(nested(scope)));
                        else scope.skipField(t);
                    }
                } else {
                    in.skipField(tag);
                }
            }
            return new Resource(attributes, metrics);
        }

        private static Metric metric(CodedInputStream in) throws IOException {
            String name = "";
            String description = "";
            String unit = "";
            Kind kind = null;
            boolean monotonic = false;
            int temporality = 0;
            List<Point> points = new ArrayList<>();
            for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
                switch (field(tag)) {
                    case 1 -> name = in.readStringRequireUtf8();
                    case 2 -> description = in.readStringRequireUtf8();
                    case 3 -> unit = in.readStringRequireUtf8();
                    case 5, 7, 9, 10, 11 -> {
                        int f = field(tag);
                        kind = f == 5
                                ? Kind.GAUGE
                                : f == 7
                                        ? Kind.SUM
                                        : f == 9 ? Kind.HISTOGRAM : f == 10 ? Kind.EXPONENTIAL_HISTOGRAM : Kind.SUMMARY;
                        CodedInputStream data = nested(in);
                        for (int t = data.readTag(); t != 0; t = data.readTag()) {
                            if (field(t) == 1 && delimited(t)) points.add(point(nested(data), kind));
                            else if (field(t) == 2 && !delimited(t)) temporality = data.readEnum();
                            else if (field(t) == 3 && !delimited(t)) monotonic = data.readBool();
                            else data.skipField(t);
                        }
                    }
                    default -> in.skipField(tag);
                }
            }
            if (kind == null) throw new IllegalArgumentException("metric " + name + " has no data");
            return new Metric(name, description, unit, kind, monotonic, temporality, points);
        }

        private static Point point(CodedInputStream in, Kind kind) throws IOException {
            Map<String, String> attributes = new LinkedHashMap<>();
            long time = 0;
            double value = 0;
            int flags = 0;
            long count = 0;
            Double sum = null;
            double[] bounds = new double[0];
            long[] counts = new long[0];
            List<double[]> quantiles = new ArrayList<>();
            boolean number = kind == Kind.GAUGE || kind == Kind.SUM;
            for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
                int f = field(tag);
                if (f == 3 && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_FIXED64) time = in.readFixed64();
                else if (number && f == 7 && delimited(tag)) keyValue(nested(in), attributes);
                else if (number && f == 4) value = in.readDouble();
                else if (number && f == 6) value = in.readSFixed64();
                else if (number && f == 8) flags = in.readUInt32();
                else if (!number && f == 4) count = in.readFixed64();
                else if (!number && f == 5) sum = in.readDouble();
                else if (kind == Kind.HISTOGRAM && f == 9 && delimited(tag)) keyValue(nested(in), attributes);
                else if (kind == Kind.HISTOGRAM && f == 10) flags = in.readUInt32();
                else if (kind == Kind.HISTOGRAM && f == 6) counts = fixed64s(in, tag, counts);
                else if (kind == Kind.HISTOGRAM && f == 7) bounds = doubles(in, tag, bounds);
                else if (kind == Kind.SUMMARY && f == 7 && delimited(tag)) keyValue(nested(in), attributes);
                else if (kind == Kind.SUMMARY && f == 8) flags = in.readUInt32();
                else if (kind == Kind.SUMMARY && f == 6 && delimited(tag)) {
                    CodedInputStream q = nested(in);
                    double[] pair = new double[2];
                    for (int t = q.readTag(); t != 0; t = q.readTag()) {
                        if (field(t) == 1) pair[0] = q.readDouble();
                        else if (field(t) == 2) pair[1] = q.readDouble();
                        else q.skipField(t);
                    }
                    quantiles.add(pair);
                } else if (kind == Kind.EXPONENTIAL_HISTOGRAM && f == 1 && delimited(tag)) {
                    keyValue(nested(in), attributes);
                } else {
                    in.skipField(tag);
                }
            }
            double[] qs = new double[quantiles.size()];
            double[] vs = new double[quantiles.size()];
            for (int i = 0; i < qs.length; i++) {
                qs[i] = quantiles.get(i)[0];
                vs[i] = quantiles.get(i)[1];
            }
            return new Point(attributes, time, value, flags, count, sum, bounds, counts, qs, vs);
        }

        private static long[] fixed64s(CodedInputStream in, int tag, long[] known) throws IOException {
            if (!delimited(tag)) {
                long[] more = Arrays.copyOf(known, known.length + 1);
                more[known.length] = in.readFixed64();
                return more;
            }
            int limit = in.pushLimit(in.readRawVarint32());
            List<Long> values = new ArrayList<>();
            while (in.getBytesUntilLimit() > 0) values.add(in.readFixed64());
            in.popLimit(limit);
            long[] more = Arrays.copyOf(known, known.length + values.size());
            for (int i = 0; i < values.size(); i++) more[known.length + i] = values.get(i);
            return more;
        }

        private static double[] doubles(CodedInputStream in, int tag, double[] known) throws IOException {
            if (!delimited(tag)) {
                double[] more = Arrays.copyOf(known, known.length + 1);
                more[known.length] = in.readDouble();
                return more;
            }
            int limit = in.pushLimit(in.readRawVarint32());
            List<Double> values = new ArrayList<>();
            while (in.getBytesUntilLimit() > 0) values.add(in.readDouble());
            in.popLimit(limit);
            double[] more = Arrays.copyOf(known, known.length + values.size());
            for (int i = 0; i < values.size(); i++) more[known.length + i] = values.get(i);
            return more;
        }

        /** KeyValue{1: key, 2: AnyValue{1 string, 2 bool, 3 int, 4 double, 5 array, 6 kvlist, 7 bytes}}. */
        private static void keyValue(CodedInputStream in, Map<String, String> into) throws IOException {
            String key = null;
            String value = "";
            for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
                if (field(tag) == 1 && delimited(tag)) key = in.readStringRequireUtf8();
                else if (field(tag) == 2 && delimited(tag)) value = anyValue(nested(in));
                else in.skipField(tag);
            }
            if (key != null) into.put(key, value);
        }

        private static String anyValue(CodedInputStream in) throws IOException {
            String value = "";
            for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
                switch (field(tag)) {
                    case 1 -> value = in.readStringRequireUtf8();
                    case 2 -> value = Boolean.toString(in.readBool());
                    case 3 -> value = Long.toString(in.readInt64());
                    case 4 -> value = Double.toString(in.readDouble());
                    case 7 -> value = Base64.getEncoder().encodeToString(in.readByteArray());
                    default -> in.skipField(tag); // arrays and maps of values: not a label's value
                }
            }
            return value;
        }

        private static CodedInputStream nested(CodedInputStream in) throws IOException {
            return CodedInputStream.newInstance(in.readByteArray());
        }

        private static int field(int tag) {
            return WireFormat.getTagFieldNumber(tag);
        }

        private static boolean delimited(int tag) {
            return WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED;
        }
    }

    // ---- JSON ----------------------------------------------------------------------------------------------------

    /** OTLP/JSON: the protobuf messages' fields in lowerCamelCase, 64-bit integers as strings or numbers. */
    private static final class Json {
        static List<Resource> request(JsonNode root) {
            if (root == null || !root.isObject()) throw new IllegalArgumentException("the body is not a JSON object");
            List<Resource> resources = new ArrayList<>();
            for (JsonNode rm : root.path("resourceMetrics")) {
                Map<String, String> attributes = attributes(rm.path("resource").path("attributes"));
                List<Metric> metrics = new ArrayList<>();
                for (JsonNode sm : rm.path("scopeMetrics"))
                    for (JsonNode m : sm.path("metrics")) metrics.add(metric(m));
                resources.add(new Resource(attributes, metrics));
            }
            return resources;
        }

        private static Metric metric(JsonNode m) {
            String name = m.path("name").asText("");
            Kind kind;
            JsonNode data;
            if (m.has("gauge")) {
                kind = Kind.GAUGE;
                data = m.get("gauge");
            } else if (m.has("sum")) {
                kind = Kind.SUM;
                data = m.get("sum");
            } else if (m.has("histogram")) {
                kind = Kind.HISTOGRAM;
                data = m.get("histogram");
            } else if (m.has("exponentialHistogram")) {
                kind = Kind.EXPONENTIAL_HISTOGRAM;
                data = m.get("exponentialHistogram");
            } else if (m.has("summary")) {
                kind = Kind.SUMMARY;
                data = m.get("summary");
            } else {
                throw new IllegalArgumentException("metric " + name + " has no data");
            }
            List<Point> points = new ArrayList<>();
            for (JsonNode p : data.path("dataPoints")) points.add(point(p));
            return new Metric(
                    name,
                    m.path("description").asText(""),
                    m.path("unit").asText(""),
                    kind,
                    data.path("isMonotonic").asBoolean(false),
                    temporality(data.path("aggregationTemporality")),
                    points);
        }

        private static int temporality(JsonNode node) {
            if (node.isTextual()) {
                return switch (node.asText()) {
                    case "AGGREGATION_TEMPORALITY_DELTA" -> 1;
                    case "AGGREGATION_TEMPORALITY_CUMULATIVE" -> 2;
                    default -> 0;
                };
            }
            return node.asInt(0);
        }

        private static Point point(JsonNode p) {
            double value = p.has("asDouble") ? number(p.get("asDouble")) : p.has("asInt") ? integer(p.get("asInt")) : 0;
            JsonNode buckets = p.path("bucketCounts");
            long[] counts = new long[buckets.size()];
            for (int i = 0; i < counts.length; i++) counts[i] = integer(buckets.get(i));
            JsonNode explicit = p.path("explicitBounds");
            double[] bounds = new double[explicit.size()];
            for (int i = 0; i < bounds.length; i++) bounds[i] = number(explicit.get(i));
            JsonNode quantiles = p.path("quantileValues");
            double[] qs = new double[quantiles.size()];
            double[] vs = new double[quantiles.size()];
            for (int i = 0; i < qs.length; i++) {
                qs[i] = number(quantiles.get(i).path("quantile"));
                vs[i] = number(quantiles.get(i).path("value"));
            }
            return new Point(
                    attributes(p.path("attributes")),
                    integer(p.path("timeUnixNano")),
                    value,
                    p.path("flags").asInt(0),
                    integer(p.path("count")),
                    p.has("sum") ? number(p.get("sum")) : null,
                    bounds,
                    counts,
                    qs,
                    vs);
        }

        private static Map<String, String> attributes(JsonNode list) {
            Map<String, String> attributes = new LinkedHashMap<>();
            for (JsonNode kv : list) {
                JsonNode v = kv.path("value");
                String value;
                if (v.has("stringValue")) value = v.get("stringValue").asText();
                else if (v.has("boolValue"))
                    value = Boolean.toString(v.get("boolValue").asBoolean());
                else if (v.has("intValue")) value = Long.toString(integer(v.get("intValue")));
                else if (v.has("doubleValue")) value = Double.toString(number(v.get("doubleValue")));
                else if (v.has("bytesValue")) value = v.get("bytesValue").asText();
                else value = "";
                attributes.put(kv.path("key").asText(), value);
            }
            return attributes;
        }

        private static long integer(JsonNode node) {
            if (node.isMissingNode() || node.isNull()) return 0;
            if (node.isTextual()) return Long.parseUnsignedLong(node.asText());
            return node.asLong();
        }

        private static double number(JsonNode node) {
            if (node.isTextual()) {
                return switch (node.asText()) {
                    case "NaN" -> Double.NaN;
                    case "Infinity" -> Double.POSITIVE_INFINITY;
                    case "-Infinity" -> Double.NEGATIVE_INFINITY;
                    default -> Double.parseDouble(node.asText());
                };
            }
            return node.asDouble();
        }
    }
}
