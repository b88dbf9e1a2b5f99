package io.shardview.metrics.index;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The inverted index of one shard: label name -> label value -> postings of series ids, plus the
 * postings of all series. Owned by one {@link SeriesRegistry}; not thread-safe.
 */
public final class LabelIndex {
    private final Map<String, Map<String, IntList>> byName = new HashMap<>();
    private final IntList all = new IntList();

    /** Indexes a new series; ids must arrive in increasing order. */
    void add(int id, Labels labels) {
        all.add(id);
        for (int i = 0; i < labels.size(); i++) {
            byName.computeIfAbsent(labels.name(i), k -> new HashMap<>())
                    .computeIfAbsent(labels.value(i), k -> new IntList())
                    .add(id);
        }
    }

    /** Drops a series, and label values left without series. */
    void remove(int id, Labels labels) {
        all.remove(id);
        for (int i = 0; i < labels.size(); i++) {
            Map<String, IntList> values = byName.get(labels.name(i));
            IntList list = values.get(labels.value(i));
            list.remove(id);
            if (list.size() == 0) {
                values.remove(labels.value(i));
                if (values.isEmpty()) {
                    byName.remove(labels.name(i));
                }
            }
        }
    }

    /** All indexed series. */
    public Postings all() {
        return all.snapshot();
    }

    /** Series with exactly {@code name=value} (value non-empty). */
    public Postings postings(String name, String value) {
        IntList list = byName.getOrDefault(name, Map.of()).get(value);
        return list == null ? Postings.EMPTY : list.snapshot();
    }

    /** Series selected by one matcher, Prometheus semantics (absent label = empty value). */
    public Postings select(Matcher m) {
        Map<String, IntList> values = byName.getOrDefault(m.name(), Map.of());
        if (m.type() == Matcher.Type.EQ && !m.value().isEmpty()) {
            return postings(m.name(), m.value()); // the common case, no scan of values
        }
        // A series lacking the label counts as value "": if "" matches, start from all series and
        // remove those whose value does not match; otherwise union those whose value matches.
        boolean emptyMatches = m.matches("");
        List<Postings> picked = new ArrayList<>();
        for (Map.Entry<String, IntList> e : values.entrySet()) {
            if (m.matches(e.getKey()) != emptyMatches) {
                picked.add(e.getValue().snapshot());
            }
        }
        Postings union = Postings.unionAll(picked);
        return emptyMatches ? all().subtract(union) : union;
    }

    /** Series selected by every matcher; all series for an empty list. */
    public Postings select(List<Matcher> matchers) {
        if (matchers.isEmpty()) {
            return all();
        }
        List<Postings> each = new ArrayList<>(matchers.size());
        for (Matcher m : matchers) {
            Postings p = select(m);
            if (p.isEmpty()) {
                return Postings.EMPTY;
            }
            each.add(p);
        }
        return Postings.intersectAll(each);
    }

    /** Label names in use, sorted. */
    public List<String> labelNames() {
        List<String> names = new ArrayList<>(byName.keySet());
        names.sort(Labels::compareCodePoints);
        return names;
    }

    /** Values in use for {@code name}, sorted. */
    public List<String> labelValues(String name) {
        List<String> values =
                new ArrayList<>(byName.getOrDefault(name, Map.of()).keySet());
        values.sort(Labels::compareCodePoints);
        return values;
    }
}
