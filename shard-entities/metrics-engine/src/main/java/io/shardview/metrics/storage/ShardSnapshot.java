package io.shardview.metrics.storage;

import io.shardview.metrics.chunk.Chunks;
import io.shardview.metrics.index.Labels;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;

/**
 * The binary snapshot of a {@link ShardStorage}. Sealed chunks are written as their encoded
 * bytes and adopted as-is on restore; the head is written through the chunk codecs too.
 *
 * <p>Rollups are written only where raw data cannot rebuild them: a bucket that starts at or
 * after the raw retention horizon (rounded up to the bucket width) covers only points that raw
 * retention has not touched, and a bucket is by definition the fold, in timestamp order, of its
 * non-stale raw points, so restore recomputes it bit for bit from the chunks. Only older buckets
 * (those whose raw points retention dropped, kept up to the rollup retention) are stored, as
 * columns through the chunk codecs. Within the raw retention rollups thus cost nothing on disk,
 * and restore pays one decoding pass over the raw chunks.
 *
 * <p>Layout v3: magic "SVM3", as v2 with nine rollup columns per block (v2's five, then the
 * first point's offset, the first value, the last point's offset and the resets: {@link RollupBucket}'s edges).
 * Layouts v1 and v2 are still read; their stored buckets (those older than raw retention) have no edges, so
 * PromQL reads raw points, not rollups, where it would need them.
 *
 * <p>Layout v2: magic "SVM2"; config (window, chunk points, chunk range, compacted chunk points,
 * raw and rollup retention); max time, raw cutoff, rollup cutoff, rejected total, next series id;
 * live series count; per series: id, labels, chunk count, per chunk (minT, maxT, count, bytes),
 * head chunk, pending compaction window, and per resolution the buckets that start before the
 * raw cutoff (rounded up to the bucket width): the count of frozen blocks wholly before it and
 * those blocks as stored, then the count of the other such buckets and them in blocks of up to
 * {@link #ROLLUP_BLOCK} (a block: its size and five {@link RollupColumn}s: count, sum, min, max,
 * last with the bucket starts as timestamps). Layout v1 ("SVM1", every bucket stored as frozen blocks plus the
 * active ones, no rollup cutoff) is still read.
 */
final class ShardSnapshot {
    private static final int MAGIC_V1 = 0x53564D31;
    private static final int MAGIC_V2 = 0x53564D32;
    private static final int MAGIC_V3 = 0x53564D33;
    /** Stored rollup buckets per encoded block: long enough to amortise chunk headers. */
    static final int ROLLUP_BLOCK = 1024;

    private ShardSnapshot() {}

    static void write(ShardStorage shard, DataOutput out) throws IOException {
        StorageConfig c = shard.config;
        out.writeInt(MAGIC_V3);
        out.writeLong(c.outOfOrderWindowMs());
        out.writeInt(c.chunkMaxPoints());
        out.writeLong(c.chunkRangeMs());
        out.writeInt(c.compactedChunkMaxPoints());
        out.writeLong(c.rawRetentionMs());
        out.writeLong(c.rollupRetentionMs());
        out.writeLong(shard.maxTime);
        out.writeLong(shard.rawCutoff);
        out.writeLong(shard.rollupCutoff);
        out.writeLong(shard.rejectedTotal);
        out.writeInt(shard.registry.nextId());
        out.writeInt(shard.activeSeries());
        for (int id = 0; id < shard.series.size(); id++) {
            ShardStorage.Series s = shard.series.get(id);
            if (s == null) {
                continue;
            }
            out.writeInt(id);
            shard.registry.labels(id).write(out);
            out.writeInt(s.data.chunks.size());
            for (SealedChunk chunk : s.data.chunks) {
                out.writeLong(chunk.minT());
                out.writeLong(chunk.maxT());
                out.writeInt(chunk.count());
                writeBytes(out, chunk.bytes());
            }
            writeBytes(out, Chunks.encode(s.data.headTs, s.data.headValues, 0, s.data.headSize));
            out.writeLong(s.data.pendingWindow);
            for (Resolution r : Resolution.values()) {
                writeUnrebuildableRollups(out, s.rollup(r), rebuildableFrom(shard.rawCutoff, r.millis()));
            }
        }
    }

