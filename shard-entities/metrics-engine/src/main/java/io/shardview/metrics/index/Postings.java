package io.shardview.metrics.index;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * An immutable, strictly increasing list of series ids: the result type of index lookups, with
 * the set operations a selector needs. Intersection gallops (exponential search) through the
 * longer list, so a rare label intersected with a common one costs O(small * log(large)).
 */
public final class Postings {
    /** The empty list. */
    public static final Postings EMPTY = new Postings(new int[0], 0);

    private final int[] ids;
    private final int size;

    private Postings(int[] ids, int size) {
        this.ids = ids;
        this.size = size;
    }

    /** Wraps ids that must already be strictly increasing (checked). */
    public static Postings of(int... sortedIds) {
        for (int i = 1; i < sortedIds.length; i++) {
            if (sortedIds[i] <= sortedIds[i - 1]) {
                throw new IllegalArgumentException("postings must be strictly increasing at " + i);
            }
        }
        return new Postings(sortedIds.clone(), sortedIds.length);
    }

    /** Sorts and de-duplicates arbitrary ids. */
    public static Postings fromUnsorted(int... ids) {
        int[] a = ids.clone();
        Arrays.sort(a);
        int n = 0;
        for (int i = 0; i < a.length; i++) {
            if (n == 0 || a[i] != a[n - 1]) {
                a[n++] = a[i];
            }
        }
        return new Postings(a, n);
    }

    /** Takes ownership of the first {@code size} ids, which the caller guarantees are increasing. */
    static Postings trusted(int[] ids, int size) {
        return size == 0 ? EMPTY : new Postings(ids, size);
    }

    /** Number of ids. */
    public int size() {
        return size;
    }

    /** True if there are no ids. */
    public boolean isEmpty() {
        return size == 0;
    }

    /** The i-th smallest id. */
    public int get(int i) {
        if (i < 0 || i >= size) {
            throw new IndexOutOfBoundsException(i);
        }
        return ids[i];
    }

    /** True if {@code id} is in the list. */
    public boolean contains(int id) {
        return Arrays.binarySearch(ids, 0, size, id) >= 0;
    }

    /** The ids as a new array. */
    public int[] toArray() {
        return Arrays.copyOf(ids, size);
    }

    /** Ids in both lists. */
    public Postings intersect(Postings other) {
        Postings small = size <= other.size ? this : other;
        Postings large = small == this ? other : this;
        int[] out = new int[small.size];
        int n = 0;
        int lo = 0;
        for (int i = 0; i < small.size && lo < large.size; i++) {
            int id = small.ids[i];
            lo = gallop(large.ids, lo, large.size, id);
            if (lo < large.size && large.ids[lo] == id) {
                out[n++] = id;
                lo++;
            }
        }
        return trusted(out, n);
    }

    /** Ids in either list. */
    public Postings union(Postings other) {
        int[] out = new int[size + other.size];
        int i = 0;
        int j = 0;
        int n = 0;
        while (i < size && j < other.size) {
            int a = ids[i];
            int b = other.ids[j];
            out[n++] = Math.min(a, b);
            i += a <= b ? 1 : 0;
            j += b <= a ? 1 : 0;
        }
        while (i < size) {
            out[n++] = ids[i++];
        }
        while (j < other.size) {
            out[n++] = other.ids[j++];
        }
        return trusted(out, n);
    }

    /** Ids in this list and not in {@code other}. */
    public Postings subtract(Postings other) {
        int[] out = new int[size];
        int n = 0;
        int lo = 0;
        for (int i = 0; i < size; i++) {
            int id = ids[i];
            lo = gallop(other.ids, lo, other.size, id);
            if (lo >= other.size || other.ids[lo] != id) {
                out[n++] = id;
            }
        }
        return trusted(out, n);
    }

    /** Union of many lists, merged pairwise smallest-first so the work stays near n log k. */
    public static Postings unionAll(List<Postings> lists) {
        if (lists.isEmpty()) {
            return EMPTY;
        }
        List<Postings> level = new ArrayList<>(lists);
        while (level.size() > 1) {
            List<Postings> next = new ArrayList<>((level.size() + 1) / 2);
            for (int i = 0; i + 1 < level.size(); i += 2) {
                next.add(level.get(i).union(level.get(i + 1)));
            }
            if (level.size() % 2 == 1) {
                next.add(level.get(level.size() - 1));
            }
            level = next;
        }
        return level.get(0);
    }

    /** Intersection of many lists, smallest first so the result shrinks early. */
    public static Postings intersectAll(List<Postings> lists) {
        if (lists.isEmpty()) {
            throw new IllegalArgumentException("intersection of no lists is undefined");
        }
        List<Postings> sorted = new ArrayList<>(lists);
        sorted.sort(Comparator.comparingInt(Postings::size));
        Postings acc = sorted.get(0);
        for (int i = 1; i < sorted.size() && !acc.isEmpty(); i++) {
            acc = acc.intersect(sorted.get(i));
        }
        return acc;
    }

    /** First index in [from, size) whose id is >= target, by exponential then binary search. */
    private static int gallop(int[] a, int from, int size, int target) {
        int step = 1;
        int hi = from;
        while (hi < size && a[hi] < target) {
            from = hi + 1;
            hi += step;
            step <<= 1;
        }
        int idx = Arrays.binarySearch(a, from, Math.min(hi + 1, size), target);
        return idx >= 0 ? idx : -idx - 1;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Postings p && Arrays.equals(ids, 0, size, p.ids, 0, p.size);
    }

    @Override
    public int hashCode() {
        int h = 1;
        for (int i = 0; i < size; i++) {
            h = 31 * h + ids[i];
        }
        return h;
    }

    @Override
    public String toString() {
        return Arrays.toString(toArray());
    }
}
