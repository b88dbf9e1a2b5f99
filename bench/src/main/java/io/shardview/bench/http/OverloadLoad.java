package io.shardview.bench.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.BitSet;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Overload of one node (issue "The node as users run it", item 5). Measures the node's capacity in batches per second
 * with closed-loop senders, then offers 120% of it, open-loop (batches are sent on a clock, not when replies come),
 * for the given time, and checks what the node promises under overload:
 * <ul>
 *   <li>every reply is 2xx, 429 or 503 (with Retry-After), never a transport error or a timeout (a 504
 *       outcome_unknown is counted apart: it must not happen on a healthy node);
 *   <li>the resident set stays flat (sampled every 5 s; the curve is printed and written as CSV);
 *   <li>every acknowledged batch is present afterwards, and no batch answered 429 or 503 is.
 * </ul>
 * A batch is one row in a ledger table, keyed by the batch's number, and 99 upserts over a bounded key space feeding a
 * grouped view and a filtered one: the state the views keep stays bounded while the ledger proves each batch.
 *
 * <p>Usage: {@code bench/overload [--seconds 600] [--capacity-seconds 30] [--capacity-senders 64]
 * [--warmup-seconds 20] [--factor 1.2] [--java-opts "..."] [--max-in-flight 512]}. Capacity is measured after a
 * warm-up, with enough concurrent senders that group commit writes full groups. Without {@code --java-opts} the node
 * is started as users start it, by the launcher ({@code ./shardview serve}) with its default heap; with them, by
 * {@code java OPTS -jar}. Both phases send with {@link OpenLoopClient}, which costs the machine the node shares a
 * small part of what the JDK's HTTP client did.
 */
public final class OverloadLoad {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private static final String TENANT = "overload";
    private static final String INGEST = "/v1/tenants/" + TENANT + "/ingest";
    private static final int UPSERTS = 99;
    private static final int KEYS = 100_000;

    public static void main(String[] args) throws Exception {
        Options options = new Options(args);
        Path jar = Path.of(options.get("--jar", "cluster/target/shardview.jar"));
        int seconds = options.getInt("--seconds", 600);
        int capacitySeconds = options.getInt("--capacity-seconds", 30);
        double factor = Double.parseDouble(options.get("--factor", "1.2"));
        int maxInFlight = options.getInt("--max-in-flight", 512);
        Path data = Files.createTempDirectory("shardview-overload");
        Path results = Path.of("bench/results");
        Files.createDirectories(results);
        String javaOpts = options.get("--java-opts", null);
        try (NodeUnderTest node = javaOpts == null
                ? NodeUnderTest.startWithLauncher(Path.of("shardview").toAbsolutePath(), data)
                : NodeUnderTest.start(jar, data, javaOpts)) {
            System.out.println(
                    javaOpts == null
                            ? "node: ./shardview serve, the launcher's defaults (max heap "
                                    + (heapGauge(node.url, "jvm_memory_max_bytes") >> 20) + " MiB)"
                            : "node: java " + javaOpts + " -jar " + jar + " serve");
            setUp(node.url);
            long rssIdle = ProcessResources.residentBytes(node.pid()) >> 20;
            System.out.printf("resident set of the idle node: %d MiB%n", rssIdle);
            URI uri = URI.create(node.url);
            InetSocketAddress address = new InetSocketAddress(uri.getHost(), uri.getPort());
            AtomicLong batchNumbers = new AtomicLong();
            int senders = options.getInt("--capacity-senders", 64);
            double capacity;
            try (OpenLoopClient closedLoop = new OpenLoopClient(address, senders)) {
                // The JVM compiles its hot paths.
                capacity(closedLoop, options.getInt("--warmup-seconds", 20), senders, batchNumbers);
                capacity = capacity(closedLoop, capacitySeconds, senders, batchNumbers);
            }
            System.out.printf(
                    "capacity: %.0f batches/s (%.0f ops/s), closed loop, %d senders, %d s after a warm-up%n",
                    capacity, capacity * (UPSERTS + 1), senders, capacitySeconds);
            double rate = capacity * factor;
            ClientCpu.Interval cpu = ClientCpu.begin(node.pid());
            Outcomes outcomes;
            try (OpenLoopClient openLoop = new OpenLoopClient(address, maxInFlight)) {
                outcomes = offer(
                        node,
                        openLoop,
                        rate,
                        seconds,
                        batchNumbers,
                        results.resolve("overload-rss-" + System.currentTimeMillis() / 1000 + ".csv"),
                        rssIdle);
            }
            System.out.printf(
                    "offered %.0f batches/s (%.0f%% of capacity) for %d s: %s%n",
                    rate, factor * 100, seconds, outcomes.summary());
            cpu.end("node").print();
            System.out.printf(
                    "after the load: resident set %d MiB, live heap after a full GC %d MiB%n",
                    ProcessResources.residentBytes(node.pid()) >> 20,
                    ProcessResources.heapAfterFullGc(node.pid()) >> 20);
            verify(node.url, outcomes);
        }
    }

