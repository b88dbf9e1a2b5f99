package io.shardview.http.tenant;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * An op's column values as the edge read them: names and values in two arrays, in the order written, a later value of
 * a name replacing the earlier one (as in a JSON object read into a map). Read-only once read. A batch of 10,000
 * rows waits for its entity as 10,000 of these, so they are small: three objects for any number of columns, where a
 * {@link java.util.LinkedHashMap} takes a table and an entry per column (about 300 against 90 bytes for three), and
 * the young collections that copy batches in flight copy a third as much. Past {@link #SCANNED} columns a name is
 * found through a hash index instead of by comparing names.
 */
final class ColumnValues extends AbstractMap<String, Object> {
    /** Columns looked up by scanning the names; more get an index. */
    static final int SCANNED = 8;

    private String[] names = new String[4];
    private Object[] values = new Object[4];
    private int size;
    private HashMap<String, Integer> index; // once there are more than SCANNED columns

    /** Sets {@code name}'s value (while the edge reads the op). */
    void set(String name, Object value) {
        int at = indexOf(name);
        if (at >= 0) {
            values[at] = value;
            return;
        }
        if (size == names.length) {
            names = Arrays.copyOf(names, size * 2);
            values = Arrays.copyOf(values, size * 2);
        }
        names[size] = name;
        values[size] = value;
        size++;
        if (index != null) {
            index.put(name, size - 1);
        } else if (size > SCANNED) {
            index = new HashMap<>(size * 2);
            for (int i = 0; i < size; i++) index.put(names[i], i);
        }
    }

    private int indexOf(Object name) {
        if (index != null) {
            Integer at = index.get(name);
            return at == null ? -1 : at;
        }
        for (int i = 0; i < size; i++) if (names[i].equals(name)) return i;
        return -1;
    }

    @Override
    public Object get(Object name) {
        int at = indexOf(name);
        return at < 0 ? null : values[at];
    }

    @Override
    public boolean containsKey(Object name) {
        return indexOf(name) >= 0;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public void forEach(BiConsumer<? super String, ? super Object> action) {
        for (int i = 0; i < size; i++) action.accept(names[i], values[i]);
    }

    @Override
    public Set<Entry<String, Object>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public Iterator<Entry<String, Object>> iterator() {
                return new Iterator<>() {
                    private int next;

                    @Override
                    public boolean hasNext() {
                        return next < size;
                    }

                    @Override
                    public Entry<String, Object> next() {
                        if (next >= size) throw new NoSuchElementException();
                        Entry<String, Object> entry = new SimpleImmutableEntry<>(names[next], values[next]);
                        next++;
                        return entry;
                    }
                };
            }

            @Override
            public int size() {
                return size;
            }
        };
    }
}
