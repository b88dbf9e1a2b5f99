package io.shardview.metrics.promql.evaluation;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shardview.metrics.index.LabelPairFilter;
import io.shardview.metrics.index.Labels;
import io.shardview.metrics.index.Matcher;
import io.shardview.metrics.promql.distributed.Pushdown;
import io.shardview.metrics.promql.parser.Expr;
import io.shardview.metrics.promql.parser.PromqlParser;
import io.shardview.metrics.promql.parser.PromqlPrinter;
import io.shardview.metrics.promql.parser.UnsupportedFunctionException;
import io.shardview.metrics.storage.PointBatch;
import io.shardview.metrics.storage.ShardStorage;
import io.shardview.metrics.storage.StorageConfig;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The evaluator against a real Prometheus (2.42): every case of the golden suite (resources promql/golden, made by
 * bench/promql-golden) parsed, evaluated over the same dataset, and compared with Prometheus's recorded answer:
 * result type, series by labels, times exactly, values to a relative 1e-9 (NaN equal to NaN), the order where
 * PromQL defines one, and for errors the HTTP status and error type.
 */
class PromqlGoldenTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static SeriesSource dataset;
    private static final List<SeriesSource> SHARDS = new ArrayList<>();
    /** The dataset ingested into four shards' storage, read with rollups where they apply; and all four as one. */
    private static final List<CountingSource> STORED_SHARDS = new ArrayList<>();

    private static SeriesSource stored;

    @BeforeAll
    static void load() throws IOException {
        dataset = GoldenDataset.read("/promql/golden/dataset.om");
        for (int shard = 0; shard < 4; shard++) {
            int own = shard;
            SHARDS.add((matchers, min, max) -> dataset.select(matchers, min, max).stream()
                    .filter(s -> s.labels().shard(4) == own)
                    .toList());
        }
        List<ShardStorage> storages = new ArrayList<>();
        for (int shard = 0; shard < 4; shard++) storages.add(new ShardStorage(StorageConfig.defaults()));
        TreeMap<Long, List<PointBatch.Builder>> batches = new TreeMap<>(); // 10 minutes of scrapes a batch, in order
        for (Series s : dataset.select(List.of(Matcher.re("__name__", ".+")), Long.MIN_VALUE, Long.MAX_VALUE)) {
            int shard = s.labels().shard(4);
            for (int i = 0; i < s.size(); i++) {
                long slice = Math.floorDiv(s.timestamps()[i], 600_000L);
                List<PointBatch.Builder> slices = batches.computeIfAbsent(slice, k -> {
                    List<PointBatch.Builder> perShard = new ArrayList<>();
                    for (int n = 0; n < 4; n++) perShard.add(PointBatch.builder());
                    return perShard;
                });
                slices.get(shard).add(s.labels(), s.timestamps()[i], s.values()[i]);
            }
        }
        for (List<PointBatch.Builder> slice : batches.values()) {
            for (int shard = 0; shard < 4; shard++)
                storages.get(shard).append(slice.get(shard).build());
        }
        for (ShardStorage storage : storages)
            STORED_SHARDS.add(new CountingSource(new StorageSource(storage), storage.pairFilter()));
        stored = new SeriesSource() {
            @Override
            public List<Series> select(List<Matcher> matchers, long min, long max) {
                List<Series> out = new ArrayList<>();
                for (CountingSource shard : STORED_SHARDS) {
                    if (shard.mayHold(matchers)) out.addAll(shard.select(matchers, min, max));
                }
                out.sort(Comparator.comparing(Series::labels));
                return out;
            }

            @Override
            public List<BucketSeries> selectBuckets(List<Matcher> matchers, long width, long min, long max) {
                List<BucketSeries> out = new ArrayList<>();
                for (CountingSource shard : STORED_SHARDS) {
                    if (!shard.mayHold(matchers)) continue;
                    List<BucketSeries> part = shard.selectBuckets(matchers, width, min, max);
                    if (part == null) return null;
                    out.addAll(part);
                }
                out.sort(Comparator.comparing(BucketSeries::labels));
                return out;
            }
        };
    }

    /**
     * A shard's storage as the node reads it: left out of a read when its label pairs cannot match the selector (as
     * {@code LocalShards} leaves it out), counting the reads it answered with rollup buckets and the reads it was left
     * out of.
     */
    static final class CountingSource implements SeriesSource {
        private final SeriesSource inner;
        private final LabelPairFilter pairs;
        int bucketReads;
        int leftOut;

        CountingSource(SeriesSource inner, LabelPairFilter pairs) {
            this.inner = inner;
            this.pairs = pairs;
        }

        boolean mayHold(List<Matcher> matchers) {
            if (pairs.mayMatch(matchers)) return true;
            leftOut++;
            return false;
        }

        @Override
        public List<Series> select(List<Matcher> matchers, long min, long max) {
            return inner.select(matchers, min, max);
        }

        @Override
        public SeriesCursor selectEach(List<Matcher> matchers, long min, long max) {
            return inner.selectEach(matchers, min, max);
        }

        @Override
        public List<BucketSeries> selectBuckets(List<Matcher> matchers, long width, long min, long max) {
            List<BucketSeries> out = inner.selectBuckets(matchers, width, min, max);
            if (out != null) bucketReads++;
            return out;
        }
    }

    @Test
    void everyCaseAnswersAsPrometheusDid() throws IOException {
        assertEveryCase(false);
    }

    /**
     * The same cases with the data split over four shards by series, and every aggregation {@link Pushdown} allows
     * computed in part by each shard and merged, as the node runs them.
     */
    @Test
    void everyCaseAnswersAsPrometheusDidWithAggregationsComputedInPartByShards() throws IOException {
        assertEveryCase(true);
    }

    /**
     * The same cases over the dataset as the node holds it: ingested into four shards' storage (chunks and rollups),
     * aggregations computed in part by the shards, and the windows that fall on bucket edges read from rollup buckets
     * ({@link RollupWindows}): the edge cases of the suite hold points on every edge, counter resets on edges,
     * NaN and infinities.
     */
    @Test
    void everyCaseAnswersAsPrometheusDidFromShardStorageWithRollupsWhereTheyApply() throws IOException {
        STORED_SHARDS.forEach(s -> {
            s.bucketReads = 0;
            s.leftOut = 0;
        });
        assertEveryCase(stored, STORED_SHARDS);
        int bucketReads = STORED_SHARDS.stream().mapToInt(s -> s.bucketReads).sum();
        assertTrue(bucketReads >= 40, "only " + bucketReads + " shard reads took rollup buckets");
        int leftOut = STORED_SHARDS.stream().mapToInt(s -> s.leftOut).sum();
        assertTrue(leftOut >= 40, "only " + leftOut + " shard reads were left out by the shards' label pairs");
    }

    private static void assertEveryCase(boolean sharded) throws IOException {
        assertEveryCase(dataset, sharded ? SHARDS : null);
    }

    private static void assertEveryCase(SeriesSource whole, List<? extends SeriesSource> shards) throws IOException {
        boolean sharded = shards != null;
        List<String> failures = new ArrayList<>();
        int cases = 0;
        int pushed = 0;
        for (JsonNode c : cases()) {
            cases++;
            if (sharded && pushdownApplies(c)) pushed++;
            String problem = check(c, whole, shards);
            if (problem != null)
                failures.add("case " + c.get("id") + " " + c.get("query").asText() + ": " + problem);
        }
        assertTrue(cases >= 200, "the suite has " + cases + " cases");
        assertTrue(!sharded || pushed >= 20, "only " + pushed + " cases push an aggregation down");
        assertTrue(
                failures.isEmpty(),
                failures.size() + " of " + cases + " cases differ:\n" + String.join("\n", failures));
    }

    private static boolean pushdownApplies(JsonNode c) {
        try {
            return !Pushdown.candidates(PromqlParser.parse(c.get("query").asText()))
                    .isEmpty();
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static String check(JsonNode c, SeriesSource whole, List<? extends SeriesSource> shards) {
        JsonNode expected = c.get("response");
        String outcome;
        QueryResult result = null;
        try {
            result = run(c, whole, shards);
            outcome = "success";
        } catch (IllegalArgumentException e) { // a parse error (PromqlParseException) or a bad range
            outcome = "400 bad_data: " + e.getMessage();
        } catch (QueryException e) {
            outcome = "422 execution: " + e.getMessage();
        } catch (UnsupportedFunctionException e) {
            outcome = "422 unsupported: " + e.getMessage();
        }
        if (!expected.get("status").asText().equals("success")) {
            String want =
                    c.get("status").asInt() + " " + expected.get("errorType").asText();
            return outcome.startsWith(want)
                    ? null
                    : "expected " + want + " (" + expected.get("error").asText() + "), got " + outcome;
        }
        if (result == null) return "expected success, got " + outcome;
        return GoldenComparison.compare(expected.get("data"), result, ordered(c));
    }

    private static QueryResult run(JsonNode c, SeriesSource whole, List<? extends SeriesSource> shards) {
        Expr expr = PromqlParser.parse(c.get("query").asText());
        Evaluator evaluator = new Evaluator(whole, Evaluator.Settings.defaults());
        boolean instant = c.get("kind").asText().equals("instant");
        long start = millis(c.get(instant ? "time" : "start"));
        long end = instant ? start : millis(c.get("end"));
        long step = instant ? 0 : millis(c.get("step"));
        if (!instant) RangeQueries.validate(start, end, step);
        if (shards != null) {
            for (Expr.Aggregate a : Pushdown.candidates(expr)) {
                // As a shard receives it: the aggregation printed, and parsed again there.
                Expr.Aggregate sent = (Expr.Aggregate) PromqlParser.parse(PromqlPrinter.print(a));
                List<List<PartialAggregation.Group>> parts = new ArrayList<>();
                for (SeriesSource shard : shards) {
                    if (shard instanceof CountingSource stored && !stored.mayHold(Pushdown.selector(sent))) {
                        parts.add(List.of()); // the node leaves the shard out: it holds no series the aggregation reads
                        continue;
                    }
                    parts.add(new Evaluator(shard, Evaluator.Settings.defaults()).partial(sent, start, end, step));
                }
                evaluator.withPartials(a, parts);
            }
        }
        return instant ? evaluator.instant(expr, start) : evaluator.range(expr, start, end, step);
    }

    /** Whether the order of an instant vector is defined: sort, sort_desc, and topk/bottomk by value. */
    private static boolean ordered(JsonNode c) {
        String q = c.get("query").asText().trim();
        return c.get("kind").asText().equals("instant")
                && (q.startsWith("sort") || q.startsWith("topk") || q.startsWith("bottomk"));
    }

    static long millis(JsonNode seconds) {
        return Math.round(Double.parseDouble(seconds.asText()) * 1000);
    }

    private static List<JsonNode> cases() throws IOException {
        List<JsonNode> cases = new ArrayList<>();
        try (InputStream in = PromqlGoldenTest.class.getResourceAsStream("/promql/golden/cases.jsonl");
                BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line; (line = reader.readLine()) != null; ) {
                if (!line.isBlank()) cases.add(JSON.readTree(line));
            }
        }
        return cases;
    }

    /** Prometheus's JSON answers compared with our results. */
    static final class GoldenComparison {
        private GoldenComparison() {}

        static String compare(JsonNode data, QueryResult result, boolean ordered) {
            String type = data.get("resultType").asText();
            JsonNode expected = data.get("result");
            if (result instanceof QueryResult.Scalar s) {
                if (!type.equals("scalar")) return "expected " + type + ", got a scalar";
                return point(expected, s.time(), s.value(), "");
            }
            if (result instanceof QueryResult.Text t) {
                if (!type.equals("string")) return "expected " + type + ", got a string";
                return expected.get(1).asText().equals(t.value()) ? null : "string " + t.value();
            }
            if (result instanceof QueryResult.Vector v) {
                if (!type.equals("vector")) return "expected " + type + ", got a vector";
                return vector(expected, v, ordered);
            }
            if (!type.equals("matrix")) return "expected " + type + ", got a matrix";
            return matrix(expected, (QueryResult.Matrix) result);
        }

        private static String vector(JsonNode expected, QueryResult.Vector v, boolean ordered) {
            if (expected.size() != v.samples().size()) {
                return "expected " + expected.size() + " samples, got "
                        + v.samples().size() + ": " + v.samples();
            }
            Map<Labels, Sample> got = new TreeMap<>();
            for (Sample s : v.samples()) got.put(s.labels(), s);
            for (int i = 0; i < expected.size(); i++) {
                JsonNode e = expected.get(i);
                Labels labels = labels(e.get("metric"));
                Sample s = got.get(labels);
                if (s == null) return "missing " + labels + "; got " + got.keySet();
                String problem = point(e.get("value"), v.time(), s.value(), labels.toString());
                if (problem != null) return problem;
                if (ordered) {
                    double want = value(e.get("value").get(1).asText());
                    if (!close(want, v.samples().get(i).value())) {
                        return "order: at " + i + " expected " + want + ", got "
                                + v.samples().get(i);
                    }
                }
            }
            return null;
        }

        private static String matrix(JsonNode expected, QueryResult.Matrix m) {
            if (expected.size() != m.series().size()) {
                List<Labels> got = m.series().stream().map(Series::labels).toList();
                return "expected " + expected.size() + " series, got "
                        + m.series().size() + ": " + got;
            }
            Map<Labels, Series> got = new TreeMap<>();
            for (Series s : m.series()) got.put(s.labels(), s);
            for (JsonNode e : expected) {
                Labels labels = labels(e.get("metric"));
                Series s = got.get(labels);
                if (s == null) return "missing " + labels + "; got " + got.keySet();
                JsonNode values = e.get("values");
                if (values.size() != s.size()) {
                    return labels + ": expected " + values.size() + " points, got " + s.size() + " "
                            + java.util.Arrays.toString(s.timestamps());
                }
                for (int i = 0; i < values.size(); i++) {
                    String problem = point(values.get(i), s.timestamps()[i], s.values()[i], labels.toString());
                    if (problem != null) return problem;
                }
            }
            return null;
        }

        private static String point(JsonNode pair, long time, double value, String where) {
            long wantTime = millis(pair.get(0));
            double want = value(pair.get(1).asText());
            if (wantTime != time) return where + " time: expected " + wantTime + ", got " + time;
            if (!close(want, value)) return where + " at " + time + ": expected " + want + ", got " + value;
            return null;
        }

        static boolean close(double want, double got) {
            if (Double.isNaN(want) || Double.isNaN(got)) return Double.isNaN(want) && Double.isNaN(got);
            if (want == got) return true;
            return Math.abs(want - got) <= 1e-9 * Math.max(Math.abs(want), Math.abs(got));
        }

        static double value(String text) {
            return switch (text) {
                case "+Inf" -> Double.POSITIVE_INFINITY;
                case "-Inf" -> Double.NEGATIVE_INFINITY;
                default -> Double.parseDouble(text);
            };
        }

        static Labels labels(JsonNode metric) {
            Map<String, String> map = new TreeMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = metric.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                map.put(e.getKey(), e.getValue().asText());
            }
            return Labels.of(map);
        }
    }
}
