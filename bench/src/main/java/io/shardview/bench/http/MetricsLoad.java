package io.shardview.bench.http;

import io.shardview.bench.metrics.CpuOnlyDataset;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Metrics ingest load (issue 5): the TSBS cpu-only-style dataset ({@link CpuOnlyDataset}, 100 hosts x
 * 10 metrics x 24 h at 10 s = 8.64M points) as Influx line protocol over HTTP with 2 concurrent
 * senders, into the packaged Shardview node and into VictoriaMetrics, alternately, each on a fresh
 * data directory. Per system and run: points/s (first request sent to last acknowledged), bytes
 * per point on disk after sealing and a clean stop (Shardview: once every shard, idle for its
 * seal-after-idle, sealed its heads, snapshotted and deleted the events the snapshot covers, i.e.
 * /metrics counts every point as sealed and the data directory's size was steady for 6 s;
 * VictoriaMetrics: after a flush and once its background merges left the size steady for 6 s),
 * heap per active series (used heap after ingest, warm-up included, minus used
 * heap of the idle server, per series: after full GCs for the JVM, Go's heap in use for
 * VictoriaMetrics, which has no GC trigger), and the server's CPU time while it ingested, which
 * depends much less than points/s on the other work sharing the machine's cores. For Shardview it
 * then restarts the node on the loaded data directory and reports how long recovery took (all
 * shards, started by one export that reaches every shard and must return a whole series). Right after each measured
 * load it prints the server's CPU and this client's over it ({@link ClientCpu}): the senders share the cores.
 *
 * <p>Before the measured hours, {@code --warmup-hours} (24) of the same hosts are sent to each system,
 * untimed, in requests of {@code --warmup-rows-per-request} (1,000) rows: the servers are measured warm, as long-running ones are (the JVM's JIT compiles the node's
 * ingest path meanwhile; 0 measures a freshly started node, JIT work included). Bytes per point
 * count every stored point, warm-up included.
 *
 * <p>Usage: {@code bench/metrics-load [--runs 2] [--hosts 100] [--hours 24] [--warmup-hours 24] [--warmup-rows-per-request 1000] [--rows-per-request 10000]
 * [--senders 2] [--only both|shardview|victoriametrics] [--java-opts "-Xmx4g"]
 * [--victoria-metrics /usr/bin/victoria-metrics] [--baseline-jar OLDER/shardview.jar] [--node-config FILE]}
 */
public final class MetricsLoad {
    private static final String TENANT = "bench";
    private static final Pattern QUERY_VALUE = Pattern.compile("\"value\":\\[[^,]+,\"([0-9.e+]+)\"\\]");

    /** One system's figures in one run. */
    record Measurement(
            String system,
            int run,
            long points,
            long storedPoints,
            int series,
            double seconds,
            double cpuSeconds,
            long diskBytes,
            long heapGrowthBytes,
            long rssGrowthBytes,
            String note) {
        double pointsPerSecond() {
            return points / seconds;
        }

        /** Points per second of the server's own CPU time (user + system) while it ingested. */
        double pointsPerCpuSecond() {
            return points / cpuSeconds;
        }

        /** Bytes on disk per point stored, warm-up points included. */
        double bytesPerPoint() {
            return (double) diskBytes / storedPoints;
        }

        double heapPerSeries() {
            return (double) heapGrowthBytes / series;
        }
    }

    private record Sent(double seconds, long retries, String firstPartialReply) {}

