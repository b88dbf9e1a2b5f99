package io.shardview.metrics.ingest.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xerial.snappy.Snappy;

public class RemoteWriteDecoderTest {

    /** Encodes a WriteRequest by hand, field by field, as Prometheus' remote_write sends it. */
    public static byte[] writeRequest(List<String[]> labelSets, List<double[][]> samples) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(body);
        for (int s = 0; s < labelSets.size(); s++) {
            ByteArrayOutputStream series = new ByteArrayOutputStream();
            CodedOutputStream ts = CodedOutputStream.newInstance(series);
            String[] pairs = labelSets.get(s);
            for (int p = 0; p < pairs.length; p += 2) {
                ByteArrayOutputStream label = new ByteArrayOutputStream();
                CodedOutputStream l = CodedOutputStream.newInstance(label);
                l.writeString(1, pairs[p]);
                l.writeString(2, pairs[p + 1]);
                l.flush();
                ts.writeBytes(1, ByteString.copyFrom(label.toByteArray()));
            }
            for (double[] sample : samples.get(s)) {
                ByteArrayOutputStream point = new ByteArrayOutputStream();
                CodedOutputStream p = CodedOutputStream.newInstance(point);
                p.writeDouble(1, sample[1]);
                p.writeInt64(2, (long) sample[0]);
                p.flush();
                ts.writeBytes(2, ByteString.copyFrom(point.toByteArray()));
            }
            ts.writeBytes(3, ByteString.copyFromUtf8("exemplar, skipped"));
            ts.flush();
            out.writeBytes(1, ByteString.copyFrom(series.toByteArray()));
        }
        out.writeBytes(3, ByteString.copyFromUtf8("metadata, skipped"));
        out.flush();
        return Snappy.compress(body.toByteArray());
    }

    private static List<String> decode(byte[] body) {
        SampleBatchBuilder out = new SampleBatchBuilder(IngestLimits.ofSamples(1000));
        RemoteWriteDecoder.decode(body, 1 << 20, out);
        return BatchRendering.lines(out.build());
    }

    @Test
    void decodesSeriesWithSamplesAndSortsLabels() throws IOException {
        byte[] body = writeRequest(
                List.of(
                        new String[] {"__name__", "up", "job", "node", "instance", "a:9100"},
                        new String[] {"__name__", "stale", "job", "x"}),
                List.of(
                        new double[][] {{1000, 1}, {2000, 0.5}},
                        new double[][] {{3000, Double.longBitsToDouble(0x7ff0000000000002L)}}));
        List<String> lines = decode(body);
        assertEquals(
                List.of(
                        "{__name__=\"up\",instance=\"a:9100\",job=\"node\"} 1000 1.0",
                        "{__name__=\"up\",instance=\"a:9100\",job=\"node\"} 2000 0.5",
                        "{__name__=\"stale\",job=\"x\"} 3000 NaN"),
                lines);
    }

    @Test
    void staleMarkerBitsSurviveDecoding() throws IOException {
        long stale = 0x7ff0000000000002L;
        byte[] body = writeRequest(
                List.<String[]>of(new String[] {"__name__", "m"}),
                List.<double[][]>of(new double[][] {{1, Double.longBitsToDouble(stale)}}));
        SampleBatchBuilder out = new SampleBatchBuilder(IngestLimits.ofSamples(10));
        RemoteWriteDecoder.decode(body, 1 << 20, out);
        assertEquals(stale, Double.doubleToRawLongBits(out.build().value(0)));
    }

    @Test
    void bodiesThatAreNotSnappyProtobufAreRejected() {
        assertThrows(IngestException.class, () -> decode("plain text".getBytes()));
    }

    @Test
    void truncatedProtobufIsRejectedNamingTheSeries() throws IOException {
        byte[] raw = Snappy.uncompress(writeRequest(
                List.<String[]>of(new String[] {"__name__", "m"}), List.<double[][]>of(new double[][] {{1, 1}})));
        byte[] cut = Snappy.compress(java.util.Arrays.copyOf(raw, raw.length - 25));
        IngestException e = assertThrows(IngestException.class, () -> decode(cut));
        assertTrue(e.getMessage().startsWith("timeseries 0"), e.getMessage());
    }

    @Test
    void bodiesInflatingPastTheLimitAreRejectedBeforeInflating() throws IOException {
        byte[] zeros = Snappy.compress(new byte[4 << 20]);
        SampleBatchBuilder out = new SampleBatchBuilder(IngestLimits.ofSamples(10));
        IngestException e = assertThrows(IngestException.class, () -> RemoteWriteDecoder.decode(zeros, 1 << 20, out));
        assertEquals("max-decoded-request-bytes", e.details().get("limit"));
        assertEquals(IngestException.Kind.TOO_LARGE, e.kind());
    }

    @Test
    void seriesWithoutMetricNameIsRejected() throws IOException {
        byte[] body = writeRequest(
                List.<String[]>of(new String[] {"job", "x"}), List.<double[][]>of(new double[][] {{1, 1}}));
        assertTrue(assertThrows(IngestException.class, () -> decode(body))
                .getMessage()
                .contains("no metric name"));
    }

    @Test
    void metricMetadataGivesTypeHelpAndUnitAndAMalformedOneIsDropped() throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(body);
        ByteArrayOutputStream metadata = new ByteArrayOutputStream();
        CodedOutputStream m = CodedOutputStream.newInstance(metadata);
        m.writeEnum(1, 1); // COUNTER
        m.writeString(2, "http_requests_total");
        m.writeString(4, "Requests served.");
        m.writeString(5, "requests");
        m.flush();
        out.writeBytes(3, ByteString.copyFrom(metadata.toByteArray()));
        out.writeBytes(3, ByteString.copyFromUtf8("not a message"));
        out.flush();
        SampleBatchBuilder batch = new SampleBatchBuilder(IngestLimits.ofSamples(1000));
        RemoteWriteDecoder.decode(Snappy.compress(body.toByteArray()), 1 << 20, batch);
        assertEquals(
                java.util.Map.of(
                        "http_requests_total",
                        new io.shardview.metrics.ingest.MetricMetadata("counter", "Requests served.", "requests")),
                batch.metadata());
    }
}
