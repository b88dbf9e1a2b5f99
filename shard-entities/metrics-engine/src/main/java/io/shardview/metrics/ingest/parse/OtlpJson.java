package io.shardview.metrics.ingest.parse;

import com.fasterxml.jackson.databind.JsonNode;
import io.shardview.metrics.ingest.parse.OtlpMetricsParser.Kind;
import io.shardview.metrics.ingest.parse.OtlpMetricsParser.Metric;
import io.shardview.metrics.ingest.parse.OtlpMetricsParser.Point;
import io.shardview.metrics.ingest.parse.OtlpMetricsParser.Resource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * OTLP/JSON's {@code ExportMetricsServiceRequest} (the protobuf messages' fields in lowerCamelCase, 64-bit integers as
 * strings or numbers) into {@link OtlpMetricsParser}'s model.
 */
final class OtlpJson {
    private OtlpJson() {}

    static List<Resource> request(JsonNode root) {
        if (root == null || !root.isObject()) throw new IllegalArgumentException("the body is not a JSON object");
        List<Resource> resources = new ArrayList<>();
        for (JsonNode rm : root.path("resourceMetrics")) {
            Map<String, String> attributes = attributes(rm.path("resource").path("attributes"));
            List<Metric> metrics = new ArrayList<>();
            for (JsonNode sm : rm.path("scopeMetrics")) for (JsonNode m : sm.path("metrics")) metrics.add(metric(m));
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