    public static void main(String[] args) throws Exception {
        Options options = new Options(args);
        Path jar = Path.of(options.get("--jar", "cluster/target/shardview.jar"));
        Path vmBinary = Path.of(options.get("--victoria-metrics", "/usr/bin/victoria-metrics"));
        // Optionally an older build of the node, measured in the same runs: before/after ratios of a change.
        String baselineJar = options.get("--baseline-jar", "");
        // Optionally a HOCON file for the node (e.g. other snapshot settings), passed as serve --config.
        String nodeConfig = options.get("--node-config", "");
        List<String> serveArgs = nodeConfig.isEmpty() ? List.of() : List.of("--config", nodeConfig);
        int hosts = options.getInt("--hosts", 100);
        int hours = options.getInt("--hours", 24);
        // The hours before the measured ones, sent first and not timed: the server is measured warm (its
        // JIT compiled the ingest path), as a long-running one is; 0 measures a freshly started server.
        int warmupHours = options.getInt("--warmup-hours", 24);
        // In smaller requests than the measured ones: ten times as many requests run the per-request code
        // (HTTP, sharding asks, journal writes) often enough for the JIT to compile it, as in a server that
        // has been up for a while; with 87 requests of 10,000 rows a JVM still compiles it during the
        // measured load (about a third of its CPU time there, measured).
        int warmupRows = options.getInt("--warmup-rows-per-request", 1_000);
        int rowsPerRequest = options.getInt("--rows-per-request", 10_000);
        int senders = options.getInt("--senders", 2);
        int runs = options.getInt("--runs", 2);
        String only = options.get("--only", "both");
        String javaOpts = options.get("--java-opts", "-Xmx4g");

        // Recent timestamps (the last point 10 minutes ago): VictoriaMetrics refuses points older than its
        // retention (1 month by default) and Shardview points more than 10 minutes ahead of its clock.
        long step = CpuOnlyDataset.STEP_MS;
        int pointsPerSeries = hours * 3600 / 10;
        long start = (System.currentTimeMillis() - 600_000 - pointsPerSeries * step) / step * step;
        CpuOnlyDataset data = new CpuOnlyDataset(hosts, pointsPerSeries, 42, start);
        List<byte[]> bodies = CpuOnlyLineProtocol.bodies(data, rowsPerRequest);
        long points = data.totalPoints();
        int warmupPerSeries = warmupHours * 3600 / 10;
        List<byte[]> warmup = warmupPerSeries == 0
                ? List.of()
                : CpuOnlyLineProtocol.bodies(
                        new CpuOnlyDataset(hosts, warmupPerSeries, 43, start - warmupPerSeries * step), warmupRows);
        Load load = new Load(
                warmup,
                bodies,
                points,
                points + (long) hosts * 10 * warmupPerSeries,
                warmupPerSeries + pointsPerSeries);
        int series = data.seriesCount();
        long lastMs = start + (pointsPerSeries - 1) * step;
        long bodyBytes = bodies.stream().mapToLong(b -> b.length).sum();
        data = null; // only the rendered bodies are needed from here on
        System.out.printf(
                "dataset: %d hosts x 10 metrics x %d h at 10 s = %,d points, %d series; %d requests of %d rows"
                        + " (%d points), %.1f MB of line protocol (%.1f B/pt), %d senders%n",
                hosts,
                hours,
                points,
                series,
                bodies.size(),
                rowsPerRequest,
                rowsPerRequest * 10,
                bodyBytes / 1e6,
                (double) bodyBytes / points,
                senders);
        System.out.printf(
                "warm-up: the %d h before, %d requests of %d rows, sent first and not timed%n",
                warmupHours, warmup.size(), warmupRows);

        List<Measurement> results = new ArrayList<>();
        for (int run = 1; run <= runs; run++) {
            if (!only.equals("victoriametrics")) {
                // With a baseline, odd runs measure this build first and even runs the baseline first: the node
                // measured first in an invocation tends to score lower (JIT and page cache of the shared machine).
                List<String> order = baselineJar.isEmpty()
                        ? List.of("shardview")
                        : run % 2 == 1
                                ? List.of("shardview", "shardview-baseline")
                                : List.of("shardview-baseline", "shardview");
                for (String name : order) {
                    Path build = name.equals("shardview") ? jar : Path.of(baselineJar);
                    results.add(report(shardview(name, build, javaOpts, serveArgs, load, senders, run, series)));
                }
            }
            if (!only.equals("shardview"))
                results.add(report(victoriaMetrics(vmBinary, load, senders, run, series, lastMs)));
        }
        summary(results);
    }

    /**
     * What is sent: the warm-up bodies (untimed), then the measured ones; points per series counts
     * both, as the stores hold both.
     */
    private record Load(
            List<byte[]> warmup, List<byte[]> bodies, long points, long storedPoints, int pointsPerSeries) {}

    // ---- the two systems ------------------------------------------------------------------------

