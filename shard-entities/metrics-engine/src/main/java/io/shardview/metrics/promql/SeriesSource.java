package io.shardview.metrics.promql;

import io.shardview.metrics.index.Matcher;
import java.util.List;

/** Where the evaluator reads series: every series matching all {@code matchers}, with its points in [min, max]. */
@FunctionalInterface
public interface SeriesSource {
    /** The matching series, sorted by labels, each with its points in [minMillis, maxMillis] in time order. */
    List<Series> select(List<Matcher> matchers, long minMillis, long maxMillis);
}
