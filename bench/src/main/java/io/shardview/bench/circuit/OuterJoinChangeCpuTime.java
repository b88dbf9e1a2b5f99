package io.shardview.bench.circuit;

import io.shardview.circuit.Circuit;
import io.shardview.circuit.batch.Op;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Thread CPU time of a one-row change under a join of two tables of N rows each (issue "SQL for live data", item 6:
 * a FULL JOIN of 1M x 1M rows): l(id, k, v) and r(id, k, w), each key k on one row of each side but a tenth of them
 * on one side only, so the view holds matched and padded rows; a change moves one row of l to another key (it leaves
 * one key and joins another: a matched row becomes padded, a padded one matched). Arguments: kind (inner, left,
 * right, full), rows per table, changes per round, rounds; round 0 is warm-up and not printed.
 */
public final class OuterJoinChangeCpuTime {
    private OuterJoinChangeCpuTime() {}

    public static void main(String[] a) {
        String kind = a[0];
        long rows = Long.parseLong(a[1]);
        int changes = Integer.parseInt(a[2]);
        int rounds = Integer.parseInt(a[3]);
        Circuit circuit = new Circuit();
        BenchData.ok(circuit.executeSql("CREATE TABLE l (id BIGINT PRIMARY KEY, k BIGINT, v BIGINT);"
                + "CREATE TABLE r (id BIGINT PRIMARY KEY, k BIGINT, w BIGINT)"));
        for (long from = 0; from < rows; from += 100_000) {
            List<Op> ops = new ArrayList<>();
            for (long id = from; id < Math.min(rows, from + 100_000); id++) {
                // l's keys 0..N-1 but every tenth shifted past N; r's keys 0..N-1: a tenth of each side unmatched
                long k = id % 10 == 0 ? rows + id : id;
                ops.add(Op.insert("l", Map.of("id", id, "k", k, "v", id)));
                ops.add(Op.insert("r", Map.of("id", id, "k", id, "w", id)));
            }
            BenchData.accept(circuit.applyBatch(ops));
        }
        String join =
                switch (kind) {
                    case "inner" -> "JOIN";
                    case "left" -> "LEFT JOIN";
                    case "right" -> "RIGHT JOIN";
                    case "full" -> "FULL JOIN";
                    default -> throw new IllegalArgumentException("unknown kind " + kind);
                };
        long c0 = System.nanoTime();
        BenchData.ok(circuit.executeSql(
                "CREATE VIEW j AS SELECT l.id AS lid, l.v, r.id AS rid, r.w FROM l " + join + " r ON l.k = r.k"));
        System.out.printf(
                "%s %d x %d rows: view created in %.1f s%n", kind, rows, rows, (System.nanoTime() - c0) / 1e9);
        var mx = ManagementFactory.getThreadMXBean();
        StringBuilder sb = new StringBuilder();
        long step = 0;
        for (int round = 0; round < rounds; round++) {
            long cpu = mx.getCurrentThreadCpuTime();
            for (int i = 0; i < changes; i++, step++) {
                long id = (step * 7919) % rows;
                long k = (id + step + 1) % rows; // another key of r's: matched with r's row, l's old key left
                BenchData.accept(circuit.applyBatch(List.of(Op.upsert("l", Map.of("id", id, "k", k, "v", step)))));
            }
            double us = (mx.getCurrentThreadCpuTime() - cpu) / 1e3 / changes;
            if (round > 0) sb.append(String.format(" %.1f", us));
        }
        System.out.println(kind + " join, " + rows + " x " + rows + " rows, us-cpu/change of l:" + sb);
    }
}
