package io.shardview.metrics.ingest.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import io.shardview.metrics.ingest.MetricMetadata;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class OtlpMetricsParserTest {
    private static final long T = 1_700_000_000_000L;
    private static final String ID = "instance=\"i-1\",job=\"shop/checkout\"";

    private static final String JSON =
            """
            {"resourceMetrics": [{
              "resource": {"attributes": [
                {"key": "service.name", "value": {"stringValue": "checkout"}},
                {"key": "service.namespace", "value": {"stringValue": "shop"}},
                {"key": "service.instance.id", "value": {"stringValue": "i-1"}},
                {"key": "host.name", "value": {"stringValue": "h1"}}]},
              "scopeMetrics": [{"scope": {"name": "s"}, "metrics": [
                {"name": "http.server.request.duration", "unit": "s", "description": "Duration.",
                 "histogram": {"aggregationTemporality": 2, "dataPoints": [
                   {"attributes": [{"key": "http.route", "value": {"stringValue": "/a"}}],
                    "timeUnixNano": "1700000000000000000", "count": "3", "sum": 0.6,
                    "bucketCounts": ["1", "2", "0"], "explicitBounds": [0.1, 0.5]}]}},
                {"name": "requests", "unit": "{request}",
                 "sum": {"aggregationTemporality": "AGGREGATION_TEMPORALITY_CUMULATIVE", "isMonotonic": true,
                   "dataPoints": [{"asInt": "42", "timeUnixNano": "1700000000000000000"}]}},
                {"name": "cpu.utilization", "unit": "1",
                 "gauge": {"dataPoints": [{"asDouble": 0.25, "timeUnixNano": "1700000000000000000"}]}},
                {"name": "delta.things",
                 "sum": {"aggregationTemporality": 1, "isMonotonic": true,
                   "dataPoints": [{"asInt": "1", "timeUnixNano": "1700000000000000000"}]}},
                {"name": "latency",
                 "summary": {"dataPoints": [{"timeUnixNano": "1700000000000000000", "count": "10", "sum": 5,
                   "quantileValues": [{"quantile": 0.5, "value": 0.4}, {"quantile": 0.99, "value": 0.9}]}]}}
              ]}]}]}
            """;

    @Test
    void jsonBecomesTheSeriesPrometheusMakesOfIt() {
        SampleBatchBuilder out = new SampleBatchBuilder(IngestLimits.ofSamples(1000));
        int skipped = OtlpMetricsParser.parseJson(JSON.getBytes(StandardCharsets.UTF_8), out);
        assertEquals(1, skipped, "the delta sum");
        List<String> lines = BatchRendering.lines(out.build());
        String h = "{__name__=\"http_server_request_duration_seconds";
        assertEquals(
                List.of(
                        h + "_bucket\",http_route=\"/a\"," + ID + ",le=\"0.1\"} " + T + " 1.0",
                        h + "_bucket\",http_route=\"/a\"," + ID + ",le=\"0.5\"} " + T + " 3.0",
                        h + "_bucket\",http_route=\"/a\"," + ID + ",le=\"+Inf\"} " + T + " 3.0",
                        h + "_sum\",http_route=\"/a\"," + ID + "} " + T + " 0.6",
                        h + "_count\",http_route=\"/a\"," + ID + "} " + T + " 3.0",
                        "{__name__=\"requests_total\"," + ID + "} " + T + " 42.0",
                        "{__name__=\"cpu_utilization_ratio\"," + ID + "} " + T + " 0.25",
                        "{__name__=\"latency\"," + ID + ",quantile=\"0.5\"} " + T + " 0.4",
                        "{__name__=\"latency\"," + ID + ",quantile=\"0.99\"} " + T + " 0.9",
                        "{__name__=\"latency_sum\"," + ID + "} " + T + " 5.0",
                        "{__name__=\"latency_count\"," + ID + "} " + T + " 10.0",
                        "{__name__=\"target_info\",host_name=\"h1\"," + ID + "} " + T + " 1.0"),
                lines);
        assertEquals(
                new MetricMetadata("histogram", "Duration.", "seconds"),
                out.metadata().get("http_server_request_duration_seconds"));
        assertEquals("counter", out.metadata().get("requests_total").type());
    }

    @Test
    void protobufGivesTheSameAsJson() throws IOException {
        SampleBatchBuilder fromJson = new SampleBatchBuilder(IngestLimits.ofSamples(1000));
        OtlpMetricsParser.parseJson(JSON.getBytes(StandardCharsets.UTF_8), fromJson);
        SampleBatchBuilder fromProtobuf = new SampleBatchBuilder(IngestLimits.ofSamples(1000));
        assertEquals(1, OtlpMetricsParser.parseProtobuf(protobuf(), fromProtobuf));
        assertEquals(BatchRendering.lines(fromJson.build()), BatchRendering.lines(fromProtobuf.build()));
        assertEquals(fromJson.metadata(), fromProtobuf.metadata());
    }

    @Test
    void namesFollowPrometheusTranslation() {
        assertEquals(
                "http_server_duration_milliseconds",
                OtlpMetricsParser.metricName("http.server.duration", "ms", OtlpMetricsParser.Kind.HISTOGRAM, false));
        assertEquals(
                "network_io_bytes_total",
                OtlpMetricsParser.metricName("network.io", "By", OtlpMetricsParser.Kind.SUM, true));
        assertEquals(
                "requests_total", OtlpMetricsParser.metricName("requests_total", "", OtlpMetricsParser.Kind.SUM, true));
        assertEquals(
                "speed_meters_per_second",
                OtlpMetricsParser.metricName("speed", "m/s", OtlpMetricsParser.Kind.GAUGE, false));
        assertEquals(
                "memory_usage_bytes",
                OtlpMetricsParser.metricName("memory.usage.bytes", "By", OtlpMetricsParser.Kind.GAUGE, false));
        assertEquals("_2xx", OtlpMetricsParser.metricName("2xx", "", OtlpMetricsParser.Kind.GAUGE, false));
        assertEquals("key_0a", OtlpMetricsParser.labelName("0a"));
        assertEquals("key_a", OtlpMetricsParser.labelName("_a"));
        assertEquals("http_method", OtlpMetricsParser.labelName("http.method"));
        assertEquals("0.005", OtlpMetricsParser.number(0.005));
        assertEquals("10", OtlpMetricsParser.number(10));
        assertEquals("0.000001", OtlpMetricsParser.number(1e-6));
    }

    @Test
    void aPointWithNoRecordedValueIsAStalenessMarker() {
        String json =
                """
                {"resourceMetrics": [{"scopeMetrics": [{"metrics": [{"name": "g",
                  "gauge": {"dataPoints": [{"asDouble": 1, "timeUnixNano": "1000000", "flags": 1}]}}]}]}]}
                """;
        SampleBatchBuilder out = new SampleBatchBuilder(IngestLimits.ofSamples(10));
        OtlpMetricsParser.parseJson(json.getBytes(StandardCharsets.UTF_8), out);
        assertEquals(0x7ff0000000000002L, Double.doubleToRawLongBits(out.build().value(0)));
    }

    @Test
    void malformedBodiesAreRefused() {
        SampleBatchBuilder out = new SampleBatchBuilder(IngestLimits.ofSamples(10));
        assertThrows(IngestException.class, () -> OtlpMetricsParser.parseJson("[1]".getBytes(), out));
        assertThrows(IngestException.class, () -> OtlpMetricsParser.parseJson("{".getBytes(), out));
        assertThrows(
                IngestException.class,
                () -> OtlpMetricsParser.parseJson(
                        "{\"resourceMetrics\":[{\"scopeMetrics\":[{\"metrics\":[{\"name\":\"x\"}]}]}]}".getBytes(),
                        out));
        assertThrows(IngestException.class, () -> OtlpMetricsParser.parseProtobuf(new byte[] {10, 50, 1}, out));
        assertTrue(out.build().size() == 0);
    }

    // ---- the same request as protobuf, field by field as the OTLP exporters write it --------------------------

    private static byte[] protobuf() throws IOException {
        byte[] resource = message(o -> {
            o.writeBytes(1, keyValue("service.name", "checkout"));
            o.writeBytes(1, keyValue("service.namespace", "shop"));
            o.writeBytes(1, keyValue("service.instance.id", "i-1"));
            o.writeBytes(1, keyValue("host.name", "h1"));
        });
        long nanos = T * 1_000_000L;
        byte[] histogram = metric("http.server.request.duration", "Duration.", "s", 9, message(h -> {
            h.writeBytes(1, ByteString.copyFrom(message(p -> {
                p.writeBytes(9, keyValue("http.route", "/a"));
                p.writeFixed64(3, nanos);
                p.writeFixed64(4, 3);
                p.writeDouble(5, 0.6);
                p.writeFixed64(6, 1);
                p.writeFixed64(6, 2);
                p.writeFixed64(6, 0);
                p.writeDouble(7, 0.1);
                p.writeDouble(7, 0.5);
            })));
            h.writeEnum(2, 2);
        }));
        byte[] sum = metric("requests", "", "{request}", 7, message(s -> {
            s.writeBytes(1, ByteString.copyFrom(message(p -> {
                p.writeFixed64(3, nanos);
                p.writeSFixed64(6, 42);
            })));
            s.writeEnum(2, 2);
            s.writeBool(3, true);
        }));
        byte[] gauge = metric(
                "cpu.utilization",
                "",
                "1",
                5,
                message(g -> g.writeBytes(1, ByteString.copyFrom(message(p -> {
                    p.writeFixed64(3, nanos);
                    p.writeDouble(4, 0.25);
                })))));
        byte[] delta = metric("delta.things", "", "", 7, message(s -> {
            s.writeBytes(1, ByteString.copyFrom(message(p -> {
                p.writeFixed64(3, nanos);
                p.writeSFixed64(6, 1);
            })));
            s.writeEnum(2, 1);
            s.writeBool(3, true);
        }));
        byte[] summary = metric(
                "latency",
                "",
                "",
                11,
                message(s -> s.writeBytes(1, ByteString.copyFrom(message(p -> {
                    p.writeFixed64(3, nanos);
                    p.writeFixed64(4, 10);
                    p.writeDouble(5, 5);
                    p.writeBytes(6, ByteString.copyFrom(message(q -> {
                        q.writeDouble(1, 0.5);
                        q.writeDouble(2, 0.4);
                    })));
                    p.writeBytes(6, ByteString.copyFrom(message(q -> {
                        q.writeDouble(1, 0.99);
                        q.writeDouble(2, 0.9);
                    })));
                })))));
        byte[] scope = message(o -> {
            o.writeBytes(1, ByteString.copyFrom(message(s -> s.writeString(1, "s"))));
            for (byte[] m : List.of(histogram, sum, gauge, delta, summary)) o.writeBytes(2, ByteString.copyFrom(m));
        });
        byte[] resourceMetrics = message(o -> {
            o.writeBytes(1, ByteString.copyFrom(resource));
            o.writeBytes(2, ByteString.copyFrom(scope));
        });
        return message(o -> o.writeBytes(1, ByteString.copyFrom(resourceMetrics)));
    }

    private static byte[] metric(String name, String description, String unit, int dataField, byte[] data)
            throws IOException {
        return message(o -> {
            o.writeString(1, name);
            if (!description.isEmpty()) o.writeString(2, description);
            if (!unit.isEmpty()) o.writeString(3, unit);
            o.writeBytes(dataField, ByteString.copyFrom(data));
        });
    }

    private static ByteString keyValue(String key, String value) throws IOException {
        return ByteString.copyFrom(message(o -> {
            o.writeString(1, key);
            o.writeBytes(2, ByteString.copyFrom(message(v -> v.writeString(1, value))));
        }));
    }

    private interface Writer {
        void write(CodedOutputStream out) throws IOException;
    }

    private static byte[] message(Writer writer) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        writer.write(out);
        out.flush();
        return bytes.toByteArray();
    }
}
