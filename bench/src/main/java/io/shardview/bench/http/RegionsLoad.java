package io.shardview.bench.http;

import static io.shardview.bench.http.Requests.expect;
import static io.shardview.bench.http.Requests.get;
import static io.shardview.bench.http.Requests.post;
import static io.shardview.bench.http.Requests.put;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Two regions of one node each on this machine, each on its own PostgreSQL journal database (bench/regions creates
 * them; env {@code EU_JOURNAL_URL}, {@code US_JOURNAL_URL}, {@code SHARDVIEW_JOURNAL_USER}), tenants homed in eu and
 * replicated to us (docs/regions.md). Measures:
 *
 * <ol>
 *   <li>replication lag at a steady open-loop rate of batches to eu: for a probe tenant, from eu acknowledging version
 *       N to a read at us that waits with {@code min_version} seeing it, with the CPU of the nodes, of PostgreSQL and
 *       of this client, and the nodes' beside this client's over the measured window alone ({@link ClientCpu});
 *   <li>catch-up after us is paused (SIGSTOP) for a while as eu keeps ingesting: from SIGCONT until us has every
 *       tenant at the version eu had acknowledged at SIGCONT;
 *   <li>the idle cost of many replicated tenants: CPU of both nodes and of PostgreSQL, and transactions per second on
 *       each journal database, while N tenants (created in eu, replicated to us) run idle.
 * </ol>
 *
 * <p>With {@code --wan-delay-ms D}, every connection between the regions crosses a {@link DelayProxy} adding D ms in
 * each direction. Options: {@code --tenants 10 --rate 1000 --seconds 30 --partition-seconds 30 --idle-tenants 1000
 * --idle-seconds 60 --wan-delay-ms 0 --mode async --java-opts "-Xmx2g -XX:MaxGCPauseMillis=50"}; {@code --mode sync} sets
 * every tenant to sync replication with one other region (so eu acknowledges a batch once us has it too), and 0
 * partition seconds or idle tenants skips that part.
 */
public final class RegionsLoad {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Options options;
    private final int tenants;
    private final List<NodeUnderTest> nodes = new ArrayList<>();
    private final List<DelayProxy> proxies = new ArrayList<>();
    private String eu;
    private String us;

    private RegionsLoad(Options options) {
        this.options = options;
        this.tenants = options.getInt("--tenants", 10);
    }

    public static void main(String[] args) throws Exception {
        RegionsLoad load = new RegionsLoad(new Options(args));
        try {
            load.start();
            int metricsRate = load.options.getInt("--metrics-rate", 0);
            if (metricsRate > 0) load.metrics(metricsRate, load.options.getInt("--seconds", 30));
            if (load.options.getInt("--rate", 1000) > 0)
                load.lag(load.options.getInt("--rate", 1000), load.options.getInt("--seconds", 30));
            int partitionSeconds = load.options.getInt("--partition-seconds", 30);
            if (partitionSeconds > 0) load.partition(load.options.getInt("--rate", 1000), partitionSeconds);
            int idleTenants = load.options.getInt("--idle-tenants", 1000);
            if (idleTenants > 0) load.idle(idleTenants, load.options.getInt("--idle-seconds", 60));
        } finally {
            for (NodeUnderTest node : load.nodes) node.close();
            for (DelayProxy proxy : load.proxies) proxy.close();
        }
        System.exit(0);
    }

    // ---- the two regions ----------------------------------------------------------------------

