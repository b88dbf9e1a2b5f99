package io.shardview.metrics.index;

import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Which {@code name="value"} pairs a shard's series may have, and which of them the series of each metric may have,
 * readable from any thread while the shard adds series: a Bloom filter (two bits a pair) that a serving node consults
 * to leave out of a query the shards that cannot hold a series it selects. "May" is one-sided: a pair of any series ever added answers yes; a pair never added usually
 * answers no. Series leaving (retention) leave their bits set, which only costs a needless ask.
 *
 * <p>One thread adds (the shard's, through its {@link SeriesRegistry}); others read. Bits are set and read as volatile
 * longs, so a series added before its write is acknowledged is seen by any query that starts after. When a quarter of
 * the bits are set the registry rebuilds the filter four times larger from its series, up to {@link #MAX_BITS}; past
 * that it only fills, and answers yes more often.
 */
public final class LabelPairFilter {
    static final int INITIAL_BITS = 1 << 12;
    static final int MAX_BITS = 1 << 24;

    private volatile AtomicLongArray words;
    private int bitsSet; // the adding thread's count, for when to grow

    LabelPairFilter() {
        this.words = new AtomicLongArray(INITIAL_BITS / 64);
    }

    /**
     * Whether some series added may match every matcher: false only when an equality names a pair never added, or,
     * beside an equality on the metric name, a pair no series of that metric has.
     */
    public boolean mayMatch(List<Matcher> matchers) {
        AtomicLongArray w = words;
        String metric = null;
        for (Matcher m : matchers) {
            if (m.type() == Matcher.Type.EQ
                    && m.name().equals(Labels.METRIC_NAME)
                    && !m.value().isEmpty()) {
                metric = m.value();
            }
        }
        for (Matcher m : matchers) {
            if (m.type() != Matcher.Type.EQ || m.value().isEmpty()) continue;
            long pair = hash(m.name(), m.value());
            if (!contains(w, pair)) return false;
            if (metric != null && !m.name().equals(Labels.METRIC_NAME) && !contains(w, ofMetric(metric, pair))) {
                return false;
            }
        }
        return true;
    }

    /** Whether some series added may match any of the selectors. */
    public boolean mayMatchAny(List<List<Matcher>> selectors) {
        for (List<Matcher> selector : selectors) {
            if (mayMatch(selector)) return true;
        }
        return false;
    }

    /** Adds a series' pairs; true when the filter is full enough that the registry should {@link #rebuild} it. */
    boolean add(Labels labels) {
        add(words, labels);
        return words.length() * 64 < MAX_BITS && bitsSet * 4L > words.length() * 64L;
    }

    /** Replaces the bits by a filter four times larger holding {@code series}' pairs, published at once. */
    void rebuild(Iterable<Labels> series) {
        AtomicLongArray larger = new AtomicLongArray(Math.min(MAX_BITS, words.length() * 64 * 4) / 64);
        bitsSet = 0;
        for (Labels labels : series) add(larger, labels);
        words = larger;
    }

    /**
     * A series' pairs, and each pair but the name's again as a pair of its metric: a series of {@code up} with
     * {@code job="api"} makes {@code up{job="api"}} answer yes and {@code down{job="api"}} answer no, where the
     * pairs alone cannot tell (a host's label is in every metric of it, and every metric in every shard).
     */
    private void add(AtomicLongArray w, Labels labels) {
        String metric = labels.get(Labels.METRIC_NAME);
        for (int i = 0; i < labels.size(); i++) {
            long pair = hash(labels.name(i), labels.value(i));
            add(w, pair);
            if (metric != null && !labels.name(i).equals(Labels.METRIC_NAME)) add(w, ofMetric(metric, pair));
        }
    }

    /** Bits in the filter (for tests and sizing). */
    int bits() {
        return words.length() * 64;
    }

    private void add(AtomicLongArray w, long hash) {
        set(w, (int) hash);
        set(w, (int) (hash >>> 32));
    }

    private void set(AtomicLongArray w, int position) {
        int bit = position & (w.length() * 64 - 1);
        long mask = 1L << bit;
        long word = w.get(bit >>> 6);
        if ((word & mask) == 0) {
            w.set(bit >>> 6, word | mask);
            bitsSet++;
        }
    }

    private static boolean contains(AtomicLongArray w, long hash) {
        return isSet(w, (int) hash) && isSet(w, (int) (hash >>> 32));
    }

    private static boolean isSet(AtomicLongArray w, int position) {
        int bit = position & (w.length() * 64 - 1);
        return (w.get(bit >>> 6) & (1L << bit)) != 0;
    }

    /** The hash of a pair of a metric's series, from the pair's and the metric name's. */
    private static long ofMetric(String metric, long pair) {
        return Labels.fmix64(pair ^ (((long) metric.hashCode() << 21) | metric.length()) * 0x9e3779b97f4a7c15L);
    }

    /** A 64-bit hash of the pair, its halves the two bit positions (the strings' hashes, finalized). */
    private static long hash(String name, String value) {
        return Labels.fmix64(
                ((long) name.hashCode() << 32) ^ (value.hashCode() & 0xffffffffL) ^ ((long) value.length() << 17));
    }
}
