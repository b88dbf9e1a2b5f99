package io.shardview.metrics.promql.evaluation;

import io.shardview.metrics.index.Matcher;
import java.util.ArrayList;
import java.util.List;

/** Evaluators over a fixed list of series for tests: a selector takes every series its matchers match. */
final class ListedSeries {
    private ListedSeries() {}

    static Evaluator over(List<Series> all) {
        return new Evaluator(
                (matchers, min, max) -> {
                    List<Series> out = new ArrayList<>();
                    for (Series s : all) {
                        boolean selected = true;
                        for (Matcher m : matchers) {
                            String value = s.labels().get(m.name());
                            selected &= m.matches(value == null ? "" : value);
                        }
                        if (selected) out.add(s);
                    }
                    return out;
                },
                Evaluator.Settings.defaults());
    }
}
