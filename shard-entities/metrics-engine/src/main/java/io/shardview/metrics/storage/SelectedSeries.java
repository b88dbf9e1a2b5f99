package io.shardview.metrics.storage;

import io.shardview.metrics.index.Labels;

/** A series picked by a selector, with its points in the requested time range. */
public record SelectedSeries(int id, Labels labels, Points points) {}
