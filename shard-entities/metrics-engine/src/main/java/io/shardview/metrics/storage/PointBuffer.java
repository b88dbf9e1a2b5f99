package io.shardview.metrics.storage;

/**
 * Arrays one series' points are read into, and the next series' points into again: a reader of many series one at a
 * time (a function over ranges, series by series) allocates them once, and reads them while they are still in the
 * core's cache, instead of allocating and writing every series' points before reading any.
 */
public final class PointBuffer {
    private long[] times = new long[0];
    private double[] values = new double[0];
    private int size;

    /** The points' times, at indexes below {@link #size()}; the array may be longer. */
    public long[] times() {
        return times;
    }

    /** The points' values, at indexes below {@link #size()}; the array may be longer. */
    public double[] values() {
        return values;
    }

    /** How many points were read last. */
    public int size() {
        return size;
    }

    /** Room for {@code capacity} points, what was read before discarded; arrays of exactly that length where new. */
    void clear(int capacity) {
        if (times.length < capacity) {
            times = new long[capacity];
            values = new double[capacity];
        }
        size = 0;
    }

    void setSize(int size) {
        this.size = size;
    }
}
