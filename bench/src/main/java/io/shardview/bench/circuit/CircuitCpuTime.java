package io.shardview.bench.circuit;

import io.shardview.circuit.Circuit;
import io.shardview.circuit.batch.BatchOutcome;
import io.shardview.circuit.batch.Op;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * Thread CPU time per row change of {@link CircuitThroughputBench#applyBatch} with one view (same setup),
 * for comparisons on a shared machine, where wall-clock scores move with the other load.
 * Arguments: shape batch seconds-per-round rounds [budgets]; round 0 is warm-up and not printed. With {@code budgets}
 * the circuit is metered as a node's tenant is, under config/tenant.conf's default budgets (each batch counts the
 * state it adds); without, unlimited (nothing counted).
 */
public final class CircuitCpuTime {
    private CircuitCpuTime() {}

    public static void main(String[] a) {
        String shape = a[0];
        int batch = Integer.parseInt(a[1]);
        double seconds = Double.parseDouble(a[2]);
        int rounds = Integer.parseInt(a[3]);
        Circuit circuit = BenchData.circuit();
        BenchData.load(circuit, 100_000);
        BenchData.ok(circuit.executeSql("CREATE VIEW v0 AS " + CircuitThroughputBench.viewSql(shape, 0)));
        if (a.length > 4 && a[4].equals("budgets")) {
            circuit.setBudgets(new io.shardview.circuit.budget.Budgets(10_000_000, 2L << 30, 2_000_000, 1000, 100_000));
        }
        List<List<Op>> batches = new ArrayList<>();
        for (int v = 0; v < 8; v++) batches.add(BenchData.updates(100_000, batch, v % 2 + 1, (v / 2) * 7919L));
        var mx = ManagementFactory.getThreadMXBean();
        int next = 0;
        Object sink = null;
        StringBuilder sb = new StringBuilder();
        for (int r = 0; r < rounds; r++) {
            long c0 = mx.getCurrentThreadCpuTime();
            long n = 0;
            while (mx.getCurrentThreadCpuTime() - c0 < seconds * 1e9) {
                for (int k = 0; k < Math.max(1, 1000 / batch); k++) {
                    BatchOutcome o = circuit.applyBatch(batches.get(next++ & 7));
                    sink = o;
                    n++;
                }
            }
            long c1 = mx.getCurrentThreadCpuTime();
            double nsPerRow = (c1 - c0) / (double) (n * batch);
            if (r > 0) sb.append(String.format(" %.0f", nsPerRow)); // round 0 = warm-up
        }
        System.out.println(shape + " batch=" + batch + " ns-cpu/row:" + sb + (sink == null ? "!" : ""));
    }
}
