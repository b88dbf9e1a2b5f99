package io.shardview.metrics.promql;

import io.shardview.metrics.index.Labels;
import io.shardview.metrics.storage.RollupBucket;
import java.util.List;

/** A series' labels and its rollup buckets of one width, in time order: what {@link RollupWindows} reads. */
public record BucketSeries(Labels labels, List<RollupBucket> buckets) {}
