package io.shardview.metrics.storage;

import io.shardview.metrics.chunk.ChunkIterator;
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
 * labels, chunk count, per chunk (minT, maxT, count, bytes), head chunk, and per resolution the
 * bucket count and, if non-zero, five column chunks (count, sum, min, max, last).
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
      for (Resolution r : Resolution.values()) {
        writeRollups(out, s.rollups.get(r));
      }
    }
  }

  static ShardStorage read(DataInput in) throws IOException {
    if (in.readInt() != MAGIC) {
      throw new IOException("not a metrics shard snapshot");
    }
    StorageConfig config = new StorageConfig(
        in.readLong(), in.readInt(), in.readLong(), in.readInt(), in.readLong(), in.readLong());
    ShardStorage shard = new ShardStorage(config);
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
      Points head = decode(readBytes(in));
      int n = head.size();
      s.data.headTs = Arrays.copyOf(head.timestamps(), Math.max(8, n));
      s.data.headValues = Arrays.copyOf(head.values(), Math.max(8, n));
      s.data.headSize = n;
      for (Resolution r : Resolution.values()) {
        readRollups(in, s.rollups.get(r));
      }
    }
    shard.registry.advanceNextId(nextId);
    return shard;
  }

  private static void writeRollups(DataOutput out, RollupSeries r) throws IOException {
    out.writeInt(r.size);
    if (r.size == 0) {
      return;
    }
    double[] counts = new double[r.size];
    for (int i = 0; i < r.size; i++) {
      counts[i] = r.count[i];
    }
    for (double[] column : new double[][] {counts, r.sum, r.min, r.max, r.last}) {
      writeBytes(out, Chunks.encode(r.start, column, 0, r.size));
    }
  }

  private static void readRollups(DataInput in, RollupSeries r) throws IOException {
    int n = in.readInt();
    if (n == 0) {
      return;
    }
    if (n < 0) {
      throw new IOException("corrupt snapshot: " + n + " rollup buckets");
    }
    Points counts = decode(readBytes(in));
    r.start = counts.timestamps();
    r.count = new long[n];
    for (int i = 0; i < n; i++) {
      r.count[i] = (long) counts.values()[i];
    }
    r.sum = decode(readBytes(in)).values();
    r.min = decode(readBytes(in)).values();
    r.max = decode(readBytes(in)).values();
    r.last = decode(readBytes(in)).values();
    r.size = n;
    if (counts.size() != n || r.sum.length != n || r.min.length != n || r.max.length != n
        || r.last.length != n) {
      throw new IOException("corrupt snapshot: rollup columns differ in length");
    }
  }

  private static Points decode(byte[] chunk) {
    int n = Chunks.count(chunk);
    long[] ts = new long[n];
    double[] vs = new double[n];
    ChunkIterator it = Chunks.iterator(chunk);
    for (int i = 0; i < n && it.next(); i++) {
      ts[i] = it.timestamp();
      vs[i] = it.value();
    }
    return new Points(ts, vs);
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
