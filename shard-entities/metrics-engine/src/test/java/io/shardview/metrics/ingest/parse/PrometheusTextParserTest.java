package io.shardview.metrics.ingest.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class PrometheusTextParserTest {
    private static final long NOW = 1_700_000_000_000L;

    private static List<String> parse(String body) {
        SampleBatchBuilder out = new SampleBatchBuilder(IngestLimits.ofSamples(1000));
        PrometheusTextParser.parse(body, NOW, out);
        return BatchRendering.lines(out.build());
    }

    private static IngestException reject(String body) {
        return assertThrows(IngestException.class, () -> parse(body));
    }

    @Test
    void parsesSamplesWithLabelsValuesAndOptionalTimestamps() {
        assertEquals(
                List.of(
                        "{__name__=\"http_requests_total\",code=\"200\",method=\"post\"} 1395066363000 1027.0",
                        "{__name__=\"up\"} " + NOW + " 1.0",
                        "{__name__=\"ns:metric\"} 5 -0.0015"),
                parse(
                        """
            # HELP http_requests_total The total number of HTTP requests.
            # TYPE http_requests_total counter
            http_requests_total{method="post",code="200"} 1027 1395066363000
            up 1
            ns:metric  -1.5e-3   5
            """));
    }

    @Test
    void labelValuesUnescapeAndEmptyValuesMeanNoLabel() {
        assertEquals(List.of("{__name__=\"m\",a=\"x\"y\\z\nw\"} 1 2.0"), parse("m{a=\"x\\\"y\\\\z\\nw\",b=\"\",} 2 1"));
    }

    @Test
    void specialValuesParse() {
        List<String> lines = parse("a NaN 1\nb +Inf 1\nc -Inf 1\nd Inf 1");
        assertEquals(
                List.of(
                        "{__name__=\"a\"} 1 NaN",
                        "{__name__=\"b\"} 1 Infinity",
                        "{__name__=\"c\"} 1 -Infinity",
                        "{__name__=\"d\"} 1 Infinity"),
                lines);
    }

    @Test
    void readsItsOwnNodesExpositionFormat() {
        assertEquals(
                2,
                parse(
                                """
        # TYPE shardview_http_request_duration_seconds histogram
        shardview_http_request_duration_seconds_bucket{method="GET",route="/health",status="200",le="5.0E-4"} 0
        shardview_http_request_duration_seconds_bucket{method="GET",route="/health",status="200",le="+Inf"} 1
        """)
                        .size());
    }

    @Test
    void badLinesAreRejectedWithTheirLineNumber() {
        assertEquals(2, reject("ok 1\nbad{a=\"1\" 2\n").details().get("line"));
        assertTrue(reject("m{a=1} 2").getMessage().contains("must be quoted"));
        assertTrue(reject("m{a=\"1} 2").getMessage().contains("unterminated"));
        assertTrue(reject("m{a=\"\\t\"} 2").getMessage().contains("invalid escape"));
        assertTrue(reject("m abc").getMessage().contains("invalid value"));
        assertTrue(reject("m 1 2 3").getMessage().contains("after the timestamp"));
        assertTrue(reject("m 1 1.5").getMessage().contains("invalid timestamp"));
        assertTrue(reject("m{a=\"1\",a=\"2\"} 1").getMessage().contains("twice"));
        assertTrue(reject("m").getMessage().contains("expected a value"));
        assertTrue(reject("{a=\"1\"} 1").getMessage().contains("expected a metric name"));
        assertTrue(reject("m{__name__=\"x\"} 1").getMessage().contains("reserved"));
    }

    @Test
    void typeHelpAndUnitLinesGiveTheirFamilysMetadataAndMalformedOnesAreIgnored() {
        SampleBatchBuilder out = new SampleBatchBuilder(IngestLimits.ofSamples(1000));
        PrometheusTextParser.parse(
                """
                # HELP http_requests_total Requests served,\\\\ by code.\\nSecond line.
                # TYPE http_requests_total counter
                http_requests_total{code="200"} 1027
                # TYPE temp untyped
                # UNIT temp celsius
                # TYPE broken nonsense
                # HELP
                # just a comment
                temp 21
                """,
                NOW,
                out);
        var metadata = out.metadata();
        assertEquals(
                new io.shardview.metrics.ingest.MetricMetadata(
                        "counter", "Requests served,\\ by code.\nSecond line.", ""),
                metadata.get("http_requests_total"));
        assertEquals(new io.shardview.metrics.ingest.MetricMetadata("unknown", "", "celsius"), metadata.get("temp"));
        assertEquals(2, metadata.size(), metadata.toString());
        assertEquals(2, out.build().size());
    }
}
