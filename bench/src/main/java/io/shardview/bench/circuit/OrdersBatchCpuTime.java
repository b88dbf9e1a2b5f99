package io.shardview.bench.circuit;

import io.shardview.circuit.Circuit;
import io.shardview.circuit.batch.BatchValidation;
import io.shardview.circuit.batch.Op;
import io.shardview.circuit.batch.ValidatedBatch;
import io.shardview.circuit.budget.Budgets;
import io.shardview.entity.tenant.TenantEvent;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The tenant thread's work for {@code bench/vs-postgres}'s batches, in process and without the rest of the node:
 * validating a batch of upserts into {@code orders}, applying it (the table and the {@code totals} aggregate), and
 * encoding its event's deltas, each timed in thread CPU per row. The node's figure moves with the disk, the client
 * and the machine's other threads; this one only with the engine, so a change to the tenant's chain is compared
 * here first. Batches as vs-postgres's ingest.lua makes them: ids at random in ten million, eight sets of ids, each
 * sent twice with other customers and amounts, customers of 1,000.
 *
 * <p>Arguments: rows-a-batch seconds-a-round rounds [sql-revision]; round 0 is warm-up and not printed. Metered as a
 * node's tenant is, under config/tenant.conf's default budgets. The view is planned under the given SQL revision
 * (the engine's own by default), so that a change of plan a revision brings is compared in one build.
 */
public final class OrdersBatchCpuTime {
    private OrdersBatchCpuTime() {}

    public static void main(String[] a) {
        int rows = Integer.parseInt(a[0]);
        double seconds = Double.parseDouble(a[1]);
        int rounds = Integer.parseInt(a[2]);
        int revision = a.length > 3 ? Integer.parseInt(a[3]) : Circuit.SQL_REVISION;
        Circuit circuit = new Circuit();
        BenchData.ok(circuit.replaySql(
                "CREATE TABLE orders (id BIGINT PRIMARY KEY, customer VARCHAR, amount INT)", revision));
        BenchData.ok(circuit.replaySql(
                "CREATE VIEW totals AS SELECT customer, COUNT(*) AS n, SUM(amount) AS total FROM orders"
                        + " GROUP BY customer",
                revision));
        circuit.setBudgets(new Budgets(10_000_000, 2L << 30, 2_000_000, 1000, 100_000));
        SplittableRandom random = new SplittableRandom(37);
        List<List<Op>> batches = new ArrayList<>();
        for (int set = 0; set < 8; set++) {
            long[] ids = random.longs(rows, 1, 10_000_001).distinct().toArray();
            for (int twice = 0; twice < 2; twice++) batches.add(batch(ids, random));
        }
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        StringBuilder out = new StringBuilder();
        int next = 0;
        for (int r = 0; r < rounds; r++) {
            long[] cpu = new long[3];
            long n = 0;
            long start = mx.getCurrentThreadCpuTime();
            while (mx.getCurrentThreadCpuTime() - start < seconds * 1e9) {
                List<Op> batch = batches.get(next++ % batches.size());
                long c0 = mx.getCurrentThreadCpuTime();
                BatchValidation validation = circuit.validate(batch);
                long c1 = mx.getCurrentThreadCpuTime();
                if (!(validation instanceof ValidatedBatch validated)) throw new IllegalStateException("" + validation);
                BenchData.accept(circuit.apply(validated));
                long c2 = mx.getCurrentThreadCpuTime();
                if (TenantEvent.BatchApplied.of(validated, null).deltas().length == 0)
                    throw new IllegalStateException();
                long c3 = mx.getCurrentThreadCpuTime();
                cpu[0] += c1 - c0;
                cpu[1] += c2 - c1;
                cpu[2] += c3 - c2;
                n += batch.size();
            }
            if (r > 0) { // round 0 = warm-up
                out.append(String.format(
                        "%n  round %d: %.0f ns a row (validate %.0f, apply %.0f, encode %.0f)",
                        r,
                        (cpu[0] + cpu[1] + cpu[2]) / (double) n,
                        cpu[0] / (double) n,
                        cpu[1] / (double) n,
                        cpu[2] / (double) n));
            }
        }
        System.out.println("orders/totals, revision " + revision + ", " + rows + "-row batches, table of "
                + circuit.read("orders", 1, null).map(p -> p.count()).orElse(-1L) + " rows" + out);
    }

    private static List<Op> batch(long[] ids, SplittableRandom random) {
        List<Op> ops = new ArrayList<>(ids.length);
        for (long id : ids) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("id", id);
            row.put("customer", "c" + random.nextInt(1, 1001));
            row.put("amount", random.nextInt(1, 1001));
            ops.add(Op.upsert("orders", row));
        }
        return ops;
    }
}
