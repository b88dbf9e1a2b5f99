package io.shardview.metrics.storage;

/** Points of one series in increasing timestamp order, as parallel arrays of equal length. */
public record Points(long[] timestamps, double[] values) {
  /** Number of points. */
  public int size() {
    return timestamps.length;
  }
}
