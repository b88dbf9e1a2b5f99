package io.shardview.http.ingest;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import java.io.IOException;
import java.util.Map;
import org.xerial.snappy.Snappy;

/**
 * Prometheus remote_write 1.0: a snappy block-compressed protobuf {@code WriteRequest}.
 *
 * <p>Decoded straight from the wire format with protobuf's {@link CodedInputStream}, no generated
 * classes: WriteRequest{1: repeated TimeSeries}, TimeSeries{1: repeated Label, 2: repeated Sample},
 * Label{1: name, 2: value}, Sample{1: double value, 2: int64 timestamp_ms}. Metadata, exemplars
 * and native histograms are skipped (they carry no float sample).
 */
public final class RemoteWriteDecoder {
  private final LabelSetBuilder labels = new LabelSetBuilder();
  private final SampleBatch.Builder out;
  private double[] values = new double[64];
  private long[] timestamps = new long[64];

  private RemoteWriteDecoder(SampleBatch.Builder out) {
    this.out = out;
  }

  /**
   * Decodes {@code body} into {@code out}.
   *
   * @param maxUncompressedBytes refuse bodies that would inflate beyond this
   */
  public static void decode(byte[] body, int maxUncompressedBytes, SampleBatch.Builder out) {
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
        } else {
          in.skipField(tag);
        }
      }
    } catch (IOException | IllegalArgumentException e) {
      throw new IngestException("timeseries " + series + ": " + e.getMessage(), Map.of("timeseries", series));
    }
  }

  private static byte[] uncompress(byte[] body, int maxUncompressedBytes) {
    try {
      if (!Snappy.isValidCompressedBuffer(body)) {
        throw new IngestException("body is not snappy block-compressed protobuf", Map.of());
      }
      int length = Snappy.uncompressedLength(body);
      if (length > maxUncompressedBytes) {
        throw new IngestException("body inflates to " + length + " bytes, over the limit of " + maxUncompressedBytes,
            Map.of("limit", "max-uncompressed-bytes", "max", maxUncompressedBytes));
      }
      return Snappy.uncompress(body);
    } catch (IOException e) {
      throw new IngestException("body is not snappy block-compressed protobuf: " + e.getMessage(), Map.of());
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
          values = java.util.Arrays.copyOf(values, n * 2);
          timestamps = java.util.Arrays.copyOf(timestamps, n * 2);
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

  private void readLabel(CodedInputStream in) throws IOException {
    String name = "";
    String value = "";
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      switch (WireFormat.getTagFieldNumber(tag)) {
        case 1 -> name = in.readStringRequireUtf8();
        case 2 -> value = in.readStringRequireUtf8();
        default -> in.skipField(tag);
      }
    }
    if (name.isEmpty()) throw new IllegalArgumentException("label with an empty name");
    labels.add(name, value);
  }

  private void readSample(CodedInputStream in, int index) throws IOException {
    double value = 0;
    long timestamp = 0;
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      switch (WireFormat.getTagFieldNumber(tag)) {
        case 1 -> value = in.readDouble();
        case 2 -> timestamp = in.readInt64();
        default -> in.skipField(tag);
      }
    }
    values[index] = value;
    timestamps[index] = timestamp;
  }
}
