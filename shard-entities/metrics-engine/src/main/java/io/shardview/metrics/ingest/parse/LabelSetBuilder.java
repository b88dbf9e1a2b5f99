package io.shardview.metrics.ingest.parse;

import io.shardview.metrics.index.Labels;
import java.util.Arrays;

/**
 * Collects one series' labels and hands them out in canonical form: name/value pairs sorted by
 * name (code point order), no empty values (an empty value means "no such label", as in
 * Prometheus), {@code __name__} present. Reused line after line to keep allocation low.
 *
 * <p>Each label is checked as it is added, against the per-series limits (labels per series, name
 * and value bytes) and for being text (no empty name, no unpaired UTF-16 surrogate, which a JSON
 * escape can carry but UTF-8 cannot hold), so a series never holds more than they allow.
 */
final class LabelSetBuilder {
    static final String METRIC_NAME = "__name__";

    private final IngestLimits limits;
    private String[] names = new String[16];
    private String[] values = new String[16];
    private int size;

    LabelSetBuilder(IngestLimits limits) {
        this.limits = limits;
    }

    void reset() {
        size = 0;
    }

    /**
     * Adds a label.
     *
     * @throws IllegalArgumentException if it is not text
     * @throws IngestException if it breaks a per-series limit
     */
    void add(String name, String value) {
        checkName(name);
        if (value.isEmpty()) return;
        checkValue(name, value);
        if (size == limits.maxLabelsPerSeries()) throw tooManyLabels(limits);
        if (size == names.length) {
            names = Arrays.copyOf(names, size * 2);
            values = Arrays.copyOf(values, size * 2);
        }
        names[size] = name;
        values[size] = value;
        size++;
    }

    /** A label name is non-empty text of at most max-label-name-bytes. */
    void checkName(String name) {
        if (name.isEmpty()) throw new IllegalArgumentException("a label has an empty name");
        int bytes = utf8Length(name, limits.maxLabelNameBytes());
        if (bytes > limits.maxLabelNameBytes()) {
            throw IngestException.seriesLimit(
                    "max-label-name-bytes",
                    limits.maxLabelNameBytes(),
                    "a label name of " + bytes + " bytes or more is longer than max-label-name-bytes = "
                            + limits.maxLabelNameBytes());
        }
    }

    /** A label value is text of at most max-label-value-bytes. */
    void checkValue(String name, String value) {
        int bytes = utf8Length(value, limits.maxLabelValueBytes());
        if (bytes > limits.maxLabelValueBytes()) {
            throw IngestException.seriesLimit(
                    "max-label-value-bytes",
                    limits.maxLabelValueBytes(),
                    "the value of label " + name + " is " + bytes
                            + " bytes or more, longer than max-label-value-bytes = " + limits.maxLabelValueBytes());
        }
    }

    static IngestException tooManyLabels(IngestLimits limits) {
        return IngestException.seriesLimit(
                "max-labels-per-series",
                limits.maxLabelsPerSeries(),
                "the series has more than " + limits.maxLabelsPerSeries() + " labels (max-labels-per-series = "
                        + limits.maxLabelsPerSeries() + ", the metric name included)");
    }

    /**
     * The UTF-8 length of {@code text}, counted up to a little past {@code max} (the exact figure of a
     * longer text helps no one and costs its whole length).
     *
     * @throws IllegalArgumentException if it holds an unpaired surrogate
     */
    static int utf8Length(String text, int max) {
        int bytes = 0;
        for (int i = 0; i < text.length() && bytes <= max; i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes++;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c)
                    && i + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new IllegalArgumentException("a label holds an unpaired UTF-16 surrogate (\\u"
                        + Integer.toHexString(c) + "), which is not text");
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }

    /**
     * The canonical pairs {@code [name0, value0, name1, value1, ...]}.
     *
     * @throws IllegalArgumentException naming the problem: a label twice, or no metric name
     */
    String[] build() {
        // insertion sort: label sets are small (at most max-labels-per-series) and often nearly sorted already
        for (int i = 1; i < size; i++) {
            String name = names[i];
            String value = values[i];
            int j = i - 1;
            while (j >= 0 && Labels.compareCodePoints(names[j], name) > 0) { // by UTF-8 bytes, as Prometheus
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
