package io.shardview.metrics.ingest.parse;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import io.shardview.metrics.ingest.parse.OtlpMetricsParser.Kind;
import io.shardview.metrics.ingest.parse.OtlpMetricsParser.Metric;
import io.shardview.metrics.ingest.parse.OtlpMetricsParser.Point;
import io.shardview.metrics.ingest.parse.OtlpMetricsParser.Resource;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * OTLP's protobuf {@code ExportMetricsServiceRequest}, read field by field with protobuf's coded stream (no generated
 * classes) into {@link OtlpMetricsParser}'s model.
 */
final class OtlpProtobuf {
    private OtlpProtobuf() {}

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
