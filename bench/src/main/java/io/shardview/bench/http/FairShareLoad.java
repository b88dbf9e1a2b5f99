package io.shardview.bench.http;

import static io.shardview.bench.http.Requests.expect;
import static io.shardview.bench.http.Requests.get;
import static io.shardview.bench.http.Requests.post;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Fair sharing of one packaged node: a small tenant sends small batches at a steady rate while 0, 1 or 2 heavy
 * tenants each send, back to back, the heaviest batch their budgets allow: keyless tables joined under a condition
 * that reads all of them, a product under any plan (runs before 2026-11-24 used select5's chain of equalities, which
 * SQL revision 4 orders and keeps light), whose every batch runs until it passes
 * {@code max-rows-per-request} and is refused 422. The small tenant's ack latencies (p50, p99, max) are compared
 * with the run without heavy tenants, on the same node. Each scenario also reports the node's CPU and this client's
 * over it ({@link ClientCpu}): the client sends every tenant's batches from the same cores.
 *
 * <p>Options: {@code --seconds N} per scenario (60), {@code --rate R} small batches per second (50), {@code
 * --heavy 0,1,2,0} the scenarios (heavy tenants in each), {@code --config FILE} for the node (budgets, dispatchers),
 * {@code --java-opts "..."} for the node (-Xmx2g -XX:MaxGCPauseMillis=50, as the launcher), {@code --jar} (cluster/target/shardview.jar). Before the
 * scenarios, the small tenant runs 20 s unmeasured, so the node's code is compiled.
 */
public final class FairShareLoad {
    private static final int HEAVY_TABLES = 8;

    private FairShareLoad() {}

    public static void main(String[] args) throws Exception {
        Options options = new Options(args);
        Path jar = Path.of(options.get("--jar", "cluster/target/shardview.jar"));
        int seconds = options.getInt("--seconds", 60);
        int rate = options.getInt("--rate", 50);
        // The launcher's own JVM options (./shardview), and a heap as in the other benches.
        String javaOpts = options.get("--java-opts", "-Xmx2g -XX:MaxGCPauseMillis=50");
        Path data = Files.createTempDirectory("shardview-fair-share");
        List<String> serveArgs =
                options.get("--config", "").isEmpty() ? List.of() : List.of("--config", options.get("--config", ""));
        int[] scenarios = Arrays.stream(options.get("--heavy", "0,1,2,0").split(","))
                .mapToInt(Integer::parseInt)
                .toArray();
        int heavyTenants = Arrays.stream(scenarios).max().orElse(0);
        try (NodeUnderTest node = NodeUnderTest.start(jar, data, javaOpts, serveArgs)) {
            setUpSmall(node.url);
            for (int h = 0; h < heavyTenants; h++) setUpHeavy(node.url, "heavy" + h);
            System.out.println("node " + node.url + ", small tenant at " + rate + " batches/s of 10 upserts, " + seconds
                    + " s per scenario");
            if (heavyTenants > 0) System.out.println("budgets: " + describeBudgets(node.url));
            run(node, 0, 20, rate, false); // warm-up
            for (int heavy : scenarios) {
                run(node, heavy, seconds, rate, true);
            }
        }
    }

    private static String describeBudgets(String url) throws Exception {
        String body = get(url + "/v1/tenants/heavy0").body();
        int at = body.indexOf("\"budgets\"");
        return at < 0 ? body : body.substring(at);
    }

    private static void setUpSmall(String url) throws Exception {
        expect(
                200,
                post(
                        url + "/v1/tenants/small/sql",
                        "application/sql",
                        "CREATE TABLE t (id BIGINT NOT NULL, g INT, v INT, PRIMARY KEY (id));"
                                + "CREATE VIEW sums AS SELECT g, COUNT(*) AS n, SUM(v) AS s FROM t GROUP BY g"));
    }

    private static void setUpHeavy(String url, String tenant) throws Exception {
        StringBuilder ddl = new StringBuilder();
        StringBuilder from = new StringBuilder();
        StringBuilder where = new StringBuilder();
        for (int t = 1; t <= HEAVY_TABLES; t++) {
            ddl.append("CREATE TABLE t").append(t).append(" (a INT, b INT);");
            from.append(t == 1 ? "" : ", ").append("t").append(t);
            // A condition reading every table: a product under any plan (a chain of equalities is ordered and light).
            where.append(t == 1 ? "" : " + ").append("t").append(t).append(".a");
        }
        where.append(" >= 0");
        ddl.append("CREATE VIEW chain AS SELECT t1.a, t")
                .append(HEAVY_TABLES)
                .append(".b FROM ")
                .append(from)
                .append(" WHERE ")
                .append(where);
        expect(200, post(url + "/v1/tenants/" + tenant + "/sql", "application/sql", ddl.toString()));
    }

