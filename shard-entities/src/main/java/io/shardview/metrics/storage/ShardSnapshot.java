package io.shardview.metrics.storage;

import io.shardview.metrics.chunk.Chunks;
import io.shardview.metrics.index.Labels;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;

/**
 * The binary snapshot of a {@link ShardStorage}. Sealed chunks are written as their encoded
 * bytes and adopted as-is on restore; the head and the rollup columns are written through the
 * chunk codecs too (bucket start as timestamp, one chunk per column), which is lossless.
 *
 * <p>Layout: magic "SVM1"; config (window, chunk points, chunk range, compacted chunk points, raw and rollup retention);
 * max time, raw cutoff, rejected total, next series id; live series count; per series: id,
 * labels, chunk count, per chunk (minT, maxT, count, bytes), head chunk, pending compaction
 * window, and per resolution the frozen rollup blocks as stored, then a flag and the active
 * buckets in the same block form.
 */
final class ShardSnapshot {
  private static final int MAGIC = 0x53564D31;

  private ShardSnapshot() {}

  static void write(ShardStorage shard, DataOutput out) throws IOException {
    StorageConfig c = shard.config;
    out.writeInt(MAGIC);
    out.writeLong(c.outOfOrderWindowMs());
    out.writeInt(c.chunkMaxPoints());
    out.writeLong(c.chunkRangeMs());
    out.writeInt(c.compactedChunkMaxPoints());
    out.writeLong(c.rawRetentionMs());
    out.writeLong(c.rollupRetentionMs());
    out.writeLong(shard.maxTime);
    out.writeLong(shard.rawCutoff);
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
        writeRollups(out, s.rollup(r));
      }
    }
  }

  /** Reads a snapshot; the shard runs under {@code current} if given, else the settings it was written with. */
  static ShardStorage read(DataInput in, StorageConfig current) throws IOException {
    if (in.readInt() != MAGIC) {
      throw new IOException("not a metrics shard snapshot");
    }
    StorageConfig written = new StorageConfig(
        in.readLong(), in.readInt(), in.readLong(), in.readInt(), in.readLong(), in.readLong());
    ShardStorage shard = new ShardStorage(current == null ? written : current);
    shard.maxTime = in.readLong();
    shard.rawCutoff = in.readLong();
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
        readRollups(in, s.rollup(r));
      }
    }
    shard.registry.advanceNextId(nextId);
    return shard;
  }

  private static void writeRollups(DataOutput out, RollupSeries r) throws IOException {
    out.writeInt(r.frozen.size());
    for (FrozenRollups block : r.frozen) {
      block.write(out);
    }
    out.writeBoolean(r.size > 0);
    if (r.size > 0) {
      FrozenRollups.encode(r, 0, r.size).write(out);
    }
  }

  private static void readRollups(DataInput in, RollupSeries r) throws IOException {
    int blocks = in.readInt();
    for (int b = 0; b < blocks; b++) {
      r.frozen.add(FrozenRollups.read(in));
    }
    if (!in.readBoolean()) {
      return;
    }
    FrozenRollups active = FrozenRollups.read(in);
    double[][] columns = new double[RollupSeries.COLUMNS][];
    long[] starts = null;
    for (int c = 0; c < RollupSeries.COLUMNS; c++) {
      Points column = Points.decode(active.columns()[c]);
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
