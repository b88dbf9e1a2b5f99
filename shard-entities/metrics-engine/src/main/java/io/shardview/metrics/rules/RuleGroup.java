package io.shardview.metrics.rules;

import java.util.List;

/**
 * A rule group of a Prometheus rule file: rules evaluated in order, every {@code intervalMillis}, each seeing what the
 * rules before it recorded at the same evaluation.
 *
 * @param name the group's name, unique within its file (namespace)
 * @param intervalMillis the evaluation interval; 0 takes the node's default (Prometheus's global evaluation_interval)
 * @param limit at most how many series a recording rule, or alerts an alerting rule, may produce (0: no limit)
 * @param rules the rules, in evaluation order
 */
public record RuleGroup(String name, long intervalMillis, int limit, List<Rule> rules) {
    public RuleGroup {
        rules = List.copyOf(rules);
    }
}