    private static Measurement shardview(
            String name, Path jar, String javaOpts, List<String> serveArgs, Load load, int senders, int run, int series)
            throws Exception {
        Path dir = Files.createTempDirectory("shardview-metrics-load");
        Sent sent;
        double cpu;
        String sealing;
        String threadCpu;
        String settled;
        String serverTime;
        long heapBefore;
        long heapAfter;
        long rssBefore;
        long rssAfter;
        try (NodeUnderTest node = NodeUnderTest.start(jar, dir, javaOpts, serveArgs)) {
            String url = node.url + "/v1/tenants/" + TENANT + "/influx/write?precision=ms";
            heapBefore = ProcessResources.heapAfterFullGc(node.pid());
            rssBefore = ProcessResources.residentBytes(node.pid());
            send(url, load.warmup(), senders);
            settled = awaitQuiet(node.pid());
            double cpuBefore = ProcessResources.cpuSeconds(node.pid());
            double systemBefore = ProcessResources.systemCpuSeconds(node.pid());
            Map<String, Double> threadsBefore = ProcessResources.cpuSecondsByThread(node.pid());
            System.out.println("measured load of " + name + " from " + java.time.Instant.now()); // to cut profiles
            double[] routeBefore = writeRouteSeconds(node.url);
            ClientCpu.Interval measured = ClientCpu.begin(node.pid());
            sent = send(url, load.bodies(), senders);
            ClientCpu used = measured.end(name);
            double[] routeAfter = writeRouteSeconds(node.url);
            System.out.println("measured load of " + name + " until " + java.time.Instant.now());
            used.print();
            serverTime = String.format(
                    "server time per request %.1f ms (%d requests), client %.1f ms",
                    (routeAfter[0] - routeBefore[0]) * 1000 / (routeAfter[1] - routeBefore[1]),
                    Math.round(routeAfter[1] - routeBefore[1]),
                    sent.seconds() * 1000 * senders / load.bodies().size());
            cpu = ProcessResources.cpuSeconds(node.pid()) - cpuBefore;
            threadCpu = threadCpu(threadsBefore, ProcessResources.cpuSecondsByThread(node.pid()))
                    + String.format(
                            " (kernel time %.2f s of %.2f)",
                            ProcessResources.systemCpuSeconds(node.pid()) - systemBefore, cpu);
            heapAfter = ProcessResources.heapAfterFullGc(node.pid());
            rssAfter = ProcessResources.residentBytes(node.pid());
            sealing = awaitSealed(node, dir, load.storedPoints());
        }
        String note = String.format(
                "%s; %s; CPU s by thread during the load: %s; journal %.1f MB, snapshots %.1f MB; heap after full GC %.1f -> %.1f MB; %s; %s",
                settled,
                serverTime,
                threadCpu,
                bytesUnder(dir.resolve("journal")) / 1e6,
                bytesUnder(dir.resolve("snapshots")) / 1e6,
                heapBefore / 1e6,
                heapAfter / 1e6,
                sealing,
                recovery(jar, dir, javaOpts, serveArgs, load.pointsPerSeries()));
        if (sent.firstPartialReply() != null) note += "; partial reply: " + sent.firstPartialReply();
        return new Measurement(
                name,
                run,
                load.points(),
                load.storedPoints(),
                series,
                sent.seconds(),
                cpu,
                bytesUnder(dir),
                heapAfter - heapBefore,
                rssAfter - rssBefore,
                note + retries(sent));
    }

