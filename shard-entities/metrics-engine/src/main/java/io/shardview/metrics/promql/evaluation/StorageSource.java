package io.shardview.metrics.promql.evaluation;

import io.shardview.metrics.index.Matcher;
import io.shardview.metrics.storage.Resolution;
import io.shardview.metrics.storage.SelectedRollups;
import io.shardview.metrics.storage.SelectedSeries;
import io.shardview.metrics.storage.ShardStorage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** A shard's storage as the evaluator reads it: raw points, and rollup buckets of the widths it keeps. */
public final class StorageSource implements SeriesSource {
    private final ShardStorage storage;

    public StorageSource(ShardStorage storage) {
        this.storage = storage;
    }

    @Override
    public List<Series> select(List<Matcher> matchers, long minMillis, long maxMillis) {
        List<SelectedSeries> selected = storage.select(matchers, minMillis, maxMillis);
        List<Series> out = new ArrayList<>(selected.size());
        for (SelectedSeries s : selected) {
            if (s.points().size() == 0) continue;
            out.add(new Series(s.labels(), s.points().timestamps(), s.points().values()));
        }
        out.sort(Comparator.comparing(Series::labels));
        return out;
    }

    @Override
    public List<BucketSeries> selectBuckets(List<Matcher> matchers, long widthMillis, long minMillis, long maxMillis) {
        Resolution resolution = null;
        for (Resolution r : Resolution.values()) {
            if (r.millis() == widthMillis) resolution = r;
        }
        if (resolution == null) return null;
        List<SelectedRollups> selected = storage.selectRollups(matchers, resolution, minMillis, maxMillis);
        if (selected == null) return null;
        List<BucketSeries> out = new ArrayList<>(selected.size());
        for (SelectedRollups s : selected) out.add(new BucketSeries(s.labels(), s.buckets()));
        out.sort(Comparator.comparing(BucketSeries::labels));
        return out;
    }
}