    private static void setUp(String url) throws Exception {
        HttpResponse<String> reply = post(
                url + "/v1/tenants/" + TENANT + "/sql",
                "application/sql",
                "CREATE TABLE ledger (batch BIGINT NOT NULL, n INT, PRIMARY KEY (batch));"
                        + "CREATE TABLE kv (k BIGINT NOT NULL, g INT, v BIGINT, PRIMARY KEY (k));"
                        + "CREATE VIEW by_g AS SELECT g, COUNT(*) AS n, SUM(v) AS s FROM kv GROUP BY g;"
                        + "CREATE VIEW high AS SELECT k, v FROM kv WHERE v > 900000");
        if (reply.statusCode() != 200) throw new IllegalStateException("set-up failed: " + reply.body());
    }

    /** A batch, its ledger row and 99 upserts over the bounded key space, as a POST with {@code head}. */
    private static ByteBuffer batch(byte[] head, long number) {
        OpenLoopClient.Post body = new OpenLoopClient.Post(head, 8 * 1024);
        body.append("{\"batch_id\":\"b")
                .append(number)
                .append("\",\"ops\":[")
                .append("{\"op\":\"insert\",\"table\":\"ledger\",\"row\":{\"batch\":")
                .append(number)
                .append(",\"n\":")
                .append(UPSERTS)
                .append("}}");
        for (int i = 0; i < UPSERTS; i++) {
            long k = (number * 7919 + i * 104_729L) % KEYS;
            body.append(",{\"op\":\"upsert\",\"table\":\"kv\",\"row\":{\"k\":")
                    .append(k)
                    .append(",\"g\":")
                    .append(k % 100)
                    .append(",\"v\":")
                    .append((number * 31 + i) % 1_000_000)
                    .append("}}");
        }
        return body.append("]}").request();
    }

    /** Acknowledged batches per second from {@code senders} closed-loop senders over {@code client}'s connections. */
    private static double capacity(OpenLoopClient client, int seconds, int senders, AtomicLong numbers)
            throws Exception {
        byte[] head = client.postHead(INGEST, "application/json");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        LongAdder acknowledged = new LongAdder();
        long start = System.nanoTime();
        for (int s = 0; s < senders; s++) sendUntil(client, head, deadline, numbers, acknowledged);
        client.awaitReplies();
        return acknowledged.sum() / ((System.nanoTime() - start) / 1e9);
    }

    /** One closed-loop sender: a batch, and the next once its reply is in, until the deadline or a transport error. */
    private static void sendUntil(
            OpenLoopClient client, byte[] head, long deadline, AtomicLong numbers, LongAdder acknowledged) {
        long number = numbers.getAndIncrement();
        boolean sent = client.send(() -> batch(head, number), (status, retryAfter, tenantNode, error) -> {
            if (error != null) {
                System.err.println("a capacity sender stopped: " + kind(error));
                return;
            }
            if (status == 200) acknowledged.increment();
            if (System.nanoTime() < deadline) sendUntil(client, head, deadline, numbers, acknowledged);
        });
        if (!sent) throw new IllegalStateException("more senders than connections");
    }

