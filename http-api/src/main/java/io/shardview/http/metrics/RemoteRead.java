package io.shardview.http.metrics;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import io.shardview.metrics.index.Matcher;
import io.shardview.metrics.promql.evaluation.Series;
import io.shardview.metrics.wire.PrometheusXorChunk;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.xerial.snappy.Snappy;

/**
 * Prometheus remote read 0.1.0 ({@code api/v1/read}), its SAMPLES response: a snappy block-compressed protobuf
 * {@code ReadRequest} in, a {@code ReadResponse} out. Written straight on the wire format with protobuf's coded
 * streams, no generated classes:
 *
 * <pre>
 * ReadRequest  {1: repeated Query queries; 2: repeated ResponseType accepted_response_types (SAMPLES = 0)}
 * Query        {1: int64 start_timestamp_ms; 2: int64 end_timestamp_ms; 3: repeated LabelMatcher matchers; 4: hints}
 * LabelMatcher {1: Type type (EQ, NEQ, RE, NRE); 2: string name; 3: string value}
 * ReadResponse {1: repeated QueryResult results}
 * QueryResult  {1: repeated TimeSeries timeseries}
 * TimeSeries   {1: repeated Label labels; 2: repeated Sample samples}
 * Label        {1: string name; 2: string value}
 * Sample       {1: double value; 2: int64 timestamp}
 * </pre>
 *
 * Hints are ignored (they only narrow what a server may read). The answer is of the first response type in the
 * request's {@code accepted_response_types} served here (none listed: SAMPLES), as Prometheus negotiates it: SAMPLES, a
 * snappy-compressed {@code ReadResponse}; or STREAMED_XOR_CHUNKS, a stream of frames (uvarint length, CRC32C
 * big-endian, message), each a {@code ChunkedReadResponse {1: repeated ChunkedSeries {1: labels, 2: repeated Chunk
 * {1: min_time_ms, 2: max_time_ms, 3: type (XOR = 1), 4: data}}, 2: query_index}} holding one series' chunks
 * ({@link PrometheusXorChunk}, up to 120 samples each) of about 1 MiB at most, as Prometheus streams them.
 */
final class RemoteRead {
    /** Of an answer, which is snappy-compressed protobuf. */
    static final org.apache.pekko.http.javadsl.model.ContentType PROTOBUF =
            org.apache.pekko.http.javadsl.model.ContentTypes.parse("application/x-protobuf");

    private static final int SAMPLES = 0;
    private static final int STREAMED_XOR_CHUNKS = 1;

    /** Of a streamed answer. */
    static final org.apache.pekko.http.javadsl.model.ContentType STREAMED =
            org.apache.pekko.http.javadsl.model.ContentTypes.parse(
                    "application/x-streamed-protobuf; proto=prometheus.ChunkedReadResponse");

    /** Chunks of one series go in frames of about this many bytes, as Prometheus's default. */
    static final int MAX_BYTES_IN_FRAME = 1 << 20;

    private RemoteRead() {}

    /** One query of a request: its time range, inclusive, and the matchers a series must satisfy. */
    record Query(long startMs, long endMs, List<Matcher> matchers) {}

    /** A request's queries, and whether its answer is streamed chunks (else samples). */
    record Request(List<Query> queries, boolean streamed) {}

