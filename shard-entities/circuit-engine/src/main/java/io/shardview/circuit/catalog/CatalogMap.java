package io.shardview.circuit.catalog;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * An immutable map from relation names, changed one name at a time in time proportional to the square root of its size
 * instead of its size: a base map shared between versions, and the names changed since in a small map merged into a
 * new base once it grows past the square root of the base. So a tenant with thousands of views hands each request a
 * snapshot of its catalog, and the request adds or drops its relations, without copying the catalog. Iteration keeps
 * the base's order, each changed value in its place, then the names added since in the order added. Values are never
 * null.
 */
public final class CatalogMap<V> extends AbstractMap<String, V> {
    private static final Object REMOVED = new Object();
    private static final CatalogMap<?> EMPTY = new CatalogMap<>(Map.of(), Map.of(), 0);

    private final Map<String, V> base;
    /** Names changed since the base: a new value, or {@link #REMOVED}. */
    private final Map<String, Object> changes;

    private final int size;

    private CatalogMap(Map<String, V> base, Map<String, Object> changes, int size) {
        this.base = base;
        this.changes = changes;
        this.size = size;
    }

    @SuppressWarnings("unchecked")
    public static <V> CatalogMap<V> empty() {
        return (CatalogMap<V>) EMPTY;
    }

    public static <V> CatalogMap<V> of(Map<String, V> entries) {
        if (entries instanceof CatalogMap<V> map) return map;
        return new CatalogMap<>(Collections.unmodifiableMap(new LinkedHashMap<>(entries)), Map.of(), entries.size());
    }

    /** This map with {@code name} set to {@code value}. */
    public CatalogMap<V> with(String name, V value) {
        if (value == null) throw new NullPointerException("value of " + name);
        return changed(name, value, containsKey(name) ? size : size + 1);
    }

    /** This map without {@code name}. */
    public CatalogMap<V> without(String name) {
        if (!containsKey(name)) return this;
        return changed(name, base.containsKey(name) ? REMOVED : null, size - 1);
    }

    private CatalogMap<V> changed(String name, Object value, int newSize) {
        Map<String, Object> next = new LinkedHashMap<>(changes);
        if (value == null) next.remove(name); // added since the base, and now removed
        else next.put(name, value);
        if (next.size() <= Math.max(32, (int) Math.sqrt(base.size()))) {
            return new CatalogMap<>(base, Collections.unmodifiableMap(next), newSize);
        }
        Map<String, V> merged = new LinkedHashMap<>(new CatalogMap<>(base, next, newSize));
        return new CatalogMap<>(Collections.unmodifiableMap(merged), Map.of(), newSize);
    }

    @Override
    @SuppressWarnings("unchecked")
    public V get(Object name) {
        Object changed = changes.get(name);
        if (changed != null) return changed == REMOVED ? null : (V) changed;
        return base.get(name);
    }

    @Override
    public boolean containsKey(Object name) {
        return get(name) != null;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public Set<Entry<String, V>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public Iterator<Entry<String, V>> iterator() {
                return new Entries();
            }

            @Override
            public int size() {
                return size;
            }
        };
    }

    /** The base's entries as changed, then the names added since. */
    private final class Entries implements Iterator<Entry<String, V>> {
        private final Iterator<Entry<String, V>> inBase = base.entrySet().iterator();
        private final Iterator<Entry<String, Object>> added = changes.entrySet().iterator();
        private Entry<String, V> next = advance();

        @SuppressWarnings("unchecked")
        private Entry<String, V> advance() {
            while (inBase.hasNext()) {
                Entry<String, V> e = inBase.next();
                Object changed = changes.get(e.getKey());
                if (changed == null) return e;
                if (changed != REMOVED) return new SimpleImmutableEntry<>(e.getKey(), (V) changed);
            }
            while (added.hasNext()) {
                Entry<String, Object> e = added.next();
                if (e.getValue() != REMOVED && !base.containsKey(e.getKey())) {
                    return new SimpleImmutableEntry<>(e.getKey(), (V) e.getValue());
                }
            }
            return null;
        }

        @Override
        public boolean hasNext() {
            return next != null;
        }

        @Override
        public Entry<String, V> next() {
            if (next == null) throw new NoSuchElementException();
            Entry<String, V> e = next;
            next = advance();
            return e;
        }
    }
}
