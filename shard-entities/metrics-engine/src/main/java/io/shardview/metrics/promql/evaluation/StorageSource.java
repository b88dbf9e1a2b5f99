package io.shardview.metrics.promql.evaluation;

import io.shardview.metrics.index.Labels;
import io.shardview.metrics.index.Matcher;
import io.shardview.metrics.storage.PointBuffer;
import io.shardview.metrics.storage.Resolution;
import io.shardview.metrics.storage.SelectedRollups;
import io.shardview.metrics.storage.SelectedSeries;
import io.shardview.metrics.storage.ShardStorage;
import java.util.ArrayList;
import java.util.Arrays;
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

    /** Each series decoded only when the cursor reaches it, into the same arrays as the one before. */
    @Override
    public SeriesCursor selectEach(List<Matcher> matchers, long minMillis, long maxMillis) {
        int[] ids = storage.selectIds(matchers, minMillis, maxMillis);
        Labels[] labels = new Labels[ids.length];
        Integer[] order = new Integer[ids.length];
        for (int k = 0; k < ids.length; k++) {
            labels[k] = storage.labels(ids[k]);
            order[k] = k;
        }
        Arrays.sort(order, Comparator.comparing(k -> labels[k]));
        PointBuffer points = new PointBuffer();
        return new SeriesCursor() {
            private int at = -1;

            @Override
            public boolean next() {
                while (++at < order.length) {
                    storage.readInto(ids[order[at]], minMillis, maxMillis, points);
                    if (points.size() > 0) return true; // as select, a series without points here is none
                }
                return false;
            }

            @Override
            public Labels labels() {
                return labels[order[at]];
            }

            @Override
            public long[] times() {
                return points.times();
            }

            @Override
            public double[] values() {
                return points.values();
            }

            @Override
            public int size() {
                return points.size();
            }
        };
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