    /** The heavy batch: 40 rows in each table, 40^8 pairs if it ran to the end. */
    private static String heavyBatch() {
        StringBuilder ops = new StringBuilder("{\"ops\": [");
        for (int t = 1; t <= HEAVY_TABLES; t++) {
            for (int i = 0; i < 40; i++) {
                if (ops.charAt(ops.length() - 1) != '[') ops.append(',');
                ops.append("{\"op\": \"insert\", \"table\": \"t")
                        .append(t)
                        .append("\", \"row\": {\"a\": ")
                        .append(i)
                        .append(", \"b\": ")
                        .append(i)
                        .append("}}");
            }
        }
        return ops.append("]}").toString();
    }

    private static void run(NodeUnderTest node, int heavyTenants, int seconds, int rate, boolean report)
            throws Exception {
        String url = node.url;
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong heavyBatches = new AtomicLong();
        AtomicLong heavyMillis = new AtomicLong();
        Map<Integer, AtomicLong> heavyStatuses = new TreeMap<>();
        List<Thread> heavy = new ArrayList<>();
        String batch = heavyBatch();
        for (int h = 0; h < heavyTenants; h++) {
            String tenant = "heavy" + h;
            Thread thread = new Thread(() -> {
                while (running.get()) {
                    long started = System.nanoTime();
                    try {
                        int status = post(url + "/v1/tenants/" + tenant + "/ingest", "application/json", batch)
                                .statusCode();
                        synchronized (heavyStatuses) {
                            heavyStatuses
                                    .computeIfAbsent(status, s -> new AtomicLong())
                                    .incrementAndGet();
                        }
                    } catch (Exception e) {
                        synchronized (heavyStatuses) {
                            heavyStatuses
                                    .computeIfAbsent(-1, s -> new AtomicLong())
                                    .incrementAndGet();
                        }
                    }
                    heavyBatches.incrementAndGet();
                    heavyMillis.addAndGet((System.nanoTime() - started) / 1_000_000);
                }
            });
            thread.setDaemon(true);
            thread.start();
            heavy.add(thread);
        }
        if (heavyTenants > 0) Thread.sleep(2000); // the heavy tenants are stepping before the small one is measured
        long[] latencies = new long[seconds * rate];
        AtomicLong failed = new AtomicLong();
        List<java.util.concurrent.CompletableFuture<?>> pending = new ArrayList<>();
        int sent = 0;
        long interval = 1_000_000_000L / rate;
        ClientCpu.Interval cpu = ClientCpu.begin(node.pid());
        long start = System.nanoTime();
        long id = 0;
        for (; sent < latencies.length; sent++) {
            long due = start + sent * interval;
            long wait = due - System.nanoTime();
            if (wait > 0) Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            StringBuilder ops = new StringBuilder("{\"ops\": [");
            for (int i = 0; i < 10; i++) {
                if (i > 0) ops.append(',');
                long key = id++ % 5000;
                ops.append("{\"op\": \"upsert\", \"table\": \"t\", \"row\": {\"id\": ")
                        .append(key)
                        .append(", \"g\": ")
                        .append(key % 50)
                        .append(", \"v\": ")
                        .append(sent)
                        .append("}}");
            }
            ops.append("]}");
            // Open loop: each batch is sent when it is due, whatever the earlier ones are doing, and its latency
            // counts from then.
            int index = sent;
            pending.add(Requests.HTTP
                    .sendAsync(
                            Requests.request(url + "/v1/tenants/small/ingest", "application/json", ops.toString()),
                            HttpResponse.BodyHandlers.ofString())
                    .whenComplete((reply, error) -> {
                        latencies[index] = System.nanoTime() - due;
                        if (error != null || reply.statusCode() != 200) failed.incrementAndGet();
                    }));
        }
        java.util.concurrent.CompletableFuture.allOf(pending.toArray(java.util.concurrent.CompletableFuture[]::new))
                .exceptionally(e -> null)
                .join();
        ClientCpu used = cpu.end("node");
        running.set(false);
        for (Thread thread : heavy) thread.join(Duration.ofSeconds(60).toMillis());
        if (!report) return;
        long[] sorted = latencies.clone();
        Arrays.sort(sorted);
        System.out.printf(
                "heavy tenants %d: small tenant %d batches (%d not 200): p50 %.1f ms, p99 %.1f ms, max %.1f ms;"
                        + " heavy batches %d (statuses %s), %.1f s each%n",
                heavyTenants,
                sent,
                failed.get(),
                TenantLoad.percentile(sorted, 0.50) / 1e6,
                TenantLoad.percentile(sorted, 0.99) / 1e6,
                sorted[sorted.length - 1] / 1e6,
                heavyBatches.get(),
                heavyStatuses,
                heavyBatches.get() == 0 ? 0.0 : heavyMillis.get() / 1000.0 / heavyBatches.get());
        used.print();
    }
}