    private void start() throws Exception {
        long delay = options.getInt("--wan-delay-ms", 0);
        int[] canonical = {freePort(), freePort()};
        int[] bind = delay > 0 ? new int[] {freePort(), freePort()} : canonical;
        if (delay > 0) {
            for (int i = 0; i < 2; i++) proxies.add(new DelayProxy(canonical[i], bind[i], delay));
        }
        String seeds = "pekko://shardview@127.0.0.1:" + canonical[0] + ",pekko://shardview@127.0.0.1:" + canonical[1];
        Path dir = Files.createTempDirectory("shardview-regions");
        String[] regions = {"eu", "us"};
        for (int i = 0; i < 2; i++) {
            Path conf = dir.resolve(regions[i] + ".conf");
            Files.writeString(
                    conf,
                    "pekko.remote.artery.bind.port = " + bind[i] + "\nshardview.metrics.replicas = "
                            + options.getInt("--metrics-replicas", 1) + "\n");
            Map<String, String> env = Map.of(
                    "SHARDVIEW_PROFILE",
                    "cluster",
                    "SHARDVIEW_REGION",
                    regions[i],
                    "SHARDVIEW_JOURNAL_URL",
                    System.getenv(regions[i].toUpperCase() + "_JOURNAL_URL"),
                    "SHARDVIEW_JOURNAL_USER",
                    System.getenv().getOrDefault("SHARDVIEW_JOURNAL_USER", "postgres"),
                    "SHARDVIEW_SEED_NODES",
                    seeds);
            nodes.add(NodeUnderTest.start(
                    Path.of("cluster/target/shardview.jar"),
                    dir.resolve("data-" + regions[i]),
                    options.get("--java-opts", "-Xmx2g -XX:MaxGCPauseMillis=50"),
                    List.of("--cluster-port", String.valueOf(canonical[i]), "--config", conf.toString()),
                    env));
        }
        eu = nodes.get(0).url;
        us = nodes.get(1).url;
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (upMembers(us) < 2 || upMembers(eu) < 2) {
            if (System.nanoTime() > deadline) throw new IllegalStateException("the regions did not form one cluster");
            Thread.sleep(250);
        }
        String mode = options.get("--mode", "async");
        System.out.printf("two regions of one node each, %d ms added between them, %s replication%n", delay, mode);
        for (int t = 0; t < tenants; t++) create(eu, "r" + t);
        for (int t = 0; t < tenants; t++) awaitVersion(us, "r" + t, 1);
        if (mode.equals("sync")) {
            for (int t = 0; t < tenants; t++) {
                expect(
                        200,
                        put(
                                eu + "/v1/tenants/r" + t + "/replication",
                                "application/json",
                                "{\"mode\": \"sync\", \"min_regions\": 1}"));
            }
        } else if (!mode.equals("async")) {
            throw new IllegalArgumentException("--mode is async or sync, not " + mode);
        }
    }

    private static long upMembers(String node) throws Exception {
        JsonNode cluster = JSON.readTree(get(node + "/v1/cluster").body());
        long up = 0;
        for (JsonNode m : cluster.path("members")) if (m.path("status").asText().equals("Up")) up++;
        return up;
    }

    private static void create(String node, String tenant) throws Exception {
        expect(
                200,
                post(
                        node + "/v1/tenants/" + tenant + "/sql",
                        "application/sql",
                        "CREATE TABLE t (id BIGINT NOT NULL, v BIGINT, PRIMARY KEY (id));"
                                + "CREATE VIEW s AS SELECT COUNT(*) AS n, SUM(v) AS total FROM t"));
    }

    /** Waits until {@code node}'s replica of {@code tenant} has {@code version}; returns when it saw it. */
    private static long awaitVersion(String node, String tenant, long version) throws Exception {
        while (true) {
            HttpResponse<String> reply =
                    get(node + "/v1/tenants/" + tenant + "/views/s?min_version=" + version + "&wait_ms=10000");
            if (reply.statusCode() == 200
                    && JSON.readTree(reply.body()).path("version").asLong() >= version) {
                return System.nanoTime();
            }
            if (reply.statusCode() != 200) Thread.sleep(200);
        }
    }

    // ---- open-loop writes to eu -----------------------------------------------------------------

    /** What the writer saw: each tenant's highest acknowledged version, the probe's versions' ack times, statuses. */
    private static final class Writes {
        final Map<String, AtomicLong> acked = new ConcurrentHashMap<>();
        final Map<Long, Long> probeAckedAt = new ConcurrentHashMap<>();
        final ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
        final Map<Integer, AtomicLong> statuses = new ConcurrentHashMap<>();
        volatile boolean measuring;
    }

    /**
     * Sends batches to eu at {@code rate} per second, round robin over the tenants, over {@code --connections} kept-alive
     * connections (default 64), until stopped.
     */
    private PacedPosts writer(int rate, Writes writes, AtomicLong sequence) {
        return PacedPosts.start(
                eu,
                rate,
                options.getInt("--connections", 64),
                sequence,
                k -> new PacedPosts.Post(
                        "/v1/tenants/r" + (k % tenants) + "/ingest",
                        "{\"batch_id\": \"k" + k + "\", \"ops\": [{\"op\": \"upsert\", \"table\": \"t\", \"row\": "
                                + "{\"id\": " + (k % 1000) + ", \"v\": " + k + "}}]}"),
                (k, status, body, due, answered) -> {
                    writes.statuses
                            .computeIfAbsent(status, s -> new AtomicLong())
                            .incrementAndGet();
                    if (status != 200) return;
                    if (writes.measuring) writes.latencies.add(answered - due);
                    String tenant = "r" + (k % tenants);
                    long version = version(body);
                    writes.acked.computeIfAbsent(tenant, t -> new AtomicLong()).accumulateAndGet(version, Math::max);
                    if (tenant.equals("r0")) writes.probeAckedAt.putIfAbsent(version, answered);
                });
    }

