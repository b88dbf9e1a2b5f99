package io.shardview.bench.circuit;

import static io.shardview.bench.circuit.ColumnPruningBench.usedHeapAfterGc;

import io.shardview.circuit.Circuit;
import io.shardview.circuit.DdlResult;
import java.util.List;

/**
 * Views sharing the operators of identical sub-plans against the same views each with operators of its own, in one
 * run, alternating: a dashboard of 11 views over one filtered join of orders (12 columns) and customers (8 columns), each
 * grouping or selecting differently (six read the same two columns of the join, three the same three, two others),
 * and 4 over one filter of orders. Joins keep only the columns read above them (SQL revision 6), so views reading
 * other columns of the same join hold a join of their own. Per mode: the state the operators and views
 * hold (rows and estimated bytes, as the state budgets count them; the heap the circuit holds after a full GC, its
 * tables' rows included), the time of the batches that fill the tables, and the median of 200 batches of 100 updated
 * orders after it, and the size of its snapshot. Arguments: orders (default 200000), customers (default 20000).
 */
public final class SharingBench {
    private SharingBench() {}

    private static final String OPEN = " FROM orders o JOIN customers c ON o.customer = c.id WHERE o.status = 'open'";

    private static final List<String> VIEWS = List.of(
            // Six views reading region and amount of the open orders' join: one join, one filter, when shared.
            "SELECT c.region, SUM(o.amount) AS total" + OPEN + " GROUP BY c.region",
            "SELECT c.region, MAX(o.amount) AS largest" + OPEN + " GROUP BY c.region",
            "SELECT c.region, MIN(o.amount) AS smallest" + OPEN + " GROUP BY c.region",
            "SELECT c.region, AVG(o.amount) AS average" + OPEN + " GROUP BY c.region",
            "SELECT c.region, COUNT(o.amount) AS n" + OPEN + " GROUP BY c.region",
            "SELECT c.region, o.amount" + OPEN + " AND o.amount > 990",
            // Three reading segment, amount and qty of it.
            "SELECT c.segment, SUM(o.amount) AS total, SUM(o.qty) AS items" + OPEN + " GROUP BY c.segment",
            "SELECT c.segment, MAX(o.amount) AS largest, MAX(o.qty) AS most" + OPEN + " GROUP BY c.segment",
            "SELECT c.segment, MIN(o.amount) AS smallest, MIN(o.qty) AS least" + OPEN + " GROUP BY c.segment",
            // Two reading other columns: a join of their own.
            "SELECT o.channel, c.region, COUNT(*) AS n" + OPEN + " GROUP BY o.channel, c.region",
            "SELECT c.id, COUNT(*) AS open_orders" + OPEN + " GROUP BY c.id",
            // Four over one filter of orders.
            "SELECT channel, SUM(amount) AS total FROM orders WHERE amount > 900 GROUP BY channel",
            "SELECT channel, MAX(amount) AS largest FROM orders WHERE amount > 900 GROUP BY channel",
            "SELECT channel, COUNT(amount) AS n FROM orders WHERE amount > 900 GROUP BY channel",
            "SELECT channel, amount FROM orders WHERE amount > 990");

    public static void main(String[] args) {
        int orders = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        int customers = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
        System.out.println(
                "| operators | state rows | state bytes (estimated) | heap after GC (tables and views) | fill |"
                        + " 100 updated orders, median of 200 | snapshot |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|");
        for (boolean sharing : new boolean[] {false, true, false, true}) {
            System.out.println(
                    "| " + (sharing ? "shared" : "one set per view") + " | " + run(sharing, orders, customers) + " |");
        }
    }

    private static String run(boolean sharing, int orders, int customers) {
        long baseline = usedHeapAfterGc();
        Circuit circuit = new Circuit();
        circuit.setOperatorSharing(sharing);
        create(circuit, ColumnPruningBench.DDL);
        for (int v = 0; v < VIEWS.size(); v++) create(circuit, "CREATE VIEW v" + v + " AS " + VIEWS.get(v));
        return ColumnPruningBench.fillAndMeasure(circuit, baseline, orders, customers)
                + String.format(" | %.1f MB", snapshotBytes(circuit) / 1e6);
    }

    /** The size of the circuit's snapshot, as the tenant writes it. */
    private static long snapshotBytes(Circuit circuit) {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try {
            circuit.writeSnapshot(new java.io.DataOutputStream(bytes));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return bytes.size();
    }

    private static void create(Circuit circuit, String sql) {
        DdlResult r = circuit.executeSql(sql);
        if (!(r instanceof DdlResult.Applied)) throw new IllegalStateException(sql + ": " + r);
    }
}
