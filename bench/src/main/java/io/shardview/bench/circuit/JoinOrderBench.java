package io.shardview.bench.circuit;

import io.shardview.circuit.Circuit;
import io.shardview.circuit.DdlResult;
import io.shardview.circuit.batch.BatchOutcome;
import io.shardview.circuit.batch.Op;
import io.shardview.circuit.budget.Budgets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * select5-style joins (issue "SQL engine: plans that scale", item 4): N tables of 10 rows, one view joining all of
 * them with FROM in table order and WHERE linking them as a chain in a random order (plus a single-table predicate),
 * planned as accepted now (SQL revision 4: conditions pushed into the joins, joins ordered by the join graph) and as
 * before (revision 3: FROM order, the WHERE above the joins). Per size: the time of the batch that fills every table,
 * the median of 50 one-row updates after it, the view's state rows, beside PostgreSQL computing the same query from
 * scratch (median of 5). Arguments: sizes (default 8,16,32), JDBC URL of a scratch database (default
 * jdbc:postgresql://127.0.0.1:5432/postgres, user postgres; tables named jb_t* are made and dropped there).
 */
public final class JoinOrderBench {
    private JoinOrderBench() {}

    /** The rows budget of the old plan: past it a batch is refused instead of filling the heap. */
    private static final long OLD_PLAN_ROWS = 5_000_000;

    public static void main(String[] args) throws Exception {
        int[] sizes = Arrays.stream((args.length > 0 ? args[0] : "8,16,32").split(","))
                .mapToInt(Integer::parseInt)
                .toArray();
        String url = args.length > 1 ? args[1] : "jdbc:postgresql://127.0.0.1:5432/postgres";
        System.out.println(
                "| tables | plan | CREATE VIEW | fill batch (10 rows a table) | one-row update, median of 50 |"
                        + " view state rows | PostgreSQL, the query from scratch |");
        System.out.println("|---:|---|---:|---:|---:|---:|---:|");
        try (Connection pg = DriverManager.getConnection(url, "postgres", "")) {
            for (int n : sizes) {
                String ddl = ddl(n);
                String query = query(n, new Random(n));
                List<List<Op>> batches = batches(n, new Random(7));
                double pgMs = postgres(pg, n, ddl, batches.get(0), query);
                for (int revision : new int[] {Circuit.SQL_REVISION, 3}) {
                    System.out.println("| " + n + " | "
                            + (revision == 3 ? "FROM order (revision 3)" : "ordered (revision " + revision + ")")
                            + " | " + run(ddl, query, batches, revision) + " | "
                            + String.format("%.1f ms", pgMs) + " |");
                }
            }
        }
    }

    private static String ddl(int n) {
        List<String> tables = new ArrayList<>();
        for (int t = 1; t <= n; t++) tables.add("CREATE TABLE jb_t" + t + " (id INT PRIMARY KEY, a INT, b INT)");
        return String.join(";", tables);
    }

    /** FROM jb_t1 .. jb_tn; WHERE a chain over a random permutation of them, and a predicate on the first. */
    static String query(int n, Random random) {
        List<Integer> chain = new ArrayList<>();
        for (int t = 1; t <= n; t++) chain.add(t);
        Collections.shuffle(chain, random);
        List<String> from = new ArrayList<>();
        for (int t = 1; t <= n; t++) from.add("jb_t" + t);
        List<String> where = new ArrayList<>();
        for (int i = 1; i < n; i++) where.add("jb_t" + chain.get(i - 1) + ".a = jb_t" + chain.get(i) + ".b");
        where.add("jb_t" + chain.get(0) + ".id < 8");
        return "SELECT jb_t" + chain.get(0) + ".id AS first_id, jb_t" + chain.get(n - 1) + ".id AS last_id FROM "
                + String.join(", ", from) + " WHERE " + String.join(" AND ", where);
    }

    /** The fill batch (10 rows in every table, a and b in 0..9), then 50 one-row updates. */
    private static List<List<Op>> batches(int n, Random random) {
        List<List<Op>> batches = new ArrayList<>();
        List<Op> fill = new ArrayList<>();
        for (int t = 1; t <= n; t++)
            for (int id = 0; id < 10; id++)
                fill.add(Op.insert("jb_t" + t, row(id, random.nextInt(10), random.nextInt(10))));
        batches.add(fill);
        for (int i = 0; i < 50; i++) {
            batches.add(List.of(Op.update(
                    "jb_t" + (1 + random.nextInt(n)),
                    row(random.nextInt(10), random.nextInt(10), random.nextInt(10)))));
        }
        return batches;
    }

    private static Map<String, Object> row(int id, int a, int b) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", id);
        row.put("a", a);
        row.put("b", b);
        return row;
    }

    private static String run(String ddl, String query, List<List<Op>> batches, int revision) {
        Circuit circuit = new Circuit();
        circuit.replaySql(ddl, revision);
        long planned = System.nanoTime();
        DdlResult created = circuit.replaySql("CREATE VIEW v AS " + query, revision);
        String create = String.format("%.0f ms | ", (System.nanoTime() - planned) / 1e6);
        if (!(created instanceof DdlResult.Applied)) return create + "view refused: " + created + " | | ";
        circuit.setBudgets(Budgets.UNLIMITED.with(
                Map.of(Budgets.STATE_ROWS, OLD_PLAN_ROWS, Budgets.ROWS_PER_REQUEST, OLD_PLAN_ROWS)));
        long t0 = System.nanoTime();
        BatchOutcome fill = circuit.applyBatch(batches.get(0));
        double fillMs = (System.nanoTime() - t0) / 1e6;
        if (!(fill instanceof BatchOutcome.Accepted)) {
            return create
                    + String.format(
                            "refused after %.0f ms: past %,d rows of work or state | | ", fillMs, OLD_PLAN_ROWS);
        }
        long[] updates = new long[batches.size() - 1];
        for (int i = 1; i < batches.size(); i++) {
            long t = System.nanoTime();
            BatchOutcome outcome = circuit.applyBatch(batches.get(i));
            updates[i - 1] = System.nanoTime() - t;
            if (!(outcome instanceof BatchOutcome.Accepted)) return "update refused: " + outcome + " | | ";
        }
        Arrays.sort(updates);
        return create
                + String.format(
                        "%.1f ms | %.2f ms | %,d", fillMs, updates[updates.length / 2] / 1e6, circuit.stateRows());
    }

    private static double postgres(Connection pg, int n, String ddl, List<Op> fill, String query) throws Exception {
        try (Statement s = pg.createStatement()) {
            for (int t = 1; t <= n; t++) s.execute("DROP TABLE IF EXISTS jb_t" + t);
            for (String create : ddl.split(";")) s.execute(create);
            for (Op op : fill) {
                Map<String, Object> r = ((Op.Insert) op).row();
                s.execute("INSERT INTO " + op.table() + " VALUES (" + r.get("id") + ", " + r.get("a") + ", "
                        + r.get("b") + ")");
            }
            s.execute("ANALYZE");
            long[] runs = new long[5];
            for (int i = 0; i < runs.length; i++) {
                long t = System.nanoTime();
                try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM (" + query + ") q")) {
                    rs.next();
                }
                runs[i] = System.nanoTime() - t;
            }
            for (int t = 1; t <= n; t++) s.execute("DROP TABLE jb_t" + t);
            Arrays.sort(runs);
            return runs[runs.length / 2] / 1e6;
        }
    }
}