    private static long version(String body) {
        try {
            return JSON.readTree(body).path("version").asLong();
        } catch (Exception e) {
            return 0;
        }
    }

    /** Long-polls us for the probe tenant's versions, recording when each first became visible there. */
    private Thread prober(AtomicBoolean running, Map<Long, Long> visibleAt) {
        Thread thread = new Thread(
                () -> {
                    long seen = 0;
                    while (running.get()) {
                        try {
                            HttpResponse<String> reply =
                                    get(us + "/v1/tenants/r0/views/s?min_version=" + (seen + 1) + "&wait_ms=5000");
                            long now = System.nanoTime();
                            if (reply.statusCode() != 200) continue;
                            long version =
                                    JSON.readTree(reply.body()).path("version").asLong();
                            for (long v = seen + 1; v <= version; v++) visibleAt.put(v, now);
                            seen = Math.max(seen, version);
                        } catch (Exception e) {
                            // us paused or busy: ask again
                        }
                    }
                },
                "prober");
        thread.start();
        return thread;
    }

    // ---- 0: metrics ingest, with or without copies in the other region ----------------------------

    /**
     * Sends metrics to eu at {@code rate} requests per second (JSON lines, 10 series of one point each, 100 hosts), over
     * {@code --connections} kept-alive connections: each is acknowledged once stored, in us too with
     * {@code --metrics-replicas 2} (docs/regions.md, "A copy of each region's metrics").
     */
    private void metrics(int rate, int seconds) throws Exception {
        ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
        Map<Integer, AtomicLong> statuses = new ConcurrentHashMap<>();
        AtomicBoolean measuring = new AtomicBoolean();
        long base = System.currentTimeMillis() - 3_600_000L;
        PacedPosts writer = PacedPosts.start(
                eu,
                rate,
                options.getInt("--connections", 64),
                new AtomicLong(),
                k -> {
                    StringBuilder body = new StringBuilder();
                    for (int s = 0; s < 10; s++) {
                        body.append("{\"metric\":{\"__name__\":\"bench_load\",\"host\":\"h")
                                .append(k % 100)
                                .append("\",\"core\":\"")
                                .append(s)
                                .append("\"},\"values\":[")
                                .append(k)
                                .append("],\"timestamps\":[")
                                .append(base + k)
                                .append("]}\n");
                    }
                    return new PacedPosts.Post("/v1/tenants/m/prom/api/v1/import", body.toString());
                },
                (k, status, body, due, answered) -> {
                    statuses.computeIfAbsent(status, c -> new AtomicLong()).incrementAndGet();
                    if (status / 100 == 2 && measuring.get()) latencies.add(answered - due);
                });
        Thread.sleep(options.getInt("--warmup-seconds", 20) * 1000L);
        measuring.set(true);
        ClientCpu.Interval measured =
                ClientCpu.begin(nodes.get(0).pid(), nodes.get(1).pid());
        Thread.sleep(seconds * 1000L);
        measuring.set(false);
        ClientCpu used = measured.end("eu and us nodes");
        writer.stop();
        long[] ack = latencies.stream().mapToLong(Long::longValue).toArray();
        System.out.printf(
                "metrics at %d requests/s (10 points each) to eu for %d s, shardview.metrics.replicas = %d: %d"
                        + " acknowledged, statuses %s%n",
                rate, seconds, options.getInt("--metrics-replicas", 1), ack.length, statuses);
        System.out.printf("  ack at eu: %s%n", TenantLoad.p50p99max(ack));
        System.out.println("  " + used.line());
    }

    // ---- 1: lag at a steady rate -----------------------------------------------------------------

