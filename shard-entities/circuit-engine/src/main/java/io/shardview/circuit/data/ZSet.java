package io.shardview.circuit.data;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * A Z-set: rows with non-zero integer weights. A positive weight is that many copies inserted, a
 * negative weight that many retracted. Entries that reach zero are removed, so a ZSet is always
 * consolidated. Rows are told apart by {@link Row#identical}: two rows equal as SQL values but with
 * CHAR values padded differently ('a' and 'a  ') are two entries. The index hashes by {@link Row#hashCode},
 * which ignores padding, so such rows share a hash and the probe tells them apart.
 *
 * <p>Kept like a compact dict: the entries (rows, primitive weights, the rows' spread hashes) in
 * parallel arrays in insertion order, and an open-addressing index (linear probing, backward-shift
 * deletion) from hash to entry. No entry object and no boxed weight per row, a probe compares the
 * stored hash before it touches a row, and iteration follows insertion order, so an operator reading
 * a delta visits its rows in about the order they were allocated. Both matter once a batch's deltas
 * outgrow the CPU caches (bench/RESULTS.md, "Circuit engine").
 */
public final class ZSet {
    /** Entries a Z-set made without a size hint has room for before it grows. */
    private static final int DEFAULT_CAPACITY = 4;

    /** Entry i: rows[i] (null once its weight reached zero), weights[i], hashes[i]. */
    private Row[] rows;

    private long[] weights;
    private int[] hashes;
    /** Entries appended so far, removed ones included. */
    private int used;

    private int size;
    /** Slot -> entry + 1, 0 = empty; the power of two at or above twice the entry capacity. */
    private int[] index;

    public ZSet() {
        allocate(DEFAULT_CAPACITY);
    }

    /** An empty Z-set with room for expected rows before it grows. */
    public ZSet(int expected) {
        allocate(Math.max(1, expected));
    }

    private void allocate(int capacity) {
        rows = new Row[capacity];
        weights = new long[capacity];
        hashes = new int[capacity];
        index = new int[Integer.highestOneBit(capacity * 2 - 1) << 1];
    }

    private static int spread(Row row) {
        int h = row.hashCode();
        return h ^ (h >>> 16);
    }

    /** The index slot of row, or -(empty slot where it would go) - 1 when absent. */
    private int find(Row row, int hash) {
        int mask = index.length - 1;
        int i = hash & mask;
        for (int e; (e = index[i]) != 0; i = (i + 1) & mask) {
            Row r = rows[e - 1];
            if (hashes[e - 1] == hash && r.identical(row)) return i;
        }
        return -i - 1;
    }

    public void add(Row row, long weight) {
        if (weight == 0) return;
        int hash = spread(row);
        int slot = find(row, hash);
        if (slot >= 0) {
            int e = index[slot] - 1;
            long sum = Weights.sum(weights[e], weight);
            if (sum != 0) {
                weights[e] = sum;
                return;
            }
            rows[e] = null;
            size--;
            unindex(slot);
            return;
        }
        if (used == rows.length) {
            rebuild(size * 2 <= used ? used : used * 2); // compact when half the entries are gone
            slot = find(row, hash);
        }
        rows[used] = row;
        weights[used] = weight;
        hashes[used] = hash;
        index[-slot - 1] = ++used;
        size++;
    }

    /** Empties an index slot; backward shift keeps every remaining entry reachable from its home slot. */
    private void unindex(int slot) {
        int mask = index.length - 1;
        int hole = slot;
        index[hole] = 0;
        for (int j = (hole + 1) & mask; index[j] != 0; j = (j + 1) & mask) {
            int home = hashes[index[j] - 1] & mask;
            boolean movable = hole <= j ? (home <= hole || home > j) : (home <= hole && home > j);
            if (movable) {
                index[hole] = index[j];
                index[j] = 0;
                hole = j;
            }
        }
    }

    /** Moves the live entries, in order, into arrays of the given capacity and indexes them again. */
    private void rebuild(int capacity) {
        Row[] oldRows = rows;
        long[] oldWeights = weights;
        int[] oldHashes = hashes;
        int oldUsed = used;
        allocate(Math.max(1, capacity));
        int mask = index.length - 1;
        used = 0;
        for (int i = 0; i < oldUsed; i++) {
            if (oldRows[i] == null) continue;
            rows[used] = oldRows[i];
            weights[used] = oldWeights[i];
            hashes[used] = oldHashes[i];
            int j = oldHashes[i] & mask;
            while (index[j] != 0) j = (j + 1) & mask;
            index[j] = ++used;
        }
    }

    /**
     * Adds as {@link #add} does and returns how many estimated bytes this Z-set holds more after it: a row that
     * appeared weighs {@link Row#estimatedBytes}, a row that went as much less, a changed weight nothing. For the
     * state budgets, which count rows as they come and go instead of walking the state.
     */
    public long addWeighed(Row row, long weight) {
        int before = size();
        add(row, weight);
        int change = size() - before;
        return change == 0 ? 0 : change * row.estimatedBytes();
    }

    public void addAll(ZSet other) {
        addScaled(other, 1);
    }

    /** Adds every entry of other with its weight multiplied by factor. */
    public void addScaled(ZSet other, long factor) {
        Row[] r = other.rows;
        long[] w = other.weights;
        for (int i = 0, n = other.used; i < n; i++) {
            if (r[i] != null) add(r[i], w[i] * factor);
        }
    }

    public long weight(Row row) {
        int slot = find(row, spread(row));
        return slot >= 0 ? weights[index[slot] - 1] : 0;
    }

    /** The sum of the weights: the rows the set adds to a relation (negative: removes). */
    public long weightSum() {
        long sum = 0;
        for (int i = 0; i < used; i++) {
            if (rows[i] != null) sum += weights[i];
        }
        return sum;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    /** Number of distinct rows. */
    public int size() {
        return size;
    }

    /** Calls action for every row with its weight, in insertion order; the Z-set must not change meanwhile. */
    public void forEach(BiConsumer<Row, Long> action) {
        Row[] r = rows;
        long[] w = weights;
        for (int i = 0, n = used; i < n; i++) {
            if (r[i] != null) action.accept(r[i], w[i]);
        }
    }

    /** The entries as a read-only map view. */
    public Map<Row, Long> entries() {
        return new Entries();
    }

    public ZSet negate() {
        ZSet out = new ZSet(size());
        forEach((r, w) -> out.add(r, -w));
        return out;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof ZSet other) || other.size != size) return false;
        for (int i = 0; i < used; i++) {
            if (rows[i] != null && other.weight(rows[i]) != weights[i]) return false;
        }
        return true;
    }

    @Override
    public int hashCode() {
        int h = 0;
        for (int i = 0; i < used; i++) {
            if (rows[i] != null) h += rows[i].hashCode() ^ Long.hashCode(weights[i]);
        }
        return h;
    }

    @Override
    public String toString() {
        return entries().toString();
    }

    /** The read-only map view of {@link #entries}. */
    private final class Entries extends AbstractMap<Row, Long> {
        @Override
        public int size() {
            return size;
        }

        @Override
        public boolean containsKey(Object key) {
            return key instanceof Row r && find(r, spread(r)) >= 0;
        }

        @Override
        public Long get(Object key) {
            if (!(key instanceof Row r)) return null;
            int slot = find(r, spread(r));
            return slot >= 0 ? weights[index[slot] - 1] : null;
        }

        @Override
        public Set<Map.Entry<Row, Long>> entrySet() {
            return new AbstractSet<>() {
                @Override
                public int size() {
                    return size;
                }

                @Override
                public Iterator<Map.Entry<Row, Long>> iterator() {
                    return new Iterator<>() {
                        private int next = advance(0);

                        private int advance(int from) {
                            while (from < used && rows[from] == null) from++;
                            return from;
                        }

                        @Override
                        public boolean hasNext() {
                            return next < used;
                        }

                        @Override
                        public Map.Entry<Row, Long> next() {
                            if (next >= used) throw new NoSuchElementException();
                            Map.Entry<Row, Long> e = new SimpleImmutableEntry<>(rows[next], weights[next]);
                            next = advance(next + 1);
                            return e;
                        }
                    };
                }
            };
        }
    }
}
