package io.shardview.metrics.index;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Labels <-> series id for one shard, keeping the {@link LabelIndex} in step. Ids are dense ints
 * allocated in increasing order and never reused, so postings stay sorted by construction.
 */
public final class SeriesRegistry {
    private final Map<Labels, Integer> ids = new HashMap<>();
    private final List<Labels> labelsById = new ArrayList<>(); // null once removed
    private final LabelIndex index = new LabelIndex();
    private final LabelPairFilter pairs = new LabelPairFilter();
    private int nextId;

    /** The id of {@code labels}, registering the series if it is new. */
    public int getOrCreate(Labels labels) {
        Integer id = ids.get(labels);
        if (id != null) {
            return id;
        }
        int fresh = nextId++;
        put(fresh, labels);
        return fresh;
    }

    /** Re-registers a series under a known id (snapshot restore); ids must increase. */
    public void restore(int id, Labels labels) {
        if (id < nextId || ids.containsKey(labels)) {
            throw new IllegalArgumentException("restored series out of order or duplicate: " + labels);
        }
        put(id, labels);
        nextId = id + 1;
    }

    private void put(int id, Labels labels) {
        ids.put(labels, id);
        while (labelsById.size() <= id) {
            labelsById.add(null);
        }
        labelsById.set(id, labels);
        index.add(id, labels);
        if (pairs.add(labels))
            pairs.rebuild(() -> labelsById.stream().filter(l -> l != null).iterator());
    }

    /** The id of {@code labels}, or -1 if unknown. */
    public int idOf(Labels labels) {
        return ids.getOrDefault(labels, -1);
    }

    /** The labels of series {@code id}, or null if unknown or removed. */
    public Labels labels(int id) {
        return id >= 0 && id < labelsById.size() ? labelsById.get(id) : null;
    }

    /** Forgets a series (its data expired); its id is not reused. */
    public void remove(int id) {
        Labels labels = labels(id);
        if (labels != null) {
            labelsById.set(id, null);
            ids.remove(labels);
            index.remove(id, labels);
        }
    }

    /** Number of registered series. */
    public int activeSeries() {
        return ids.size();
    }

    /** The next id to be allocated (persisted so ids are never reused after restore). */
    public int nextId() {
        return nextId;
    }

    /** Sets the next id after a restore; never lowers it. */
    public void advanceNextId(int next) {
        nextId = Math.max(nextId, next);
    }

    /**
     * The pairs of the series ever registered, for other threads to ask whether this shard may hold a series (the
     * same object for the registry's life).
     */
    public LabelPairFilter pairFilter() {
        return pairs;
    }

    /** The inverted index over the registered series. */
    public LabelIndex index() {
        return index;
    }
}