    private void lag(int rate, int seconds) throws Exception {
        Writes writes = new Writes();
        Map<Long, Long> visibleAt = new ConcurrentHashMap<>();
        AtomicBoolean running = new AtomicBoolean(true);
        Thread prober = prober(running, visibleAt);
        String delayBefore = get(us + "/metrics").body();
        double[] cpuBefore = cpu();
        long wallFrom = System.nanoTime();
        PacedPosts writer = writer(rate, writes, new AtomicLong());
        Thread.sleep(options.getInt("--warmup-seconds", 20) * 1000L); // the JIT compiles the paths under load
        writes.measuring = true;
        long measuredFrom = System.nanoTime();
        ClientCpu.Interval measured =
                ClientCpu.begin(nodes.get(0).pid(), nodes.get(1).pid());
        Thread.sleep(seconds * 1000L);
        writes.measuring = false;
        long measuredTo = System.nanoTime();
        ClientCpu used = measured.end("eu and us nodes");
        running.set(false);
        writer.stop();
        Thread.sleep(3_000);
        prober.join();
        double[] cpuAfter = cpu();
        long wallTo = System.nanoTime();
        String delayAfter = get(us + "/metrics").body();

        List<Long> lags = new ArrayList<>();
        writes.probeAckedAt.forEach((version, ackedAt) -> {
            Long visible = visibleAt.get(version);
            if (ackedAt >= measuredFrom && ackedAt <= measuredTo && visible != null)
                lags.add(Math.max(0, visible - ackedAt));
        });
        long[] lag = lags.stream().mapToLong(Long::longValue).sorted().toArray();
        long[] ack =
                writes.latencies.stream().mapToLong(Long::longValue).sorted().toArray();
        System.out.printf(
                "lag at %d batches/s to eu over %d tenants for %d s: %d batches acknowledged, statuses %s%n",
                rate, tenants, seconds, ack.length, writes.statuses);
        System.out.printf("  ack at eu: %s%n", TenantLoad.p50p99max(ack));
        System.out.printf(
                "  probe tenant r0, eu ack to visible at us (%d versions): %s%n",
                lag.length, TenantLoad.p50p99max(lag));
        System.out.printf(
                "  us replication delay (home sent to persisted at us, histogram): p50 <= %s s, p99 <= %s s%n",
                histogramQuantile(delayBefore, delayAfter, 0.5), histogramQuantile(delayBefore, delayAfter, 0.99));
        System.out.printf(
                "  CPU seconds: eu %.1f, us %.1f, postgres %.1f, this client %.1f (%.1f s wall, warm-up included)%n",
                cpuAfter[0] - cpuBefore[0],
                cpuAfter[1] - cpuBefore[1],
                cpuAfter[2] - cpuBefore[2],
                cpuAfter[3] - cpuBefore[3],
                (wallTo - wallFrom) / 1e9);
        System.out.println("  " + used.line());
    }

    // ---- 2: catch-up after a partition -----------------------------------------------------------

    private void partition(int rate, int pauseSeconds) throws Exception {
        Writes writes = new Writes();
        AtomicLong sequence = new AtomicLong(10_000_000L);
        PacedPosts writer = writer(rate, writes, sequence);
        Thread.sleep(5_000);
        long pid = nodes.get(1).pid();
        long ackedAtStop = 0;
        for (AtomicLong version : writes.acked.values()) ackedAtStop += version.get();
        signal(pid, "STOP");
        Thread.sleep(pauseSeconds * 1000L);
        Map<String, Long> target = new java.util.TreeMap<>();
        writes.acked.forEach((tenant, version) -> target.put(tenant, version.get()));
        long resumed = System.nanoTime();
        signal(pid, "CONT");
        long[] caughtUp = new long[target.size()];
        int i = 0;
        for (Map.Entry<String, Long> tenant : target.entrySet()) {
            caughtUp[i++] = awaitVersion(us, tenant.getKey(), tenant.getValue()) - resumed;
        }
        writer.stop();
        Arrays.sort(caughtUp);
        long behind = 0;
        for (long v : target.values()) behind += v;
        System.out.printf(
                "catch-up: us paused %d s while eu took %d batches/s over %d tenants (statuses at eu %s); "
                        + "after SIGCONT us had every tenant at eu's version of that moment (%d versions in all, "
                        + "%d acknowledged during the pause) "
                        + "after %.2f s (first tenant %.2f s)%n",
                pauseSeconds,
                rate,
                tenants,
                writes.statuses,
                behind,
                behind - ackedAtStop,
                caughtUp[caughtUp.length - 1] / 1e9,
                caughtUp[0] / 1e9);
    }

