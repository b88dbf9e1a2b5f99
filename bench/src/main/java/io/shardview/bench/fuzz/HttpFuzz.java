package io.shardview.bench.fuzz;

import io.shardview.bench.http.NodeUnderTest;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Sends mutated inputs to every parser of the packaged node over HTTP (bench/fuzz-http) and counts
 * the replies by status class, while a watcher checks {@code /health} throughout; the node must answer
 * no input with a 5xx and be alive at the end. Replies of 5xx, and inputs the client could not get an
 * answer to, are written under {@code --out} with the request that caused them.
 *
 * <p>Options: {@code --inputs N} per parser (1,000,000), {@code --targets a,b} (all), {@code --seed S},
 * {@code --in-flight N} requests at once over all parsers (36), {@code --minutes M} at most (600; every
 * parser then stops, whatever it reached), {@code --java-opts "..."} of the node (-Xmx2g),
 * {@code --jar J} (cluster/target/shardview.jar), {@code --out DIR} (bench/results/fuzz-http).
 */
public final class HttpFuzz {
    private static final int CLASSES = 6; // 1xx..5xx by status / 100, and 0 for no reply

    private HttpFuzz() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) options.put(args[i], args[i + 1]);
        long inputs = Long.parseLong(options.getOrDefault("--inputs", "1000000"));
        long seed = Long.parseLong(options.getOrDefault("--seed", "1"));
        int inFlight = Integer.parseInt(options.getOrDefault("--in-flight", "36"));
        Path jar = Path.of(options.getOrDefault("--jar", "cluster/target/shardview.jar"));
        Path out = Path.of(options.getOrDefault("--out", "bench/results/fuzz-http"));
        Files.createDirectories(out);
        List<FuzzTarget> targets = new ArrayList<>(FuzzTargets.all(System.currentTimeMillis()));
        if (options.containsKey("--targets")) {
            List<String> chosen = Arrays.asList(options.get("--targets").split(","));
            targets.removeIf(t -> !chosen.contains(t.name()));
        }
        Path data = Files.createTempDirectory("shardview-fuzz-http");
        PrintStream log = System.out;
        try (NodeUnderTest node = NodeUnderTest.start(jar, data, options.getOrDefault("--java-opts", "-Xmx2g"))) {
            // A fuzzer stopped early (Ctrl-C, SIGTERM) stops its node too, rather than leaving it running.
            Runtime.getRuntime().addShutdownHook(new Thread(node.process::destroy));
            HttpClient client = HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(10))
                    .build();
            prepare(client, node.url);
            HealthWatch health = new HealthWatch(client, node);
            Thread watcher = new Thread(health, "health-watch");
            watcher.setDaemon(true);
            watcher.start();
            long started = System.nanoTime();
            long deadline =
                    started + TimeUnit.MINUTES.toNanos(Long.parseLong(options.getOrDefault("--minutes", "600")));
            Counts counts = run(client, node.url, targets, inputs, seed, inFlight, deadline, out, log, health);
            health.stop();
            watcher.join();
            long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
            boolean alive = node.process.isAlive();
            int finalHealth = alive ? health.probe() : -1;
            log.printf(
                    "%nfuzz-http: up to %d inputs per parser, seed %d, %d s, node alive at the end: %s (final /health %d)%n",
                    inputs, seed, seconds, alive, finalHealth);
            log.printf(
                    "/health probes: %d, failed: %d, slowest: %d ms%n",
                    health.probes.get(), health.failures.get(), health.slowestMillis.get());
            log.println(counts.table(targets));
            if (!alive || counts.total5xx() > 0 || health.failures.get() > 0) System.exit(1);
        } finally {
            deleteTree(data);
        }
    }

    /** The ingest tenant's tables and the export tenant's series, so that reads and exports have something to read. */
    private static void prepare(HttpClient client, String base) throws Exception {
        expect(
                200,
                client.send(
                        HttpRequest.newBuilder(URI.create(base + "/v1/tenants/" + FuzzTargets.INGEST_TENANT + "/sql"))
                                .header("Content-Type", "application/sql")
                                .POST(HttpRequest.BodyPublishers.ofString(FuzzTargets.INGEST_SCHEMA))
                                .build(),
                        HttpResponse.BodyHandlers.ofString()));
        long now = System.currentTimeMillis();
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            lines.append("cpu,host=h")
                    .append(i % 20)
                    .append(",job=")
                    .append(i % 3 == 0 ? "ab".repeat(1000) : "x")
                    .append(" user=")
                    .append(i)
                    .append(' ')
                    .append(now - i * 1000L)
                    .append('\n');
        }
        expect(
                204,
                client.send(
                        HttpRequest.newBuilder(URI.create(base + "/v1/tenants/" + FuzzTargets.EXPORT_TENANT
                                        + "/influx/write?precision=ms"))
                                .POST(HttpRequest.BodyPublishers.ofString(lines.toString()))
                                .build(),
                        HttpResponse.BodyHandlers.ofString()));
    }

    private static void expect(int status, HttpResponse<String> response) {
        if (response.statusCode() != status) {
            throw new IllegalStateException(
                    "set-up expected " + status + ", got " + response.statusCode() + ": " + response.body());
        }
    }

    /**
     * One lane per parser, each with its own mutator and its own share of requests in flight, so that a
     * slow parser (SQL planning) does not hold back the cheap ones; each lane stops after its inputs or at
     * the deadline, whichever comes first.
     */
    private static Counts run(
            HttpClient client,
            String base,
            List<FuzzTarget> targets,
            long inputs,
            long seed,
            int inFlight,
            long deadlineNanos,
            Path out,
            PrintStream log,
            HealthWatch health)
            throws Exception {
        Counts counts = new Counts(targets.size());
        List<Thread> lanes = new ArrayList<>();
        int perLane = Math.max(1, inFlight / targets.size());
        for (int t = 0; t < targets.size(); t++) {
            int targetIndex = t;
            FuzzTarget target = targets.get(t);
            Thread lane = new Thread(
                    () -> {
                        Semaphore slots = new Semaphore(perLane);
                        Random random = new Random(seed * 31 + targetIndex);
                        Mutator mutator = new Mutator(random, 256 * 1024);
                        try {
                            for (long i = 0; i < inputs && System.nanoTime() < deadlineNanos; i++) {
                                byte[] input = mutator.mutate(target.seeds(), target.dictionary());
                                HttpRequest request = target.requests()
                                        .make(base, input, i, random)
                                        .timeout(Duration.ofSeconds(60))
                                        .build();
                                slots.acquire();
                                client.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
                                        .whenComplete((response, failure) -> {
                                            try {
                                                int status = failure == null ? response.statusCode() : 0;
                                                counts.add(targetIndex, status);
                                                if (status >= 500 || status == 0) {
                                                    counts.keep(
                                                            out,
                                                            target.name(),
                                                            request,
                                                            input,
                                                            failure == null
                                                                    ? new String(
                                                                            response.body(), StandardCharsets.UTF_8)
                                                                    : failure.toString());
                                                }
                                            } finally {
                                                slots.release();
                                            }
                                        });
                            }
                            slots.acquire(perLane); // every reply in
                        } catch (Exception e) {
                            throw new IllegalStateException(target.name() + " lane failed", e);
                        }
                    },
                    "lane-" + target.name());
            lane.start();
            lanes.add(lane);
        }
        while (lanes.stream().anyMatch(Thread::isAlive)) {
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            for (Thread lane : lanes) lane.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(until - System.nanoTime())));
            log.printf(
                    "%s: 5xx %d, no reply %d, /health failures %d of %d%n%s%n",
                    java.time.Instant.now(),
                    counts.total5xx(),
                    counts.totalNoReply(),
                    health.failures.get(),
                    health.probes.get(),
                    counts.table(targets));
        }
        return counts;
    }

    /** Replies per target and status class; 5xx replies and failed exchanges kept for a look. */
    private static final class Counts {
        private final AtomicLongArray byClass;
        private final AtomicLong kept = new AtomicLong();

        Counts(int targets) {
            byClass = new AtomicLongArray(targets * CLASSES);
        }

        void add(int target, int status) {
            byClass.incrementAndGet(target * CLASSES + Math.min(status / 100, CLASSES - 1));
        }

        long total5xx() {
            long sum = 0;
            for (int i = 5; i < byClass.length(); i += CLASSES) sum += byClass.get(i);
            return sum;
        }

        long totalNoReply() {
            long sum = 0;
            for (int i = 0; i < byClass.length(); i += CLASSES) sum += byClass.get(i);
            return sum;
        }

        void keep(Path out, String target, HttpRequest request, byte[] input, String reply) {
            long n = kept.incrementAndGet();
            if (n > 200) return;
            try {
                Files.write(out.resolve(target + "-" + n + ".input"), input);
                Files.writeString(
                        out.resolve(target + "-" + n + ".txt"),
                        request.method() + " " + request.uri() + "\n"
                                + request.headers().map() + "\n\n" + reply + "\n");
            } catch (IOException e) {
                System.err.println("cannot keep a failing input: " + e);
            }
        }

        String table(List<FuzzTarget> targets) {
            StringBuilder table = new StringBuilder(
                    "| parser | inputs | 2xx | 4xx | 5xx | no reply |\n|---|---:|---:|---:|---:|---:|\n");
            for (int t = 0; t < targets.size(); t++) {
                long total = 0;
                for (int c = 0; c < CLASSES; c++) total += byClass.get(t * CLASSES + c);
                table.append(String.format(
                        "| %s | %,d | %,d | %,d | %,d | %,d |%n",
                        targets.get(t).name(),
                        total,
                        byClass.get(t * CLASSES + 2),
                        byClass.get(t * CLASSES + 4),
                        byClass.get(t * CLASSES + 5),
                        byClass.get(t * CLASSES)));
            }
            return table.toString();
        }
    }

    /** Probes /health every 250 ms while the run lasts. */
    private static final class HealthWatch implements Runnable {
        private final HttpClient client;
        private final NodeUnderTest node;
        final AtomicLong probes = new AtomicLong();
        final AtomicLong failures = new AtomicLong();
        final AtomicLong slowestMillis = new AtomicLong();
        private volatile boolean running = true;

        HealthWatch(HttpClient client, NodeUnderTest node) {
            this.client = client;
            this.node = node;
        }

        @Override
        public void run() {
            while (running) {
                long started = System.nanoTime();
                int status = probe();
                probes.incrementAndGet();
                slowestMillis.accumulateAndGet(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), Math::max);
                if (status != 200 || !node.process.isAlive()) {
                    failures.incrementAndGet();
                    System.err.println("/health answered " + status + ", node alive: " + node.process.isAlive());
                }
                try {
                    Thread.sleep(250);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        int probe() {
            try {
                return client.send(
                                HttpRequest.newBuilder(URI.create(node.url + "/health"))
                                        .timeout(Duration.ofSeconds(5))
                                        .build(),
                                HttpResponse.BodyHandlers.discarding())
                        .statusCode();
            } catch (IOException | InterruptedException e) {
                return 0;
            }
        }

        void stop() {
            running = false;
        }
    }

    private static void deleteTree(Path root) throws IOException {
        try (var paths = Files.walk(root)) {
            paths.sorted(java.util.Comparator.reverseOrder())
                    .forEach(p -> p.toFile().delete());
        }
    }
}