    /** Reads a snapshot; the shard runs under {@code current} if given, else the settings it was written with. */
    static ShardStorage read(DataInput in, StorageConfig current) throws IOException {
        int magic = in.readInt();
        if (magic != MAGIC_V1 && magic != MAGIC_V2 && magic != MAGIC_V3) {
            throw new IOException("not a metrics shard snapshot");
        }
        boolean v1 = magic == MAGIC_V1;
        int rollupColumns = magic == MAGIC_V3 ? RollupSeries.COLUMNS : RollupSeries.LEGACY_COLUMNS;
        StorageConfig written = new StorageConfig(
                in.readLong(), in.readInt(), in.readLong(), in.readInt(), in.readLong(), in.readLong());
        ShardStorage shard = new ShardStorage(current == null ? written : current);
        shard.maxTime = in.readLong();
        shard.rawCutoff = in.readLong();
        shard.rollupCutoff = v1 ? Long.MIN_VALUE : in.readLong();
        shard.rejectedTotal = in.readLong();
        int nextId = in.readInt();
        int live = in.readInt();
        for (int i = 0; i < live; i++) {
            int id = in.readInt();
            Labels labels = Labels.read(in);
            shard.registry.restore(id, labels);
            ShardStorage.Series s = new ShardStorage.Series();
            while (shard.series.size() <= id) {
                shard.series.add(null);
            }
            shard.series.set(id, s);
            int chunks = in.readInt();
            for (int c = 0; c < chunks; c++) {
                s.data.chunks.add(new SealedChunk(in.readLong(), in.readLong(), in.readInt(), readBytes(in)));
            }
            Points head = Points.decode(readBytes(in));
            int n = head.size();
            s.data.headTs = Arrays.copyOf(head.timestamps(), Math.max(8, n));
            s.data.headValues = Arrays.copyOf(head.values(), Math.max(8, n));
            s.data.headSize = n;
            s.data.pendingWindow = in.readLong();
            for (Resolution r : Resolution.values()) {
                if (v1) {
                    readRollupsV1(in, s.rollup(r));
                } else {
                    readUnrebuildableRollups(in, s.rollup(r), rollupColumns);
                }
            }
            if (!v1) {
                rebuildRollups(shard, s);
            }
        }
        shard.registry.advanceNextId(nextId);
        return shard;
    }

    /**
     * The first bucket start of width {@code width} at or after the raw cutoff: buckets from there on
     * hold only points raw retention has kept (it drops whole chunks older than the cutoff, never a
     * point at or after it), so they can be recomputed from the chunks.
     */
    static long rebuildableFrom(long rawCutoff, long width) {
        return rawCutoff == Long.MIN_VALUE ? Long.MIN_VALUE : -Math.floorDiv(-rawCutoff, width) * width;
    }

    /**
     * Writes the buckets that start before {@code rebuildableFrom}: the frozen blocks wholly before
     * it as stored (no re-encoding, however long the rollup retention), then the rest of them
     * encoded in blocks of up to {@link #ROLLUP_BLOCK}.
     */
    private static void writeUnrebuildableRollups(DataOutput out, RollupSeries r, long rebuildableFrom)
            throws IOException {
        int stored = 0;
        while (rebuildableFrom != Long.MIN_VALUE
                && stored < r.frozen.size()
                && r.frozen.get(stored).lastStart() < rebuildableFrom) {
            stored++;
        }
        out.writeInt(stored);
        for (int b = 0; b < stored; b++) {
            r.frozen.get(b).write(out);
        }
        long after = stored == 0 ? Long.MIN_VALUE : r.frozen.get(stored - 1).lastStart();
        List<RollupBucket> rest = rebuildableFrom == Long.MIN_VALUE
                ? List.of()
                : r.range(after == Long.MIN_VALUE ? after : after + 1, rebuildableFrom - 1).stream()
                        .filter(b -> b.startMs() > after)
                        .toList();
        out.writeInt(rest.size());
        for (int from = 0; from < rest.size(); from += ROLLUP_BLOCK) {
            FrozenRollups.of(rest, from, Math.min(ROLLUP_BLOCK, rest.size() - from))
                    .write(out);
        }
    }

