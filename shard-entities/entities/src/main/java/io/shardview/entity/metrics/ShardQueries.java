package io.shardview.entity.metrics;

import io.shardview.entity.metrics.MetricsProtocol.AggregatePartially;
import io.shardview.entity.metrics.MetricsProtocol.MatcherSpec;
import io.shardview.entity.metrics.MetricsProtocol.PartialGroup;
import io.shardview.entity.metrics.MetricsProtocol.Partials;
import io.shardview.entity.metrics.MetricsProtocol.Select;
import io.shardview.entity.metrics.MetricsProtocol.SelectBuckets;
import io.shardview.entity.metrics.MetricsProtocol.Selected;
import io.shardview.entity.metrics.MetricsProtocol.SelectedBuckets;
import io.shardview.entity.metrics.MetricsProtocol.SeriesBuckets;
import io.shardview.entity.metrics.MetricsProtocol.SeriesPoints;
import io.shardview.metrics.index.Labels;
import io.shardview.metrics.index.Matcher;
import io.shardview.metrics.promql.evaluation.Evaluator;
import io.shardview.metrics.promql.evaluation.PartialAggregation;
import io.shardview.metrics.promql.evaluation.QueryException;
import io.shardview.metrics.promql.evaluation.StorageSource;
import io.shardview.metrics.promql.parser.Expr;
import io.shardview.metrics.promql.parser.PromqlParser;
import io.shardview.metrics.storage.Resolution;
import io.shardview.metrics.storage.RollupBucket;
import io.shardview.metrics.storage.SelectedRollups;
import io.shardview.metrics.storage.SelectedSeries;
import io.shardview.metrics.storage.ShardStorage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The reads a metrics shard answers over its own series for a serving node ({@link ShardedQuery}): series with their
 * points or labels, the rollup buckets of functions over ranges that buckets answer, and its part of an aggregation.
 */
final class ShardQueries {
    private ShardQueries() {}

    /** The series a {@link Select} asks for, bounded by its {@code maxPoints}. */
    static Selected select(ShardStorage storage, Select select) {
        List<Matcher> matchers = matchers(select.matchers());
        List<SeriesPoints> out = new ArrayList<>();
        if (!select.withPoints()) {
            for (Labels labels : storage.selectLabels(matchers, select.startMs(), select.endMs())) {
                out.add(new SeriesPoints(labels.toMap(), new long[0], new double[0]));
            }
            return new Selected(out, false);
        }
        long points = 0;
        for (SelectedSeries series : storage.select(matchers, select.startMs(), select.endMs())) {
            if (series.points().size() == 0) continue;
            points += series.points().size();
            if (points > select.maxPoints()) return new Selected(List.of(), true);
            out.add(new SeriesPoints(
                    series.labels().toMap(),
                    series.points().timestamps(),
                    series.points().values()));
        }
        return new Selected(out, false);
    }

    /** The buckets a {@link SelectBuckets} asks for, bounded by its {@code maxBuckets}. */
    static SelectedBuckets buckets(ShardStorage storage, SelectBuckets select) {
        Resolution resolution = null;
        for (Resolution r : Resolution.values()) {
            if (r.millis() == select.widthMs()) resolution = r;
        }
        if (resolution == null) return new SelectedBuckets(List.of(), false, true); // no such width: raw points
        List<SelectedRollups> selected =
                storage.selectRollups(matchers(select.matchers()), resolution, select.startMs(), select.endMs());
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
            out.add(new SeriesBuckets(s.labels().toMap(), starts, columns));
        }
        return new SelectedBuckets(out, false, false);
    }

    /**
     * Evaluates the aggregation's expression over this shard's series and folds it into partials. The aggregation
     * comes as the PromQL text the serving node printed from its tree, which parses back to the same tree.
     */
    static Partials partial(ShardStorage storage, AggregatePartially command) {
        Expr.Aggregate aggregation;
        try {
            aggregation = (Expr.Aggregate) PromqlParser.parse(command.aggregation());
        } catch (RuntimeException e) { // the node printed what it parsed: only a bug gets here
            return new Partials(List.of(), false, false, "the shard could not read its part: " + e);
        }
        try {
            Evaluator evaluator = new Evaluator(
                    new StorageSource(storage),
                    Evaluator.Settings.defaults()
                            .withMaxSamples(command.maxPoints())
                            .withTimeout(TimeUnit.MILLISECONDS.toNanos(command.timeoutMillis())));
            List<PartialAggregation.Group> groups =
                    evaluator.partial(aggregation, command.start(), command.end(), command.step());
            List<PartialGroup> out = new ArrayList<>(groups.size());
            for (PartialAggregation.Group g : groups) {
                out.add(new PartialGroup(g.labels().toMap(), g.values(), g.counts()));
            }
            return new Partials(out, false, false, null);
        } catch (QueryException.Timeout e) {
            return new Partials(List.of(), false, true, e.getMessage());
        } catch (QueryException.TooManySamples e) {
            return new Partials(List.of(), true, false, e.getMessage());
        } catch (QueryException e) {
            return new Partials(List.of(), false, false, e.getMessage());
        } catch (RuntimeException e) { // the node checked the query: only a bug gets here
            return new Partials(List.of(), false, false, "the shard could not evaluate its part: " + e);
        }
    }

    private static List<Matcher> matchers(List<MatcherSpec> specs) {
        return specs.stream().map(MatcherSpec::toMatcher).toList();
    }
}
