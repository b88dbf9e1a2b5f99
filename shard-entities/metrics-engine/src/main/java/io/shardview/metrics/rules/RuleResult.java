package io.shardview.metrics.rules;

import io.shardview.metrics.index.Labels;
import io.shardview.metrics.promql.evaluation.Sample;
import java.util.List;
import java.util.Set;

/**
 * What one rule produced at one evaluation: the samples to store at {@code time} (its results, and a staleness marker
 * for each series it produced last time and not now), or the error that made it produce nothing.
 *
 * @param returned the series among {@code samples} that are results (not staleness markers), remembered once stored
 */
public record RuleResult(long time, List<Sample> samples, Set<Labels> returned, String error) {
    public RuleResult {
        samples = List.copyOf(samples);
        returned = Set.copyOf(returned);
    }

    /** A rule that failed: nothing to store, nothing remembered. */
    static RuleResult failed(long time, String error) {
        return new RuleResult(time, List.of(), Set.of(), error);
    }

    /** Whether the rule failed. */
    public boolean failed() {
        return error != null;
    }
}
