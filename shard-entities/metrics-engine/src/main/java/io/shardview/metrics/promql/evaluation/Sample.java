package io.shardview.metrics.promql.evaluation;

import io.shardview.metrics.index.Labels;

/** One element of an instant vector: a series' labels and its value at the evaluation time. */
public record Sample(Labels labels, double value) {}
