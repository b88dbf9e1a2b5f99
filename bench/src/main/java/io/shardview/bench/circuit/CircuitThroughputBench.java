package io.shardview.bench.circuit;

import io.shardview.circuit.Circuit;
import io.shardview.circuit.QueryResult;
import io.shardview.circuit.batch.BatchOutcome;
import io.shardview.circuit.batch.Op;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Batches of upserts through one circuit over 100,000 base rows, per view shape and count, and the
 * same view recomputed from scratch (one-off query) for the ratio. Score = batches per second; row
 * changes per second = score x batch. Run join and groupby with -p views=1 (see bench/RESULTS.md).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class CircuitThroughputBench {
    static final long ROWS = 100_000;

    @Param({"filter", "join", "groupby"})
    public String shape;

    @Param({"1", "10", "100", "1000"})
    public int views;

    @Param({"1", "100", "10000"})
    public int batch;

    private Circuit circuit;
    private final List<List<Op>> batches = new ArrayList<>();
    private int next;

    static String viewSql(String shape, int i) {
        switch (shape) {
            case "filter":
                int lo = (i % 100) * 10; // each view passes 1% of the rows
                return "SELECT id, k * 2 AS k2, UPPER(s) AS s FROM t WHERE d >= " + lo + " AND d < " + (lo + 10);
            case "join":
                return "SELECT t.id, t.d, dim.name FROM t JOIN dim ON t.k = dim.k WHERE t.d >= " + (i % 500);
                // An IN outside a WHERE conjunct: a mark beside each row (CircuitCpuTime only).
            case "mark":
                return "SELECT id, d, k NOT IN (SELECT k FROM dim WHERE name <> 'name-" + (i % 500) + "') AS f FROM t";
            default:
                return "SELECT k, COUNT(*) AS n, SUM(d) AS total, MIN(d) AS lo, MAX(d) AS hi FROM t WHERE d >= "
                        + (i % 500) + " GROUP BY k";
        }
    }

    @Setup
    public void setUp() {
        circuit = BenchData.circuit();
        BenchData.load(circuit, ROWS);
        for (int i = 0; i < views; i++) {
            BenchData.ok(circuit.executeSql("CREATE VIEW v" + i + " AS " + viewSql(shape, i)));
        }
        for (int v = 0; v < 8; v++) {
            // pairs of batches touch the same rows with alternating values, so every batch changes them
            batches.add(BenchData.updates(ROWS, batch, v % 2 + 1, (v / 2) * 7919L));
        }
    }

    @Benchmark
    public BatchOutcome applyBatch() {
        return circuit.applyBatch(batches.get(next++ & 7));
    }

    /** The from-scratch alternative: re-evaluate one view over all rows. */
    @Benchmark
    public QueryResult recomputeOneView() {
        return circuit.query(viewSql(shape, 0));
    }
}