    private static void readUnrebuildableRollups(DataInput in, RollupSeries r, int columns) throws IOException {
        int stored = in.readInt();
        for (int b = 0; b < stored; b++) {
            FrozenRollups block = FrozenRollups.read(in, columns);
            if (!r.frozen.isEmpty()
                    && block.firstStart() <= r.frozen.get(r.frozen.size() - 1).lastStart()) {
                throw new IOException("corrupt rollup blocks: out of order");
            }
            r.frozen.add(block);
        }
        int total = in.readInt();
        if (total < 0) {
            throw new IOException("corrupt rollup count " + total);
        }
        for (int read = 0; read < total; ) {
            FrozenRollups block = FrozenRollups.read(in, columns);
            double[][] values = new double[RollupSeries.COLUMNS][];
            long[] starts = null;
            for (int c = 0; c < RollupSeries.COLUMNS; c++) {
                Points column = RollupColumn.decode(block.columns()[c]);
                if (starts != null && !Arrays.equals(starts, column.timestamps())) {
                    throw new IOException("corrupt rollup block: columns disagree on bucket starts");
                }
                starts = column.timestamps();
                values[c] = column.values();
            }
            try {
                r.appendBuckets(starts, values, block.size());
            } catch (IllegalArgumentException e) {
                throw new IOException("corrupt rollup block", e);
            }
            read += block.size();
        }
    }

    /**
     * Recomputes the buckets the snapshot left out from the series' raw points (in timestamp order,
     * as {@link RollupSeries#append} folds them), drops what rollup retention had dropped, and
     * freezes the closed blocks.
     */
    private static void rebuildRollups(ShardStorage shard, ShardStorage.Series s) {
        for (Resolution r : Resolution.values()) {
            RollupSeries rollup = s.rollup(r);
            Points points = s.data.read(rebuildableFrom(shard.rawCutoff, r.millis()), Long.MAX_VALUE);
            for (int p = 0; p < points.size(); p++) {
                rollup.append(points.timestamps()[p], points.values()[p]);
            }
            if (shard.rollupCutoff != Long.MIN_VALUE) {
                rollup.dropBefore(
                        shard.rollupCutoff - rollup.width + 1); // as retention: buckets that end at or before it
            }
            if (shard.maxTime != Long.MIN_VALUE) {
                rollup.freezeAll(shard.maxTime - shard.config.outOfOrderWindowMs());
            }
        }
    }

    /** Rollups as layout v1 stored them: every bucket, frozen blocks and then the active ones. */
    private static void readRollupsV1(DataInput in, RollupSeries r) throws IOException {
        int blocks = in.readInt();
        for (int b = 0; b < blocks; b++) {
            r.frozen.add(FrozenRollups.read(in, RollupSeries.LEGACY_COLUMNS));
        }
        if (!in.readBoolean()) {
            return;
        }
        FrozenRollups active = FrozenRollups.read(in, RollupSeries.LEGACY_COLUMNS);
        double[][] columns = new double[RollupSeries.COLUMNS][];
        long[] starts = null;
        for (int c = 0; c < RollupSeries.COLUMNS; c++) {
            Points column = RollupColumn.decode(active.columns()[c]);
            starts = column.timestamps();
            columns[c] = column.values();
        }
        r.setActive(starts, columns);
    }

    static void writeBytes(DataOutput out, byte[] bytes) throws IOException {
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    static byte[] readBytes(DataInput in) throws IOException {
        int len = in.readInt();
        if (len < 0 || len > (256 << 20)) {
            throw new IOException("corrupt length " + len);
        }
        byte[] b = new byte[len];
        in.readFully(b);
        return b;
    }
}
