package io.shardview.bench.http;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * HTTP load generator for tenant circuits (issue 4). Starts the packaged node, then measures:
 * ingest throughput for batch sizes 1, 100 and 10,000 with 2 concurrent senders; the latency from
 * ingest acknowledgement to the change event at an SSE client at a paced 1,000 batches/s of 10 ops;
 * and recovery of a 1M-row tenant with 10 views against the time its data took to ingest. Every timed part also
 * reports the node's CPU and this client's over it ({@link ClientCpu}): the client runs on the same cores.
 *
 * <p>Usage: {@code bench/tenant-load [--rows 1000000] [--seconds 10] [--only throughput|latency|recovery]
 * [--latency-senders 16] [--rate 1000] [--warmup-seconds 5]}. The latency scenario's senders are
 * sequential: each waits for its acknowledgement (a group's fsync), so it needs enough of them to offer
 * the rate. Its first {@code --warmup-seconds} run the same paced load unmeasured (a fresh JVM compiles
 * its hot paths then).
 */
public final class TenantLoad {
    private static final HttpClient HTTP =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    public static void main(String[] args) throws Exception {
        Options options = new Options(args);
        Path jar = Path.of(options.get("--jar", "cluster/target/shardview.jar"));
        int seconds = options.getInt("--seconds", 10);
        int recoveryRows = options.getInt("--rows", 1000000);
        String javaOpts = options.get("--java-opts", "-Xmx8g");
        Path data = Files.createTempDirectory("shardview-load");

        String only = options.get("--only", "all"); // all, throughput, latency or recovery
        if (!only.equals("recovery"))
            try (NodeUnderTest node = NodeUnderTest.start(jar, data, javaOpts)) {
                if (!only.equals("latency")) {
                    for (int senders : new int[] {2, 16}) {
                        for (int batch : new int[] {1, 100, 10_000}) throughput(node, batch, seconds, senders);
                    }
                }
                if (!only.equals("throughput")) {
                    latency(
                            node,
                            seconds,
                            options.getInt("--rate", 1000),
                            options.getInt("--latency-senders", 16),
                            options.getInt("--warmup-seconds", 5));
                }
            }
        if (only.equals("all") || only.equals("recovery")) {
            recovery(jar, Files.createTempDirectory("shardview-recovery"), javaOpts, recoveryRows);
        }
    }

    // ---- throughput ------------------------------------------------------------------------

    private static void throughput(NodeUnderTest node, int batchSize, int seconds, int sendersCount) throws Exception {
        String url = node.url;
        String tenant = "tp" + batchSize + "-" + sendersCount;
        setUp(url, tenant, 1);
        AtomicLong batches = new AtomicLong();
        AtomicLong nextId = new AtomicLong();
        ClientCpu.Interval cpu = ClientCpu.begin(node.pid());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        long start = System.nanoTime();
        List<Thread> senders = new ArrayList<>();
        for (int s = 0; s < sendersCount; s++) {
            Thread sender = new Thread(() -> {
                while (System.nanoTime() < deadline) {
                    long first = nextId.getAndAdd(batchSize);
                    post(url + "/v1/tenants/" + tenant + "/ingest", "application/x-ndjson", ndjson(first, batchSize));
                    batches.incrementAndGet();
                }
            });
            senders.add(sender);
            sender.start();
        }
        for (Thread sender : senders) sender.join();
        double elapsed = (System.nanoTime() - start) / 1e9;
        ClientCpu used = cpu.end("node");
        System.out.printf(
                "throughput batch=%d senders=%d: %.0f batches/s, %.0f row changes/s (%d batches in %.1f s, 1 filter/project view)%n",
                batchSize,
                sendersCount,
                batches.get() / elapsed,
                batches.get() * batchSize / elapsed,
                batches.get(),
                elapsed);
        used.print();
    }

    // ---- ack -> change event latency ------------------------------------------------------------

    private static void latency(NodeUnderTest node, int seconds, int rate, int workers, int warmupSeconds)
            throws Exception {
        String url = node.url;
        String tenant = "lat";
        setUp(url, tenant, 1);
        Map<Long, Long> ackedAt = new ConcurrentHashMap<>();
        Map<Long, Long> eventAt = new ConcurrentHashMap<>();
        Thread subscriber = subscribe(url + "/v1/tenants/" + tenant + "/views/v0/changes?from=1", eventAt);
        Thread.sleep(500);
        long warmup = (long) rate * warmupSeconds;
        long total = warmup + (long) rate * seconds;
        AtomicLong next = new AtomicLong();
        List<Long> requestNanos = java.util.Collections.synchronizedList(new ArrayList<>());
        long start = System.nanoTime();
        long measuredFrom = start + warmup * 1_000_000_000L / rate;
        // a fixed pool of sequential senders on persistent connections, each batch sent at its due time
        List<Thread> senders = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
            Thread sender = new Thread(() -> {
                for (long i; (i = next.getAndIncrement()) < total; ) {
                    long due = start + i * 1_000_000_000L / rate;
                    long wait = due - System.nanoTime();
                    if (wait > 0) java.util.concurrent.locks.LockSupport.parkNanos(wait);
                    long sent = System.nanoTime();
                    String reply = postReply(
                            url + "/v1/tenants/" + tenant + "/ingest", "application/x-ndjson", ndjson(i * 10, 10));
                    long now = System.nanoTime();
                    if (i < warmup) continue;
                    ackedAt.put(version(reply), now);
                    requestNanos.add(now - sent);
                }
            });
            senders.add(sender);
            sender.start();
        }
        Thread.sleep(Math.max(0, (measuredFrom - System.nanoTime()) / 1_000_000));
        ClientCpu.Interval cpu = ClientCpu.begin(node.pid());
        for (Thread sender : senders) sender.join();
        double elapsed = (System.nanoTime() - measuredFrom) / 1e9;
        ClientCpu used = cpu.end("node");
        Thread.sleep(1000);
        subscriber.interrupt();
        long[] requests =
                requestNanos.stream().mapToLong(Long::longValue).sorted().toArray();
        long[] deltas = ackedAt.entrySet().stream()
                .filter(e -> eventAt.containsKey(e.getKey()))
                .mapToLong(e -> eventAt.get(e.getKey()) - e.getValue())
                .sorted()
                .toArray();
        long missing =
                ackedAt.keySet().stream().filter(v -> !eventAt.containsKey(v)).count();
        System.out.printf(
                "latency at %d batches/s of 10 ops (achieved %.0f/s, %d senders): ack->SSE event p50 %.2f ms, p99 %.2f ms,"
                        + " max %.2f ms; %d events, %d acks without event; negative = event before ack;"
                        + " ingest request p50 %.2f ms, p99 %.2f ms%n",
                rate,
                (total - warmup) / elapsed,
                workers,
                percentile(deltas, 0.50) / 1e6,
                percentile(deltas, 0.99) / 1e6,
                deltas.length == 0 ? 0 : deltas[deltas.length - 1] / 1e6,
                deltas.length,
                missing,
                percentile(requests, 0.50) / 1e6,
                percentile(requests, 0.99) / 1e6);
        used.print();
    }

    private static Thread subscribe(String url, Map<Long, Long> eventAt) {
        Thread reader = new Thread(() -> {
            try {
                HttpResponse<java.io.InputStream> response = HTTP.send(
                        HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofInputStream());
                BufferedReader in = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8));
                for (String line; (line = in.readLine()) != null; ) {
                    if (line.startsWith("id: ")) eventAt.put(Long.parseLong(line.substring(4)), System.nanoTime());
                }
            } catch (Exception stopped) {
                // interrupted at the end of the run
            }
        });
        reader.setDaemon(true);
        reader.start();
        return reader;
    }

    // ---- recovery -------------------------------------------------------------------------------

    private static void recovery(Path jar, Path data, String javaOpts, int rows) throws Exception {
        String tenant = "big";
        long ingestStart;
        double ingestSeconds;
        ClientCpu ingestCpu;
        try (NodeUnderTest node = NodeUnderTest.start(jar, data, javaOpts)) {
            setUp(node.url, tenant, 10);
            allowStateRows(node.url, tenant, 30L * rows);
            ClientCpu.Interval cpu = ClientCpu.begin(node.pid());
            ingestStart = System.nanoTime();
            for (long first = 0; first < rows; first += 10_000) {
                ingestWithRetry(node.url + "/v1/tenants/" + tenant + "/ingest", "b" + first, ndjson(first, (int)
                        Math.min(10_000, rows - first)));
            }
            ingestSeconds = (System.nanoTime() - ingestStart) / 1e9;
            ingestCpu = cpu.end("node");
        }
        long dataBytes;
        try (var files = Files.walk(data)) {
            dataBytes = files.filter(Files::isRegularFile)
                    .mapToLong(p -> p.toFile().length())
                    .sum();
        }
        try (NodeUnderTest node = NodeUnderTest.start(jar, data, javaOpts)) {
            ClientCpu.Interval cpu = ClientCpu.begin(node.pid());
            long start = System.nanoTime();
            String body = get(node.url + "/v1/tenants/" + tenant);
            while (body.contains("\"error\"") && System.nanoTime() - start < TimeUnit.MINUTES.toNanos(5)) {
                body = get(node.url + "/v1/tenants/" + tenant); // 503 while the entity is still recovering
            }
            double recoverySeconds = (System.nanoTime() - start) / 1e9;
            ClientCpu recoveryCpu = cpu.end("node");
            if (!body.contains("\"rows\":" + rows)) {
                throw new IllegalStateException(
                        "recovered tenant lacks rows: " + body.substring(0, Math.min(300, body.length())));
            }
            System.out.printf(
                    "recovery of %d rows, 10 views: ingest took %.1f s, recovery (first request after restart) %.2f s"
                            + " = %.1f%% of ingest; data directory %.0f MB%n",
                    rows, ingestSeconds, recoverySeconds, 100 * recoverySeconds / ingestSeconds, dataBytes / 1e6);
            System.out.println("  ingest: " + ingestCpu.line());
            System.out.println("  recovery: " + recoveryCpu.line());
        }
    }

    // ---- plumbing -------------------------------------------------------------------------------

    /**
     * Raises the tenant's max-state-rows budget (PUT .../budgets; the bench node runs without auth): a table of N rows
     * and 10 views over it hold about 10 N rows of state, past the default budget of 10M at 1M rows.
     */
    static void allowStateRows(String url, String tenant, long rows) throws Exception {
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(URI.create(url + "/v1/tenants/" + tenant + "/budgets"))
                        .header("Content-Type", "application/json")
                        .PUT(HttpRequest.BodyPublishers.ofString("{\"max-state-rows\": " + rows + "}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) throw new IllegalStateException("budgets: " + response.body());
    }

    /** Creates the tenant's table {@code ev} and {@code views} filter/project views v0, v1, ... */
    private static void setUp(String url, String tenant, int views) {
        post(url + "/v1/tenants/" + tenant + "/sql", "application/sql", setUpSql(views));
    }

    /** The SQL that creates table {@code ev} and {@code views} filter/project views over it. */
    static String setUpSql(int views) {
        StringBuilder sql =
                new StringBuilder("CREATE TABLE ev (id BIGINT NOT NULL, k INT, v DOUBLE, s VARCHAR, PRIMARY KEY (id))");
        for (int i = 0; i < views; i++) {
            sql.append("; CREATE VIEW v")
                    .append(i)
                    .append(" AS SELECT id, v * 2 AS w, s FROM ev WHERE k % ")
                    .append(views + 1)
                    .append(" <> ")
                    .append(i);
        }
        return sql.toString();
    }

    /** {@code count} NDJSON inserts into {@code ev} with ids from {@code firstId}. */
    static String ndjson(long firstId, int count) {
        StringBuilder body = new StringBuilder(count * 80);
        for (long id = firstId; id < firstId + count; id++) {
            body.append("{\"op\":\"insert\",\"table\":\"ev\",\"row\":{\"id\":")
                    .append(id)
                    .append(",\"k\":")
                    .append(id % 97)
                    .append(",\"v\":")
                    .append(id * 0.5)
                    .append(",\"s\":\"s")
                    .append(id % 1000)
                    .append("\"}}\n");
        }
        return body.toString();
    }

    /** As a client should: a 503 is retried with the same batch id, so nothing is applied twice. */
    static void ingestWithRetry(String url, String batchId, String body) throws Exception {
        for (int attempt = 0; ; attempt++) {
            HttpResponse<String> response = HTTP.send(
                    HttpRequest.newBuilder(URI.create(url))
                            .header("Content-Type", "application/x-ndjson")
                            .header("Idempotency-Key", batchId)
                            .POST(HttpRequest.BodyPublishers.ofString(body))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 200) return;
            if (response.statusCode() != 503 || attempt == 20) {
                throw new IllegalStateException(response.statusCode() + ": " + response.body());
            }
            System.out.println("retrying batch " + batchId + " after 503");
            Thread.sleep(1000);
        }
    }

    private static long version(String reply) {
        int at = reply.indexOf("\"version\":") + 10;
        int end = at;
        while (end < reply.length() && Character.isDigit(reply.charAt(end))) end++;
        return Long.parseLong(reply.substring(at, end));
    }

    static void post(String url, String type, String body) {
        postReply(url, type, body);
    }

    private static String postReply(String url, String type, String body) {
        try {
            KeptAlive.Reply reply =
                    KeptAlive.request(URI.create(url), "POST", type, body.getBytes(StandardCharsets.UTF_8));
            if (reply.status() != 200) throw new IllegalStateException(reply.status() + ": " + reply.body());
            return reply.body();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString())
                .body();
    }

    /** "p50 X ms, p99 Y ms, max Z ms" of latencies in nanoseconds (sorted here). */
    static String p50p99max(long[] nanos) {
        long[] sorted = nanos.clone();
        java.util.Arrays.sort(sorted);
        return String.format(
                "p50 %.1f ms, p99 %.1f ms, max %.1f ms",
                percentile(sorted, 0.50) / 1e6,
                percentile(sorted, 0.99) / 1e6,
                sorted.length == 0 ? 0 : sorted[sorted.length - 1] / 1e6);
    }

    static double percentile(long[] sorted, double p) {
        if (sorted.length == 0) return Double.NaN;
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }
}
