package io.shardview.circuit;

import java.util.HashMap;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * A Z-set: rows with non-zero integer weights. A positive weight is that many copies inserted, a
 * negative weight that many retracted. Entries that reach zero are removed, so a ZSet is always
 * consolidated.
 */
public final class ZSet {
    private final HashMap<Row, Long> weights;

    public ZSet() {
        weights = new HashMap<>();
    }

    public ZSet(int expected) {
        weights = new HashMap<>(Math.max(4, expected * 4 / 3 + 1));
    }

    public void add(Row row, long weight) {
        if (weight != 0) {
            weights.merge(row, weight, (a, b) -> a + b == 0 ? null : a + b);
        }
    }

    public void addAll(ZSet other) {
        other.weights.forEach(this::add);
    }

    /** Adds every entry of other with its weight multiplied by factor. */
    public void addScaled(ZSet other, long factor) {
        other.weights.forEach((r, w) -> add(r, w * factor));
    }

    public long weight(Row row) {
        return weights.getOrDefault(row, 0L);
    }

    public boolean isEmpty() {
        return weights.isEmpty();
    }

    /** Number of distinct rows. */
    public int size() {
        return weights.size();
    }

    public void forEach(BiConsumer<Row, Long> action) {
        weights.forEach(action);
    }

    /** The entries as a read-only map view. */
    public Map<Row, Long> entries() {
        return java.util.Collections.unmodifiableMap(weights);
    }

    public ZSet negate() {
        ZSet out = new ZSet(size());
        weights.forEach((r, w) -> out.weights.put(r, -w));
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ZSet && ((ZSet) o).weights.equals(weights);
    }

    @Override
    public int hashCode() {
        return weights.hashCode();
    }

    @Override
    public String toString() {
        return weights.toString();
    }
}
