package io.shardview.bench.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shardview.bench.metrics.CpuOnlyDataset;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PromQL range-query latency (issue "Metrics you can read", item 6): the packaged Shardview node and
 * VictoriaMetrics hold the same data in the same run, and answer the same four queries, alternately.
 *
 * <p>The data, sent to both as Influx line protocol (metric = measurement_field, tags = labels):
 *
 * <ul>
 *   <li>the ingest issue's dataset ({@link CpuOnlyDataset}, seed 42, as {@code bench/metrics-load} sends it):
 *       {@code --hosts} (100) hosts x 10 gauges ({@code cpu_usage_*}, {@code load1}, {@code mem_used_bytes}) x
 *       {@code --hours} (24) at 10 s, ending 10 minutes before the run, each host with TSBS' ten tags
 *       ({@code hostname=host_N}, {@code region}, ...);
 *   <li>a classic histogram for query (d), interleaved in time with it: {@code http_request_duration_seconds_bucket}
 *       with labels {@code hostname} and {@code le} (10 buckets, 0.005 .. +Inf), one cumulative counter per bucket
 *       and host at the same 10 s timestamps;
 *   <li>for query (c), the {@code --days30-hosts} (10) first hosts' same ten metrics at 10 s over the days before
 *       (from {@code --days} (30) days before the run plus an hour, inside both systems' retention, up to the
 *       dataset's start), sent first, oldest first, by one sender (Shardview refuses points more than its
 *       out-of-order window, 1 h, older than a shard's newest).
 * </ul>
 *
 * <p>Then VictoriaMetrics is flushed ({@code /internal/force_flush}), force-merged ({@code /internal/force_merge})
 * and waited for until no merge runs and its data directory's size is steady; Shardview until /metrics counts every
 * point as sealed and no event after its shards' snapshots (its shards went idle and sealed). The queries, with
 * start and end on multiples of the step (the end on the hour before the dataset's last point):
 *
 * <ul>
 *   <li>(a) {@code rate(cpu_usage_user{hostname="host_42"}[5m])}, {@code --hours}, step 60 s;
 *   <li>(b) {@code sum by (region) (rate(cpu_usage_user[5m]))}, {@code --hours}, step 300 s;
 *   <li>(c) the same over {@code --days}, step 1 h;
 *   <li>(d) {@code histogram_quantile(0.9, sum by (le) (rate(http_request_duration_seconds_bucket[5m])))},
 *       {@code --hours}, step 60 s;
 *   <li>(e) {@code rate(cpu_usage_user{hostname="host_42"}[5m])} as an instant query at the end, timed by wrk over
 *       one kept-alive connection for {@code --wrk-seconds} (10) on each after as long untimed: a warm node's fixed
 *       cost of a query.
 * </ul>
 *
 * <p>Each of (a)-(d) is also timed by wrk over one kept-alive connection for {@code --wrk-seconds} (0: not), after as
 * long untimed on each, a C client whose own cost is small beside either server's. With {@code --profile EVENT}
 * (cpu, wall, alloc or lock), {@code bench/profile} samples the node while wrk times it, into
 * {@code bench/results/promql-latency/<query>/}.
 *
 * <p>Per query: {@code --warmups} (2) untimed requests to each, then {@code --runs} (7) rounds of Shardview,
 * VictoriaMetrics with {@code nocache=1} (its rollup result cache off: the engine's work) and VictoriaMetrics as
 * it comes (a repeated query answered from that cache), each a GET of query_range over a persistent HTTP/1.1
 * connection ({@link KeptAlive}: blocking I/O on this thread, none of Java's HttpClient's threads between), timed from
 * send to the last byte of the body. Each answer must be 200 and non-empty; series counts
 * and values are compared between the two systems (reported, never failed on). A fetch probe per query after its
 * warm-ups, an instant
 * {@code sum(count_over_time(<selector>[<range + 5m>]))} at the end, counts the raw points the query reads (which
 * must agree between the two) and times reading them with next to no evaluation.
 *
 * <p>Beside each timing, the server's CPU and the client's own over it ({@link ClientCpu}): this JVM's over the timed
 * requests of each system (read thread by thread around each request), wrk's over each timed wrk run (wrk prints its
 * own as it ends, bench/wrk-cpu.lua). Both clients share the machine's cores with the servers.
 *
 * <p>Usage: {@code bench/promql-latency [--runs 7] [--warmups 2] [--hosts 100] [--hours 24] [--days 30]
 * [--days30-hosts 10] [--queries a,b,c,d,e] [--wrk-seconds 10] [--profile cpu|wall|alloc|lock] [--java-opts "-Xmx4g"] [--jar cluster/target/shardview.jar]
 * [--victoria-metrics /usr/bin/victoria-metrics]}
 */
public final class PromqlLatency {
    private static final String TENANT = "bench";
    private static final long STEP_MS = CpuOnlyDataset.STEP_MS;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final String[] LE = {"0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "+Inf"};

    /** One query of the four. */
    record Query(String id, String expr, String selector, long startMs, long endMs, long stepMs) {
        String rangeParams() {
            return "&start=" + startMs / 1000 + "&end=" + endMs / 1000 + "&step=" + stepMs / 1000;
        }

        String probe() {
            // 305 s: no point on the window's left edge, which Prometheus 2 includes and VictoriaMetrics does not.
            return "sum(count_over_time(" + selector + "[" + ((endMs - startMs) / 1000 + 305) + "s]))";
        }
    }

    /** One timed request's outcome. */
    record Timing(double ms, int status, int series, String error, String body) {
        boolean ok() {
            return status == 200 && error == null;
        }
    }

    public static void main(String[] args) throws Exception {
        Options options = new Options(args);
        Path jar = Path.of(options.get("--jar", "cluster/target/shardview.jar"));
        Path vmBinary = Path.of(options.get("--victoria-metrics", "/usr/bin/victoria-metrics"));
        String javaOpts = options.get("--java-opts", "-Xmx4g");
        int runs = options.getInt("--runs", 7);
        int warmups = options.getInt("--warmups", 2);
        int hosts = options.getInt("--hosts", 100);
        int hours = options.getInt("--hours", 24);
        int days = options.getInt("--days", 30);
        int historyHosts = Math.min(hosts, options.getInt("--days30-hosts", 10));
        int wrkSeconds = options.getInt("--wrk-seconds", 10);
        String profile = options.get("--profile", "");
        Set<String> only = new HashSet<>(
                Arrays.asList(options.get("--queries", "a,b,c,d,e").split(",")));

        // Times: the dataset ends 10 minutes before now (as in MetricsLoad); the history starts an hour inside
        // Shardview's raw retention (30 d, its cutoff rounded down to the hour) and VictoriaMetrics' (1 month).
        long now = System.currentTimeMillis();
        int pointsPerSeries = hours * 3600 / 10;
        long start = (now - 600_000 - pointsPerSeries * STEP_MS) / STEP_MS * STEP_MS;
        long lastMs = start + (pointsPerSeries - 1) * STEP_MS;
        long historyStart = (now - days * 86_400_000L + 3_600_000 + STEP_MS - 1) / STEP_MS * STEP_MS;
        long historyPoints = historyHosts == 0 ? 0 : Math.max(0, (start - historyStart) / STEP_MS);
        long end = lastMs / 3_600_000 * 3_600_000;
        long dayMs = hours * 3_600_000L;
        List<Query> queries = new ArrayList<>();
        String rate = "rate(cpu_usage_user[5m])";
        queries.add(new Query(
                "a",
                "rate(cpu_usage_user{hostname=\"host_42\"}[5m])",
                "cpu_usage_user{hostname=\"host_42\"}",
                end - dayMs,
                end,
                60_000));
        queries.add(new Query("b", "sum by (region) (" + rate + ")", "cpu_usage_user", end - dayMs, end, 300_000));
        queries.add(new Query(
                "c", "sum by (region) (" + rate + ")", "cpu_usage_user", end - days * 86_400_000L, end, 3_600_000));
        queries.add(new Query(
                "d",
                "histogram_quantile(0.9, sum by (le) (rate(http_request_duration_seconds_bucket[5m])))",
                "http_request_duration_seconds_bucket",
                end - dayMs,
                end,
                60_000));
        queries.removeIf(q -> !only.contains(q.id()));

        long mainPoints = (long) hosts * 10 * pointsPerSeries;
        long histPoints = (long) hosts * LE.length * pointsPerSeries;
        long history = (long) historyHosts * 10 * historyPoints;
        long total = mainPoints + histPoints + history;
        System.out.printf(
                "data: %d hosts x 10 metrics x %d h at 10 s = %,d points (seed 42, %s .. %s); histogram %d hosts x %d"
                        + " buckets x %d h = %,d points; history %d hosts x 10 metrics from %s = %,d points;"
                        + " %,d points in all%n",
                hosts,
                hours,
                mainPoints,
                Instant.ofEpochMilli(start),
                Instant.ofEpochMilli(lastMs),
                hosts,
                LE.length,
                hours,
                histPoints,
                historyHosts,
                Instant.ofEpochMilli(historyStart),
                history,
                total);

        Path vmDir = Files.createTempDirectory("promql-latency-vm").resolve("data");
        Path nodeDir = Files.createTempDirectory("promql-latency-node");
        Path nodeLog = nodeDir.resolveSibling(nodeDir.getFileName() + ".log");
        System.out.println("node log: " + nodeLog + ", VictoriaMetrics log: " + vmDir.resolveSibling("data.log"));
        try {
            run(
                    jar,
                    vmBinary,
                    javaOpts,
                    runs,
                    warmups,
                    hosts,
                    hours,
                    historyHosts,
                    pointsPerSeries,
                    start,
                    lastMs,
                    historyStart,
                    historyPoints,
                    total,
                    queries,
                    new Timer(wrkSeconds, profile),
                    only.contains("e"),
                    vmDir,
                    nodeDir,
                    nodeLog);
        } finally {
            deleteTree(vmDir.getParent());
            deleteTree(nodeDir);
        }
    }

    private static void run(
            Path jar,
            Path vmBinary,
            String javaOpts,
            int runs,
            int warmups,
            int hosts,
            int hours,
            int historyHosts,
            int pointsPerSeries,
            long start,
            long lastMs,
            long historyStart,
            long historyPoints,
            long total,
            List<Query> queries,
            Timer timer,
            boolean instant,
            Path vmDir,
            Path nodeDir,
            Path nodeLog)
            throws Exception {
        try (VictoriaMetricsUnderTest vm = VictoriaMetricsUnderTest.start(vmBinary, vmDir);
                NodeUnderTest node = NodeUnderTest.start(jar, nodeDir, javaOpts, List.of(), Map.of(), nodeLog)) {
            String vmVersion = vmVersion(vm);
            System.out.println(
                    "VictoriaMetrics " + vmVersion + " at " + vm.url + ", Shardview (" + javaOpts + ") at " + node.url);
            String svWrite = node.url + "/v1/tenants/" + TENANT + "/influx/write?precision=ms";
            String vmWrite = vm.url + "/write?precision=ms";

            // History, oldest first, one sender, a day at a time.
            long t0 = System.nanoTime();
            double svSeconds = 0;
            double vmSeconds = 0;
            int chunk = 0;
            for (long done = 0; done < historyPoints; done += 8640, chunk++) {
                int n = (int) Math.min(8640, historyPoints - done);
                CpuOnlyDataset day = new CpuOnlyDataset(historyHosts, n, 1000 + chunk, historyStart + done * STEP_MS);
                // 300 timestamps (50 minutes) a request: Shardview refuses points an hour older than the newest.
                List<byte[]> bodies = CpuOnlyLineProtocol.bodies(day, historyHosts * 300);
                svSeconds += send(svWrite, bodies, 1);
                vmSeconds += send(vmWrite, bodies, 1);
            }
            if (historyPoints > 0) {
                System.out.printf(
                        "history sent: Shardview %.1f s, VictoriaMetrics %.1f s (%d chunks)%n",
                        svSeconds, vmSeconds, chunk);
            }

            // The dataset and the histogram, in bodies of the same 100 timestamps, interleaved.
            CpuOnlyDataset data = new CpuOnlyDataset(hosts, pointsPerSeries, 42, start);
            List<byte[]> main = CpuOnlyLineProtocol.bodies(data, hosts * 100);
            data = null;
            List<byte[]> bodies = new ArrayList<>();
            for (int i = 0; i < main.size(); i++) {
                bodies.add(main.get(i));
                bodies.add(histogramBody(hosts, start, i * 100, Math.min(pointsPerSeries, i * 100 + 100)));
            }
            main = null;
            svSeconds = send(svWrite, bodies, 2);
            vmSeconds = send(vmWrite, bodies, 2);
            bodies = null;
            System.out.printf(
                    "dataset + histogram sent: Shardview %.1f s, VictoriaMetrics %.1f s; all sent after %.0f s%n",
                    svSeconds, vmSeconds, (System.nanoTime() - t0) / 1e9);

            String vmState = settleVictoriaMetrics(vm, vmDir, lastMs);
            System.out.println("VictoriaMetrics: " + vmState);
            String svState = settleShardview(node, total);
            System.out.println("Shardview: " + svState);

            List<String> rows = new ArrayList<>();
            List<String> notes = new ArrayList<>();
            for (Query q : queries) measure(q, node, vm, runs, warmups, timer, rows, notes);
            if (instant && timer.seconds() > 0) {
                measureInstant(node, vm, lastMs / 3_600_000 * 3_600_000, timer, rows, notes);
            }

            System.out.println();
            System.out.println("VictoriaMetrics " + vmVersion + "; " + vmState);
            System.out.println("Shardview: " + svState);
            System.out.println();
            System.out.println("| query | raw points read | Shardview ms, median (min-max) | VictoriaMetrics nocache=1"
                    + " ms | VictoriaMetrics cached ms | Shardview / VM nocache | Shardview / VM cached | series"
                    + " Shardview / VM |");
            System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|");
            rows.forEach(System.out::println);
            System.out.println();
            notes.forEach(System.out::println);
        }
    }

    // ---- measuring ------------------------------------------------------------------------------

    private static void measure(
            Query q,
            NodeUnderTest node,
            VictoriaMetricsUnderTest vm,
            int runs,
            int warmups,
            Timer timer,
            List<String> rows,
            List<String> notes)
            throws Exception {
        String enc = URLEncoder.encode(q.expr(), StandardCharsets.UTF_8);
        String sv = node.url + "/v1/tenants/" + TENANT + "/prom/api/v1/query_range?query=" + enc + q.rangeParams();
        String vmCached = vm.url + "/api/v1/query_range?query=" + enc + q.rangeParams();
        String vmNoCache = vmCached + "&nocache=1";
        System.out.printf(
                "%n(%s) %s from %s to %s step %d s%n",
                q.id(),
                q.expr(),
                Instant.ofEpochMilli(q.startMs()),
                Instant.ofEpochMilli(q.endMs()),
                q.stepMs() / 1000);

        for (int i = 0; i < warmups; i++) {
            report("warm-up shardview", time(sv));
            report("warm-up vm nocache", time(vmNoCache));
            report("warm-up vm cached", time(vmCached));
        }

        // The fetch probe: the raw points the query reads, and how long reading them takes, once the warm-ups have
        // had the node's JIT compile the reading (before them it timed the compiler: 37 to 98 ms on one machine).
        String probe = "/api/v1/query?query=" + URLEncoder.encode(q.probe(), StandardCharsets.UTF_8) + "&time="
                + q.endMs() / 1000;
        String svProbe = node.url + "/v1/tenants/" + TENANT + "/prom" + probe;
        String vmProbe = vm.url + probe + "&nocache=1";
        List<Timing> svProbes = new ArrayList<>();
        List<Timing> vmProbes = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Timing s = time(svProbe);
            Timing v = time(vmProbe);
            if (i > 0) {
                svProbes.add(s);
                vmProbes.add(v);
            }
        }
        String svPoints = scalar(svProbes.get(0));
        String vmPoints = scalar(vmProbes.get(0));
        String probeNote = String.format(
                "(%s) fetch probe %s: points read Shardview %s, VictoriaMetrics %s%s; Shardview %s ms,"
                        + " VictoriaMetrics %s ms",
                q.id(),
                q.probe(),
                svPoints,
                vmPoints,
                svPoints.equals(vmPoints) ? "" : " (MISMATCH)",
                summary(svProbes),
                summary(vmProbes));
        System.out.println(probeNote);

        List<Timing> svTimes = new ArrayList<>();
        List<Timing> noCacheTimes = new ArrayList<>();
        List<Timing> cachedTimes = new ArrayList<>();
        Map<String, Double> threads = new TreeMap<>();
        ClientCpu svCpu = new ClientCpu("node", 0, "this client", 0, 0);
        ClientCpu noCacheCpu = new ClientCpu("victoria-metrics", 0, "this client", 0, 0);
        ClientCpu cachedCpu = noCacheCpu;
        for (int r = 1; r <= runs; r++) {
            Map<String, Double> before = threadCpu(node.pid());
            Timed s = time(sv, "node", node.pid());
            Map<String, Double> after = threadCpu(node.pid());
            after.forEach((name, cpu) -> threads.merge(name, cpu - before.getOrDefault(name, 0.0), Double::sum));
            svTimes.add(report("run " + r + " shardview", s.timing()));
            svCpu = svCpu.plus(s.cpu());
            Timed noCache = time(vmNoCache, "victoria-metrics", vm.pid());
            noCacheTimes.add(report("run " + r + " vm nocache", noCache.timing()));
            noCacheCpu = noCacheCpu.plus(noCache.cpu());
            Timed cached = time(vmCached, "victoria-metrics", vm.pid());
            cachedTimes.add(report("run " + r + " vm cached", cached.timing()));
            cachedCpu = cachedCpu.plus(cached.cpu());
        }
        for (String note : List.of(
                "(" + q.id() + ") Java client, Shardview: " + svCpu.line(),
                "(" + q.id() + ") Java client, VictoriaMetrics nocache=1: " + noCacheCpu.line(),
                "(" + q.id() + ") Java client, VictoriaMetrics cached: " + cachedCpu.line())) {
            System.out.println(note);
            notes.add(note);
        }

        Timing svLast = last(svTimes);
        Timing vmLast = last(noCacheTimes);
        int svSeries = svLast == null ? -1 : svLast.series();
        int vmSeries = vmLast == null ? -1 : vmLast.series();
        rows.add(String.format(
                "| (%s) `%s`, %s step %d s | %s | %s | %s | %s | %s | %s | %s%s |",
                q.id(),
                q.expr(),
                span(q),
                q.stepMs() / 1000,
                vmPoints,
                summary(svTimes),
                summary(noCacheTimes),
                summary(cachedTimes),
                ratio(svTimes, noCacheTimes),
                ratio(svTimes, cachedTimes),
                svSeries + " / " + vmSeries,
                svSeries == vmSeries ? "" : " MISMATCH"));
        notes.add(probeNote);
        int wrkSeconds = timer.seconds();
        if (wrkSeconds > 0) {
            // As long untimed on each first, as for (e): both servers as warm as a dashboard keeps them.
            timer.wrk(sv, "node", node.pid(), false, q.id());
            timer.wrk(vmNoCache, "victoria-metrics", vm.pid(), false, q.id());
            Wrk ours = timer.wrk(sv, "node", node.pid(), true, q.id());
            Wrk theirs = timer.wrk(vmNoCache, "victoria-metrics", vm.pid(), false, q.id());
            for (String note : List.of(
                    String.format(
                            "(%s) by wrk -t1 -c1 for %d s (a C client: Java's adds milliseconds to both): Shardview p50"
                                    + " %s, p90 %s, %s req/s; VictoriaMetrics nocache=1 p50 %s, p90 %s, %s req/s",
                            q.id(),
                            wrkSeconds,
                            ours.figures()[0],
                            ours.figures()[1],
                            ours.figures()[3],
                            theirs.figures()[0],
                            theirs.figures()[1],
                            theirs.figures()[3]),
                    "(" + q.id() + ") wrk, Shardview: " + ours.cpu().line(),
                    "(" + q.id() + ") wrk, VictoriaMetrics nocache=1: "
                            + theirs.cpu().line())) {
                System.out.println(note);
                notes.add(note);
            }
        }
        notes.add(String.format(
                "(%s) Shardview CPU s per request by thread (%d runs): %s", q.id(), runs, threadCpu(threads, runs)));
        if (svLast != null && vmLast != null) {
            notes.add(String.format("(%s) values, Shardview vs VictoriaMetrics: %s", q.id(), compare(svLast, vmLast)));
        }
        for (Timing t : svTimes) {
            if (!t.ok()) {
                notes.add(String.format("(%s) Shardview error: %d %s", q.id(), t.status(), t.error()));
                break;
            }
        }
        if (q.id().equals("a")) {
            // The same comparison on a real counter (rate over the gauge above counts each fall as a reset).
            String counter = "rate(http_request_duration_seconds_bucket{hostname=\"host_42\",le=\"+Inf\"}[5m])";
            String e = URLEncoder.encode(counter, StandardCharsets.UTF_8);
            Timing s =
                    time(node.url + "/v1/tenants/" + TENANT + "/prom/api/v1/query_range?query=" + e + q.rangeParams());
            Timing v = time(vm.url + "/api/v1/query_range?query=" + e + q.rangeParams() + "&nocache=1");
            notes.add(String.format("(a') %s, values: %s", counter, compare(s, v)));
        }
    }

    /**
     * (e): a one-series instant query at {@code timeMs}, as a dashboard's single stat asks: the fixed cost of a query on
     * a warm node. Timed by {@code wrk} (one connection, kept alive; a C client whose own cost is small beside either
     * server's, where Java's HttpClient adds most of a millisecond), {@code seconds} on each after as long untimed,
     * the answer checked once.
     */
    private static void measureInstant(
            NodeUnderTest node,
            VictoriaMetricsUnderTest vm,
            long timeMs,
            Timer timer,
            List<String> rows,
            List<String> notes)
            throws Exception {
        int seconds = timer.seconds();
        String expr = "rate(cpu_usage_user{hostname=\"host_42\"}[5m])";
        String query =
                "/api/v1/query?query=" + URLEncoder.encode(expr, StandardCharsets.UTF_8) + "&time=" + timeMs / 1000;
        String sv = node.url + "/v1/tenants/" + TENANT + "/prom" + query;
        String vmNoCache = vm.url + query + "&nocache=1";
        System.out.printf(
                "%n(e) %s, instant at %s, wrk -c1 for %d s each%n", expr, Instant.ofEpochMilli(timeMs), seconds);
        Timing svOnce = time(sv);
        Timing vmOnce = time(vmNoCache);
        timer.wrk(sv, "node", node.pid(), false, "e");
        timer.wrk(vmNoCache, "victoria-metrics", vm.pid(), false, "e");
        Wrk ours = timer.wrk(sv, "node", node.pid(), true, "e");
        Wrk theirs = timer.wrk(vmNoCache, "victoria-metrics", vm.pid(), false, "e");
        System.out.printf(
                "  shardview %s%n  vm nocache %s%n",
                String.join(", ", ours.figures()), String.join(", ", theirs.figures()));
        for (String note : List.of(
                "(e) wrk, Shardview: " + ours.cpu().line(),
                "(e) wrk, VictoriaMetrics nocache=1: " + theirs.cpu().line())) {
            System.out.println(note);
            notes.add(note);
        }
        rows.add(String.format(
                "| (e) `%s`, instant, wrk -c1 %d s | 30 | p50 **%s**, p90 %s, p99 %s, %s req/s | p50 **%s**, p90 %s,"
                        + " p99 %s, %s req/s | | | | %d / %d%s |",
                expr,
                seconds,
                ours.figures()[0],
                ours.figures()[1],
                ours.figures()[2],
                ours.figures()[3],
                theirs.figures()[0],
                theirs.figures()[1],
                theirs.figures()[2],
                theirs.figures()[3],
                svOnce.series(),
                vmOnce.series(),
                svOnce.ok() && vmOnce.ok() ? "" : " (" + svOnce.error() + " / " + vmOnce.error() + ")"));
    }

    /** wrk's p50, p90 and p99 latency and requests a second, and its CPU beside the server's over the run. */
    record Wrk(String[] figures, ClientCpu cpu) {}

    /**
     * Times a URL with wrk for {@code seconds} (0: not at all), {@code server} being process {@code pid}, and, when
     * {@code profiled} and {@code profile} names an event, samples the server (the node) with bench/profile meanwhile.
     */
    record Timer(int seconds, String profile) {
        Wrk wrk(String url, String server, long pid, boolean profiled, String query) throws Exception {
            if (profile.isEmpty() || !profiled) return PromqlLatency.wrk(url, seconds, server, pid);
            Path out = Path.of("bench/results/promql-latency", query);
            Process profiler = new ProcessBuilder(
                            "bench/profile",
                            "--pid",
                            Long.toString(pid),
                            "--event",
                            profile,
                            "--seconds",
                            Integer.toString(Math.max(1, seconds - 1)),
                            "--out",
                            out.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.INHERIT)
                    .start();
            Wrk timed = PromqlLatency.wrk(url, seconds, server, pid);
            if (profiler.waitFor() != 0) throw new IllegalStateException("bench/profile failed for (" + query + ")");
            return timed;
        }
    }

    /**
     * wrk over one connection for {@code seconds}: its figures, and its CPU beside that of {@code server}, process
     * {@code pid}. bench/wrk-cpu.lua has wrk print its own CPU time as it ends: once it has exited, /proc no longer
     * holds it.
     */
    private static Wrk wrk(String url, int seconds, String server, long pid) throws Exception {
        double serverBefore = ProcessResources.cpuSeconds(pid);
        long startNanos = System.nanoTime();
        Process wrk = new ProcessBuilder(
                        "wrk", "-t1", "-c1", "-d" + seconds + "s", "--latency", "-s", "bench/wrk-cpu.lua", url)
                .redirectErrorStream(true)
                .start();
        String out = new String(wrk.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (wrk.waitFor() != 0) throw new IllegalStateException("wrk failed: " + out);
        double wallSeconds = (System.nanoTime() - startNanos) / 1e9;
        double serverSeconds = ProcessResources.cpuSeconds(pid) - serverBefore;
        String[] figures = new String[4];
        double wrkSeconds = Double.NaN;
        String[] marks = {"50%", "90%", "99%", "Requests/sec:"};
        for (String line : out.split("\n")) {
            String[] words = line.trim().split("\\s+");
            for (int i = 0; i < marks.length; i++)
                if (words.length == 2 && words[0].equals(marks[i])) figures[i] = words[1];
            if (words.length == 2 && words[0].equals("cpu_seconds")) wrkSeconds = Double.parseDouble(words[1]);
        }
        return new Wrk(figures, new ClientCpu(server, serverSeconds, "wrk", wrkSeconds, wallSeconds));
    }

    private static Timing report(String what, Timing t) {
        System.out.printf(
                "  %s: %.1f ms, %d, %d series%s%n",
                what, t.ms(), t.status(), t.series(), t.error() == null ? "" : ", " + t.error());
        return t;
    }

    /** GET {@code url}; an answer other than 200 with a non-empty result is kept with its error. */
    private static Timing time(String url) throws Exception {
        return time(url, null, 0).timing();
    }

    /** A request's {@link Timing}, and the CPU of its server and of this client over it (null if not read). */
    private record Timed(Timing timing, ClientCpu cpu) {}

    /**
     * As {@link #time(String)}; given a {@code server} (process {@code pid}), also reads its CPU and this client's
     * over the request alone (from send to the last byte of the body), thread by thread: a request takes
     * milliseconds, where /proc/PID/stat counts 10 ms ticks.
     */
    private static Timed time(String url, String server, long pid) throws Exception {
        URI uri = URI.create(url);
        ClientCpu.Exact cpu = server == null ? null : ClientCpu.beginExact(pid);
        long startNanos = System.nanoTime();
        KeptAlive.Reply response = null;
        java.io.IOException failed = null;
        try {
            response = KeptAlive.request(uri, "GET", null, null);
        } catch (java.io.IOException e) {
            failed = e;
        }
        double ms = (System.nanoTime() - startNanos) / 1e6;
        ClientCpu used = cpu == null ? null : cpu.end(server);
        if (failed != null) return new Timed(new Timing(ms, 0, 0, failed.toString(), ""), used);
        String body = response.body();
        if (response.status() != 200) {
            return new Timed(new Timing(ms, response.status(), 0, abbreviate(body), body), used);
        }
        JsonNode result = JSON.readTree(body).path("data").path("result");
        int series = result.isArray() ? result.size() : 0;
        return new Timed(new Timing(ms, 200, series, series == 0 ? "empty result" : null, body), used);
    }

    private static Timing last(List<Timing> timings) {
        for (int i = timings.size() - 1; i >= 0; i--) if (timings.get(i).ok()) return timings.get(i);
        return null;
    }

    /** Median (min-max) of the successful requests' ms, with the failures counted. */
    private static String summary(List<Timing> timings) {
        double[] ms = timings.stream()
                .filter(Timing::ok)
                .mapToDouble(Timing::ms)
                .sorted()
                .toArray();
        long failed = timings.size() - ms.length;
        if (ms.length == 0) return "all " + failed + " failed";
        String out = String.format("**%.1f** (%.1f-%.1f)", median(ms), ms[0], ms[ms.length - 1]);
        return failed == 0 ? out : out + ", " + failed + " of " + timings.size() + " failed";
    }

    private static String ratio(List<Timing> ours, List<Timing> theirs) {
        double[] a = ours.stream().filter(Timing::ok).mapToDouble(Timing::ms).toArray();
        double[] b = theirs.stream().filter(Timing::ok).mapToDouble(Timing::ms).toArray();
        if (a.length == 0 || b.length == 0) return "n/a";
        return String.format("**%.2fx**", median(a) / median(b));
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /** The value of an instant query's single sample, or what went wrong. */
    private static String scalar(Timing t) throws Exception {
        if (!t.ok()) return "? (" + t.status() + " " + t.error() + ")";
        JsonNode value =
                JSON.readTree(t.body()).path("data").path("result").path(0).path("value");
        return String.format("%,.0f", Double.parseDouble(value.path(1).asText()));
    }

    /**
     * Series matched by their labels, values by timestamp: series only in one, timestamps only in one, and
     * the largest and median relative difference |a - b| / max(|a|, |b|) where both have a value.
     */
    private static String compare(Timing ours, Timing theirs) throws Exception {
        if (!ours.ok() || !theirs.ok()) return "not compared (an answer failed)";
        Map<String, TreeMap<Long, Double>> a = series(ours.body());
        Map<String, TreeMap<Long, Double>> b = series(theirs.body());
        int onlyOurs = 0;
        int onlyTheirs = 0;
        int tsOnlyOurs = 0;
        int tsOnlyTheirs = 0;
        List<Double> diffs = new ArrayList<>();
        for (var e : a.entrySet()) {
            TreeMap<Long, Double> other = b.get(e.getKey());
            if (other == null) {
                onlyOurs++;
                continue;
            }
            for (var p : e.getValue().entrySet()) {
                Double v = other.get(p.getKey());
                if (v == null) {
                    tsOnlyOurs++;
                    continue;
                }
                double x = p.getValue();
                double scale = Math.max(Math.abs(x), Math.abs(v));
                diffs.add(scale == 0 ? 0 : Math.abs(x - v) / scale);
            }
            for (Long t : other.keySet()) if (!e.getValue().containsKey(t)) tsOnlyTheirs++;
        }
        for (String key : b.keySet()) if (!a.containsKey(key)) onlyTheirs++;
        double[] d = diffs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return String.format(
                "%d series compared (%d only in Shardview, %d only in VictoriaMetrics), %,d values: relative difference"
                        + " max %.3g, median %.3g, 99th percentile %.3g; timestamps only in Shardview %d, only in"
                        + " VictoriaMetrics %d",
                a.size() - onlyOurs,
                onlyOurs,
                onlyTheirs,
                d.length,
                d.length == 0 ? Double.NaN : d[d.length - 1],
                d.length == 0 ? Double.NaN : median(d),
                d.length == 0 ? Double.NaN : d[(int) Math.min(d.length - 1, Math.floor(d.length * 0.99))],
                tsOnlyOurs,
                tsOnlyTheirs);
    }

    private static Map<String, TreeMap<Long, Double>> series(String body) throws Exception {
        Map<String, TreeMap<Long, Double>> out = new HashMap<>();
        for (JsonNode s : JSON.readTree(body).path("data").path("result")) {
            TreeMap<String, String> labels = new TreeMap<>();
            s.path("metric")
                    .fields()
                    .forEachRemaining(f -> labels.put(f.getKey(), f.getValue().asText()));
            labels.remove("__name__");
            TreeMap<Long, Double> values = new TreeMap<>();
            for (JsonNode p : s.path("values")) {
                values.put(
                        Math.round(p.path(0).asDouble() * 1000),
                        Double.parseDouble(p.path(1).asText()));
            }
            out.put(labels.toString(), values);
        }
        return out;
    }

    private static String span(Query q) {
        long hours = (q.endMs() - q.startMs()) / 3_600_000;
        return hours % 24 == 0 && hours > 24 ? hours / 24 + " d" : hours + " h";
    }

    private static final Pattern THREAD = Pattern.compile("(?m)^\"([^\"]+)\".*? cpu=([0-9.]+)ms");

    /**
     * CPU seconds so far of the process' threads by full name, digits replaced by N, from {@code jcmd
     * Thread.print} (the JVM's own threads included): /proc's 15-character names cannot tell the node's
     * dispatchers apart ("shardview-shardview.dispatchers.promql-7" and the shards' threads alike).
     */
    private static Map<String, Double> threadCpu(long pid) throws Exception {
        Process jcmd = new ProcessBuilder("jcmd", Long.toString(pid), "Thread.print")
                .redirectErrorStream(true)
                .start();
        String dump = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        jcmd.waitFor();
        Map<String, Double> out = new TreeMap<>();
        Matcher m = THREAD.matcher(dump);
        while (m.find())
            out.merge(m.group(1).replaceAll("\\d+", "N"), Double.parseDouble(m.group(2)) / 1000, Double::sum);
        return out;
    }

    private static String threadCpu(Map<String, Double> threads, int runs) {
        StringBuilder out = new StringBuilder();
        double total =
                threads.values().stream().mapToDouble(Double::doubleValue).sum();
        out.append(String.format("total %.2f", total / runs));
        threads.entrySet().stream()
                .filter(e -> e.getValue() / runs >= 0.01)
                .sorted((x, y) -> Double.compare(y.getValue(), x.getValue()))
                .limit(6)
                .forEach(e -> out.append(String.format(", %s %.2f", e.getKey(), e.getValue() / runs)));
        return out.toString();
    }

    // ---- the data -------------------------------------------------------------------------------

    /**
     * Line protocol of the histogram at points {@code from} (inclusive) to {@code to} of every host:
     * {@code http_request_duration_seconds,hostname=host_N,le=X bucket=<cumulative count> <ms>}. Each host
     * serves 20-79 requests per 10 s with log-normal durations (sigma 1) around a median of its own that
     * swings by half over the day; every bucket's count is a counter (it never falls). Deterministic: the
     * counts at a point depend only on the host and the point's index.
     */
    private static byte[] histogramBody(int hosts, long start, int from, int to) {
        StringBuilder out = new StringBuilder((to - from) * hosts * LE.length * 64);
        for (int i = from; i < to; i++) {
            long ts = start + i * STEP_MS;
            for (int h = 0; h < hosts; h++) {
                long[] counts = histogramCounts(h, i);
                for (int b = 0; b < LE.length; b++) {
                    out.append("http_request_duration_seconds,hostname=host_")
                            .append(h)
                            .append(",le=")
                            .append(LE[b])
                            .append(" bucket=")
                            .append(counts[b])
                            .append(' ')
                            .append(ts)
                            .append('\n');
                }
            }
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static final Map<Integer, long[][]> HISTOGRAM_STATE = new HashMap<>();

    /** Host {@code h}'s cumulative bucket counts after point {@code i} (points asked for in order, per host). */
    private static synchronized long[] histogramCounts(int h, int i) {
        long[][] state = HISTOGRAM_STATE.computeIfAbsent(h, k -> new long[][] {new long[LE.length], {-1}});
        long[] counts = state[0];
        SplittableRandom hostRnd = new SplittableRandom(7_000 + h);
        double baseMedian = 0.02 + 0.1 * hostRnd.nextDouble();
        while (state[1][0] < i) {
            long p = ++state[1][0];
            SplittableRandom rnd = new SplittableRandom(h * 1_000_003L + p);
            int n = 20 + rnd.nextInt(60);
            double median = baseMedian * (1 + 0.5 * Math.sin(2 * Math.PI * p / 8640.0));
            for (int b = 0; b < LE.length; b++) {
                double f = b == LE.length - 1 ? 1 : normalCdf(Math.log(Double.parseDouble(LE[b]) / median));
                counts[b] += Math.round(n * f);
            }
        }
        return counts.clone();
    }

    /** The standard normal CDF (Abramowitz-Stegun 7.1.26 for erf, error under 1.5e-7). */
    private static double normalCdf(double x) {
        double z = Math.abs(x) / Math.sqrt(2);
        double t = 1 / (1 + 0.3275911 * z);
        double erf = 1
                - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592)
                        * t
                        * Math.exp(-z * z);
        return x >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
    }

    /**
     * Sends every body once, {@code senders} at a time, in order; a 429 or 503 is retried after a second.
     * Fails on any other answer than 204, a 200 (points dropped by rule) included. Returns the seconds taken.
     */
    private static double send(String url, List<byte[]> bodies, int senders) throws Exception {
        AtomicInteger next = new AtomicInteger();
        AtomicLong retries = new AtomicLong();
        AtomicReference<Exception> failure = new AtomicReference<>();
        long startNanos = System.nanoTime();
        List<Thread> threads = new ArrayList<>();
        for (int s = 0; s < senders; s++) {
            Thread sender = new Thread(() -> {
                try {
                    for (int i; failure.get() == null && (i = next.getAndIncrement()) < bodies.size(); ) {
                        post(url, bodies.get(i), retries);
                    }
                } catch (Exception e) {
                    failure.compareAndSet(null, e);
                }
            });
            threads.add(sender);
            sender.start();
        }
        for (Thread sender : threads) sender.join();
        if (failure.get() != null) throw failure.get();
        if (retries.get() > 0) System.out.println(retries.get() + " requests to " + url + " retried after 429/503");
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private static void post(String url, byte[] body, AtomicLong retries) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "text/plain")
                .timeout(Duration.ofSeconds(120))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        for (int attempt = 0; ; attempt++) {
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            int status = response.statusCode();
            if (status == 204) return;
            if ((status == 429 || status == 503) && attempt < 30) {
                retries.incrementAndGet();
                Thread.sleep(1000);
                continue;
            }
            throw new IllegalStateException(url + " answered " + status + ": " + abbreviate(response.body()));
        }
    }

    // ---- settling -------------------------------------------------------------------------------

    /**
     * force_flush (points searchable), a count of what it stored, force_merge, then waits (at most 10
     * minutes) until no merge runs and its data directory's size has been steady for 6 s.
     */
    private static String settleVictoriaMetrics(VictoriaMetricsUnderTest vm, Path dir, long lastMs) throws Exception {
        long startNanos = System.nanoTime();
        vm.get("/internal/force_flush");
        String reply = vm.get("/api/v1/query?nocache=1&query="
                + URLEncoder.encode("sum(count_over_time({__name__=~\".+\"}[40d]))", StandardCharsets.UTF_8)
                + "&time=" + (lastMs / 1000 + 1));
        String stored = JSON.readTree(reply)
                .path("data")
                .path("result")
                .path(0)
                .path("value")
                .path(1)
                .asText("?");
        vm.get("/internal/force_merge");
        Thread.sleep(2000);
        double merges = -1;
        long size = -1;
        int steady = 0;
        while (System.nanoTime() - startNanos < TimeUnit.MINUTES.toNanos(10)) {
            String page = vm.get("/metrics");
            merges = sum(page, "vm_active_merges") + sum(page, "vm_active_force_merges");
            long now = bytesUnder(dir);
            steady = merges == 0 && now == size ? steady + 1 : 0;
            size = now;
            if (steady >= 3) break;
            Thread.sleep(2000);
        }
        return String.format(
                "stored points (count_over_time) %s; after force_flush and force_merge, %s after %.0f s (%.1f MB"
                        + " on disk)",
                stored,
                steady >= 3 ? "no merge running and size steady" : "STILL MERGING (" + merges + ")",
                (System.nanoTime() - startNanos) / 1e9,
                size / 1e6);
    }

    /** The sum of every sample of {@code name} (any labels) on a /metrics page. */
    private static double sum(String page, String name) {
        double out = 0;
        for (String line : page.split("\n")) {
            if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
                out += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return out;
    }

    private static String vmVersion(VictoriaMetricsUnderTest vm) throws Exception {
        Matcher m = Pattern.compile("vm_app_version\\{[^}]*short_version=\"([^\"]+)\"")
                .matcher(vm.get("/metrics"));
        if (m.find() && !m.group(1).isEmpty()) return m.group(1);
        // Debian's build leaves its version empty: the package's, and the Go it was built with.
        Process dpkg = new ProcessBuilder("dpkg-query", "-W", "-f", "${Version}", "victoria-metrics").start();
        String version = new String(dpkg.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        dpkg.waitFor();
        Matcher go = Pattern.compile("go_info\\{version=\"([^\"]+)\"").matcher(vm.get("/metrics"));
        return "(Debian package " + (version.isEmpty() ? "?" : version) + (go.find() ? ", " + go.group(1) : "") + ")";
    }

    /**
     * Waits (at most 5 minutes) until the node's /metrics counts every point as sealed and no event after
     * its shards' latest snapshots (they went idle and sealed their heads), as MetricsLoad does.
     */
    private static String settleShardview(NodeUnderTest node, long points) throws Exception {
        long startNanos = System.nanoTime();
        double sealed = 0;
        double events = -1;
        double mostSealed = 0;
        long lastPrint = 0;
        while (sealed < points || events != 0) {
            if (System.nanoTime() - startNanos > TimeUnit.MINUTES.toNanos(5) || (mostSealed > 0 && sealed == 0)) {
                // A shard idle for 2 minutes is passivated (stopped) and drops out of the gauges.
                return String.format(
                        "NOT SEEN SETTLED after %.0f s: %,.0f of %,d points sealed at most, now %,.0f sealed and %.0f"
                                + " events after the snapshots%s",
                        (System.nanoTime() - startNanos) / 1e9,
                        mostSealed,
                        points,
                        sealed,
                        events,
                        mostSealed > 0 && sealed == 0 ? " (its shards passivated meanwhile)" : "");
            }
            if (System.nanoTime() - lastPrint > TimeUnit.SECONDS.toNanos(10)) {
                lastPrint = System.nanoTime();
                System.out.printf(
                        "  Shardview settling, %.0f s: %,.0f points sealed, %.0f events after the snapshots%n",
                        (lastPrint - startNanos) / 1e9, sealed, events);
            }
            Thread.sleep(1000);
            NodeUnderTest.Sealing sealing = node.sealing(HTTP);
            sealed = sealing.sealedPoints();
            events = sealing.eventsSinceSnapshot(); // 0 until the gauge is built: sealed points decide then
            mostSealed = Math.max(mostSealed, sealed);
        }
        return String.format(
                "all %,.0f points sealed and snapshotted %.0f s after the settling began (heap after full GC %.0f MB)",
                sealed, (System.nanoTime() - startNanos) / 1e9, ProcessResources.heapAfterFullGc(node.pid()) / 1e6);
    }

    // ---- files ----------------------------------------------------------------------------------

    private static long bytesUnder(Path dir) throws Exception {
        if (!Files.exists(dir)) return 0;
        try (var files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile)
                    .mapToLong(p -> p.toFile().length())
                    .sum();
        }
    }

    private static void deleteTree(Path dir) throws Exception {
        if (!Files.exists(dir)) return;
        try (var files = Files.walk(dir)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    private static String abbreviate(String body) {
        return body.length() <= 300 ? body : body.substring(0, 300) + "...";
    }
}
