package io.shardview.bench.circuit;

import io.shardview.circuit.Circuit;
import io.shardview.circuit.batch.BatchOutcome;
import io.shardview.circuit.batch.Op;
import io.shardview.circuit.batch.ValidatedBatch;
import java.lang.management.ManagementFactory;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A view of the last W seconds over a stream of N events a second for S seconds of simulated time (issue "SQL for
 * live data", item 6): events(id, ts, v), {@code SELECT id, v FROM events WHERE ts > NOW() - INTERVAL 'W seconds'};
 * each simulated second one batch of N events stamped within that second, then one tick of the tenant's clock. Every
 * 60 simulated seconds it prints the rows the view and its range semi-join hold, and the thread CPU time of the
 * minute's batches (per event) and ticks (per tick). Arguments: W, N, S.
 */
public final class TemporalFilterCpuTime {
    private TemporalFilterCpuTime() {}

    public static void main(String[] a) {
        long window = Long.parseLong(a[0]);
        int perSecond = Integer.parseInt(a[1]);
        int seconds = Integer.parseInt(a[2]);
        Circuit circuit = new Circuit();
        BenchData.ok(circuit.executeSql("CREATE TABLE events (id BIGINT PRIMARY KEY, ts TIMESTAMP, v INT);"
                + "CREATE VIEW recent AS SELECT id, v FROM events WHERE ts > NOW() - INTERVAL '" + window
                + " seconds'"));
        LocalDateTime now = LocalDateTime.of(2026, 11, 27, 0, 0);
        tick(circuit, now);
        var mx = ManagementFactory.getThreadMXBean();
        long id = 0;
        long batchCpu = 0;
        long tickCpu = 0;
        long maxTick = 0;
        for (int second = 1; second <= seconds; second++) {
            List<Op> ops = new ArrayList<>(perSecond);
            for (int i = 0; i < perSecond; i++) {
                LocalDateTime ts = now.plusNanos((long) i * (1_000_000_000L / perSecond) / 1000 * 1000);
                ops.add(Op.insert("events", Map.of("id", id++, "ts", ts, "v", i % 100)));
            }
            long c0 = mx.getCurrentThreadCpuTime();
            BenchData.accept(circuit.applyBatch(ops));
            long c1 = mx.getCurrentThreadCpuTime();
            now = now.plusSeconds(1);
            tick(circuit, now);
            long c2 = mx.getCurrentThreadCpuTime();
            batchCpu += c1 - c0;
            tickCpu += c2 - c1;
            maxTick = Math.max(maxTick, c2 - c1);
            if (second % 60 == 0) {
                long held = circuit.explain("recent").orElseThrow().operators().stream()
                        .filter(o -> o.operator().equals("RangeSemiJoin"))
                        .mapToLong(o -> o.stateRows())
                        .sum();
                System.out.printf(
                        "t=%4ds table %,d rows, view %,d rows, semi-join %,d rows; batch %.2f us/event, tick %.1f ms"
                                + " (max %.1f ms)%n",
                        second,
                        id,
                        circuit.content("recent").size(),
                        held,
                        batchCpu / 1e3 / (60.0 * perSecond),
                        tickCpu / 1e6 / 60,
                        maxTick / 1e6);
                batchCpu = 0;
                tickCpu = 0;
                maxTick = 0;
            }
        }
    }

    private static void tick(Circuit circuit, LocalDateTime now) {
        if (!(circuit.apply((ValidatedBatch) circuit.clockBatch(now)) instanceof BatchOutcome.Accepted)) {
            throw new IllegalStateException("the tick failed");
        }
    }
}
