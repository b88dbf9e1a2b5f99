package io.shardview.http.ingest;

import java.util.Arrays;

/**
 * Collects one series' labels and hands them out in canonical form: name/value pairs sorted by
 * name (code point order), no empty values (an empty value means "no such label", as in
 * Prometheus), {@code __name__} present. Reused line after line to keep allocation low.
 */
final class LabelSetBuilder {
  static final String METRIC_NAME = "__name__";

  private String[] names = new String[16];
  private String[] values = new String[16];
  private int size;

  void reset() {
    size = 0;
  }

  void add(String name, String value) {
    if (value.isEmpty()) return;
    if (size == names.length) {
      names = Arrays.copyOf(names, size * 2);
      values = Arrays.copyOf(values, size * 2);
    }
    names[size] = name;
    values[size] = value;
    size++;
  }

  /**
   * The canonical pairs {@code [name0, value0, name1, value1, ...]}.
   *
   * @throws IllegalArgumentException naming the problem: a label twice, or no metric name
   */
  String[] build() {
    // insertion sort: label sets are small and often nearly sorted already
    for (int i = 1; i < size; i++) {
      String name = names[i];
      String value = values[i];
      int j = i - 1;
      while (j >= 0 && names[j].compareTo(name) > 0) {
        names[j + 1] = names[j];
        values[j + 1] = values[j];
        j--;
      }
      names[j + 1] = name;
      values[j + 1] = value;
    }
    boolean named = false;
    String[] pairs = new String[size * 2];
    for (int i = 0; i < size; i++) {
      if (i > 0 && names[i].equals(names[i - 1])) {
        throw new IllegalArgumentException("label " + names[i] + " appears twice");
      }
      named |= names[i].equals(METRIC_NAME);
      pairs[2 * i] = names[i];
      pairs[2 * i + 1] = values[i];
    }
    if (!named) throw new IllegalArgumentException("the sample has no metric name");
    return pairs;
  }
}
