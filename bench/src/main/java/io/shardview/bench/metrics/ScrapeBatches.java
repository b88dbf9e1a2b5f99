package io.shardview.bench.metrics;

import io.shardview.metrics.index.Labels;
import io.shardview.metrics.storage.PointBatch;

/** Turns the dataset into ingest batches the way scrapes arrive: one batch per host per interval. */
final class ScrapeBatches {
    private ScrapeBatches() {}

    static Labels[] labels(CpuOnlyDataset data) {
        Labels[] out = new Labels[data.seriesCount()];
        for (int s = 0; s < out.length; s++) {
            int host = s / CpuOnlyDataset.METRICS.length;
            out[s] = Labels.of(
                    "__name__",
                    CpuOnlyDataset.METRICS[s % CpuOnlyDataset.METRICS.length],
                    "hostname",
                    "host_" + host,
                    "region",
                    "region_" + (host % 4),
                    "datacenter",
                    "dc_" + (host % 12));
        }
        return out;
    }

    /** For intervals [from, from+n): batches[(i-from) * hosts + h] holds host h's 10 points. */
    static PointBatch[] build(CpuOnlyDataset data, Labels[] labels, int from, int n) {
        int metrics = CpuOnlyDataset.METRICS.length;
        PointBatch[] out = new PointBatch[n * data.hosts];
        for (int i = from; i < from + n; i++) {
            for (int h = 0; h < data.hosts; h++) {
                PointBatch.Builder b = PointBatch.builder();
                for (int m = 0; m < metrics; m++) {
                    int s = h * metrics + m;
                    b.add(labels[s], data.timestamps[s][i], data.values[s][i]);
                }
                out[(i - from) * data.hosts + h] = b.build();
            }
        }
        return out;
    }
}
