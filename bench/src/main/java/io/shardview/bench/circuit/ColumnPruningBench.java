package io.shardview.bench.circuit;

import io.shardview.circuit.Circuit;
import io.shardview.circuit.DdlResult;
import io.shardview.circuit.batch.BatchOutcome;
import io.shardview.circuit.batch.Op;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Column pruning (SQL revision 6) against the plans of revision 5, in one run: orders (12 columns, two of them
 * 40-character texts) joined with customers (8 columns) and grouped, views that read 3 of the 20 columns. Per plan:
 * the state the views hold (rows and estimated bytes, as the state budgets count them; the heap the circuit holds after
 * a full GC, its tables' rows included), the time of the batches that
 * fill the tables, and the median of 200 batches of 100 updated orders after it. Arguments: orders (default 200000),
 * customers (default 20000).
 */
public final class ColumnPruningBench {
    private ColumnPruningBench() {}

    static final String DDL = "CREATE TABLE customers (id INT PRIMARY KEY, name VARCHAR, email VARCHAR,"
            + " region VARCHAR, segment VARCHAR, since DATE, score DOUBLE PRECISION, notes TEXT);"
            + "CREATE TABLE orders (id INT PRIMARY KEY, customer INT, amount NUMERIC(12,2), qty INT, status VARCHAR,"
            + " placed TIMESTAMP, shipped TIMESTAMP, address TEXT, comment TEXT, channel VARCHAR, discount"
            + " NUMERIC(5,2), weight DOUBLE PRECISION)";

    private static final List<String> VIEWS = List.of(
            "CREATE VIEW region_totals AS SELECT c.region, SUM(o.amount) AS total FROM orders o"
                    + " JOIN customers c ON o.customer = c.id GROUP BY c.region",
            "CREATE VIEW big_orders AS SELECT o.id, c.name FROM orders o JOIN customers c ON o.customer = c.id"
                    + " WHERE o.amount > 900");

    public static void main(String[] args) {
        int orders = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        int customers = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
        System.out.println("| plan | state rows | state bytes (estimated) | heap after GC (tables and views) | fill |"
                + " 100 updated orders, median of 200 |");
        System.out.println("|---|---:|---:|---:|---:|---:|");
        for (int revision : new int[] {5, Circuit.SQL_REVISION, 5, Circuit.SQL_REVISION}) {
            System.out.println("| revision " + revision + (revision >= 6 ? " (pruned)" : "") + " | "
                    + run(revision, orders, customers) + " |");
        }
    }

    private static String run(int revision, int orders, int customers) {
        long baseline = usedHeapAfterGc();
        Circuit circuit = new Circuit();
        for (String statement : (DDL + ";" + String.join(";", VIEWS)).split(";")) {
            DdlResult r = circuit.replaySql(statement, revision);
            if (!(r instanceof DdlResult.Applied)) throw new IllegalStateException(statement + ": " + r);
        }
        return fillAndMeasure(circuit, baseline, orders, customers);
    }

    /**
     * Fills the tables of {@link #DDL} (customers, then orders, in batches of 10,000) through the circuit's views,
     * then times 200 batches of 100 updated orders: "state rows | state bytes | heap | fill | median update", the heap
     * counted from {@code baseline} after a full GC.
     */
    static String fillAndMeasure(Circuit circuit, long baseline, int orders, int customers) {
        Random random = new Random(42);
        long t0 = System.nanoTime();
        List<Op> batch = new ArrayList<>();
        for (int c = 0; c < customers; c++) {
            batch.add(Op.insert("customers", customer(c, random)));
            if (batch.size() == 10_000) batch = apply(circuit, batch);
        }
        for (int o = 0; o < orders; o++) {
            batch.add(Op.insert("orders", order(o, customers, random)));
            if (batch.size() == 10_000) batch = apply(circuit, batch);
        }
        apply(circuit, batch);
        double fillMs = (System.nanoTime() - t0) / 1e6;
        long heap = usedHeapAfterGc() - baseline;
        long[] times = new long[200];
        for (int b = 0; b < times.length; b++) {
            List<Op> updates = new ArrayList<>();
            for (int i = 0; i < 100; i++)
                updates.add(Op.update("orders", order(random.nextInt(orders), customers, random)));
            long t = System.nanoTime();
            apply(circuit, updates);
            times[b] = System.nanoTime() - t;
        }
        Arrays.sort(times);
        return String.format(
                "%,d | %,d | %.0f MB | %.0f ms | %.2f ms",
                circuit.stateRows(), circuit.stateBytes(), heap / 1e6, fillMs, times[times.length / 2] / 1e6);
    }

    static long usedHeapAfterGc() {
        for (int i = 0; i < 3; i++) System.gc();
        return java.lang.management.ManagementFactory.getMemoryMXBean()
                .getHeapMemoryUsage()
                .getUsed();
    }

    static List<Op> apply(Circuit circuit, List<Op> batch) {
        if (batch.isEmpty()) return batch;
        BatchOutcome outcome = circuit.applyBatch(batch);
        if (!(outcome instanceof BatchOutcome.Accepted)) throw new IllegalStateException(outcome.toString());
        return new ArrayList<>();
    }

    static Map<String, Object> customer(int id, Random random) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", id);
        row.put("name", "customer " + id);
        row.put("email", "customer" + id + "@example.com");
        row.put("region", "region-" + random.nextInt(20));
        row.put("segment", random.nextBoolean() ? "retail" : "wholesale");
        row.put("since", java.time.LocalDate.of(2020, 1, 1).plusDays(random.nextInt(1500)));
        row.put("score", random.nextDouble());
        row.put("notes", "x".repeat(40));
        return row;
    }

    static Map<String, Object> order(int id, int customers, Random random) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", id);
        row.put("customer", random.nextInt(customers));
        row.put("amount", java.math.BigDecimal.valueOf(random.nextInt(100_000), 2));
        row.put("qty", 1 + random.nextInt(10));
        row.put("status", random.nextBoolean() ? "shipped" : "open");
        java.time.LocalDateTime placed =
                java.time.LocalDateTime.of(2026, 1, 1, 0, 0).plusMinutes(random.nextInt(500_000));
        row.put("placed", placed);
        row.put("shipped", placed.plusHours(1 + random.nextInt(100)));
        row.put("address", "street " + random.nextInt(10_000) + " ".repeat(30));
        row.put("comment", "a".repeat(40));
        row.put("channel", random.nextBoolean() ? "web" : "store");
        row.put("discount", java.math.BigDecimal.valueOf(random.nextInt(5000), 2));
        row.put("weight", random.nextDouble() * 10);
        return row;
    }
}