    /**
     * Waits (at most 5 minutes) until the node's /metrics counts every point as sealed and no event
     * after the shards' latest snapshots (they went idle, sealed their heads and snapshotted), then
     * until the data directory's size is steady (the events the snapshots cover deleted and compacted
     * away); returns what that took. Every point may be in a sealed chunk long before the idle seal
     * (a head is sealed at 120 points), so the event count is what tells the snapshots were taken.
     */
    private static String awaitSealed(NodeUnderTest node, Path dir, long points) throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        long startNanos = System.nanoTime();
        double cpuBefore = ProcessResources.cpuSeconds(node.pid());
        double sealed = 0;
        double events = -1;
        while (sealed < points || events != 0) {
            if (System.nanoTime() - startNanos > TimeUnit.MINUTES.toNanos(5)) {
                throw new IllegalStateException("within 5 minutes shards sealed only " + sealed + " of " + points
                        + " points, with " + events + " events after their snapshots");
            }
            Thread.sleep(1000);
            NodeUnderTest.Sealing sealing = node.sealing(client);
            sealed = sealing.sealedPoints();
            events = sealing.eventsSinceSnapshot(); // 0 until the gauge is built: sealed points decide then
        }
        double sealedAfter = (System.nanoTime() - startNanos) / 1e9;
        awaitSteadySize(dir);
        return String.format(
                "all points sealed %.0f s after the load, size steady after %.0f s, %.1f CPU s",
                sealedAfter,
                (System.nanoTime() - startNanos) / 1e9,
                ProcessResources.cpuSeconds(node.pid()) - cpuBefore);
    }

    /**
     * Restarts the node on {@code dir} and exports one series, which starts (recovers) every shard of
     * the tenant; checks the series is whole. Returns the time to ready, to the export, and the CPU
     * the process used by then (JVM start included).
     */
    private static String recovery(Path jar, Path dir, String javaOpts, List<String> serveArgs, int pointsPerSeries)
            throws Exception {
        long startNanos = System.nanoTime();
        try (NodeUnderTest node = NodeUnderTest.start(jar, dir, javaOpts, serveArgs)) {
            double ready = (System.nanoTime() - startNanos) / 1e9;
            String match = java.net.URLEncoder.encode(
                    "{__name__=\"cpu_usage_user\",hostname=\"host_0\"}", java.nio.charset.StandardCharsets.UTF_8);
            HttpResponse<String> export = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(node.url + "/v1/tenants/" + TENANT
                                            + "/prom/api/v1/export?match%5B%5D=" + match))
                                    .timeout(java.time.Duration.ofMinutes(5))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            double exported = (System.nanoTime() - startNanos) / 1e9;
            String body = export.body();
            int timestamps = body.indexOf("\"timestamps\":[");
            long count = timestamps < 0
                    ? 0
                    : body.substring(timestamps, body.indexOf(']', timestamps))
                                    .chars()
                                    .filter(c -> c == ',')
                                    .count()
                            + 1;
            if (export.statusCode() != 200 || count != pointsPerSeries) {
                throw new IllegalStateException("after restart the export answered " + export.statusCode() + " with "
                        + count + " points, expected " + pointsPerSeries);
            }
            return String.format(
                    "restart: ready after %.1f s, all shards recovered and one series exported whole after %.1f s,"
                            + " %.1f CPU s",
                    ready, exported, ProcessResources.cpuSeconds(node.pid()));
        }
    }

    private static Measurement victoriaMetrics(Path binary, Load load, int senders, int run, int series, long lastMs)
            throws Exception {
        Path dir = Files.createTempDirectory("victoria-metrics-load").resolve("data");
        Sent sent;
        double cpu;
        double heapBefore;
        double heapAfter;
        long rssBefore;
        long rssAfter;
        String stored;
        String settled;
        try (VictoriaMetricsUnderTest vm = VictoriaMetricsUnderTest.start(binary, dir)) {
            heapBefore = vm.metric("go_memstats_heap_inuse_bytes");
            rssBefore = ProcessResources.residentBytes(vm.pid());
            send(vm.url + "/write?precision=ms", load.warmup(), senders);
            settled = awaitQuiet(vm.pid());
            double cpuBefore = ProcessResources.cpuSeconds(vm.pid());
            ClientCpu.Interval measured = ClientCpu.begin(vm.pid());
            sent = send(vm.url + "/write?precision=ms", load.bodies(), senders);
            measured.end("victoria-metrics").print();
            vm.get("/internal/force_flush"); // its 204 means buffered in memory: make the points searchable
            cpu = ProcessResources.cpuSeconds(vm.pid()) - cpuBefore; // its background merges come later, uncounted
            // Count what it stored, as its 204 is no proof of that.
            String reply = vm.get("/api/v1/query?query="
                    + java.net.URLEncoder.encode(
                            "sum(count_over_time({__name__=~\"cpu_.+|system_.+\"}["
                                    + (load.pointsPerSeries() / 8640 + 2) + "d]))",
                            java.nio.charset.StandardCharsets.UTF_8)
                    + "&time=" + (lastMs / 1000 + 1));
            Matcher m = QUERY_VALUE.matcher(reply);
            stored = m.find() ? m.group(1) : "? (" + reply + ")";
            Thread.sleep(2000); // its /metrics page refreshes Go's memory statistics only now and then
            heapAfter = vm.metric("go_memstats_heap_inuse_bytes");
            rssAfter = ProcessResources.residentBytes(vm.pid());
            awaitSteadySize(dir); // background merges shrink what it flushed: measure their result
        }
        return new Measurement(
                "victoria-metrics",
                run,
                load.points(),
                load.storedPoints(),
                series,
                sent.seconds(),
                cpu,
                bytesUnder(dir),
                Math.round(heapAfter - heapBefore),
                rssAfter - rssBefore,
                String.format(
                                "%s; stored points: %s; Go heap in use %.1f -> %.1f MB",
                                settled, stored, heapBefore / 1e6, heapAfter / 1e6)
                        + retries(sent));
    }

    /** The thread groups that used at least 0.05 CPU s between two readings, most first. */
    private static String threadCpu(Map<String, Double> before, Map<String, Double> after) {
        StringBuilder out = new StringBuilder();
        after.entrySet().stream()
                .map(e -> Map.entry(e.getKey(), e.getValue() - before.getOrDefault(e.getKey(), 0.0)))
                .filter(e -> e.getValue() >= 0.05)
                .sorted((a, b) -> Double.compare(b.getValue(), a.getValue()))
                .forEach(e -> out.append(out.length() == 0 ? "" : ", ")
                        .append(e.getKey())
                        .append(String.format(" %.2f", e.getValue())));
        return out.toString();
    }

    /**
     * After the warm-up, waits until the server used under 0.05 CPU s in a second (its JIT compiled
     * what the warm-up queued, VictoriaMetrics merged what it flushed), for at most 20 s: less than
     * Shardview's seal-after-idle, so the measured load still finds the warm-up's data unsealed.
     */
    private static String awaitQuiet(long pid) throws Exception {
        long start = System.nanoTime();
        double before = ProcessResources.cpuSeconds(pid);
        double total = 0;
        while (System.nanoTime() - start < TimeUnit.SECONDS.toNanos(20)) {
            Thread.sleep(1000);
            double now = ProcessResources.cpuSeconds(pid);
            total += now - before;
            if (now - before < 0.05) {
                return String.format(
                        "quiet %.0f s after the warm-up (%.1f CPU s meanwhile)",
                        (System.nanoTime() - start) / 1e9, total);
            }
            before = now;
        }
        return String.format("not quiet 20 s after the warm-up (%.1f CPU s meanwhile)", total);
    }

    private static final Pattern WRITE_ROUTE = Pattern.compile(
            "(?m)^shardview_http_request_duration_seconds_(sum|count)\\{[^}]*route=\"/v1/tenants/\\{t}/influx/write\"[^}]*} (\\S+)$");

    /** The node's summed seconds and count of influx write requests (all statuses), from its /metrics. */
    private static double[] writeRouteSeconds(String nodeUrl) throws Exception {
        String page = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(nodeUrl + "/metrics")).build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
        double[] out = new double[2];
        Matcher m = WRITE_ROUTE.matcher(page);
        while (m.find()) out[m.group(1).equals("sum") ? 0 : 1] += Double.parseDouble(m.group(2));
        return out;
    }

    private static String retries(Sent sent) {
        return sent.retries() == 0 ? "" : "; " + sent.retries() + " requests retried after 429/503";
    }

    // ---- load -----------------------------------------------------------------------------------

    /**
     * Sends every body once, {@code senders} requests at a time on persistent connections; a 429 or
     * 503 is retried after a second (a repeated point keeps its value, so a retry changes nothing).
     */
    private static Sent send(String url, List<byte[]> bodies, int senders) throws Exception {
        AtomicInteger next = new AtomicInteger();
        AtomicLong retries = new AtomicLong();
        AtomicReference<String> partial = new AtomicReference<>();
        AtomicReference<Exception> failure = new AtomicReference<>();
        long startNanos = System.nanoTime();
        List<Thread> threads = new ArrayList<>();
        for (int s = 0; s < senders; s++) {
            Thread sender = new Thread(() -> {
                try {
                    for (int i; failure.get() == null && (i = next.getAndIncrement()) < bodies.size(); ) {
                        post(url, bodies.get(i), retries, partial);
                    }
                } catch (Exception e) {
                    failure.compareAndSet(null, e);
                }
            });
            threads.add(sender);
            sender.start();
        }
        for (Thread sender : threads) sender.join();
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        if (failure.get() != null) throw failure.get();
        return new Sent(seconds, retries.get(), partial.get());
    }

    /** Posts {@code body} over this sender's kept-alive connection ({@link KeptAlive}), retrying 429 and 503. */
    private static void post(String url, byte[] body, AtomicLong retries, AtomicReference<String> partial)
            throws Exception {
        URI uri = URI.create(url);
        for (int attempt = 0; ; attempt++) {
            KeptAlive.Reply response = KeptAlive.request(uri, "POST", "text/plain", body);
            int status = response.status();
            if (status == 204) return;
            if (status == 200) { // accepted, but some points were dropped by rule: keep the first such reply
                partial.compareAndSet(null, response.body());
                return;
            }
            if ((status == 429 || status == 503) && attempt < 30) {
                retries.incrementAndGet();
                Thread.sleep(1000);
                continue;
            }
            throw new IllegalStateException(url + " answered " + status + ": " + response.body());
        }
    }

    // ---- reporting ------------------------------------------------------------------------------

    /** Waits (at most 2 minutes) until the size under {@code dir} has not changed for 6 s. */
    private static void awaitSteadySize(Path dir) throws Exception {
        long last = -1;
        int steady = 0;
        for (int i = 0; i < 60 && steady < 3; i++) {
            Thread.sleep(2000);
            long now = bytesUnder(dir);
            steady = now == last ? steady + 1 : 0;
            last = now;
        }
    }

    private static long bytesUnder(Path dir) throws Exception {
        if (!Files.exists(dir)) return 0;
        try (var files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile)
                    .mapToLong(p -> p.toFile().length())
                    .sum();
        }
    }

    private static Measurement report(Measurement m) {
        System.out.printf(
                "run %d %s: %,.0f points/s (%.1f s), %,.0f points per CPU second (%.1f CPU s), %.3f B/pt on disk"
                        + " (%.1f MB), heap %.0f B/series, RSS growth %.1f MB; %s%n",
                m.run(),
                m.system(),
                m.pointsPerSecond(),
                m.seconds(),
                m.pointsPerCpuSecond(),
                m.cpuSeconds(),
                m.bytesPerPoint(),
                m.diskBytes() / 1e6,
                m.heapPerSeries(),
                m.rssGrowthBytes() / 1e6,
                m.note());
        return m;
    }

    private static void summary(List<Measurement> results) {
        System.out.println();
        System.out.println(
                "| run | system | points/s | points per CPU s | bytes/point on disk | heap/series | RSS growth |");
        System.out.println("|---|---|---:|---:|---:|---:|---:|");
        for (Measurement m : results) {
            System.out.printf(
                    "| %d | %s | %,.0f | %,.0f | %.3f | %,.0f B | %.1f MB |%n",
                    m.run(),
                    m.system(),
                    m.pointsPerSecond(),
                    m.pointsPerCpuSecond(),
                    m.bytesPerPoint(),
                    m.heapPerSeries(),
                    m.rssGrowthBytes() / 1e6);
        }
        for (Measurement ours : results) {
            if (!ours.system().equals("shardview")) continue;
            for (Measurement other : results) {
                if (other.run() != ours.run() || other == ours) continue;
                System.out.printf(
                        "run %d, shardview : %s = points/s %.3fx, points per CPU s %.3fx, bytes/point %.2fx,"
                                + " heap/series %.2fx%n",
                        ours.run(),
                        other.system(),
                        ours.pointsPerSecond() / other.pointsPerSecond(),
                        ours.pointsPerCpuSecond() / other.pointsPerCpuSecond(),
                        ours.bytesPerPoint() / other.bytesPerPoint(),
                        ours.heapPerSeries() / other.heapPerSeries());
            }
        }
    }
}
