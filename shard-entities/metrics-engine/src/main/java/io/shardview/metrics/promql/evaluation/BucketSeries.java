package io.shardview.metrics.promql.evaluation;

import io.shardview.metrics.index.Labels;
import io.shardview.metrics.storage.RollupBucket;
import java.util.List;

/** A series' labels and its rollup buckets of one width, in time order: what {@link RollupWindows} reads. */
public record BucketSeries(Labels labels, List<RollupBucket> buckets) {
    /** A series' buckets from their starts and column form, one bucket after another ({@link RollupBucket#toColumns}). */
    public static BucketSeries ofColumns(Labels labels, long[] starts, double[] columns) {
        List<RollupBucket> buckets = new java.util.ArrayList<>(starts.length);
        for (int i = 0; i < starts.length; i++) {
            buckets.add(RollupBucket.ofColumns(starts[i], columns, i * RollupBucket.COLUMNS));
        }
        return new BucketSeries(labels, buckets);
    }
}