    /**
     * The queries of a snappy-compressed {@code ReadRequest}; an IllegalArgumentException says what is wrong with it.
     *
     * @param maxUncompressedBytes a body that would inflate beyond this is refused before it is inflated
     */
    static Request decode(byte[] body, int maxUncompressedBytes) {
        byte[] raw;
        try {
            int length = Snappy.uncompressedLength(body);
            if (length > maxUncompressedBytes) {
                throw new IllegalArgumentException(
                        "the read request inflates to " + length + " bytes, more than " + maxUncompressedBytes);
            }
            raw = Snappy.uncompress(body);
        } catch (IOException e) {
            throw new IllegalArgumentException("the body is not snappy block-compressed: " + e.getMessage());
        }
        List<Query> queries = new ArrayList<>();
        List<Integer> accepted = new ArrayList<>();
        try {
            CodedInputStream in = CodedInputStream.newInstance(raw);
            for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
                int field = WireFormat.getTagFieldNumber(tag);
                int wire = WireFormat.getTagWireType(tag);
                if (field == 1 && wire == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                    int limit = in.pushLimit(in.readRawVarint32());
                    queries.add(query(in));
                    in.popLimit(limit);
                } else if (field == 2 && wire == WireFormat.WIRETYPE_VARINT) {
                    accepted.add(in.readEnum());
                } else if (field == 2 && wire == WireFormat.WIRETYPE_LENGTH_DELIMITED) { // packed
                    int limit = in.pushLimit(in.readRawVarint32());
                    while (in.getBytesUntilLimit() > 0) accepted.add(in.readEnum());
                    in.popLimit(limit);
                } else {
                    in.skipField(tag);
                }
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("malformed ReadRequest: " + e.getMessage());
        }
        if (accepted.isEmpty()) return new Request(queries, false);
        for (int type : accepted) {
            if (type == SAMPLES) return new Request(queries, false);
            if (type == STREAMED_XOR_CHUNKS) return new Request(queries, true);
        }
        throw new IllegalArgumentException(
                "the request accepts none of the response types served (SAMPLES 0, STREAMED_XOR_CHUNKS 1): "
                        + accepted);
    }