    private static void signal(long pid, String signal) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, String.valueOf(pid))
                .inheritIO()
                .start();
        if (kill.waitFor() != 0) throw new IllegalStateException("kill -" + signal + " " + pid + " failed");
    }

    // ---- 3: the idle cost of many replicated tenants -------------------------------------------

    private void idle(int count, int seconds) throws Exception {
        Map<String, Double> baseline = idleWindow(seconds);
        Semaphore inFlight = new Semaphore(16);
        List<CompletableFuture<?>> pending = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String tenant = "i" + i;
            inFlight.acquire();
            pending.add(CompletableFuture.runAsync(() -> {
                        try {
                            create(eu, tenant);
                            expect(
                                    200,
                                    post(
                                            eu + "/v1/tenants/" + tenant + "/ingest",
                                            "application/json",
                                            "{\"ops\": [{\"op\": \"insert\", \"table\": \"t\", \"row\": {\"id\": 1, \"v\": 1}}]}"));
                            awaitVersion(us, tenant, 2);
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    })
                    .whenComplete((done, error) -> inFlight.release()));
        }
        CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).join();
        Thread.sleep(5_000);
        String following = metric(get(us + "/metrics").body(), "shardview_replicas_following");
        Map<String, Double> loaded = idleWindow(seconds);
        System.out.printf(
                "idle: %d tenants created in eu and replicated to us (us replicas following: %s), then %d s without"
                        + " requests%n",
                count, following, seconds);
        for (String key : loaded.keySet()) {
            System.out.printf(
                    "  %-34s %10.3f with them, %10.3f with %d tenants before%n",
                    key, loaded.get(key), baseline.get(key), tenants);
        }
    }

    /** CPU (cores) of each node and of PostgreSQL, and transactions/s on each journal database, over a window. */
    private Map<String, Double> idleWindow(int seconds) throws Exception {
        double[] cpuBefore = cpu();
        long[] xactBefore = {transactions("EU_JOURNAL_URL"), transactions("US_JOURNAL_URL")};
        long t0 = System.nanoTime();
        Thread.sleep(seconds * 1000L);
        double wall = (System.nanoTime() - t0) / 1e9;
        double[] cpuAfter = cpu();
        long[] xactAfter = {transactions("EU_JOURNAL_URL"), transactions("US_JOURNAL_URL")};
        Map<String, Double> window = new java.util.LinkedHashMap<>();
        window.put("eu node CPU (cores)", (cpuAfter[0] - cpuBefore[0]) / wall);
        window.put("us node CPU (cores)", (cpuAfter[1] - cpuBefore[1]) / wall);
        window.put("postgres CPU (cores)", (cpuAfter[2] - cpuBefore[2]) / wall);
        window.put("eu journal db transactions/s", (xactAfter[0] - xactBefore[0]) / wall);
        window.put("us journal db transactions/s", (xactAfter[1] - xactBefore[1]) / wall);
        return window;
    }

    private static long transactions(String urlVariable) throws Exception {
        String url = System.getenv(urlVariable);
        String database = url.substring(url.lastIndexOf('/') + 1);
        String admin = url.substring(0, url.lastIndexOf('/') + 1) + "postgres";
        try (Connection c = DriverManager.getConnection(
                        admin, System.getenv().getOrDefault("SHARDVIEW_JOURNAL_USER", "postgres"), "");
                PreparedStatement q = c.prepareStatement(
                        "SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = ?")) {
            q.setString(1, database);
            try (ResultSet r = q.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        }
    }

    /** CPU seconds so far of the eu node, the us node, and PostgreSQL's processes. */
    private double[] cpu() throws Exception {
        double postgres = ProcessResources.postgresCpuSeconds();
        return new double[] {
            ProcessResources.cpuSeconds(nodes.get(0).pid()),
            ProcessResources.cpuSeconds(nodes.get(1).pid()),
            postgres,
            ProcessResources.cpuSeconds(ProcessHandle.current().pid())
        };
    }

    private static final Pattern BUCKET =
            Pattern.compile("shardview_replication_delay_seconds_bucket\\{le=\"([^\"]+)\"\\} ([0-9.eE+]+)");

    /** The upper bound of the histogram bucket holding quantile {@code q} of the observations between two scrapes. */
    static String histogramQuantile(String before, String after, double q) {
        Map<String, Double> start = buckets(before);
        Map<String, Double> end = buckets(after);
        List<String> bounds = new ArrayList<>(end.keySet());
        double total = end.getOrDefault("+Inf", 0.0) - start.getOrDefault("+Inf", 0.0);
        if (total <= 0) return "n/a";
        for (String bound : bounds) {
            double count = end.get(bound) - start.getOrDefault(bound, 0.0);
            if (count >= q * total) return bound;
        }
        return "+Inf";
    }

    private static Map<String, Double> buckets(String metrics) {
        Map<String, Double> buckets = new java.util.LinkedHashMap<>();
        Matcher m = BUCKET.matcher(metrics);
        while (m.find()) buckets.put(m.group(1), Double.parseDouble(m.group(2)));
        return buckets;
    }

    private static String metric(String metrics, String name) {
        Matcher m =
                Pattern.compile("(?m)^" + name + "(\\{[^}]*\\})? ([0-9.eE+]+)$").matcher(metrics);
        StringBuilder found = new StringBuilder();
        while (m.find())
            found.append(m.group(1) == null ? "" : m.group(1))
                    .append(' ')
                    .append(m.group(2))
                    .append(' ');
        return found.toString().trim();
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
