package io.shardview.metrics.ingest;

import io.shardview.metrics.index.Labels;
import io.shardview.metrics.storage.PointBatch;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One parsed ingest request split into one part per shard of its tenant: points grouped by series
 * (series in first-seen order, points in request order), each series in the shard its labels hash
 * to. Points later than {@code latestMs} are counted and left out: the storage has no clock, so one
 * such point would make every ordinary point look late.
 */
public final class ShardSplit {
    /** One shard's part: its points and its series' label pairs (for the series-limit check). */
    public record Part(int shard, PointBatch points, List<String[]> labelSets) {}

    private final List<Part> parts;
    private final int tooFarAhead;

    private ShardSplit(List<Part> parts, int tooFarAhead) {
        this.parts = parts;
        this.tooFarAhead = tooFarAhead;
    }

    /** The non-empty parts, in shard order. */
    public List<Part> parts() {
        return parts;
    }

    /** Points left out for being later than the limit. */
    public int tooFarAhead() {
        return tooFarAhead;
    }

    /** Splits {@code batch} over {@code shards} shards. */
    public static ShardSplit of(SampleBatch batch, int shards, long latestMs) {
        // Grouped by series first, so each series is looked up and added to its part once, not once per point.
        int seriesCount = batch.seriesCount();
        int[] first = new int[seriesCount + 1];
        int future = 0;
        for (int i = 0; i < batch.size(); i++) {
            if (batch.timestamp(i) > latestMs) {
                future++;
            } else {
                first[batch.seriesOf(i) + 1]++;
            }
        }
        for (int s = 0; s < seriesCount; s++) first[s + 1] += first[s];
        long[] ts = new long[first[seriesCount]];
        double[] values = new double[ts.length];
        int[] next = Arrays.copyOf(first, seriesCount);
        for (int i = 0; i < batch.size(); i++) {
            if (batch.timestamp(i) > latestMs) continue;
            int at = next[batch.seriesOf(i)]++;
            ts[at] = batch.timestamp(i);
            values[at] = batch.value(i);
        }
        PointBatch.Builder[] builders = new PointBatch.Builder[shards];
        List<List<String[]>> labelSets = new ArrayList<>();
        for (int s = 0; s < shards; s++) labelSets.add(null);
        for (int s = 0; s < seriesCount; s++) {
            if (first[s + 1] == first[s]) continue;
            Labels labels = Labels.of(batch.labels(s));
            int shard = labels.shard(shards);
            if (builders[shard] == null) {
                builders[shard] = PointBatch.builder();
                labelSets.set(shard, new ArrayList<>());
            }
            labelSets.get(shard).add(batch.labels(s));
            builders[shard].add(labels, ts, values, first[s], first[s + 1] - first[s]);
        }
        List<Part> parts = new ArrayList<>();
        for (int s = 0; s < shards; s++) {
            if (builders[s] != null) parts.add(new Part(s, builders[s].build(), labelSets.get(s)));
        }
        return new ShardSplit(parts, future);
    }
}
