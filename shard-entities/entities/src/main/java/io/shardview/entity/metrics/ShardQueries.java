package io.shardview.entity.metrics;

import io.shardview.entity.metrics.MetricsShard.AggregatePartially;
import io.shardview.entity.metrics.MetricsShard.MatcherSpec;
import io.shardview.entity.metrics.MetricsShard.PartialGroup;
import io.shardview.entity.metrics.MetricsShard.Partials;
import io.shardview.entity.metrics.MetricsShard.SelectBuckets;
import io.shardview.entity.metrics.MetricsShard.SelectedBuckets;
import io.shardview.entity.metrics.MetricsShard.SeriesBuckets;
import io.shardview.metrics.index.Labels;
import io.shardview.metrics.index.Matcher;
import io.shardview.metrics.promql.distributed.Pushdown;
import io.shardview.metrics.promql.evaluation.Evaluator;
import io.shardview.metrics.promql.evaluation.PartialAggregation;
import io.shardview.metrics.promql.evaluation.QueryException;
import io.shardview.metrics.promql.evaluation.StorageSource;
import io.shardview.metrics.promql.parser.Expr;
import io.shardview.metrics.promql.parser.PromqlParser;
import io.shardview.metrics.storage.Resolution;
import io.shardview.metrics.storage.RollupBucket;
import io.shardview.metrics.storage.SelectedRollups;
import io.shardview.metrics.storage.ShardStorage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * PromQL work a metrics shard does over its own series for the serving node: its part of an aggregation, and the rollup
 * buckets of functions over ranges that buckets answer.
 */
final class ShardQueries {
    private ShardQueries() {}

    /**
     * Evaluates the aggregation's expression over this shard's series and folds it into partials. The query is
     * parsed here again (the node sends its text, not a tree); the parser is deterministic, so the aggregation
     * numbered by the node is this one.
     */
    static Partials partial(ShardStorage storage, AggregatePartially command) {
        try {
            List<Expr.Aggregate> candidates = Pushdown.candidates(PromqlParser.parse(command.query()));
            Expr.Aggregate aggregation = candidates.get(command.aggregation());
            Evaluator evaluator = new Evaluator(
                    new StorageSource(storage),
                    Evaluator.Settings.defaults()
                            .withMaxSamples(command.maxPoints())
                            .withTimeout(TimeUnit.MILLISECONDS.toNanos(command.timeoutMillis())));
            List<PartialAggregation.Group> groups = evaluator.partial(
                    aggregation,
                    command.queryStart(),
                    command.queryEnd(),
                    command.start(),
                    command.end(),
                    command.step());
            List<PartialGroup> out = new ArrayList<>(groups.size());
            for (PartialAggregation.Group g : groups)
                out.add(new PartialGroup(map(g.labels()), g.values(), g.counts()));
            return new Partials(out, false, false, null);
        } catch (QueryException.Timeout e) {
            return new Partials(List.of(), false, true, e.getMessage());
        } catch (QueryException e) {
            boolean tooMany = e.getMessage().contains("too many samples");
            return new Partials(List.of(), tooMany, false, e.getMessage());
        } catch (RuntimeException e) { // the node parsed the same text: only a bug gets here
            return new Partials(List.of(), false, false, "the shard could not evaluate its part: " + e);
        }
    }

    /** The buckets a {@link SelectBuckets} asks for, bounded by its {@code maxBuckets}. */
    static SelectedBuckets buckets(ShardStorage storage, SelectBuckets select) {
        Resolution resolution = null;
        for (Resolution r : Resolution.values()) {
            if (r.millis() == select.widthMs()) resolution = r;
        }
        if (resolution == null) return new SelectedBuckets(List.of(), false, true); // no such width: raw points
        List<Matcher> matchers =
                select.matchers().stream().map(MatcherSpec::toMatcher).toList();
        List<SelectedRollups> selected = storage.selectRollups(matchers, resolution, select.startMs(), select.endMs());
        if (selected == null) return new SelectedBuckets(List.of(), false, true);
        long total = 0;
        List<SeriesBuckets> out = new ArrayList<>(selected.size());
        for (SelectedRollups s : selected) {
            List<RollupBucket> buckets = s.buckets();
            total += buckets.size();
            if (total > select.maxBuckets()) return new SelectedBuckets(List.of(), true, false);
            long[] starts = new long[buckets.size()];
            double[] columns = new double[buckets.size() * RollupBucket.COLUMNS];
            for (int i = 0; i < starts.length; i++) {
                starts[i] = buckets.get(i).startMs();
                buckets.get(i).toColumns(columns, i * RollupBucket.COLUMNS);
            }
            out.add(new SeriesBuckets(map(s.labels()), starts, columns));
        }
        return new SelectedBuckets(out, false, false);
    }

    private static Map<String, String> map(Labels labels) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < labels.size(); i++) map.put(labels.name(i), labels.value(i));
        return map;
    }
}
