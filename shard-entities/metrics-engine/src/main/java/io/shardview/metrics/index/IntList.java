package io.shardview.metrics.index;

import java.util.Arrays;

/**
 * The mutable postings the index keeps per label value. Ids are allocated in increasing order,
 * so adding is an append; removal (a series whose data all expired) shifts the tail.
 */
final class IntList {
    private int[] ids = new int[4];
    private int size;

    void add(int id) {
        if (size > 0 && id <= ids[size - 1]) {
            throw new IllegalArgumentException("series ids must be added in increasing order");
        }
        if (size == ids.length) {
            ids = Arrays.copyOf(ids, size * 2);
        }
        ids[size++] = id;
    }

    /** Removes {@code id} if present. */
    void remove(int id) {
        int i = Arrays.binarySearch(ids, 0, size, id);
        if (i >= 0) {
            System.arraycopy(ids, i + 1, ids, i, size - i - 1);
            size--;
        }
    }

    int size() {
        return size;
    }

    Postings snapshot() {
        return Postings.trusted(Arrays.copyOf(ids, size), size);
    }
}
