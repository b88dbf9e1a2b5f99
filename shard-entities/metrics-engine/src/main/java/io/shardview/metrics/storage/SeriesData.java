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
 * strictly increase (a duplicate timestamp replaces the value).
 *
 * <p>The head holds every point of the chunk windows (aligned, chunk-range long) that late points
 * can still reach: a window is sealed, its points encoded once into chunks of up to the compacted
 * size, when its end is older than the series' newest point minus the out-of-order window (the
 * shard rejects any point older than its newest minus that window, and its newest is at least the
 * series'), so from then on nothing can change it. A late point is thus an insertion into the raw
 * head, and each point is encoded once. Only a head that reaches its cap (a series far denser than
 * the window) or is sealed whole (an idle shard, before a snapshot) seals points that can still get
 * late ones: those are queued and merged once per batch (each chunk they land in is decoded,
 * patched and re-encoded once; the queue is empty whenever anything but {@link #put} runs), and a
 * window's several chunks are merged into fewer, longer ones once it is out of reach.
 */
final class SeriesData {
    /** What {@link #put} did, which decides how rollups are maintained. */
    enum PutKind {
        APPENDED,
        INSERTED,
        REPLACED
    }

    static final long NONE = Long.MIN_VALUE;

    final List<SealedChunk> chunks = new ArrayList<>();
    /**
     * A window whose chunks may still be merged once out of reach (it got chunks while it could still
     * change: a capped or wholly sealed head), or {@link #NONE}.
     */
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
        PutKind kind = putIntoHead(ts, value);
        if (kind == PutKind.APPENDED) {
            sealOutOfReach(ts, config);
        }
        if (headSize >= config.chunkMaxPoints()) {
            seal(config);
        }
        return kind;
    }

    /**
     * Seals the head's points of every window out of reach of late points once {@code newest} is
     * the series' newest point, window by window, and merges an out-of-reach window's chunks.
     */
    private void sealOutOfReach(long newest, StorageConfig config) {
        long range = config.chunkRangeMs();
        long reach = Math.floorDiv(newest - config.outOfOrderWindowMs(), range); // windows before it are out of reach
        if (pendingWindow != NONE && pendingWindow < reach) {
            long w = pendingWindow;
            pendingWindow = NONE;
            if (headSize == 0 || Math.floorDiv(headTs[0], range) != w) {
                compactWindow(w, config);
            } // else the head's points of w are sealed below, together with its chunks
        }
        while (headSize > 0 && Math.floorDiv(headTs[0], range) < reach) {
            long w = Math.floorDiv(headTs[0], range);
            int n = lowerBound(headTs, headSize, (w + 1) * range);
            boolean hasChunks = !chunks.isEmpty()
                    && Math.floorDiv(chunks.get(chunks.size() - 1).minT(), range) == w;
            addChunks(chunks.size(), headTs, headValues, 0, n, config.compactedChunkMaxPoints());
            dropHeadPrefix(n);
            if (hasChunks) {
                compactWindow(w, config);
            }
        }
    }

    /**
     * Encodes the whole head into chunks (capped, or an idle shard seals everything before its
     * snapshot): the head's newest window may still get points, so it stays pending for a merge of its
     * chunks once out of reach.
     */
    void seal(StorageConfig config) {
        if (headSize == 0) {
            return;
        }
        long range = config.chunkRangeMs();
        long newestWindow = Math.floorDiv(headTs[headSize - 1], range);
        addChunks(chunks.size(), headTs, headValues, 0, headSize, config.compactedChunkMaxPoints());
        dropHeadPrefix(headSize);
        pendingWindow = newestWindow;
    }

    /** The first index in t[0..n) whose value is at least {@code key}. */
    private static int lowerBound(long[] t, int n, long key) {
        int i = Arrays.binarySearch(t, 0, n, key);
        return i >= 0 ? i : -i - 1;
    }

    /**
     * Removes the head's first {@code n} points. The arrays are reused, or shrunk to twice what is
     * left when they are larger than that (a window sealed leaves about the out-of-order window's
     * points, and the head grows by doubling, so it would otherwise keep twice its peak).
     */
    private void dropHeadPrefix(int n) {
        int left = headSize - n;
        if (headTs.length > 2 * left + 16) {
            int capacity = Math.max(8, 2 * left);
            headTs = Arrays.copyOfRange(headTs, n, n + capacity);
            headValues = Arrays.copyOfRange(headValues, n, n + capacity);
        } else {
            System.arraycopy(headTs, n, headTs, 0, left);
            System.arraycopy(headValues, n, headValues, 0, left);
        }
        headSize = left;
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
        addChunks(at, t, v, 0, n, max);
    }

    /** Encodes t/v[start..start + n) as ceil(n / max) chunks of near-equal length, inserted at {@code at}. */
    private void addChunks(int at, long[] t, double[] v, int start, int n, int max) {
        int parts = (n + max - 1) / max;
        int from = start;
        int end = start + n;
        for (int p = 0; p < parts; p++) {
            int len = (end - from) / (parts - p);
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
    /**
     * Whether any point lies in [start, end], decoding only a chunk that straddles an end of the range (a chunk wholly
     * inside it has points there by its bounds alone). Late points waiting for {@link #mergeLate} are not seen, as
     * {@link #read} does not see them either.
     */
    boolean hasPointIn(long start, long end) {
        int from = lowerBound(headTs, headSize, start);
        if (from < headSize && headTs[from] <= end) return true;
        for (int c = chunks.isEmpty() ? 0 : chunkFor(start); c < chunks.size(); c++) {
            SealedChunk chunk = chunks.get(c);
            if (chunk.minT() > end) return false;
            if (chunk.maxT() < start) continue;
            if (chunk.minT() >= start || chunk.maxT() <= end) return true; // its first or last point is inside
            ChunkIterator it = Chunks.iterator(chunk.bytes());
            while (it.next()) {
                long ts = it.timestamp();
                if (ts > end) break;
                if (ts >= start) return true;
            }
        }
        return false;
    }

    Points read(long start, long end) {
        PointBuffer into = new PointBuffer();
        readInto(start, end, into);
        return new Points(into.times(), into.values()); // the buffer's arrays were made for these points exactly
    }

    /** The points with timestamps in [start, end], in order, read into {@code into}. */
    void readInto(long start, long end, PointBuffer into) {
        int first = chunks.isEmpty() ? 0 : chunkFor(start);
        int from = lowerBound(headTs, headSize, start);
        int to = end == Long.MAX_VALUE ? headSize : lowerBound(headTs, headSize, end + 1);
        // The points are counted first: a chunk wholly in range counts from its header and is decoded straight into
        // the arrays; one only partly in range (the first and last, as a rule) is decoded first and its points in range
        // kept. New arrays are made for exactly that many (read's are the series' own), reused ones only when too
        // short.
        int capacity = Math.max(0, to - from);
        int last = first;
        Points[] partial = null;
        for (int c = first; c < chunks.size() && chunks.get(c).minT() <= end; c++, last++) {
            SealedChunk chunk = chunks.get(c);
            if (chunk.maxT() < start) {
                continue;
            }
            if (chunk.minT() >= start && chunk.maxT() <= end) {
                capacity += chunk.count();
                continue;
            }
            if (partial == null) {
                partial = new Points[chunks.size() - first];
            }
            Points inRange = pointsIn(chunk, start, end);
            partial[c - first] = inRange;
            capacity += inRange.timestamps().length;
        }
        into.clear(capacity);
        long[] t = into.times();
        double[] v = into.values();
        int n = 0;
        for (int c = first; c < last; c++) {
            SealedChunk chunk = chunks.get(c);
            Points inRange = partial == null ? null : partial[c - first];
            if (inRange != null) {
                System.arraycopy(inRange.timestamps(), 0, t, n, inRange.timestamps().length);
                System.arraycopy(inRange.values(), 0, v, n, inRange.values().length);
                n += inRange.timestamps().length;
            } else if (chunk.minT() >= start && chunk.maxT() <= end) {
                n += Chunks.decodeInto(chunk.bytes(), t, v, n);
            }
        }
        if (to > from) {
            System.arraycopy(headTs, from, t, n, to - from);
            System.arraycopy(headValues, from, v, n, to - from);
            n += to - from;
        }
        if (n != capacity) { // a chunk's header disagreed with its points
            throw new IllegalStateException("read " + n + " points where " + capacity + " were counted");
        }
        into.setSize(n);
    }

    /** The points of {@code chunk} in [start, end]. */
    private static Points pointsIn(SealedChunk chunk, long start, long end) {
        long[] t = new long[chunk.count()];
        double[] v = new double[t.length];
        int n = 0;
        ChunkIterator it = Chunks.iterator(chunk.bytes());
        while (it.next()) {
            long ts = it.timestamp();
            if (ts >= start && ts <= end) {
                t[n] = ts;
                v[n++] = it.value();
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
