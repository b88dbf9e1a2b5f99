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

/** 1,000 filter/project views: always-parallel against always-sequential evaluation. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ParallelViewsBench {
    @Param({"sequential", "parallel"})
    public String mode;

    @Param({"100", "10000"})
    public int batch;

    private Circuit circuit;
    private final List<List<Op>> batches = new ArrayList<>();
    private int next;

    @Setup
    public void setUp() {
        circuit = BenchData.circuit();
        BenchData.load(circuit, CircuitThroughputBench.ROWS);
        for (int i = 0; i < 1000; i++) {
            BenchData.ok(
                    circuit.executeSql("CREATE VIEW v" + i + " AS " + CircuitThroughputBench.viewSql("filter", i)));
        }
        circuit.setParallelWork(mode.equals("parallel") ? 1 : Long.MAX_VALUE);
        for (int v = 0; v < 8; v++) {
            // pairs of batches touch the same rows with alternating values, so every batch changes them
            batches.add(BenchData.updates(CircuitThroughputBench.ROWS, batch, v % 2 + 1, (v / 2) * 7919L));
        }
    }

    @Benchmark
    public BatchOutcome applyBatch() {
        return circuit.applyBatch(batches.get(next++ & 7));
    }
}
