package io.shardview.bench.circuit;

import io.shardview.circuit.Circuit;
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
 * Per-batch cost (100 upserts, one filter view and one group-by view) against base-table size, and heap
 * bytes per base row (measured at setup after full GCs, printed to stdout).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ScalingBench {
    @Param({"1000000", "10000000"})
    public long rows;

    private Circuit circuit;
    private final List<List<Op>> batches = new ArrayList<>();
    private int next;

    @Setup
    public void setUp() {
        long before = usedHeap();
        circuit = BenchData.circuit();
        BenchData.load(circuit, rows);
        long after = usedHeap();
        System.out.printf("%nheap bytes per base row at %d rows: %.1f%n", rows, (after - before) / (double) rows);
        BenchData.ok(circuit.executeSql("CREATE VIEW f AS " + CircuitThroughputBench.viewSql("filter", 7)));
        BenchData.ok(circuit.executeSql("CREATE VIEW g AS " + CircuitThroughputBench.viewSql("groupby", 0)));
        for (int v = 0; v < 8; v++) {
            // pairs of batches touch the same rows with alternating values, so every batch changes them
            batches.add(BenchData.updates(rows, 100, v % 2 + 1, (v / 2) * 7919L));
        }
    }

    private static long usedHeap() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        Runtime r = Runtime.getRuntime();
        return r.totalMemory() - r.freeMemory();
    }

    @Benchmark
    public BatchOutcome applyBatchOf100() {
        return circuit.applyBatch(batches.get(next++ & 7));
    }
}