    /** What the node answered, by batch number. */
    static final class Outcomes {
        final BitSet acknowledged = new BitSet();
        final BitSet refused = new BitSet(); // 429 or 503: nothing applied
        final BitSet unknown = new BitSet(); // 504 outcome_unknown
        final Map<String, LongAdder> byStatus = new ConcurrentHashMap<>();
        final LongAdder transportErrors = new LongAdder();
        final Map<String, LongAdder> transportErrorKinds = new ConcurrentHashMap<>();
        final LongAdder notSent = new LongAdder();
        final LongAdder retryAfterMissing = new LongAdder();
        long firstNumber;
        long lastNumber;

        synchronized void record(long number, int status, boolean retryAfter) {
            byStatus.computeIfAbsent(Integer.toString(status), s -> new LongAdder())
                    .increment();
            if (status == 200) acknowledged.set((int) (number - firstNumber));
            else if (status == 429 || status == 503) {
                refused.set((int) (number - firstNumber));
                if (!retryAfter) retryAfterMissing.increment();
            } else if (status == 504) unknown.set((int) (number - firstNumber));
        }

        String summary() {
            Map<String, Long> statuses = new TreeMap<>();
            byStatus.forEach((status, n) -> statuses.put(status, n.sum()));
            Map<String, Long> kinds = new TreeMap<>();
            transportErrorKinds.forEach((kind, n) -> kinds.put(kind, n.sum()));
            return "replies " + statuses + ", transport errors " + transportErrors.sum()
                    + (kinds.isEmpty() ? "" : " " + kinds)
                    + ", not sent (client cap) "
                    + notSent.sum() + ", 429/503 without Retry-After " + retryAfterMissing.sum();
        }
    }

    /** The offered load over {@code client}, whose connections are the most batches in flight. */
    private static Outcomes offer(
            NodeUnderTest node,
            OpenLoopClient client,
            double rate,
            int seconds,
            AtomicLong numbers,
            Path rssCsv,
            long rssIdle)
            throws Exception {
        Outcomes outcomes = new Outcomes();
        outcomes.firstNumber = numbers.get();
        byte[] head = client.postHead(INGEST, "application/json");
        ScheduledExecutorService clock = Executors.newScheduledThreadPool(2);
        long periodNanos = (long) (1e9 / rate);
        long start = System.nanoTime();
        long end = start + TimeUnit.SECONDS.toNanos(seconds);
        clock.scheduleAtFixedRate(
                () -> {
                    if (System.nanoTime() >= end) return;
                    long number = numbers.getAndIncrement();
                    boolean sent = client.send(() -> batch(head, number), (status, retryAfter, tenantNode, error) -> {
                        if (error != null) {
                            outcomes.transportErrors.increment();
                            outcomes.transportErrorKinds
                                    .computeIfAbsent(kind(error), k -> new LongAdder())
                                    .increment();
                        } else outcomes.record(number, status, retryAfter);
                    });
                    if (!sent) outcomes.notSent.increment();
                },
                0,
                periodNanos,
                TimeUnit.NANOSECONDS);
        try (PrintWriter csv = new PrintWriter(Files.newBufferedWriter(rssCsv, StandardCharsets.UTF_8))) {
            // The resident set and the heap the JVM has committed, with no full GC forced (a full GC gives committed
            // heap back, which would flatter the curve); the live heap is read once, after the load.
            csv.println("seconds,rss_mib,committed_heap_mib");
            long rssBefore = ProcessResources.residentBytes(node.pid()) >> 20;
            System.out.printf("t=   0 s  rss %5d MiB (after measuring the capacity)%n", rssBefore);
            long rssMax = rssBefore;
            while (System.nanoTime() < end) {
                Thread.sleep(5000);
                long elapsed = (System.nanoTime() - start) / 1_000_000_000L;
                long rss = ProcessResources.residentBytes(node.pid()) >> 20;
                long committed = heapGauge(node.url, "jvm_memory_committed_bytes") >> 20;
                rssMax = Math.max(rssMax, rss);
                csv.println(elapsed + "," + rss + "," + committed);
                csv.flush();
                if (elapsed % 30 < 5)
                    System.out.printf(
                            "t=%4d s  rss %5d MiB  committed heap %5d MiB  %s%n",
                            elapsed, rss, committed, outcomes.summary());
            }
            System.out.printf(
                    "resident set: %d MiB idle, %d MiB after measuring the capacity, at most %d MiB during the offered"
                            + " load: +%d MiB over the idle node%n",
                    rssIdle, rssBefore, rssMax, rssMax - rssIdle);
        }
        clock.shutdown();
        clock.awaitTermination(10, TimeUnit.SECONDS);
        client.awaitReplies(); // every reply in
        outcomes.lastNumber = numbers.get() - 1;
        System.out.println("RSS curve (MiB, every 5 s): " + rssCsv);
        return outcomes;
    }

