package io.shardview.bench.http;

import static io.shardview.bench.http.Requests.expect;
import static io.shardview.bench.http.Requests.get;
import static io.shardview.bench.http.Requests.post;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Many tenants on one packaged node (a first part of the ten-thousand-tenant load): creates N tenants of 2 tables and
 * 5 views each, writes one batch to each, then measures the node's heap with every tenant active and again once they
 * are all passivated (after a full GC, read from /metrics), and the latency of the first request to a passivated
 * tenant (the tenant recovers from its journal before it answers). Both timed parts also report the node's CPU and
 * this client's over them ({@link ClientCpu}): the client runs on the same cores.
 *
 * <p>Options: {@code --tenants N} (1000), {@code --senders N} concurrent requests while creating (4), {@code
 * --sample N} passivated tenants whose first request is timed (200), {@code --java-opts "..."} (-Xmx2g
 * -XX:MaxGCPauseMillis=50), {@code --jar} (cluster/target/shardview.jar).
 */
public final class ManyTenantsLoad {
    private static final Pattern HEAP = Pattern.compile("(?m)^jvm_memory_used_bytes\\{area=\"heap\"} (\\S+)$");
    private static final Duration IDLE = Duration.ofSeconds(20);

    private ManyTenantsLoad() {}

    public static void main(String[] args) throws Exception {
        Options options = new Options(args);
        Path jar = Path.of(options.get("--jar", "cluster/target/shardview.jar"));
        int tenants = options.getInt("--tenants", 1000);
        int senders = options.getInt("--senders", 4);
        int sample = Math.min(tenants, options.getInt("--sample", 200));
        String javaOpts = options.get("--java-opts", "-Xmx2g -XX:MaxGCPauseMillis=50");
        Path data = Files.createTempDirectory("shardview-many-tenants");
        Path config = data.resolveSibling(data.getFileName() + ".conf");
        Files.writeString(config, "shardview.tenant.passivate-idle-after = " + IDLE.toSeconds() + "s\n");
        try (NodeUnderTest node = NodeUnderTest.start(jar, data, javaOpts, List.of("--config", config.toString()))) {
            // A warm-up tenant first: the heap before holds what the first tenant loads once (Calcite, classes).
            expect(200, post(node.url + "/v1/tenants/warmup/sql", "application/sql", DDL));
            expect(200, post(node.url + "/v1/tenants/warmup/ingest", "application/json", BATCH));
            heapAfterGc(node);
            long baseline = heapAfterGc(node);
            ExecutorService pool = Executors.newFixedThreadPool(senders);
            ClientCpu.Interval creating = ClientCpu.begin(node.pid());
            long started = System.nanoTime();
            List<Future<?>> created = new ArrayList<>();
            for (int t = 0; t < tenants; t++) {
                String tenant = "t" + t;
                created.add(pool.submit(() -> {
                    expect(200, post(node.url + "/v1/tenants/" + tenant + "/sql", "application/sql", DDL));
                    expect(200, post(node.url + "/v1/tenants/" + tenant + "/ingest", "application/json", BATCH));
                    return null;
                }));
            }
            for (Future<?> f : created) f.get();
            double createSeconds = NodeUnderTest.since(started).toMillis() / 1000.0;
            ClientCpu creatingCpu = creating.end("node");
            long active = heapAfterGc(node);
            System.out.printf(
                    "%d tenants of 2 tables and 5 views, one 20-row batch each: created in %.0f s (%.1f tenants/s, %d"
                            + " senders)%n",
                    tenants, createSeconds, tenants / createSeconds, senders);
            creatingCpu.print();
            System.out.printf(
                    "heap after a full GC: %.0f MB before, %.0f MB with every tenant active: %.0f KB per active"
                            + " tenant%n",
                    baseline / 1e6, active / 1e6, (active - baseline) / 1e3 / tenants);
            Thread.sleep(IDLE.plusSeconds(15).toMillis()); // every tenant idle past passivate-idle-after
            long passivated = heapAfterGc(node);
            System.out.printf(
                    "heap after passivation (idle %d s): %.0f MB: %.1f KB per passivated tenant%n",
                    IDLE.toSeconds(), passivated / 1e6, (passivated - baseline) / 1e3 / tenants);
            long[] first = new long[sample];
            ClientCpu.Interval firsts = ClientCpu.begin(node.pid());
            for (int i = 0; i < sample; i++) {
                String tenant = "t" + (i * (tenants / sample));
                long t0 = System.nanoTime();
                expect(200, get(node.url + "/v1/tenants/" + tenant + "/views/v1"));
                first[i] = System.nanoTime() - t0;
            }
            ClientCpu firstsCpu = firsts.end("node");
            System.out.printf(
                    "first request (GET a view) to a passivated tenant, %d tenants one after another: %s%n",
                    sample, TenantLoad.p50p99max(first));
            firstsCpu.print();
            pool.shutdown();
        }
    }

    /** The tenants of both many-tenant loads: 2 keyed tables, 5 views (a filter, two GROUP BYs, a join, a join with GROUP BY). */
    static final String DDL = "CREATE TABLE users (id BIGINT NOT NULL, name VARCHAR, team INT, PRIMARY KEY (id));"
            + "CREATE TABLE events (id BIGINT NOT NULL, user_id BIGINT, kind VARCHAR, amount INT, PRIMARY KEY (id));"
            + "CREATE VIEW v1 AS SELECT id, name FROM users WHERE team = 1;"
            + "CREATE VIEW v2 AS SELECT team, COUNT(*) AS n FROM users GROUP BY team;"
            + "CREATE VIEW v3 AS SELECT kind, SUM(amount) AS total FROM events GROUP BY kind;"
            + "CREATE VIEW v4 AS SELECT u.name, e.kind, e.amount FROM users u JOIN events e ON e.user_id = u.id;"
            + "CREATE VIEW v5 AS SELECT u.team, SUM(e.amount) AS total FROM users u JOIN events e ON e.user_id = u.id"
            + " GROUP BY u.team";

    private static final String BATCH;

    static {
        StringBuilder ops = new StringBuilder("{\"ops\": [");
        for (int i = 0; i < 10; i++) {
            if (i > 0) ops.append(',');
            ops.append("{\"op\": \"insert\", \"table\": \"users\", \"row\": {\"id\": ")
                    .append(i)
                    .append(", \"name\": \"user")
                    .append(i)
                    .append("\", \"team\": ")
                    .append(i % 3)
                    .append("}},{\"op\": \"insert\", \"table\": \"events\", \"row\": {\"id\": ")
                    .append(i)
                    .append(", \"user_id\": ")
                    .append(i)
                    .append(", \"kind\": \"k")
                    .append(i % 4)
                    .append("\", \"amount\": ")
                    .append(i * 10)
                    .append("}}");
        }
        BATCH = ops.append("]}").toString();
    }

    /** The heap in use after a full GC of the node's JVM (jcmd GC.run), read from its /metrics. */
    private static long heapAfterGc(NodeUnderTest node) throws Exception {
        Process gc = new ProcessBuilder("jcmd", String.valueOf(node.pid()), "GC.run")
                .redirectErrorStream(true)
                .start();
        gc.getInputStream().readAllBytes();
        gc.waitFor();
        Thread.sleep(2000); // the heap gauge is read at scrape time
        String metrics = get(node.url + "/metrics").body();
        Matcher m = HEAP.matcher(metrics);
        if (!m.find()) throw new IllegalStateException("no heap figure in /metrics");
        return (long) Double.parseDouble(m.group(1));
    }
}
