package io.shardview.metrics.storage;

import io.shardview.metrics.chunk.ChunkIterator;
import io.shardview.metrics.chunk.Chunks;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Raw points of one series: sealed chunks followed by a head buffer.
 *
 * <p>Invariants: chunks are ordered and disjoint (chunk i's maxT < chunk i+1's minT); every head
 * timestamp is greater than the last chunk's maxT; within a chunk and within the head timestamps
 * strictly increase (a duplicate timestamp replaces the value). Late points that fall inside
 * the sealed range are queued and merged once per batch: each chunk they land in is decoded,
 * patched and re-encoded once (the queue is empty whenever anything but {@link #put} runs).
 * Once a closed chunk window is out of reach of late points, its chunks are compacted into
 * fewer, longer chunks, which compress better (the header is paid once per chunk).
 */
final class SeriesData {
  /** What {@link #put} did, which decides how rollups are maintained. */
  enum PutKind { APPENDED, INSERTED, REPLACED }

  static final long NONE = Long.MIN_VALUE;

  final List<SealedChunk> chunks = new ArrayList<>();
  /** A closed chunk window (index = time / chunk range) not compacted yet, or {@link #NONE}. */
  long pendingWindow = NONE;
  long[] headTs = new long[8];
  double[] headValues = new double[8];
  int headSize;
  /** Points waiting for {@link #mergeLate}, in arrival order. */
  private long[] lateTs = new long[0];
  private double[] lateValues = new double[0];
  private int lateCount;

  /** Newest timestamp held, or Long.MIN_VALUE if empty. */
  long maxTime() {
    if (headSize > 0) {
      return headTs[headSize - 1];
    }
    return chunks.isEmpty() ? Long.MIN_VALUE : chunks.get(chunks.size() - 1).maxT();
  }

  boolean isEmpty() {
    return headSize == 0 && chunks.isEmpty();
  }

  /**
   * Stores a point, except one that falls into the sealed range: that one is queued for
   * {@link #mergeLate}, which the caller runs before anything reads the series, and is reported
   * as INSERTED whether it replaces a value or not (only APPENDED changes what callers do).
   */
  PutKind put(long ts, double value, StorageConfig config) {
    if (!chunks.isEmpty() && ts <= chunks.get(chunks.size() - 1).maxT()) {
      queueLate(ts, value);
      return PutKind.INSERTED;
    }
    long last = maxTime();
    if (last != Long.MIN_VALUE && ts > last) {
      closeWindows(ts, Math.floorDiv(last, config.chunkRangeMs()), config);
    }
    PutKind kind = putIntoHead(ts, value);
    if (headSize >= config.chunkMaxPoints()) {
      seal();
    }
    return kind;
  }

  /**
   * Seals the head when {@code ts} opens a new window, and compacts a closed window once no
   * accepted point can reach it: the shard rejects points older than its newest point (at least
   * this series' newest) minus the out-of-order window, so from then on the window is immutable
   * and late points never pay for re-encoding long compacted chunks.
   */
  private void closeWindows(long ts, long lastWindow, StorageConfig config) {
    long range = config.chunkRangeMs();
    if (Math.floorDiv(ts, range) != lastWindow) {
      seal();
      if (pendingWindow != NONE) { // windows pass faster than late points settle: compact now
        compactWindow(pendingWindow, config);
      }
      pendingWindow = lastWindow;
    }
    if (pendingWindow != NONE && Math.floorDiv(ts - config.outOfOrderWindowMs(), range) > pendingWindow) {
      compactWindow(pendingWindow, config);
      pendingWindow = NONE;
    }
  }

  private PutKind putIntoHead(long ts, double value) {
    boolean newest = headSize == 0 || ts > headTs[headSize - 1];
    int i = newest ? -headSize - 1 : Arrays.binarySearch(headTs, 0, headSize, ts);
    if (i >= 0) {
      headValues[i] = value;
      return PutKind.REPLACED;
    }
    int at = -i - 1;
    if (headSize == headTs.length) {
      headTs = Arrays.copyOf(headTs, headSize * 2);
      headValues = Arrays.copyOf(headValues, headSize * 2);
    }
    System.arraycopy(headTs, at, headTs, at + 1, headSize - at);
    System.arraycopy(headValues, at, headValues, at + 1, headSize - at);
    headTs[at] = ts;
    headValues[at] = value;
    headSize++;
    return at == headSize - 1 ? PutKind.APPENDED : PutKind.INSERTED;
  }

  /** Encodes the head into a chunk and starts an empty head of the initial capacity. */
  void seal() {
    if (headSize == 0) {
      return;
    }
    byte[] bytes = Chunks.encode(headTs, headValues, 0, headSize);
    chunks.add(new SealedChunk(headTs[0], headTs[headSize - 1], headSize, bytes));
    headTs = new long[8];
    headValues = new double[8];
    headSize = 0;
  }

  /** Merges the chunks whose first point lies in window {@code w} into long chunks. */
  private void compactWindow(long w, StorageConfig config) {
    long range = config.chunkRangeMs();
    int end = chunks.size();
    while (end > 0 && Math.floorDiv(chunks.get(end - 1).minT(), range) > w) {
      end--;
    }
    int begin = end;
    while (begin > 0 && Math.floorDiv(chunks.get(begin - 1).minT(), range) == w) {
      begin--;
    }
    if (end - begin < 2) {
      return;
    }
    int total = 0;
    for (int c = begin; c < end; c++) {
      total += chunks.get(c).count();
    }
    long[] t = new long[total];
    double[] v = new double[total];
    int n = 0;
    for (int c = begin; c < end; c++) { // chunks are disjoint and ordered: concatenation is sorted
      ChunkIterator it = Chunks.iterator(chunks.get(c).bytes());
      while (it.next()) {
        t[n] = it.timestamp();
        v[n++] = it.value();
      }
    }
    chunks.subList(begin, end).clear();
    addChunks(begin, t, v, n, config.compactedChunkMaxPoints());
  }

  /** Encodes t/v[0..n) as ceil(n / max) chunks of near-equal length, inserted at {@code at}. */
  private void addChunks(int at, long[] t, double[] v, int n, int max) {
    int parts = (n + max - 1) / max;
    int from = 0;
    for (int p = 0; p < parts; p++) {
      int len = (n - from) / (parts - p);
      chunks.add(at + p, new SealedChunk(t[from], t[from + len - 1], len, Chunks.encode(t, v, from, len)));
      from += len;
    }
  }

  private void queueLate(long ts, double value) {
    if (lateCount == lateTs.length) {
      lateTs = Arrays.copyOf(lateTs, Math.max(8, lateCount * 2));
      lateValues = Arrays.copyOf(lateValues, Math.max(8, lateCount * 2));
    }
    lateTs[lateCount] = ts;
    lateValues[lateCount++] = value;
  }

  /**
   * Merges the queued late points into their sealed chunks: one decode and re-encode per chunk
   * touched, however many of the points land in it. Of points with one timestamp the last queued
   * wins, over the sealed value too, as if each had been put on its own.
   */
  void mergeLate(StorageConfig config) {
    if (lateCount == 0) {
      return;
    }
    Integer[] order = new Integer[lateCount];
    for (int i = 0; i < lateCount; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Long.compare(lateTs[a], lateTs[b])); // stable: arrival order within a timestamp
    long[] t = new long[lateCount];
    double[] v = new double[lateCount];
    int n = 0;
    for (int i : order) {
      if (n > 0 && t[n - 1] == lateTs[i]) {
        v[n - 1] = lateValues[i];
      } else {
        t[n] = lateTs[i];
        v[n++] = lateValues[i];
      }
    }
    lateCount = 0;
    // Last chunk first: re-encoding may split a chunk, which leaves the indexes before it valid.
    int end = n;
    while (end > 0) {
      int c = chunkFor(t[end - 1]);
      int begin = end - 1;
      while (begin > 0 && chunkFor(t[begin - 1]) == c) {
        begin--;
      }
      mergeIntoChunk(c, t, v, begin, end, config);
      end = begin;
    }
  }

  /** Merges sorted, distinct points t/v[from, to) into chunk c; they win over equal timestamps. */
  private void mergeIntoChunk(int c, long[] lt, double[] lv, int from, int to, StorageConfig config) {
    SealedChunk chunk = chunks.get(c);
    long[] t = new long[chunk.count() + to - from];
    double[] v = new double[t.length];
    ChunkIterator it = Chunks.iterator(chunk.bytes());
    int n = 0;
    int l = from;
    while (it.next()) {
      long pt = it.timestamp();
      while (l < to && lt[l] < pt) {
        t[n] = lt[l];
        v[n++] = lv[l++];
      }
      if (l < to && lt[l] == pt) {
        t[n] = lt[l];
        v[n++] = lv[l++];
        continue;
      }
      t[n] = pt;
      v[n++] = it.value();
    }
    while (l < to) {
      t[n] = lt[l];
      v[n++] = lv[l++];
    }
    // A chunk grows by late points; split it beyond the compacted size so re-encoding stays cheap.
    chunks.remove(c);
    addChunks(c, t, v, n, config.compactedChunkMaxPoints());
  }

  /** The last chunk whose minT <= ts, or chunk 0 if ts precedes all. */
  private int chunkFor(long ts) {
    int lo = 0;
    int hi = chunks.size() - 1;
    while (lo < hi) {
      int mid = (lo + hi + 1) >>> 1;
      if (chunks.get(mid).minT() <= ts) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return lo;
  }

  /** Points with timestamps in [start, end], in order. */
  Points read(long start, long end) {
    long[] t = new long[16];
    double[] v = new double[16];
    int n = 0;
    for (int c = chunks.isEmpty() ? 0 : chunkFor(start); c < chunks.size(); c++) {
      SealedChunk chunk = chunks.get(c);
      if (chunk.minT() > end) {
        break;
      }
      if (chunk.maxT() < start) {
        continue;
      }
      ChunkIterator it = Chunks.iterator(chunk.bytes());
      while (it.next()) {
        long ts = it.timestamp();
        if (ts >= start && ts <= end) {
          if (n == t.length) {
            t = Arrays.copyOf(t, n * 2);
            v = Arrays.copyOf(v, n * 2);
          }
          t[n] = ts;
          v[n++] = it.value();
        }
      }
    }
    for (int i = 0; i < headSize; i++) {
      if (headTs[i] >= start && headTs[i] <= end) {
        if (n == t.length) {
          t = Arrays.copyOf(t, n * 2);
          v = Arrays.copyOf(v, n * 2);
        }
        t[n] = headTs[i];
        v[n++] = headValues[i];
      }
    }
    return new Points(Arrays.copyOf(t, n), Arrays.copyOf(v, n));
  }

  /** Drops whole chunks whose points are all older than {@code cutoff}; whether anything went. */
  boolean dropChunksBefore(long cutoff) {
    int k = 0;
    while (k < chunks.size() && chunks.get(k).maxT() < cutoff) {
      k++;
    }
    chunks.subList(0, k).clear();
    boolean headDropped = chunks.isEmpty() && headSize > 0 && headTs[headSize - 1] < cutoff;
    if (headDropped) {
      headSize = 0;
    }
    return k > 0 || headDropped;
  }

  long sealedBytes() {
    long b = 0;
    for (SealedChunk c : chunks) {
      b += c.bytes().length;
    }
    return b;
  }

  long sealedPoints() {
    long p = 0;
    for (SealedChunk c : chunks) {
      p += c.count();
    }
    return p;
  }
}
