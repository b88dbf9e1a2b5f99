/**
 * Recording and alerting rules in Prometheus's rule-file format: the groups ({@link
 * io.shardview.metrics.rules.RuleGroup}, {@link io.shardview.metrics.rules.Rule}), read and checked from YAML as
 * {@code promtool check rules} checks them, the label and annotation templates of alerts, and one evaluation of a group
 * at a time with the alert state it carries from one evaluation to the next. Nothing here reads or writes storage: the
 * caller gives a query function and stores what an evaluation returns.
 */
package io.shardview.metrics.rules;
