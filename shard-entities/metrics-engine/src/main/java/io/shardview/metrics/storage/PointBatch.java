package io.shardview.metrics.storage;

import io.shardview.metrics.chunk.ChunkIterator;
import io.shardview.metrics.chunk.Chunks;
import io.shardview.metrics.index.Labels;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInput;
import java.io.DataInputStream;
import java.io.DataOutput;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An ingest batch: points grouped by series, in the order they are applied (series in first-seen
 * order, each series' points in arrival order). This order is part of the batch, so applying the
 * same batch always yields the same accepted/rejected split, on first apply and on replay.
 *
 * <p>Binary form (the journal payload): int series count; per series the {@link Labels} stream
 * form and an int-length-prefixed chunk of its points (the chunk codecs accept unsorted and
 * repeated timestamps and keep every value bit, so the payload is compact and lossless).
 */
public final class PointBatch {
    /** The points of one series within a batch. */
    public record SeriesPoints(Labels labels, long[] timestamps, double[] values) {
        /** Requires parallel arrays of equal length. */
        public SeriesPoints {
            if (timestamps.length != values.length) {
                throw new IllegalArgumentException("timestamps and values differ in length");
            }
        }
    }

    private final List<SeriesPoints> series;

    private PointBatch(List<SeriesPoints> series) {
        this.series = List.copyOf(series);
    }

    /** Series groups in application order. */
    public List<SeriesPoints> series() {
        return series;
    }

    /** Total number of points. */
    public int pointCount() {
        int n = 0;
        for (SeriesPoints s : series) {
            n += s.timestamps().length;
        }
        return n;
    }

    /** Starts an empty batch. */
    public static Builder builder() {
        return new Builder();
    }

    /** Collects points, grouping them by series. */
    public static final class Builder {
        private final Map<Labels, Group> groups = new LinkedHashMap<>();

        /** Adds one point. */
        public Builder add(Labels labels, long timestampMs, double value) {
            groups.computeIfAbsent(labels, l -> new Group()).add(timestampMs, value);
            return this;
        }

        /** Adds points [from, from + n) of the parallel arrays, all of one series, in their order. */
        public Builder add(Labels labels, long[] timestampsMs, double[] values, int from, int n) {
            Group g = groups.get(labels);
            if (g == null) { // the usual case: a series' points arrive together, copied at their size
                groups.put(
                        labels,
                        new Group(
                                Arrays.copyOfRange(timestampsMs, from, from + n),
                                Arrays.copyOfRange(values, from, from + n)));
                return this;
            }
            for (int i = from; i < from + n; i++) {
                g.add(timestampsMs[i], values[i]);
            }
            return this;
        }

        /** The batch; the builder may not be reused. */
        public PointBatch build() {
            List<SeriesPoints> out = new ArrayList<>(groups.size());
            groups.forEach((labels, g) -> out.add(
                    g.n == g.ts.length
                            ? new SeriesPoints(labels, g.ts, g.values)
                            : new SeriesPoints(labels, Arrays.copyOf(g.ts, g.n), Arrays.copyOf(g.values, g.n))));
            return new PointBatch(out);
        }
    }

    private static final class Group {
        long[] ts;
        double[] values;
        int n;

        Group() {
            this(new long[4], new double[4]);
            n = 0;
        }

        Group(long[] ts, double[] values) {
            this.ts = ts;
            this.values = values;
            this.n = ts.length;
        }

        void add(long t, double v) {
            if (n == ts.length) {
                ts = Arrays.copyOf(ts, Math.max(4, n * 2));
                values = Arrays.copyOf(values, Math.max(4, n * 2));
            }
            ts[n] = t;
            values[n++] = v;
        }
    }

    /** The batch in its binary form, as a shard journals it (and as the edge sends it to the shard). */
    public byte[] toBytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 + pointCount() * 4);
        try (DataOutputStream data = new DataOutputStream(out)) {
            write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** A batch from its binary form ({@link #toBytes}); a corrupt form is an UncheckedIOException. */
    public static PointBatch fromBytes(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            return read(in);
        } catch (IOException e) {
            throw new UncheckedIOException("corrupt point batch", e);
        }
    }

    /** Writes the binary form. */
    public void write(DataOutput out) throws IOException {
        out.writeInt(series.size());
        for (SeriesPoints s : series) {
            s.labels().write(out);
            byte[] chunk = Chunks.encode(s.timestamps(), s.values());
            out.writeInt(chunk.length);
            out.write(chunk);
        }
    }

    /** Reads the binary form. */
    public static PointBatch read(DataInput in) throws IOException {
        int n = in.readInt();
        if (n < 0) {
            throw new IOException("corrupt batch: " + n + " series");
        }
        List<SeriesPoints> series = new ArrayList<>(Math.min(n, 1 << 16));
        for (int i = 0; i < n; i++) {
            Labels labels = Labels.read(in);
            byte[] chunk = ShardSnapshot.readBytes(in);
            int count = Chunks.count(chunk);
            if (count < 0 || count > Chunks.MAX_POINTS) {
                throw new IOException("corrupt batch: " + count + " points");
            }
            long[] ts = new long[count];
            double[] values = new double[count];
            ChunkIterator it = Chunks.iterator(chunk);
            for (int p = 0; p < count && it.next(); p++) {
                ts[p] = it.timestamp();
                values[p] = it.value();
            }
            series.add(new SeriesPoints(labels, ts, values));
        }
        return new PointBatch(series);
    }
}
