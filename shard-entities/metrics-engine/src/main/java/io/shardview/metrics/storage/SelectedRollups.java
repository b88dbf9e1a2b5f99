package io.shardview.metrics.storage;

import io.shardview.metrics.index.Labels;
import java.util.List;

/** A series picked by a selector, with its rollup buckets of one resolution in the requested range, in time order. */
public record SelectedRollups(int id, Labels labels, List<RollupBucket> buckets) {}
