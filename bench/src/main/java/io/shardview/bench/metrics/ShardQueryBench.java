package io.shardview.bench.metrics;

import io.shardview.metrics.index.Labels;
import io.shardview.metrics.promql.evaluation.Evaluator;
import io.shardview.metrics.promql.evaluation.PartialAggregation;
import io.shardview.metrics.promql.evaluation.StorageSource;
import io.shardview.metrics.promql.parser.Expr;
import io.shardview.metrics.promql.parser.PromqlParser;
import io.shardview.metrics.storage.PointBatch;
import io.shardview.metrics.storage.ShardStorage;
import io.shardview.metrics.storage.StorageConfig;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * One shard's part of {@code bench/promql-latency}'s query (d), {@code sum by (le) (rate(...[5m]))} over a day at a
 * 60 s step, as the shard computes it ({@link Evaluator#partial}): 64 series (a 16th of 100 hosts x 10 buckets), a day
 * of cumulative counts at 10 s, every point sealed. Milliseconds per evaluation: reading the points (decoding) and the
 * rate at 1,441 windows of each series, without the HTTP and the hops around them.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class ShardQueryBench {
    static final int SERIES = 64;
    static final int POINTS = 8640;
    static final long STEP_MS = 10_000;
    static final long START = 1_700_000_000_000L / 3_600_000 * 3_600_000;
    static final String[] LE = {"0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "+Inf"};

    StorageSource source;
    Expr.Aggregate query;
    Expr.Aggregate probe;

    @Setup
    public void setup() {
        ShardStorage shard = new ShardStorage(StorageConfig.defaults());
        Random rnd = new Random(42);
        Labels[] labels = new Labels[SERIES];
        double[] counts = new double[SERIES];
        for (int s = 0; s < SERIES; s++) {
            labels[s] = Labels.of(
                    "__name__", "http_request_duration_seconds_bucket", "hostname", "host_" + s / 10, "le", LE[s % 10]);
        }
        for (int from = 0; from < POINTS; from += 60) { // 10 minutes a batch, as a scraper's sender sends them
            PointBatch.Builder batch = PointBatch.builder();
            for (int i = from; i < Math.min(POINTS, from + 60); i++) {
                for (int s = 0; s < SERIES; s++) {
                    counts[s] += rnd.nextInt(20 + 6 * (s % 10));
                    batch.add(labels[s], START + i * STEP_MS, counts[s]);
                }
            }
            shard.append(batch.build());
        }
        shard.sealAll();
        source = new StorageSource(shard);
        query = (Expr.Aggregate) PromqlParser.parse("sum by (le) (rate(http_request_duration_seconds_bucket[5m]))");
        probe = (Expr.Aggregate)
                PromqlParser.parse("sum(count_over_time(http_request_duration_seconds_bucket[86705s]))");
    }

    @Benchmark
    public List<PartialAggregation.Group> partial() {
        long end = START + (POINTS - 1) * STEP_MS;
        return new Evaluator(source, Evaluator.Settings.defaults()).partial(query, end - 86_400_000L, end, 60_000);
    }

    /**
     * The shard's part of (d)'s fetch probe, {@code sum(count_over_time(...[86705s]))} at the last point: the same
     * points read, one window a series instead of 1,441.
     */
    @Benchmark
    public List<PartialAggregation.Group> probe() {
        long end = START + (POINTS - 1) * STEP_MS;
        return new Evaluator(source, Evaluator.Settings.defaults()).partial(probe, end, end, 0);
    }
}
