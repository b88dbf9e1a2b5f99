package io.shardview.metrics.ingest.parse;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import java.io.IOException;
import java.util.Arrays;
import java.util.Locale;
import org.xerial.snappy.Snappy;

/**
 * Prometheus remote_write 1.0: a snappy block-compressed protobuf {@code WriteRequest}.
 *
 * <p>Decoded straight from the wire format with protobuf's {@link CodedInputStream}, no generated
 * classes: WriteRequest{1: repeated TimeSeries}, TimeSeries{1: repeated Label, 2: repeated Sample},
 * Label{1: name, 2: value}, Sample{1: double value, 2: int64 timestamp_ms}; WriteRequest{3: repeated
 * MetricMetadata} gives families' type, help and unit. Exemplars and native histograms are skipped (they carry no
 * float sample). Strings must be UTF-8.
 */
public final class RemoteWriteDecoder {
    private final LabelSetBuilder labels;
    private final SampleBatchBuilder out;
    private double[] values = new double[64];
    private long[] timestamps = new long[64];

    private RemoteWriteDecoder(SampleBatchBuilder out) {
        this.out = out;
        this.labels = new LabelSetBuilder(out.limits());
    }

    /**
     * Decodes {@code body} into {@code out}.
     *
     * @param maxUncompressedBytes refuse bodies that would inflate beyond this (TOO_LARGE, before inflating)
     */
    public static void decode(byte[] body, int maxUncompressedBytes, SampleBatchBuilder out) {
        byte[] raw = uncompress(body, maxUncompressedBytes);
        RemoteWriteDecoder decoder = new RemoteWriteDecoder(out);
        CodedInputStream in = CodedInputStream.newInstance(raw);
        int series = 0;
        try {
            for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
                if (WireFormat.getTagFieldNumber(tag) == 1
                        && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                    int limit = in.pushLimit(in.readRawVarint32());
                    decoder.readTimeSeries(in);
                    in.popLimit(limit);
                    series++;
                } else if (WireFormat.getTagFieldNumber(tag) == 3
                        && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                    int limit = in.pushLimit(in.readRawVarint32());
                    try {
                        decoder.readMetadata(in);
                    } catch (IOException | IllegalArgumentException e) {
                        // Metadata only describes: a malformed one is dropped, never the request's samples.
                        in.skipRawBytes(in.getBytesUntilLimit());
                    }
                    in.popLimit(limit);
                } else {
                    in.skipField(tag);
                }
            }
        } catch (IOException e) {
            throw IngestException.malformed("malformed WriteRequest: " + malformation(e))
                    .at("timeseries", series);
        } catch (IllegalArgumentException e) {
            throw IngestException.malformed(e.getMessage()).at("timeseries", series);
        } catch (IngestException e) {
            throw e.at("timeseries", series);
        }
    }

    /** What protobuf found wrong, in our words: its messages name its own classes and settings. */
    static String malformation(IOException e) {
        String message = e.getMessage() == null ? "" : e.getMessage().toLowerCase(Locale.ROOT);
        if (message.contains("utf-8")) return "a string is not valid UTF-8";
        if (message.contains("ended unexpectedly") || message.contains("truncated")) {
            return "it ends inside a field (truncated, or a length reaching past its end)";
        }
        if (message.contains("negative size")) return "a field claims a negative length";
        if (message.contains("too large")) return "a field claims a length beyond the body";
        if (message.contains("varint")) return "a malformed varint";
        if (message.contains("tag") || message.contains("wire type")) return "an invalid field tag or wire type";
        if (message.contains("recursion") || message.contains("nested")) return "groups nested too deeply";
        return "not a protobuf message";
    }

    private static byte[] uncompress(byte[] body, int maxUncompressedBytes) {
        try {
            if (!Snappy.isValidCompressedBuffer(body)) {
                throw IngestException.malformed("body is not snappy block-compressed protobuf");
            }
            int length = Snappy.uncompressedLength(body);
            if (length < 0 || length > maxUncompressedBytes) {
                throw IngestException.requestLimit(
                        IngestException.Kind.TOO_LARGE,
                        "max-decoded-request-bytes",
                        maxUncompressedBytes,
                        "the body inflates to " + Integer.toUnsignedString(length)
                                + " bytes, more than max-decoded-request-bytes = " + maxUncompressedBytes);
            }
            return Snappy.uncompress(body);
        } catch (IOException e) {
            throw IngestException.malformed("body is not snappy block-compressed protobuf");
        }
    }

    private void readTimeSeries(CodedInputStream in) throws IOException {
        labels.reset();
        int n = 0;
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            int field = WireFormat.getTagFieldNumber(tag);
            if (field == 1 && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                int limit = in.pushLimit(in.readRawVarint32());
                readLabel(in);
                in.popLimit(limit);
            } else if (field == 2 && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                int limit = in.pushLimit(in.readRawVarint32());
                if (n == values.length) {
                    out.checkRoom(n + 1); // a series' samples are held until its labels are complete
                    values = Arrays.copyOf(values, n * 2);
                    timestamps = Arrays.copyOf(timestamps, n * 2);
                }
                readSample(in, n++);
                in.popLimit(limit);
            } else {
                in.skipField(tag);
            }
        }
        int series = out.series(labels.build());
        for (int i = 0; i < n; i++) out.add(series, timestamps[i], values[i]);
    }

    /** The enum MetricMetadata.MetricType, by number. */
    private static final String[] TYPES = {
        "unknown", "counter", "gauge", "histogram", "gaugehistogram", "summary", "info", "stateset"
    };

    /** MetricMetadata{1: MetricType type, 2: string metric_family_name, 4: string help, 5: string unit}. */
    private void readMetadata(CodedInputStream in) throws IOException {
        int type = 0;
        String family = "";
        String help = "";
        String unit = "";
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            int field = WireFormat.getTagFieldNumber(tag);
            boolean text = WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED;
            if (field == 1 && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_VARINT) type = in.readEnum();
            else if (field == 2 && text) family = in.readStringRequireUtf8();
            else if (field == 4 && text) help = in.readStringRequireUtf8();
            else if (field == 5 && text) unit = in.readStringRequireUtf8();
            else in.skipField(tag);
        }
        if (io.shardview.metrics.ingest.MetricMetadata.isFamilyName(family)) {
            out.metadata(family, type >= 0 && type < TYPES.length ? TYPES[type] : "unknown", help, unit);
        }
    }

    private void readLabel(CodedInputStream in) throws IOException {
        String name = "";
        String value = "";
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            // A known field number with another wire type is an unknown field, as protobuf reads it.
            boolean text = WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED;
            switch (text ? WireFormat.getTagFieldNumber(tag) : 0) {
                case 1 -> name = in.readStringRequireUtf8();
                case 2 -> value = in.readStringRequireUtf8();
                default -> in.skipField(tag);
            }
        }
        labels.add(name, value);
    }

    private void readSample(CodedInputStream in, int index) throws IOException {
        double value = 0;
        long timestamp = 0;
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            switch (tag) {
                case 1 << 3 | WireFormat.WIRETYPE_FIXED64 -> value = in.readDouble();
                case 2 << 3 | WireFormat.WIRETYPE_VARINT -> timestamp = in.readInt64();
                default -> in.skipField(tag);
            }
        }
        values[index] = value;
        timestamps[index] = timestamp;
    }
}