    /** A heap gauge of the node's JVM from its /metrics, e.g. {@code jvm_memory_committed_bytes{area="heap"}}. */
    private static long heapGauge(String url, String name) throws Exception {
        String page = HTTP.send(
                        HttpRequest.newBuilder(URI.create(url + "/metrics")).build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^" + name + "\\{area=\"heap\"\\} (\\S+)$")
                .matcher(page);
        if (!m.find()) throw new IllegalStateException("no " + name + " in the node's /metrics");
        return (long) Double.parseDouble(m.group(1));
    }

    /** A transport error's kind: its innermost cause's class and message, numbers left out so that kinds group. */
    static String kind(Throwable error) {
        Throwable cause = error;
        while (cause.getCause() != null) cause = cause.getCause();
        String message =
                cause.getMessage() == null ? "" : ": " + cause.getMessage().replaceAll("\\d+", "N");
        return cause.getClass().getSimpleName() + message;
    }

    /** Every acknowledged batch's ledger row is there, and no refused one's. */
    private static void verify(String url, Outcomes outcomes) throws Exception {
        BitSet present = new BitSet();
        String after = null;
        do {
            String page = url + "/v1/tenants/" + TENANT + "/tables/ledger?limit=100000"
                    + (after == null ? "" : "&after=" + after);
            JsonNode rows = JSON.readTree(
                    HTTP.send(HttpRequest.newBuilder(URI.create(page)).build(), HttpResponse.BodyHandlers.ofString())
                            .body());
            for (JsonNode row : rows.path("rows")) {
                long batch = row.path("batch").asLong();
                if (batch >= outcomes.firstNumber) present.set((int) (batch - outcomes.firstNumber));
            }
            after = rows.path("next").isNull() ? null : rows.path("next").asText();
        } while (after != null);
        BitSet lost = (BitSet) outcomes.acknowledged.clone();
        lost.andNot(present);
        BitSet appliedThoughRefused = (BitSet) outcomes.refused.clone();
        appliedThoughRefused.and(present);
        BitSet unknownPresent = (BitSet) outcomes.unknown.clone();
        unknownPresent.and(present);
        System.out.printf(
                "verified: %d acknowledged batches, %d missing; %d refused (429/503), %d of them applied; "
                        + "%d outcome_unknown, %d of them applied%n",
                outcomes.acknowledged.cardinality(),
                lost.cardinality(),
                outcomes.refused.cardinality(),
                appliedThoughRefused.cardinality(),
                outcomes.unknown.cardinality(),
                unknownPresent.cardinality());
        if (!lost.isEmpty() || !appliedThoughRefused.isEmpty()) throw new IllegalStateException("promise broken");
    }

    private static HttpResponse<String> post(String url, String type, String body) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(url))
                        .header("Content-Type", type)
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