    private static Query query(CodedInputStream in) throws IOException {
        long start = 0;
        long end = 0;
        List<Matcher> matchers = new ArrayList<>();
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case 1 -> start = in.readInt64();
                case 2 -> end = in.readInt64();
                case 3 -> {
                    int limit = in.pushLimit(in.readRawVarint32());
                    matchers.add(matcher(in));
                    in.popLimit(limit);
                }
                default -> in.skipField(tag);
            }
        }
        if (end < start)
            throw new IllegalArgumentException("a query ends (" + end + ") before it starts (" + start + ")");
        if (matchers.isEmpty()) throw new IllegalArgumentException("a query has no matcher");
        return new Query(start, end, List.copyOf(matchers));
    }

    private static Matcher matcher(CodedInputStream in) throws IOException {
        int type = 0;
        String name = "";
        String value = "";
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case 1 -> type = in.readEnum();
                case 2 -> name = in.readStringRequireUtf8();
                case 3 -> value = in.readStringRequireUtf8();
                default -> in.skipField(tag);
            }
        }
        Matcher.Type kind =
                switch (type) {
                    case 0 -> Matcher.Type.EQ;
                    case 1 -> Matcher.Type.NEQ;
                    case 2 -> Matcher.Type.RE;
                    case 3 -> Matcher.Type.NRE;
                    default -> throw new IllegalArgumentException("unknown matcher type " + type);
                };
        try {
            return Matcher.of(kind, name, value);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(
                    "bad matcher " + name + " " + kind + " \"" + value + "\": " + e.getMessage());
        }
    }

    /** The snappy-compressed {@code ReadResponse} of the queries' results, in the queries' order. */
    static byte[] encode(List<List<Series>> results) {
        try {
            ByteArrayOutputStream raw = new ByteArrayOutputStream();
            CodedOutputStream out = CodedOutputStream.newInstance(raw);
            for (List<Series> result : results) {
                byte[] queryResult = queryResult(result);
                out.writeTag(1, WireFormat.WIRETYPE_LENGTH_DELIMITED);
                out.writeUInt32NoTag(queryResult.length);
                out.writeRawBytes(queryResult);
            }
            out.flush();
            return Snappy.compress(raw.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The streamed answer: every series of every query as frames of its Prometheus XOR chunks. */
    static byte[] encodeStreamed(List<List<Series>> results) {
        try {
            ByteArrayOutputStream stream = new ByteArrayOutputStream();
            for (int query = 0; query < results.size(); query++) {
                for (Series series : results.get(query)) streamSeries(stream, query, series);
            }
            return stream.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A series' chunks, in frames of about {@link #MAX_BYTES_IN_FRAME}; nothing for a series without points. */
    private static void streamSeries(ByteArrayOutputStream stream, int query, Series series) throws IOException {
        byte[] labels = labels(series);
        long[] times = series.timestamps();
        double[] values = series.values();
        List<byte[]> chunks = new ArrayList<>();
        int size = labels.length;
        for (int at = 0; at < times.length; at += PrometheusXorChunk.MAX_SAMPLES) {
            int n = Math.min(PrometheusXorChunk.MAX_SAMPLES, times.length - at);
            byte[] data = PrometheusXorChunk.encode(times, values, at, n);
            ByteArrayOutputStream chunk = new ByteArrayOutputStream(data.length + 32);
            CodedOutputStream out = CodedOutputStream.newInstance(chunk);
            out.writeInt64(1, times[at]);
            out.writeInt64(2, times[at + n - 1]);
            out.writeEnum(3, 1); // XOR
            out.writeByteArray(4, data);
            out.flush();
            chunks.add(chunk.toByteArray());
            size += chunk.size();
            boolean last = at + n >= times.length;
            if (size >= MAX_BYTES_IN_FRAME || last) {
                frame(stream, query, labels, chunks);
                chunks.clear();
                size = labels.length;
            }
        }
    }

    /** One frame: uvarint length, CRC32C of the message (big-endian), the message. */
    private static void frame(ByteArrayOutputStream stream, int query, byte[] labels, List<byte[]> chunks)
            throws IOException {
        ByteArrayOutputStream series = new ByteArrayOutputStream();
        CodedOutputStream s = CodedOutputStream.newInstance(series);
        s.writeRawBytes(labels);
        for (byte[] chunk : chunks) {
            s.writeTag(2, WireFormat.WIRETYPE_LENGTH_DELIMITED);
            s.writeUInt32NoTag(chunk.length);
            s.writeRawBytes(chunk);
        }
        s.flush();
        ByteArrayOutputStream message = new ByteArrayOutputStream(series.size() + 16);
        CodedOutputStream m = CodedOutputStream.newInstance(message);
        m.writeTag(1, WireFormat.WIRETYPE_LENGTH_DELIMITED);
        m.writeUInt32NoTag(series.size());
        m.writeRawBytes(series.toByteArray());
        m.writeInt64(2, query);
        m.flush();
        byte[] bytes = message.toByteArray();
        CodedOutputStream head = CodedOutputStream.newInstance(stream);
        head.writeUInt32NoTag(bytes.length);
        head.flush();
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(bytes);
        long sum = crc.getValue();
        stream.write((int) (sum >>> 24));
        stream.write((int) (sum >>> 16));
        stream.write((int) (sum >>> 8));
        stream.write((int) sum);
        stream.write(bytes);
    }

    private static byte[] queryResult(List<Series> result) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        for (Series series : result) {
            byte[] timeSeries = timeSeries(series);
            out.writeTag(1, WireFormat.WIRETYPE_LENGTH_DELIMITED);
            out.writeUInt32NoTag(timeSeries.length);
            out.writeRawBytes(timeSeries);
        }
        out.flush();
        return bytes.toByteArray();
    }

    /** A series' labels as field 1 of a TimeSeries or ChunkedSeries (repeated Label {1: name, 2: value}). */
    private static byte[] labels(Series series) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        for (int i = 0; i < series.labels().size(); i++) {
            String name = series.labels().name(i);
            String value = series.labels().value(i);
            int size = CodedOutputStream.computeStringSize(1, name) + CodedOutputStream.computeStringSize(2, value);
            out.writeTag(1, WireFormat.WIRETYPE_LENGTH_DELIMITED);
            out.writeUInt32NoTag(size);
            out.writeString(1, name);
            out.writeString(2, value);
        }
        out.flush();
        return bytes.toByteArray();
    }

    private static byte[] timeSeries(Series series) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        out.writeRawBytes(labels(series));
        long[] timestamps = series.timestamps();
        double[] values = series.values();
        for (int i = 0; i < timestamps.length; i++) {
            int size = CodedOutputStream.computeDoubleSize(1, values[i])
                    + CodedOutputStream.computeInt64Size(2, timestamps[i]);
            out.writeTag(2, WireFormat.WIRETYPE_LENGTH_DELIMITED);
            out.writeUInt32NoTag(size);
            out.writeDouble(1, values[i]);
            out.writeInt64(2, timestamps[i]);
        }
        out.flush();
        return bytes.toByteArray();
    }
}
