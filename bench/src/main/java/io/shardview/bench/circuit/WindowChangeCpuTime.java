package io.shardview.bench.circuit;

import io.shardview.circuit.Circuit;
import io.shardview.circuit.batch.Op;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Thread CPU time of a one-row change under a window over one partition of N rows (issue "SQL for live data", item 6:
 * a 7-row moving average over 1M rows): readings(ts, v), the view {@code SELECT ts, v, AVG(v) OVER (ORDER BY ts ROWS 6
 * PRECEDING) FROM readings} ({@code moving}), or a running total over the same rows ({@code running}, which changes
 * every row after the changed one, for contrast), or the moving average over the readings of the last 7 ts values, a
 * RANGE frame ({@code range}). A change updates one reading's value, or with {@code append} adds a reading after the
 * last (a stream's new event). Arguments: kind (moving, running, range), rows, changes per round, rounds[, append];
 * round 0 is warm-up and not printed.
 */
public final class WindowChangeCpuTime {
    private WindowChangeCpuTime() {}

    public static void main(String[] a) {
        String kind = a[0];
        long rows = Long.parseLong(a[1]);
        int changes = Integer.parseInt(a[2]);
        int rounds = Integer.parseInt(a[3]);
        Circuit circuit = new Circuit();
        BenchData.ok(circuit.executeSql("CREATE TABLE readings (ts BIGINT PRIMARY KEY, v INT)"));
        for (long from = 0; from < rows; from += 100_000) {
            List<Op> ops = new ArrayList<>();
            for (long ts = from; ts < Math.min(rows, from + 100_000); ts++) {
                ops.add(Op.insert("readings", Map.of("ts", ts, "v", (int) (ts % 1000))));
            }
            BenchData.accept(circuit.applyBatch(ops));
        }
        String window =
                switch (kind) {
                    case "moving" -> "AVG(v) OVER (ORDER BY ts ROWS 6 PRECEDING)";
                    case "running" -> "SUM(v) OVER (ORDER BY ts)";
                    case "range" -> "AVG(v) OVER (ORDER BY ts RANGE BETWEEN 6 PRECEDING AND CURRENT ROW)";
                    default -> throw new IllegalArgumentException("unknown kind " + kind);
                };
        long c0 = System.nanoTime();
        BenchData.ok(circuit.executeSql("CREATE VIEW w AS SELECT ts, v, " + window + " AS f FROM readings"));
        System.out.printf("%s over %d rows: view created in %.1f s%n", kind, rows, (System.nanoTime() - c0) / 1e9);
        var mx = ManagementFactory.getThreadMXBean();
        boolean appending = a.length > 4 && a[4].equals("append");
        StringBuilder sb = new StringBuilder();
        long step = 0;
        for (int round = 0; round < rounds; round++) {
            long cpu = mx.getCurrentThreadCpuTime();
            for (int i = 0; i < changes; i++, step++) {
                long ts = appending ? rows + step : (step * 7919) % rows; // a new reading last, or one changed
                BenchData.accept(
                        circuit.applyBatch(List.of(Op.upsert("readings", Map.of("ts", ts, "v", (int) (step % 997))))));
            }
            double us = (mx.getCurrentThreadCpuTime() - cpu) / 1e3 / changes;
            if (round > 0) sb.append(String.format(" %.1f", us));
        }
        System.out.println(kind + " window over " + rows + " rows, us-cpu/change:" + sb);
    }
}
